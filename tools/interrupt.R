# Interrupts, for real: a second process sends SIGINT to this R process
# while a long computation runs in C, as Ctrl-C does at the console. For
# each computation, interrupted twice: the time from the signal to R's
# interrupt handler (must be under 1 s), that R still computes correctly
# afterwards, and that memory comes back: R's heap after gc() must be the
# same after the second interrupt as after the first (the first may load
# code), and the process's resident memory must not creep over repeated
# interrupts.
#
#   Rscript tools/interrupt.R          (make interrupt)
suppressMessages(library(ckm))
options(ckm.threads = 2L, ckm.load_aware = FALSE) # the same thread count in every run
set.seed(1)
X <- matrix(rnorm(2e6 * 8), ncol = 8)
Xs <- X[1:60000, ]
# wide data: a single assignment pass takes seconds (about 2 s for the
# class pass on two threads), so a check only between passes would answer
# long after the signal
Xw <- matrix(rnorm(8e5 * 50), ncol = 50)
Cw <- Xw[seq(1, nrow(Xw), length.out = 2000), ]
fw <- structure(list(centers = Cw, cluster = rep(1L, 2), tot.withinss = 1),
                class = c("ckm", "kmeans"))
Xp <- matrix(rnorm(2e5 * 200), ncol = 200)          # soft assignment: n x k output
fp <- structure(list(centers = Xp[seq(1, nrow(Xp), length.out = 500), ], cluster = rep(1L, 2),
                     tot.withinss = 1), class = c("ckm", "kmeans"))

rss_mb <- function() {
  s <- readLines("/proc/self/status")
  as.numeric(gsub("[^0-9]", "", grep("^VmRSS", s, value = TRUE))) / 1024
}
heap_mb <- function() {
  g <- gc(full = TRUE)
  sum(g[, 2])
}

stamp <- tempfile()
interrupt_after <- function(expr, delay = 0.8) {
  unlink(stamp)
  system(sprintf("(sleep %.2f; date +%%s.%%N > %s; kill -INT %d) &", delay, stamp,
                 Sys.getpid()))
  caught <- NA_real_
  t0 <- Sys.time()
  out <- tryCatch({ force(expr); "finished" },
                  interrupt = function(e) { caught <<- as.numeric(Sys.time()); "interrupted" })
  Sys.sleep(0.2) # the stamp is written before the signal
  sent <- if (file.exists(stamp)) as.numeric(readLines(stamp)) else NA_real_
  list(out = out, latency = caught - sent, ran = as.numeric(Sys.time() - t0, units = "secs"))
}

cases <- list(
  "ckm_fit lloyd, 2e6 x 8, k = 256" = quote(ckm_fit(X, 256, algorithm = "lloyd", tol = 0)),
  "ckm_fit hamerly, 2e6 x 8, k = 64" = quote(ckm_fit(X, 64, algorithm = "hamerly", tol = 0)),
  "ckm_fit yinyang, 2e6 x 8, k = 640" = quote(ckm_fit(X, 640, algorithm = "yinyang", tol = 0)),
  "ckm_fit hartigan, 2e6 x 8, k = 64" = quote(ckm_fit(X, 64, algorithm = "hartigan")),
  "ckm_fit hartigan-wong, 2e6 x 8, k = 64" = quote(ckm_fit(X, 64, algorithm = "hartigan-wong")),
  "k-means++ seeding, 2e6 x 8, k = 5000" = quote(ckm_fit(X, 5000, max_iter = 1)),
  "greedy k-means++, 2e6 x 8, k = 2000" = quote(ckm_fit(X, 2000, init = "greedy-kmeans++", max_iter = 1)),
  "ckm_elbow, 2e6 x 8, k = 1:40" = quote(ckm_elbow(X, k = 1:40, silhouette = "none")),
  "ckm_silhouette exact, 60000 x 8" = quote(ckm_silhouette(Xs, rep(1:4, 15000), method = "exact")),
  "ckm_minibatch, 2e6 x 8, k = 64" = quote(ckm_minibatch(X, 64, max_no_improvement = NULL, max_iter = 1000)),
  "ckm_kmedians, 2e6 x 8, k = 64" = quote(ckm_kmedians(X, 64, max_iter = 1000)),
  # a single pass of several seconds: checked between blocks of the pass
  "one Lloyd pass, 8e5 x 50, k = 2000" = quote(ckm_fit(Xw, init = Cw, max_iter = 1, algorithm = "lloyd")),
  "predict, 8e5 x 50, k = 2000" = quote(predict(fw, Xw)),
  "predict type = prob, 2e5 x 200, k = 500" = quote(predict(fp, Xp, type = "prob", beta = 1)),
  # k-medoids: BUILD and the swap passes (n^2 each), polled between
  # chunks of candidates
  "ckm_kmedoids, 60000 x 8, k = 20" = quote(ckm_kmedoids(Xs, 20)),
  "ckm_gap, 2e5 x 8, k = 1:10" = quote(ckm_gap(X[1:2e5, ], 1:10, B = 20)),
  "ckm_spectral neighbours, 2e5 x 8" = quote(ckm_spectral(X[1:2e5, ], 2))
)

check_r_works <- function() {
  f <- ckm_fit(iris[, 1:4], init = as.matrix(iris[c(1, 51, 101), 1:4]), tol = 0)
  s <- kmeans(iris[, 1:4], as.matrix(iris[c(1, 51, 101), 1:4]), algorithm = "Lloyd", iter.max = 100)
  stopifnot(identical(unname(f$cluster), unname(s$cluster)))
}
# warm up (load what the checks use) before the baseline
check_r_works()
invisible(interrupt_after(Sys.sleep(0.3), delay = 0.05))
heap0 <- heap_mb()
rss0 <- rss_mb()
n_cases <- length(cases)
result <- character(n_cases)
latency <- heap_growth <- numeric(n_cases)
for (i in seq_len(n_cases)) {
  r1 <- interrupt_after(eval(cases[[i]]))
  check_r_works() # R still computes, and correctly
  h1 <- heap_mb()
  r2 <- interrupt_after(eval(cases[[i]]))
  check_r_works()
  heap_growth[i] <- heap_mb() - h1
  result[i] <- if (r1$out == "interrupted" && r2$out == "interrupted") "interrupted" else "finished"
  latency[i] <- max(r1$latency, r2$latency)
}
res <- data.frame(case = names(cases), result = result, worst_latency_s = latency,
                  heap_growth_mb = heap_growth)
# the same interrupt five more times: resident memory must not creep
for (rep in 1:5) interrupt_after(eval(cases[[1]]), delay = 0.5)
invisible(gc(full = TRUE))
rss_growth <- rss_mb() - rss0

print(res, digits = 3, row.names = FALSE)
cat(sprintf("R heap after all interrupts: %+.1f MB; resident memory: %+.1f MB (X is %.0f MB)\n",
            heap_mb() - heap0, rss_growth, object.size(X) / 2^20))
bad <- res$result != "interrupted" | is.na(res$worst_latency_s) |
  res$worst_latency_s > 1 | abs(res$heap_growth_mb) > 0.05
if (any(bad) || rss_growth > 100) {
  cat("interrupt: FAILED\n")
  quit(status = 1)
}
cat(sprintf("interrupt: all %d computations interrupted twice, worst latency %.3f s\n",
            nrow(res), max(res$worst_latency_s)))

# Busy machines: ckm with 1 and 2 threads, alone and while another process
# keeps one core busy (a plain busy loop in a second R process), side by
# side in one run. The goal: with the competitor, 2 threads never more than
# 10% slower than 1 thread; without it, 2 threads keep their speed-up.
# Three settings: idle; one core busy with ckm's default (load-aware: a call
# leaves the busy core alone, see ?ckm_threads); one core busy with
# options(ckm.load_aware = FALSE), two threads whatever the load.
#
# Usage: Rscript bench/contended.R [reps]   (writes bench/results/contended.csv)
suppressMessages(library(ckm))
args <- commandArgs(trailingOnly = TRUE)
reps <- if (length(args)) as.integer(args[[1]]) else 5L
stopifnot(parallel::detectCores() >= 2L)

set.seed(1)
X <- ckm_blobs(200000, 16, sd = 1.5, d = 8)$X
Xl <- ckm_blobs(50000, 64, sd = 1.5, d = 32)$X
C16 <- X[seq(1, nrow(X), length.out = 16), ]
C64 <- Xl[seq(1, nrow(Xl), length.out = 64), ]
C128 <- X[seq(1, nrow(X), length.out = 128), ]
Cs <- X[seq(1, nrow(X), length.out = 1024), ]
fit16 <- ckm_fit(X, init = C16, max_iter = 5)

work <- list(
  "hamerly 200k x 8, k 16" = function(t) ckm_fit(X, init = C16, tol = 0, algorithm = "hamerly", threads = t),
  "lloyd 200k x 8, k 16" = function(t) ckm_fit(X, init = C16, tol = 0, max_iter = 30, algorithm = "lloyd", threads = t),
  "yinyang 200k x 8, k 128" = function(t) ckm_fit(X, init = C128, tol = 0, max_iter = 60, algorithm = "yinyang", threads = t),
  "lloyd 50k x 32, k 64" = function(t) ckm_fit(Xl, init = C64, tol = 0, max_iter = 30, algorithm = "lloyd", threads = t),
  "kmeans++ 200k x 8, k 1024" = function(t) { set.seed(5); ckm_fit(X, 1024, max_iter = 1, threads = t) },
  "kmeans++ 200k x 8, k 64" = function(t) { set.seed(5); ckm_fit(X, 64, max_iter = 1, threads = t) },
  "predict 200k x 8, k 1024" = function(t) predict(structure(list(centers = Cs, cluster = rep(1L, 2)), class = c("ckm", "kmeans")), X, threads = t),
  "minibatch 200k x 8, k 16" = function(t) { set.seed(6); ckm_minibatch(X, 16, threads = t) },
  "silhouette 6k x 8" = function(t) ckm_silhouette(X[1:6000, ], fit16$cluster[1:6000], threads = t)
)

busy_start <- function() {
  rs <- file.path(R.home("bin"), "Rscript")
  pidfile <- tempfile()
  system2(rs, c("-e", shQuote(sprintf("writeLines(as.character(Sys.getpid()), '%s'); repeat {}", pidfile))),
          wait = FALSE, stdout = FALSE, stderr = FALSE)
  for (i in 1:100) { if (file.exists(pidfile) && length(readLines(pidfile)) == 1L) break; Sys.sleep(0.05) }
  Sys.sleep(0.5)
  as.integer(readLines(pidfile))
}
busy_stop <- function(pid) tools::pskill(pid)

time1 <- function(f, t) { gc(FALSE); unname(system.time(suppressWarnings(f(t)))[["elapsed"]]) }

rows <- list()
settings <- c("idle", "busy, load-aware", "busy, 2 forced")
pid <- NA
for (load in settings) {
  if (load != "idle" && is.na(pid)) pid <- busy_start()
  options(ckm.load_aware = load != "busy, 2 forced")
  for (nm in names(work)) {
    f <- work[[nm]]
    invisible(suppressWarnings(f(1L))); invisible(suppressWarnings(f(2L)))   # warm up
    t1 <- t2 <- numeric(reps)
    for (r in seq_len(reps)) {                    # interleaved: same conditions for both
      t1[r] <- time1(f, 1L)
      t2[r] <- time1(f, 2L)
    }
    rows[[length(rows) + 1L]] <- data.frame(
      load = load, work = nm, t1_median = median(t1), t2_median = median(t2),
      t2_over_t1 = median(t2) / median(t1), t2_worst = max(t2), t1_best = min(t1),
      reps = reps)
    cat(sprintf("%-17s %-28s 1 thread %7.3f s   2 threads %7.3f s   2/1 %5.2f\n", load, nm,
                median(t1), median(t2), median(t2) / median(t1)))
  }
}
if (!is.na(pid)) busy_stop(pid)
res <- do.call(rbind, rows)
dir.create("bench/results", showWarnings = FALSE, recursive = TRUE)
out <- Sys.getenv("CKM_BENCH_OUT", "bench/results/contended.csv")
write.csv(res, out, row.names = FALSE)
cpu <- tryCatch(sub(".*: *", "", grep("model name", readLines("/proc/cpuinfo"), value = TRUE)[1]),
                error = function(e) NA)
cat(sprintf("\nCPU: %s; %d cores; OMP_WAIT_POLICY=%s; GOMP_SPINCOUNT=%s\n", cpu,
            parallel::detectCores(), Sys.getenv("OMP_WAIT_POLICY", "(unset)"),
            Sys.getenv("GOMP_SPINCOUNT", "(unset)")))
cat("written:", out, "\n")

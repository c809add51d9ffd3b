# Mini-batch k-means against the full exact fit, side by side in one run.
#
#   Rscript bench/minibatch.R [--seeds=7] [--n=1000000] [--no-peers]
#
# Data: the 1,000,000 x 8, k = 16 blob matrix of bench/bench.R (centres
# uniform in [-10, 10]^8, sd 2, seed 3). For each seed (set.seed(s) before
# every call, so each method draws its own seeding from the same stream):
#   exact    ckm_fit(X, 16, tol = 0): Lloyd to convergence (at most 300
#            iterations), k-means++ start;
#   greedy   the same from a greedy k-means++ start (the seeding
#            ckm_minibatch uses by default, on samples);
#   default  ckm_fit(X, 16): the default tol = 1e-4;
#   minibatch ckm_minibatch(X, 16): defaults (batch 1024, 3 seedings on
#            samples of 3072 rows, early stopping);
#   and, untimed, exact Lloyd from the mini-batch's own start, which tells
#   the approximation of mini-batch apart from the luck of the seeding.
# scikit-learn's MiniBatchKMeans (same defaults) runs as a peer when
# python3 has it. Two threads. Prints a table per seed and a summary of
# medians, writes bench/results/minibatch.csv.
suppressMessages(library(ckm))
args <- commandArgs(trailingOnly = TRUE)
opt <- function(name, default) {
  hit <- grep(paste0("^--", name, "="), args, value = TRUE)
  if (length(hit)) sub("^[^=]*=", "", hit[[1]]) else default
}
seeds <- as.integer(opt("seeds", "7"))
n <- as.numeric(opt("n", "1000000"))
peers <- !("--no-peers" %in% args)
options(ckm.threads = 2L)

blobs <- function(n, d, k, seed, sd = 2) {
  set.seed(seed)
  centres <- matrix(runif(k * d, -10, 10), k, d)
  y <- sample.int(k, n, replace = TRUE)
  X <- centres[y, , drop = FALSE] + matrix(rnorm(n * d, sd = sd), n, d)
  attr(X, "truth") <- y
  X
}
X <- blobs(n, 8, 16, seed = 3)
truth <- attr(X, "truth")
k <- 16L

# wall and CPU seconds of one call, the peak of R's heap above the start
# (MB); the value in attribute "value"
timed <- function(expr) {
  invisible(gc())
  g0 <- gc(reset = TRUE)
  p0 <- proc.time()
  v <- force(expr)
  p1 <- proc.time() - p0
  g1 <- gc()
  structure(c(wall = p1[["elapsed"]], cpu = p1[["user.self"]] + p1[["sys.self"]],
              peak = sum(g1[, 6]) - sum(g0[, 2])), value = v)
}

rows <- list()
for (s in seq_len(seeds)) {
  set.seed(s); m <- timed(suppressWarnings(ckm_fit(X, k, tol = 0))); fe <- attr(m, "value"); t_exact <- m
  set.seed(s); m <- timed(suppressWarnings(ckm_fit(X, k, tol = 0, init = "greedy-kmeans++"))); fg <- attr(m, "value"); t_greedy <- m
  set.seed(s); m <- timed(ckm_fit(X, k)); fd <- attr(m, "value"); t_def <- m
  set.seed(s); m <- timed(ckm_minibatch(X, k)); mb <- attr(m, "value"); t_mb <- m
  same <- suppressWarnings(ckm_fit(X, init = mb$init_centers, tol = 0))
  rows[[s]] <- data.frame(
    seed = s,
    exact_s = t_exact[["wall"]], exact_cpu_s = t_exact[["cpu"]], exact_peak_mb = t_exact[["peak"]],
    exact_iter = fe$iter, exact_inertia = fe$tot.withinss, exact_ari = ckm_ari(truth, fe$cluster),
    greedy_s = t_greedy[["wall"]], greedy_cpu_s = t_greedy[["cpu"]], greedy_peak_mb = t_greedy[["peak"]],
    greedy_iter = fg$iter, greedy_inertia = fg$tot.withinss, greedy_ari = ckm_ari(truth, fg$cluster),
    default_s = t_def[["wall"]], default_cpu_s = t_def[["cpu"]], default_peak_mb = t_def[["peak"]],
    default_iter = fd$iter, default_inertia = fd$tot.withinss, default_ari = ckm_ari(truth, fd$cluster),
    minibatch_s = t_mb[["wall"]], minibatch_cpu_s = t_mb[["cpu"]], minibatch_peak_mb = t_mb[["peak"]],
    minibatch_steps = mb$n_steps, minibatch_inertia = mb$tot.withinss, minibatch_ari = ckm_ari(truth, mb$cluster),
    same_start_exact_inertia = same$tot.withinss
  )
  r <- rows[[s]]
  cat(sprintf("seed %d: exact %.3f s (%d it, %.6g) | greedy start %.3f s (%d it, %.6g) | default %.3f s (%d it, %.6g) | minibatch %.3f s (%d steps, %.6g; exact from its start %.6g)\n",
              s, r$exact_s, r$exact_iter, r$exact_inertia, r$greedy_s, r$greedy_iter,
              r$greedy_inertia, r$default_s, r$default_iter,
              r$default_inertia, r$minibatch_s, r$minibatch_steps, r$minibatch_inertia,
              r$same_start_exact_inertia))
}
res <- do.call(rbind, rows)

sk <- NULL
python <- if (file.exists("/usr/bin/python3")) "/usr/bin/python3" else Sys.which("python3")
if (peers && nzchar(python)) {
  tmp <- tempfile(fileext = ".bin")
  tmp_y <- tempfile(fileext = ".bin")
  writeBin(as.vector(X), tmp)
  writeBin(as.integer(truth), tmp_y, size = 4)
  out <- tryCatch(system2(python, c(file.path("bench", "minibatch_peer.py"), tmp,
                                    format(n, scientific = FALSE), 8, k, seeds, tmp_y),
                          stdout = TRUE, stderr = FALSE, env = "OMP_NUM_THREADS=2"),
                  error = function(e) character(), warning = function(w) character())
  unlink(c(tmp, tmp_y))
  if (length(out)) {
    sk <- read.csv(text = out, header = FALSE,
                   col.names = c("seed", "sklearn_s", "sklearn_steps", "sklearn_inertia",
                                 "sklearn_cpu_s", "sklearn_peak_mb", "sklearn_ari"))
    res <- merge(res, sk, by = "seed")
    for (i in seq_len(nrow(sk))) {
      cat(sprintf("seed %d: scikit-learn MiniBatchKMeans %.3f s (%d steps, %.6g)\n",
                  sk$seed[i], sk$sklearn_s[i], sk$sklearn_steps[i], sk$sklearn_inertia[i]))
    }
  }
}

med <- function(v) stats::median(v)
cat("\nMedians over", seeds, "seeds, 1,000,000 x 8, k = 16, 2 threads:\n")
summary_tab <- data.frame(
  method = c("ckm_fit, tol = 0 (exact)", "ckm_fit, tol = 0, greedy start",
             "ckm_fit, default tol", "ckm_minibatch",
             if (!is.null(sk)) "scikit-learn MiniBatchKMeans"),
  median_s = c(med(res$exact_s), med(res$greedy_s), med(res$default_s), med(res$minibatch_s),
               if (!is.null(sk)) med(res$sklearn_s)),
  median_inertia = c(med(res$exact_inertia), med(res$greedy_inertia), med(res$default_inertia),
                     med(res$minibatch_inertia), if (!is.null(sk)) med(res$sklearn_inertia)),
  median_cpu_s = c(med(res$exact_cpu_s), med(res$greedy_cpu_s), med(res$default_cpu_s),
                   med(res$minibatch_cpu_s), if (!is.null(sk)) med(res$sklearn_cpu_s)),
  max_peak_mb = c(max(res$exact_peak_mb), max(res$greedy_peak_mb), max(res$default_peak_mb),
                  max(res$minibatch_peak_mb), if (!is.null(sk)) max(res$sklearn_peak_mb)),
  median_ari = c(med(res$exact_ari), med(res$greedy_ari), med(res$default_ari),
                 med(res$minibatch_ari), if (!is.null(sk)) med(res$sklearn_ari))
)
summary_tab$time_vs_minibatch <- summary_tab$median_s / med(res$minibatch_s)
summary_tab$inertia_vs_exact <- summary_tab$median_inertia / med(res$exact_inertia)
print(summary_tab, digits = 4, row.names = FALSE)
ratio_same <- res$minibatch_inertia / res$same_start_exact_inertia
cat(sprintf("\nminibatch inertia / exact Lloyd from the same start: median %.4f (range %.4f to %.4f)\n",
            med(ratio_same), min(ratio_same), max(ratio_same)))
cat(sprintf("speed-up of minibatch over exact, per seed: median %.1fx (range %.1fx to %.1fx)\n",
            med(res$exact_s / res$minibatch_s), min(res$exact_s / res$minibatch_s),
            max(res$exact_s / res$minibatch_s)))
cat(sprintf("default exact fit / minibatch: %.2f (medians); per seed %.1fx to %.1fx\n",
            med(res$default_s) / med(res$minibatch_s), min(res$default_s / res$minibatch_s),
            max(res$default_s / res$minibatch_s)))
if (!is.null(sk)) {
  cat(sprintf("scikit-learn MiniBatchKMeans / ckm_minibatch: %.2f (medians); inertia %.4f\n",
              med(res$sklearn_s) / med(res$minibatch_s), med(res$minibatch_inertia) / med(res$sklearn_inertia)))
}
dir.create(file.path("bench", "results"), showWarnings = FALSE)
write.csv(res, file.path("bench", "results", "minibatch.csv"), row.names = FALSE)
cat("wrote bench/results/minibatch.csv\n")

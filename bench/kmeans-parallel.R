# k-means|| (init = "kmeans||") against k-means++ and greedy k-means++:
# time to seed, and the quality of the fit that follows (inertia, ARI with
# the truth), on blobs with many clusters. Medians over 5 seeds, 2 threads.
# Writes bench/results/kmeans-parallel.csv.
suppressMessages(library(ckm))
options(ckm.progress = FALSE)
ari <- function(a, b) ckm_ari(a, b)
cases <- list(c(n = 200000, d = 8, k = 200), c(n = 200000, d = 16, k = 1000))
rows <- list()
for (cs in cases) {
  n <- cs[["n"]]; d <- cs[["d"]]; k <- cs[["k"]]
  set.seed(1)
  centres <- matrix(runif(k * d, -50, 50), k, d)
  truth <- sample.int(k, n, replace = TRUE)
  X <- centres[truth, ] + matrix(rnorm(n * d), n, d)
  for (init in c("kmeans++", "greedy-kmeans++", "kmeans||")) {
    res <- t(sapply(1:5, function(s) {
      set.seed(s)
      ts <- system.time(start <- switch(init,
        "kmeans++" = ckm:::seed_kmeanspp(X, k, 2L, NULL),
        "greedy-kmeans++" = ckm:::seed_kmeanspp(X, k, 2L, NULL, trials = ckm:::greedy_trials(k)),
        "kmeans||" = ckm:::seed_kmeans_parallel(X, k, 2L, NULL)))[["elapsed"]]
      tf <- system.time(f <- suppressWarnings(ckm_fit(X, init = start, threads = 2)))[["elapsed"]]
      c(seed_s = ts, fit_s = tf, iterations = f$iter, inertia = f$tot.withinss,
        ari = ari(f$cluster, truth))
    }))
    rows[[length(rows) + 1]] <- data.frame(n = n, d = d, k = k, init = init,
      seed_s = median(res[, "seed_s"]), fit_s = median(res[, "fit_s"]),
      iterations = median(res[, "iterations"]), inertia = median(res[, "inertia"]),
      ari = median(res[, "ari"]))
    cat(sprintf("%7d x %2d, k = %4d  %-16s seed %6.3f s  fit %6.3f s  iter %4.0f  inertia %.6g  ARI %.4f\n",
                n, d, k, init, median(res[, "seed_s"]), median(res[, "fit_s"]),
                median(res[, "iterations"]), median(res[, "inertia"]), median(res[, "ari"])))
  }
}
out <- do.call(rbind, rows)
dir.create("bench/results", showWarnings = FALSE, recursive = TRUE)
utils::write.csv(out, "bench/results/kmeans-parallel.csv", row.names = FALSE)

# Is ckm_elbow()'s default effort per k enough? Well-separated Gaussian
# blobs (sd 1, centres at least `sep` = 6 apart, drawn uniformly in a box
# that grows with k), true k from 2 to 20, d from 2 to 20, n from 2,000 to
# 200,000; for each set the knee of ckm_elbow(X, 1:K) (K = max(10, k + 8);
# 3 starts per k, as the default) with the default seeding (greedy
# k-means++) and with plain k-means++ (the default before), the time of
# each, and for n <= 20,000 the k of the best silhouette. Prints the share
# of sets where the knee is the true k, by cell and overall, and writes
# bench/results/elbow-effort.csv (one row per set and seeding).
#   Rscript bench/elbow-effort.R [seeds_per_cell]
suppressMessages(library(ckm))
source(file.path(dirname(sub("^--file=", "", grep("^--file=", commandArgs(), value = TRUE)[1])), "common.R"))
args <- commandArgs(trailingOnly = TRUE)
seeds <- if (length(args)) as.integer(args[[1]]) else 5L

blobs <- function(n, k, d, sep = 6) {
  side <- 2 * sep * k^(1 / d) # room for k centres sep apart
  repeat {
    C <- matrix(stats::runif(k * d, -side, side), k, d)
    if (k == 1L || min(stats::dist(C)) >= sep) break
  }
  ckm_blobs(n, centers = C, sd = 1)
}

cells <- rbind(
  expand.grid(n = c(2000L, 20000L), d = c(2L, 5L, 10L, 20L), k = c(2L, 3L, 5L, 8L, 12L, 16L, 20L)),
  expand.grid(n = 200000L, d = c(10L, 20L), k = c(5L, 12L, 20L))
)
rows <- list()
for (ci in seq_len(nrow(cells))) {
  cl <- cells[ci, ]
  for (s in seq_len(seeds)) {
    set.seed(1000 * ci + s)
    b <- blobs(cl$n, cl$k, cl$d)
    K <- max(10L, cl$k + 8L)
    sil <- if (cl$n <= 20000L) "auto" else "none"
    for (init in c("greedy-kmeans++", "kmeans++")) {
      set.seed(s)
      t <- system.time(e <- suppressMessages(ckm_elbow(b$X, 1:K, init = init, silhouette = sil, threads = 2)))
      rows[[length(rows) + 1L]] <- data.frame(
        n = cl$n, d = cl$d, k = cl$k, seed = s, init = init, K = K,
        knee = attr(e, "k_knee"),
        silhouette = if (sil == "none") NA_integer_ else attr(e, "k_silhouette"),
        seconds = t[["elapsed"]], cpu = machine)
    }
  }
  cat(sprintf("cell %d of %d done\n", ci, nrow(cells)), file = stderr())
}
res <- do.call(rbind, rows)
utils::write.csv(res, file.path(out_dir, "elbow-effort.csv"), row.names = FALSE)

res$knee_right <- res$knee == res$k
res$sil_right <- res$silhouette == res$k
cat("Machine:", machine, "\n")
cat(sprintf("%d sets (%d per cell); share where the knee is the true k, and median seconds per elbow:\n",
            nrow(res) / 2, seeds))
tab <- aggregate(cbind(knee_right, seconds) ~ init + n + d + k, res, mean)
wide <- reshape(tab, idvar = c("n", "d", "k"), timevar = "init", direction = "wide")
print(format(wide[order(wide$n, wide$d, wide$k), ], digits = 3), row.names = FALSE)
for (init in unique(res$init)) {
  r <- res[res$init == init, ]
  cat(sprintf("\n%s: knee right in %d of %d sets (%.1f%%); worst cell %.0f%%; silhouette right in %.1f%% (n <= 20,000); median %.2f s per elbow (n = 200,000: %.1f s)\n",
              init, sum(r$knee_right), nrow(r), 100 * mean(r$knee_right),
              100 * min(aggregate(knee_right ~ n + d + k, r, mean)$knee_right),
              100 * mean(r$sil_right, na.rm = TRUE), stats::median(r$seconds),
              stats::median(r$seconds[r$n == 200000L])))
}

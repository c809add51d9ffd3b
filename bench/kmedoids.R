# ckm_kmedoids() against cluster::pam(): the cost on real data sets and on
# blobs with outliers (k = 2..8), and the time at n = 5,000 (and 2,000,
# 10,000) side by side in one run, medians of repeats, 1 and 2 threads.
#
# Usage: Rscript bench/kmedoids.R [--reps 3]
# Writes bench/results/kmedoids-quality.csv and kmedoids-time.csv.
suppressPackageStartupMessages({ library(ckm); library(cluster) })
source(file.path(dirname(sub("^--file=", "", grep("^--file=", commandArgs(), value = TRUE)[1])), "common.R"))
args <- commandArgs(trailingOnly = TRUE)
reps <- if ("--reps" %in% args) as.integer(args[[match("--reps", args) + 1L]]) else 3L
cat("machine:", machine, "\n")

blobs_out <- function(n, k, d, seed) {
  set.seed(seed)
  b <- ckm_blobs(n - n %/% 50, centers = k, d = d, sd = 1.5)
  rbind(b$X, matrix(runif((n %/% 50) * d, -60, 60), ncol = d)) # 2% outliers
}
sets <- list(iris = as.matrix(iris[, 1:4]), quakes = as.matrix(quakes[, 1:4]),
             swiss = as.matrix(swiss), USArrests = as.matrix(USArrests),
             faithful = as.matrix(faithful), mtcars = scale(as.matrix(mtcars)),
             trees = as.matrix(trees), stackloss = as.matrix(stackloss),
             blobs_outliers = blobs_out(600, 5, 3, 3))
rows <- list()
for (nm in names(sets)) for (k in 2:8) {
  X <- sets[[nm]]
  pc <- pam(X, k)$objective[["swap"]] * nrow(X)
  set.seed(k)
  f <- ckm_kmedoids(X, k, threads = 1)
  e <- ckm_kmedoids(X, k, init = "build", swap = "eager", threads = 1)
  rows[[length(rows) + 1L]] <- data.frame(data = nm, n = nrow(X), k = k, pam = pc,
                                          ckm_default = f$cost, fasterpam_build = e$cost)
}
q <- do.call(rbind, rows)
q$ratio_default <- q$ckm_default / q$pam
q$ratio_eager <- q$fasterpam_build / q$pam
q$cpu <- machine
write.csv(q, file.path(out_dir, "kmedoids-quality.csv"), row.names = FALSE)
cat(sprintf("cost against pam over %d fits: default never higher (%d higher), lower in %d (by up to %.1f%%); FasterPAM alone from BUILD higher in %d (by up to %.1f%%)\n",
            nrow(q), sum(q$ratio_default > 1 + 1e-12), sum(q$ratio_default < 1 - 1e-9),
            100 * (1 - min(q$ratio_default)), sum(q$ratio_eager > 1 + 1e-12),
            100 * (max(q$ratio_eager) - 1)))

med <- function(f) { t <- numeric(reps); for (r in seq_len(reps)) t[r] <- system.time(f())[["elapsed"]]; median(t) }
trows <- list()
for (n in c(2000L, 5000L, 10000L)) {
  X <- blobs_out(n, 8, 4, n)
  k <- 8L
  tp <- if (n <= 5000L) med(function() pam(X, k)) else NA_real_
  pc <- if (n <= 5000L) pam(X, k)$objective[["swap"]] * n else NA_real_
  for (th in 1:2) {
    set.seed(1); td <- med(function() ckm_kmedoids(X, k, threads = th))
    set.seed(1); f <- ckm_kmedoids(X, k, threads = th)
    te <- med(function() ckm_kmedoids(X, k, init = "build", swap = "eager", threads = th))
    ts <- med(function() ckm_kmedoids(X, k, init = "build", threads = th))
    trows[[length(trows) + 1L]] <- data.frame(n = n, d = 4L, k = k, threads = th, pam_s = tp,
      ckm_default_s = td, fasterpam_build_s = te, pam_moves_s = ts, pam_cost = pc, ckm_cost = f$cost,
      speedup_default = tp / td, speedup_fasterpam = tp / te)
  }
}
tt <- do.call(rbind, trows)
tt$cpu <- machine
write.csv(tt, file.path(out_dir, "kmedoids-time.csv"), row.names = FALSE)
print(tt[, setdiff(names(tt), "cpu")], digits = 3, row.names = FALSE)
cat("memory: ckm computes the dissimilarities as needed (O(n + k) extra); pam holds n(n-1)/2 doubles:",
    sprintf("%.0f MB at n = 5,000\n", 5000 * 4999 / 2 * 8 / 2^20))

# The knee study behind ckm_elbow()'s defaults (?ckm_elbow, vignette
# "Choosing k"): separated 2-D blobs, 150 points each with sd 1, centres
# uniform in a square of side 12k and no two closer than `sep` sd; 40 sets
# for each separation (6, 8, 10) and true k (3 to 6), 480 sets. For each set:
# the knee of the log inertia curve with one and with three k-means++ starts
# per k, the knee of the raw curve (three starts), and the k of the best
# exact silhouette (three starts). Prints the share of sets where each finds
# the true k and writes bench/results/elbow-study.csv (one row per set).
#   Rscript bench/elbow-study.R [sets_per_cell]
suppressMessages(library(ckm))
args <- commandArgs(trailingOnly = TRUE)
reps <- if (length(args)) as.integer(args[[1]]) else 40L
blobs <- function(k, sep) {
  repeat {
    C <- matrix(runif(2 * k, -6 * k, 6 * k), k, 2)
    if (min(dist(C)) >= sep) break
  }
  ckm_blobs(rep(150, k), centers = C, sd = 1)
}
set.seed(2024)
rows <- list()
for (sep in c(6, 8, 10)) for (truth in 3:6) for (r in seq_len(reps)) {
  b <- blobs(truth, sep)
  e1 <- ckm_elbow(b$X, 1:10, n_init = 1, silhouette = "none", threads = 1)
  e3 <- ckm_elbow(b$X, 1:10, n_init = 3, silhouette = "exact", threads = 1)
  rows[[length(rows) + 1L]] <- data.frame(
    sep = sep, truth = truth, rep = r,
    log_knee_1 = attr(e1, "k_knee"), log_knee_3 = attr(e3, "k_knee"),
    raw_knee_3 = ckm:::kneedle(e3$k, e3$inertia),
    silhouette_3 = attr(e3, "k_silhouette"))
}
res <- do.call(rbind, rows)
hit <- aggregate(cbind(log_knee_1 = log_knee_1 == truth, log_knee_3 = log_knee_3 == truth,
                       raw_knee_3 = raw_knee_3 == truth, silhouette_3 = silhouette_3 == truth)
                 ~ sep + truth, res, mean)
cat(sprintf("%d sets; share of sets where each suggestion is the true k:\n", nrow(res)))
print(hit, digits = 3, row.names = FALSE)
cat(sprintf("\nall sets: log knee, 1 start %.3f; log knee, 3 starts %.3f; raw knee %.3f; silhouette %.3f\n",
            mean(res$log_knee_1 == res$truth), mean(res$log_knee_3 == res$truth),
            mean(res$raw_knee_3 == res$truth), mean(res$silhouette_3 == res$truth)))
dir.create("bench/results", showWarnings = FALSE)
write.csv(res, "bench/results/elbow-study.csv", row.names = FALSE)

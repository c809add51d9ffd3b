# ckm_gap() against cluster::clusGap(X, kmeans, K.max, B) on blob sets:
# the chosen k (and the true one), and the time, side by side in one run.
#
# Usage: Rscript bench/gap.R [--sets 30]
# Writes bench/results/gap.csv.
suppressPackageStartupMessages({ library(ckm); library(cluster) })
source(file.path(dirname(sub("^--file=", "", grep("^--file=", commandArgs(), value = TRUE)[1])), "common.R"))
args <- commandArgs(trailingOnly = TRUE)
n_sets <- if ("--sets" %in% args) as.integer(args[[match("--sets", args) + 1L]]) else 30L
cat("machine:", machine, "\n")
rows <- list()
for (s in seq_len(n_sets)) {
  set.seed(s)
  kt <- 1L + s %% 5L
  d <- 2L + s %% 3L
  n <- c(300L, 1000L, 3000L)[1L + s %% 3L]
  b <- ckm_blobs(n, centers = kt, d = d, sd = 0.6)
  set.seed(100 + s); t1 <- system.time(g <- ckm_gap(b$X, 1:8, B = 50))[["elapsed"]]
  set.seed(100 + s); t2 <- system.time(cg <- clusGap(b$X, kmeans, K.max = 8, B = 50, verbose = FALSE))[["elapsed"]]
  rows[[s]] <- data.frame(set = s, n = n, d = d, k_true = kt, ckm_k = attr(g, "k_gap"),
                          clusGap_k = maxSE(cg$Tab[, "gap"], cg$Tab[, "SE.sim"]),
                          ckm_s = t1, clusGap_s = t2)
}
res <- do.call(rbind, rows)
res$speedup <- res$clusGap_s / res$ckm_s
res$cpu <- machine
write.csv(res, file.path(out_dir, "gap.csv"), row.names = FALSE)
print(res[, setdiff(names(res), "cpu")], digits = 3, row.names = FALSE)
cat(sprintf("same k as clusGap in %d of %d sets; true k: ckm %d, clusGap %d; median speed-up %.1fx (by n: %s)\n",
            sum(res$ckm_k == res$clusGap_k), nrow(res), sum(res$ckm_k == res$k_true),
            sum(res$clusGap_k == res$k_true), median(res$speedup),
            paste(sprintf("%d: %.1fx", sort(unique(res$n)), tapply(res$speedup, res$n, median)), collapse = ", ")))

# First side-by-side timing: ckm_fit (Lloyd) against stats::kmeans (Lloyd and
# Hartigan-Wong) from the same starting centres, on a 100,000 x 16 blob
# matrix with k = 32. Prints a table and writes bench/results/first-timing.csv.
#
#   Rscript bench/first-timing.R [reps]
suppressPackageStartupMessages(library(ckm))
args <- commandArgs(trailingOnly = TRUE)
reps <- if (length(args)) as.integer(args[[1]]) else 3L

blobs <- function(n, d, k, sd = 2, seed = 1) {
  set.seed(seed)
  centres <- matrix(runif(k * d, -10, 10), k, d)
  y <- sample.int(k, n, replace = TRUE)
  centres[y, , drop = FALSE] + matrix(rnorm(n * d, sd = sd), n, d)
}

n <- 100000L; d <- 16L; k <- 32L
X <- blobs(n, d, k)
set.seed(2)
C0 <- X[sample.int(n, k), ]

time_it <- function(label, f) {
  secs <- numeric(reps); res <- NULL
  for (r in seq_len(reps)) {
    gc()
    t0 <- proc.time()[["elapsed"]]
    res <- f()
    secs[r] <- proc.time()[["elapsed"]] - t0
  }
  data.frame(method = label, median_s = median(secs), min_s = min(secs),
             iter = res$iter, inertia = res$tot.withinss)
}

rows <- list(
  time_it("ckm lloyd, 1 thread", function() ckm_fit(X, init = C0, tol = 0, max_iter = 1000, threads = 1)),
  time_it("ckm lloyd, 2 threads", function() ckm_fit(X, init = C0, tol = 0, max_iter = 1000, threads = 2)),
  time_it("stats Lloyd", function() kmeans(X, C0, algorithm = "Lloyd", iter.max = 1000)),
  time_it("stats Hartigan-Wong", function() kmeans(X, C0, algorithm = "Hartigan-Wong", iter.max = 1000))
)
tab <- do.call(rbind, rows)
ref <- tab$median_s[tab$method == "stats Lloyd"]
tab$speedup_vs_stats_lloyd <- round(ref / tab$median_s, 2)
tab$median_s <- round(tab$median_s, 3)
tab$min_s <- round(tab$min_s, 3)
cat(sprintf("n = %d, d = %d, k = %d, same start, tol = 0, median of %d runs\n", n, d, k, reps))
print(tab, row.names = FALSE)
dir.create(file.path("bench", "results"), showWarnings = FALSE, recursive = TRUE)
write.csv(tab, file.path("bench", "results", "first-timing.csv"), row.names = FALSE)

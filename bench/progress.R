# Cost of the progress bars: each long call with options(ckm.progress =
# TRUE) (the bar drawn from the start, to a sink) against FALSE, alternated,
# medians of `reps` runs each. Target: at most 1% slower.
# Usage: Rscript bench/progress.R [reps]   Writes bench/results/progress.csv.
library(ckm)
args <- commandArgs(trailingOnly = TRUE)
reps <- if (length(args)) as.integer(args[1]) else 7L
options(ckm.load_aware = FALSE)
ckm_threads(2)
set.seed(1)
X <- ckm_blobs(1e6, centers = 16, d = 8, sd = 2)$X
Xs <- X[1:20000, ]
work <- list(
  "ckm_fit n_init = 10, 200k x 8, k = 32" = function() { set.seed(1); ckm_fit(X[1:200000, ], 32, n_init = 10, max_iter = 50) },
  "ckm_elbow k = 1..12, 50k x 8" = function() { set.seed(2); ckm_elbow(X[1:50000, ], 1:12, silhouette = "simplified") },
  "ckm_silhouette exact, 20k x 8" = function() ckm_silhouette(Xs, rep(1:8, length.out = 20000), method = "exact"),
  "ckm_minibatch 1M x 8, k = 16" = function() { set.seed(3); ckm_minibatch(X, 16) }
)
null <- file(nullfile(), "w")
timed <- function(f, on) {
  options(ckm.progress = on, ckm.progress_after = 0)
  sink(null, type = "message")
  on.exit(sink(type = "message"))
  system.time(suppressWarnings(f()))[["elapsed"]] # max_iter = 50 may stop a start early
}
rows <- lapply(names(work), function(w) {
  off <- on <- numeric()
  for (r in seq_len(reps)) {
    if (r %% 2) { off <- c(off, timed(work[[w]], FALSE)); on <- c(on, timed(work[[w]], TRUE)) }
    else { on <- c(on, timed(work[[w]], TRUE)); off <- c(off, timed(work[[w]], FALSE)) }
  }
  data.frame(work = w, reps = reps, off_median_s = median(off), on_median_s = median(on),
             on_over_off = median(on) / median(off))
})
res <- do.call(rbind, rows)
cpu <- sub(".*:\\s*", "", grep("^model name", readLines("/proc/cpuinfo"), value = TRUE)[1])
cat(sprintf("progress bars on vs off, %s, 2 threads, medians of %d\n", cpu, reps))
print(format(res, digits = 4), row.names = FALSE)
dir.create("bench/results", showWarnings = FALSE)
utils::write.csv(res, "bench/results/progress.csv", row.names = FALSE)

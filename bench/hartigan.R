# algorithm = "hartigan" and "hartigan-wong" against stats::kmeans'
# Hartigan-Wong from the same start: the inertia on real data sets (20
# random starts each, the rows kmeans(X, k) would draw; for "hartigan-wong"
# whether partition and iterations are kmeans()'s), and the time on
# 200,000 x 8, k = 16 (Gaussian blobs, 3 starts, medians; 1 and 2 threads).
#
# Usage: Rscript bench/hartigan.R [--starts 20]
# Writes bench/results/hartigan-quality.csv and hartigan-time.csv.
suppressPackageStartupMessages(library(ckm))
source(file.path(dirname(sub("^--file=", "", grep("^--file=", commandArgs(), value = TRUE)[1])), "common.R"))
args <- commandArgs(trailingOnly = TRUE)
starts <- if ("--starts" %in% args) as.integer(args[[match("--starts", args) + 1L]]) else 20L

# the data sets of bench/small.R
src <- readLines(if (file.exists("bench/small.R")) "bench/small.R" else "small.R")
a <- grep("^# ---- the data sets", src)
b <- grep("^ari <- function", src)
eval(parse(text = src[a:(b - 1L)]))

rows <- list()
for (nm in names(sets)) {
  s <- sets[[nm]]
  set.seed(1)
  for (r in seq_len(starts)) {
    C <- s$X[sample.int(nrow(s$X), s$k), , drop = FALSE]
    if (anyDuplicated(C)) next
    hw <- suppressWarnings(stats::kmeans(s$X, C, iter.max = 100))
    f <- ckm_fit(s$X, init = C, algorithm = "hartigan", tol = 0, threads = 1)
    l <- ckm_fit(s$X, init = C, algorithm = "lloyd", tol = 0, threads = 1)
    w <- suppressWarnings(ckm_fit(s$X, init = C, algorithm = "hartigan-wong", max_iter = 100,
                                  threads = 1))
    rows[[length(rows) + 1L]] <- data.frame(data = nm, start = r, hw = hw$tot.withinss,
                                            hartigan = f$tot.withinss, lloyd = l$tot.withinss,
                                            wong_same = identical(unname(w$cluster), unname(hw$cluster)) &&
                                              w$iter == hw$iter)
  }
}
q <- do.call(rbind, rows)
q$ratio <- q$hartigan / q$hw
q$cpu <- machine
tol <- 1e-9
qs <- do.call(rbind, lapply(split(q, q$data), function(p) data.frame(
  data = p$data[1], starts = nrow(p), hartigan_lower = sum(p$ratio < 1 - tol),
  equal = sum(abs(p$ratio - 1) <= tol), hartigan_higher = sum(p$ratio > 1 + tol),
  worst_ratio = max(p$ratio), lloyd_higher_than_hw = sum(p$lloyd > p$hw * (1 + tol)),
  wong_same_as_hw = sum(p$wong_same))))

# time on a large shape, from the same start
set.seed(7)
n <- 200000; d <- 8; k <- 16
ctr <- matrix(rnorm(k * d, sd = 4), k, d)
X <- ctr[sample.int(k, n, TRUE), ] + matrix(rnorm(n * d), n, d)
trow <- list()
for (r in 1:3) {
  C <- X[sample.int(n, k), ]
  for (rep in 1:3) {
    for (m in sample(c("hw", "wong1", "hartigan1", "hartigan2", "lloyd2"))) {
      t <- system.time(f <- switch(m,
        hw = suppressWarnings(stats::kmeans(X, C, iter.max = 100)),
        wong1 = suppressWarnings(ckm_fit(X, init = C, algorithm = "hartigan-wong", max_iter = 100,
                                         threads = 1)),
        hartigan1 = ckm_fit(X, init = C, algorithm = "hartigan", tol = 0, threads = 1),
        hartigan2 = ckm_fit(X, init = C, algorithm = "hartigan", tol = 0, threads = 2),
        lloyd2 = ckm_fit(X, init = C, tol = 0, threads = 2)))[["elapsed"]]
      trow[[length(trow) + 1L]] <- data.frame(start = r, rep = rep, method = m, seconds = t,
                                              inertia = f$tot.withinss, cpu = machine)
    }
  }
}
tt <- do.call(rbind, trow)
tm <- aggregate(cbind(seconds, inertia) ~ start + method, tt, stats::median)
tw <- reshape(tm[, c("start", "method", "seconds")], idvar = "start", timevar = "method", direction = "wide")
tw$hw_over_hartigan2 <- tw$seconds.hw / tw$seconds.hartigan2
tw$hw_over_wong1 <- tw$seconds.hw / tw$seconds.wong1

utils::write.csv(q, file.path(out_dir, "hartigan-quality.csv"), row.names = FALSE)
utils::write.csv(tt, file.path(out_dir, "hartigan-time.csv"), row.names = FALSE)
cat("Machine:", machine, "\n")
cat(sprintf("From the same random start (%d per set): ckm hartigan against stats Hartigan-Wong\n", starts))
print(format(qs, digits = 4), row.names = FALSE)
cat(sprintf("\nall: hartigan lower %d, equal %d, higher %d of %d (%.1f%% no worse); worst ratio %.4f; Lloyd higher than HW in %d\n",
            sum(q$ratio < 1 - tol), sum(abs(q$ratio - 1) <= tol), sum(q$ratio > 1 + tol), nrow(q),
            100 * mean(q$ratio <= 1 + tol), max(q$ratio), sum(q$lloyd > q$hw * (1 + tol))))
cat(sprintf("hartigan-wong: kmeans()'s partition and iterations in %d of %d starts\n",
            sum(q$wong_same), nrow(q)))
cat("\n200,000 x 8, k = 16, from the same start (medians of 3 runs, seconds):\n")
print(format(tw, digits = 3), row.names = FALSE)
print(format(aggregate(inertia ~ start + method, tm, identity), digits = 7), row.names = FALSE)

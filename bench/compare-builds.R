# Two builds of ckm side by side: the same fits, each in its own R process,
# alternating between the builds; in each process the median of three fits,
# over processes the median of `reps`. For "benchmarks not
# slower" after a change to the core.
# Usage: Rscript bench/compare-builds.R OLD_LIB NEW_LIB [reps]
#   (R CMD INSTALL -l OLD_LIB <old checkout>; NEW_LIB may be "" for the
#   default library). Writes bench/results/compare-builds.csv.
args <- commandArgs(trailingOnly = TRUE)
libs <- c(old = args[[1]], new = args[[2]])
reps <- if (length(args) >= 3) as.integer(args[[3]]) else 5L
child <- '
a <- commandArgs(TRUE); lib <- a[1]; shape <- a[2]
if (nzchar(lib)) .libPaths(c(lib, .libPaths()))
suppressMessages(library(ckm)); options(ckm.load_aware = FALSE)
p <- as.numeric(strsplit(shape, "x")[[1]]); n <- p[1]; d <- p[2]; k <- p[3]
set.seed(1); C <- matrix(runif(k * d, -20, 20), k, d)
X <- C[sample.int(k, n, TRUE), ] + matrix(rnorm(n * d, sd = 2), n)
S <- X[seq(1, n, length.out = k), ]
alg <- a[3]
# three fits in the process, the median: the steady state of a session, not the
# page faults and thread start of the first call
# "default": ckm_fit(X, k) as a user calls it (k-means++ seeding included)
fit <- if (alg == "default") function() { set.seed(2); ckm_fit(X, k, threads = 2) } else
  function() suppressWarnings(ckm_fit(X, init = S, tol = 0, max_iter = 50, algorithm = alg, threads = 2))
t <- median(replicate(3, system.time(f <<- fit())[["elapsed"]]))
cat(t, f$iter, "\\n")
'
script <- tempfile(fileext = ".R"); writeLines(child, script)
shapes <- list(c("200000x8x16", "hamerly"), c("200000x8x16", "lloyd"), c("100000x16x32", "auto"),
               c("50000x64x256", "lloyd"), c("200000x2x1000", "yinyang"),
               c("200000x8x16", "default"), c("100000x16x64", "default"))
rs <- file.path(R.home("bin"), "Rscript")
rows <- list()
for (sh in shapes) {
  tm <- list(old = numeric(), new = numeric())
  for (r in seq_len(reps)) for (b in names(libs)) {
    out <- system2(rs, c(script, shQuote(libs[[b]]), sh[1], sh[2]), stdout = TRUE)
    tm[[b]] <- c(tm[[b]], as.numeric(strsplit(tail(out, 1), " ")[[1]][1]))
  }
  rows[[length(rows) + 1]] <- data.frame(shape = sh[1], algorithm = sh[2],
    old_median = median(tm$old), new_median = median(tm$new),
    new_over_old = median(tm$new) / median(tm$old))
  cat(sprintf("%-14s %-8s old %.3f s  new %.3f s  new/old %.2f\n", sh[1], sh[2],
              median(tm$old), median(tm$new), median(tm$new) / median(tm$old)))
}
dir.create("bench/results", showWarnings = FALSE)
write.csv(do.call(rbind, rows), "bench/results/compare-builds.csv", row.names = FALSE)

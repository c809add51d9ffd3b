# Time per Lloyd iteration of two builds of ckm, side by side: one thread,
# the same start, (T(11) - T(1)) / 10 for a fit of 11 and of 1 iteration
# (tol = 0, algorithm = "lloyd": every pass computes every distance, then
# the centre update), medians over processes that alternate between the
# builds. The shapes of issue 24 (the plain kernel below k d = 12,288 on
# AVX-512, the blocked one above) and the whole default fit beside them.
# Usage: Rscript bench/lloyd-iteration.R OLD_LIB NEW_LIB [reps]
#   (R CMD INSTALL -l OLD_LIB <old checkout>). Writes
#   bench/results/lloyd-iteration.csv.
source(file.path(dirname(sub("^--file=", "", grep("^--file=", commandArgs(), value = TRUE)[1])), "common.R"))
args <- commandArgs(trailingOnly = TRUE)
libs <- c(old = args[[1]], new = args[[2]])
reps <- if (length(args) >= 3) as.integer(args[[3]]) else 5L
child <- '
a <- commandArgs(TRUE); lib <- a[1]; shape <- a[2]
.libPaths(c(lib, .libPaths()))
suppressMessages(library(ckm)); options(ckm.load_aware = FALSE)
p <- as.numeric(strsplit(shape, "x")[[1]]); n <- p[1]; d <- p[2]; k <- p[3]
set.seed(1); C <- matrix(runif(k * d, -20, 20), k, d)
X <- C[sample.int(k, n, TRUE), , drop = FALSE] + matrix(rnorm(n * d, sd = 4), n)
S <- X[seq(1, n, length.out = k), , drop = FALSE]
fit <- function(it) system.time(suppressWarnings(
  ckm_fit(X, init = S, tol = 0, max_iter = it, algorithm = "lloyd", threads = 1)))[["elapsed"]]
fit(1)
t1 <- median(replicate(3, fit(1)))
t11 <- median(replicate(3, fit(11)))
set.seed(2)
td <- system.time(f <- ckm_fit(X, k, threads = 1))[["elapsed"]]
cat((t11 - t1) / 10, td, "\\n")
'
script <- tempfile(fileext = ".R")
writeLines(child, script)
shapes <- c("800000x6x12", "1000000x8x16", "120000x20x40", "40000x48x200", "100000x128x1000")
rs <- file.path(R.home("bin"), "Rscript")
rows <- list()
cat(machine, "; one thread; medians of", reps, "processes per build\n")
for (sh in shapes) {
  tm <- list(old = NULL, new = NULL)
  for (r in seq_len(reps)) for (b in sample(names(libs))) {
    out <- system2(rs, c(script, shQuote(libs[[b]]), sh), stdout = TRUE)
    tm[[b]] <- rbind(tm[[b]], as.numeric(strsplit(trimws(tail(out, 1)), " ")[[1]]))
  }
  med <- lapply(tm, function(m) apply(m, 2, median))
  rows[[length(rows) + 1]] <- data.frame(shape = sh,
    old_iter_ms = 1000 * med$old[1], new_iter_ms = 1000 * med$new[1],
    iter_new_over_old = med$new[1] / med$old[1],
    old_default_s = med$old[2], new_default_s = med$new[2],
    default_new_over_old = med$new[2] / med$old[2], machine = machine)
  cat(sprintf("%-16s iteration old %7.2f ms  new %7.2f ms  (%.2f)   default fit old %.3f s  new %.3f s  (%.2f)\n",
              sh, 1000 * med$old[1], 1000 * med$new[1], med$new[1] / med$old[1],
              med$old[2], med$new[2], med$new[2] / med$old[2]))
}
utils::write.csv(do.call(rbind, rows), file.path(out_dir, "lloyd-iteration.csv"), row.names = FALSE)

# Peak memory of a fit, as a multiple of the data: each case runs in a fresh
# R process, which reads its own high-water mark (VmHWM, Linux) after the
# fit; the baseline is the resident size with X in memory, just before.
# Usage: Rscript bench/memory.R [n]   (n rows of 8 columns; default 3e7)
# Writes bench/results/memory.csv and prints the table.
args <- commandArgs(trailingOnly = TRUE)
n <- if (length(args)) as.numeric(args[[1]]) else 3e7
child <- '
suppressMessages(library(ckm))
a <- commandArgs(TRUE); n <- as.numeric(a[1]); alg <- a[2]; k <- as.integer(a[3])
X <- matrix(0, n, 8); set.seed(1)
for (j in 1:8) X[, j] <- rnorm(n) + rep(c(0, 5, 10, 15), length.out = n)
kb <- function(f) as.numeric(gsub("[^0-9]", "", grep(f, readLines("/proc/self/status"), value = TRUE)))
invisible(gc()); base <- kb("VmRSS"); writeLines("5", "/proc/self/clear_refs")
set.seed(2)
t <- system.time(f <- suppressWarnings(ckm_fit(X, k, algorithm = alg, threads = 2)))[["elapsed"]]
xs <- 8 * n * 8 / 1024
cat(sprintf("%s,%d,%s,%.0f,%.0f,%.3f,%.2f\\n", alg, k, f$algorithm, xs / 1024, (kb("VmHWM") - base) / 1024,
            (kb("VmHWM") - base) / xs, t))
'
script <- tempfile(fileext = ".R"); writeLines(child, script)
cases <- data.frame(alg = c("auto", "lloyd", "hamerly", "yinyang", "auto"),
                    k = c(4L, 16L, 16L, 16L, 100L))
rs <- file.path(R.home("bin"), "Rscript")
rows <- lapply(seq_len(nrow(cases)), function(i) {
  out <- system2(rs, c(script, format(n, scientific = FALSE), cases$alg[i], cases$k[i]), stdout = TRUE)
  read.csv(text = tail(out, 1), header = FALSE,
           col.names = c("algorithm", "k", "ran", "X_MB", "peak_above_X_MB", "extra_over_X", "seconds"))
})
res <- do.call(rbind, rows)
res$n <- n
res$peak_over_X <- 1 + res$extra_over_X
print(res, row.names = FALSE)
dir.create("bench/results", showWarnings = FALSE)
write.csv(res, "bench/results/memory.csv", row.names = FALSE)

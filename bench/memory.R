# Peak memory of a fit, as a multiple of the data: each case runs in a fresh
# R process, which reads its own high-water mark (VmHWM, Linux) after the
# fit; the baseline is the resident size with X in memory, just before.
# Cases: fits by algorithm, a fit with scale = TRUE and predict() on such
# a fit (each may copy X once: the scaled data).
# Usage: Rscript bench/memory.R [n]   (n rows of 8 columns; default 3e7)
# Writes bench/results/memory.csv and prints the table.
source(file.path(dirname(sub("^--file=", "", grep("^--file=", commandArgs(), value = TRUE)[1])), "common.R"))
args <- commandArgs(trailingOnly = TRUE)
n <- if (length(args)) as.numeric(args[[1]]) else 3e7
child <- '
suppressMessages(library(ckm))
a <- commandArgs(TRUE); n <- as.numeric(a[1]); alg <- a[2]; k <- as.integer(a[3]); what <- a[4]
X <- matrix(0, n, 8); set.seed(1)
for (j in 1:8) X[, j] <- rnorm(n) + rep(c(0, 5, 10, 15), length.out = n)
kb <- function(f) as.numeric(gsub("[^0-9]", "", grep(f, readLines("/proc/self/status"), value = TRUE)))
set.seed(2)
if (what == "predict scale") f <- ckm_fit(X, k, algorithm = alg, scale = TRUE, threads = 2)
invisible(gc()); base <- kb("VmRSS"); writeLines("5", "/proc/self/clear_refs")
t <- system.time(r <- switch(what,
  fit = suppressWarnings(ckm_fit(X, k, algorithm = alg, threads = 2)),
  "fit scale" = suppressWarnings(ckm_fit(X, k, algorithm = alg, scale = TRUE, threads = 2)),
  "predict scale" = predict(f, X, threads = 2)))[["elapsed"]]
xs <- 8 * n * 8 / 1024
cat(sprintf("%s,%s,%d,%s,%.0f,%.0f,%.3f,%.2f\\n", what, alg, k, if (what == "predict scale") f$algorithm else r$algorithm,
            xs / 1024, (kb("VmHWM") - base) / 1024, (kb("VmHWM") - base) / xs, t))
'
script <- tempfile(fileext = ".R"); writeLines(child, script)
cases <- data.frame(what = c(rep("fit", 5), "fit scale", "predict scale"),
                    alg = c("auto", "lloyd", "hamerly", "yinyang", "auto", "auto", "auto"),
                    k = c(4L, 16L, 16L, 16L, 100L, 4L, 4L))
rs <- file.path(R.home("bin"), "Rscript")
rows <- lapply(seq_len(nrow(cases)), function(i) {
  out <- system2(rs, c(script, format(n, scientific = FALSE), cases$alg[i], cases$k[i],
                       shQuote(cases$what[i])), stdout = TRUE)
  read.csv(text = tail(out, 1), header = FALSE,
           col.names = c("call", "algorithm", "k", "ran", "X_MB", "peak_above_X_MB", "extra_over_X", "seconds"))
})
res <- do.call(rbind, rows)
res$n <- n
res$peak_over_X <- 1 + res$extra_over_X
res$machine <- machine
cat(machine, "\n")
print(res[setdiff(names(res), "machine")], row.names = FALSE)
write.csv(res, file.path(out_dir, "memory.csv"), row.names = FALSE)

# The distance kernels: where the blocked kernel starts to pay, and how
# close a full assignment pass comes to the machine's dgemm.
#
#   Rscript bench/kernels.R [--reps=7] [--n=200000]
#
# One assignment pass (predict() on the centres, 2 threads; the mean of 5
# in a row, one timing) over n points
# of d columns to k centres, with each kernel: the plain one built for any
# x86-64 ("plain"), its AVX2 build ("plain-avx2"), the blocked AVX2 kernel
# ("avx2") and, where the CPU has it, the AVX-512 one ("avx512"); what
# "auto" runs. Medians of --reps, the kernels taking turns. GFLOP/s counts
# 2 n k d flops per pass. All kernels give the same labels (checked).
# Prints a table, writes bench/results/kernels.csv.
suppressPackageStartupMessages(library(ckm))
options(width = 200)
args <- commandArgs(trailingOnly = TRUE)
opt <- function(name, default) {
  hit <- grep(paste0("^--", name, "="), args, value = TRUE)
  if (length(hit)) sub("^[^=]*=", "", hit[[1]]) else default
}
reps <- as.integer(opt("reps", "7"))
n <- as.numeric(opt("n", "200000"))
isa <- ckm:::kernel_name()
kernels <- c("auto", "plain", if (isa != "plain") c("plain-avx2", "avx2"), if (isa == "avx512") "avx512")
cpu_model <- sub(".*: ", "", grep("model name", readLines("/proc/cpuinfo"), value = TRUE)[1])
cat(sprintf("ckm kernels: %s; CPU: %s; widest kernel: %s; n = %s, 2 threads, median of %d\n\n",
            format(Sys.time(), "%Y-%m-%d %H:%M"), cpu_model, isa, format(n, big.mark = ","), reps))
rows <- list()
for (d in c(2, 4, 8, 16, 32, 64)) for (k in c(16, 32, 64, 128, 256)) {
  set.seed(d * 1000 + k)
  X <- matrix(rnorm(n * d), n)
  C <- X[sample.int(n, k), , drop = FALSE]
  fit <- suppressWarnings(ckm_fit(X, init = C, max_iter = 1, algorithm = "lloyd"))
  t <- matrix(NA_real_, reps, length(kernels), dimnames = list(NULL, kernels))
  labels <- list()
  for (r in seq_len(reps)) for (kn in kernels) {
    t[r, kn] <- system.time(for (z in 1:5) labels[[kn]] <- withr::with_options(list(ckm.kernel = kn), predict(fit, X)))[["elapsed"]] / 5
  }
  same <- all(vapply(labels, identical, TRUE, labels[["plain"]]))
  med <- apply(t, 2, median)
  rows[[length(rows) + 1]] <- data.frame(d = d, k = k, kd = k * d, t(med), same_labels = same,
    gflops_best = round(2 * n * k * d / min(med) / 1e9, 1), check.names = FALSE)
  print(rows[[length(rows)]], row.names = FALSE)
}
tab <- do.call(rbind, rows)
if (all(c("plain-avx2", "avx2") %in% names(tab))) tab$blocked_speedup <- round(tab[["plain-avx2"]] / tab[["avx2"]], 2)
cat("\n")
print(tab, row.names = FALSE)
dir.create(file.path("bench", "results"), showWarnings = FALSE)
write.csv(cbind(tab, cpu = cpu_model, n = n), file.path("bench", "results", "kernels.csv"), row.names = FALSE)

# The distance kernels: where the blocked kernel starts to pay, and how
# close a full assignment pass comes to the machine's dgemm.
#
#   Rscript bench/kernels.R [--reps=5] [--n=50000] [--threads=1]
#
# One assignment pass (the core's nearest-centre pass alone, as predict()
# runs it without the checks; the mean of as many passes in a row as take
# 0.1 s, one timing) over n points of d columns to k centres, with each
# kernel: the plain one built for any x86-64 ("plain"), its register-
# blocked AVX2 and AVX-512 builds ("plain-avx2", "plain-avx512"), the
# blocked AVX2 kernel ("avx2") and, where the CPU has it, the AVX-512 one
# ("avx512"); what "auto" runs. Medians of --reps, the kernels taking
# turns. GFLOP/s counts 2 n k d flops per pass. All kernels give the same
# labels and distances (checked). Prints a table, writes
# bench/results/kernels.csv.
suppressPackageStartupMessages(library(ckm))
options(width = 200)
args <- commandArgs(trailingOnly = TRUE)
opt <- function(name, default) {
  hit <- grep(paste0("^--", name, "="), args, value = TRUE)
  if (length(hit)) sub("^[^=]*=", "", hit[[1]]) else default
}
reps <- as.integer(opt("reps", "5"))
n <- as.numeric(opt("n", "50000"))
threads <- as.integer(opt("threads", "1"))
options(ckm.load_aware = FALSE)
isa <- ckm:::kernel_name()
kernels <- c("auto", "plain", if (isa != "plain") c("plain-avx2", "avx2"),
             if (isa == "avx512") c("plain-avx512", "avx512"))
cpu_model <- sub(".*: ", "", grep("model name", readLines("/proc/cpuinfo"), value = TRUE)[1])
cat(sprintf("ckm kernels: %s; CPU: %s; widest kernel: %s; n = %s, %d thread%s, median of %d\n\n",
            format(Sys.time(), "%Y-%m-%d %H:%M"), cpu_model, isa, format(n, big.mark = ","),
            threads, if (threads == 1L) "" else "s", reps))
pass <- function(X, C, kn) {
  code <- withr::with_options(list(ckm.kernel = kn), ckm:::kernel_code())
  .Call(ckm:::ffi_assign, X, C, code, threads)
}
time_pass <- function(X, C, kn) {
  reps <- 1L
  repeat {
    t <- system.time(for (z in seq_len(reps)) out <- pass(X, C, kn))[["elapsed"]]
    if (t >= 0.1 || reps >= 64L) return(list(t = t / reps, out = out))
    reps <- reps * 4L
  }
}
rows <- list()
for (d in c(2, 4, 8, 16, 32, 64)) for (k in c(16, 64, 256, 1000)) {
  set.seed(d * 1000 + k)
  X <- matrix(rnorm(n * d), n)
  C <- X[sample.int(n, k), , drop = FALSE]
  t <- matrix(NA_real_, reps, length(kernels), dimnames = list(NULL, kernels))
  res <- list()
  for (r in seq_len(reps)) for (kn in sample(kernels)) {
    z <- time_pass(X, C, kn)
    t[r, kn] <- z$t
    res[[kn]] <- z$out[c("cluster", "dist")]
  }
  same <- all(vapply(res, identical, TRUE, res[["plain"]]))
  med <- apply(t, 2, median)
  rows[[length(rows) + 1]] <- data.frame(d = d, k = k, kd = k * d, t(med), same_labels = same,
    gflops_best = round(2 * n * k * d / min(med) / 1e9, 1), check.names = FALSE)
  print(rows[[length(rows)]], row.names = FALSE)
}
tab <- do.call(rbind, rows)
# the blocked kernel against the plain build of the same width (> 1: the
# blocked one is faster): where "auto" should switch
if (all(c("plain-avx2", "avx2") %in% names(tab))) tab$blocked_vs_plain_avx2 <- round(tab[["plain-avx2"]] / tab[["avx2"]], 2)
if (all(c("plain-avx512", "avx512") %in% names(tab))) tab$blocked_vs_plain_avx512 <- round(tab[["plain-avx512"]] / tab[["avx512"]], 2)
cat("\n")
print(tab, row.names = FALSE)
dir.create(file.path("bench", "results"), showWarnings = FALSE)
write.csv(cbind(tab, cpu = cpu_model, n = n), file.path("bench", "results", "kernels.csv"), row.names = FALSE)

# How close ckm's passes run to the machine, beside scikit-learn and FAISS.
#
# In one run: the machine's limits (OpenBLAS dgemm on one core through
# numpy, OpenBLAS choosing its own kernel; the memory read speed of one
# core), then, on the shapes of issue 24 and on uniform data, one thread:
#   - the time per Lloyd iteration, (T(N) - T(1)) / (N - 1) from the same
#     start, of ckm (algorithm = "lloyd", tol = 0: every distance every
#     pass, then the centre update), scikit-learn's Lloyd (float64) and
#     FAISS (float32), medians of `reps`; the limit of an iteration is the
#     larger of 2 n k d flops at dgemm speed and one read of X at memory
#     speed, and `of_limit` is the limit over the time (1: at the limit);
#   - whole fits to convergence (or --max-iter) from that start (tol = 0): ckm's default
#     algorithm, stats::kmeans' Lloyd (where it takes under a minute) and
#     scikit-learn's lloyd and elkan, on 1 and 2 threads.
#
# Usage: Rscript bench/roofline.R [--reps=3] [--iters=11] [--max-iter=300] [--quick]
#   (whole fits stop at convergence or max-iter iterations, the same for all)
#   (ckm installed; peers: /usr/bin/python3 with scikit-learn and FAISS,
#   Debian python3-sklearn python3-faiss libopenblas0-pthread; OpenBLAS is
#   loaded for the peers from /usr/lib/x86_64-linux-gnu/openblas-pthread
#   when it is there, whatever the system's BLAS is.)
# Writes bench/results/roofline-iteration.csv and roofline-fits.csv.
suppressPackageStartupMessages(library(ckm))
source(file.path(dirname(sub("^--file=", "", grep("^--file=", commandArgs(), value = TRUE)[1])), "common.R"))
args <- commandArgs(trailingOnly = TRUE)
opt <- function(name, default) {
  a <- grep(sprintf("^--%s=", name), args, value = TRUE)
  if (length(a)) sub("^--[^=]+=", "", a[[1]]) else default
}
reps <- as.integer(opt("reps", "3"))
iters <- as.integer(opt("iters", "11"))
max_iter <- as.integer(opt("max-iter", "300"))
quick <- "--quick" %in% args
python <- if (file.exists("/usr/bin/python3")) "/usr/bin/python3" else Sys.which("python3")
here <- dirname(sub("^--file=", "", grep("^--file=", commandArgs(), value = TRUE)[1]))
peer_py <- file.path(here, "roofline.py")
ob <- "/usr/lib/x86_64-linux-gnu/openblas-pthread"
peer_env <- c("OPENBLAS_CORETYPE=", if (dir.exists(ob)) paste0("LD_LIBRARY_PATH=", ob))
Sys.unsetenv("OPENBLAS_CORETYPE")
peer <- function(...) {
  out <- tryCatch(system2(python, c(peer_py, ...), stdout = TRUE, env = peer_env[-1]),
                  error = function(e) character(), warning = function(w) character())
  grep("^#", out, value = TRUE, invert = TRUE)
}

mach <- as.numeric(strsplit(peer("machine"), ",")[[1]])
if (length(mach) != 2) mach <- c(NA_real_, NA_real_)
dgemm <- mach[1]; bw <- mach[2]
cat(sprintf("%s; ckm kernel: %s\n", machine, ckm:::kernel_name()))
cat(sprintf("one core: OpenBLAS dgemm %.1f GFLOP/s (numpy, own kernel choice), memory read %.1f GB/s\n\n",
            dgemm, bw))

blobs <- function(n, d, k, seed = 1) {
  set.seed(seed)
  C <- matrix(runif(k * d, -20, 20), k, d)
  C[sample.int(k, n, TRUE), , drop = FALSE] + matrix(rnorm(n * d, sd = 4), n)
}
shapes <- list(
  list(name = "800000x6, k = 12", n = 8e5, d = 6, k = 12),
  list(name = "1000000x8, k = 16", n = 1e6, d = 8, k = 16),
  list(name = "120000x20, k = 40", n = 1.2e5, d = 20, k = 40),
  list(name = "40000x48, k = 200", n = 4e4, d = 48, k = 200),
  list(name = "100000x128, k = 1000", n = 1e5, d = 128, k = 1000),
  list(name = "uniform 800000x6, k = 12", n = 8e5, d = 6, k = 12, uniform = TRUE))
if (quick) shapes <- lapply(shapes, function(s) { s$n <- s$n / 20; s })

med_time <- function(f, r = reps) stats::median(replicate(r, system.time(f())[["elapsed"]]))
tmp <- tempfile("roofline")
dir.create(tmp)
on.exit(unlink(tmp, recursive = TRUE))
irows <- list()
frows <- list()
for (sh in shapes) {
  n <- as.integer(sh$n); d <- as.integer(sh$d); k <- as.integer(sh$k)
  X <- if (isTRUE(sh$uniform)) { set.seed(3); matrix(runif(n * d), n) } else blobs(n, d, k)
  S <- X[seq(1, n, length.out = k), , drop = FALSE]
  writeBin(as.vector(X), file.path(tmp, "X.bin"), size = 8)
  writeBin(as.vector(S), file.path(tmp, "C0.bin"), size = 8)
  limit <- max(2 * as.double(n) * k * d / (dgemm * 1e9), 8 * as.double(n) * d / (bw * 1e9))

  # per Lloyd iteration, one thread
  lloyd <- function(it) suppressWarnings(
    ckm_fit(X, init = S, tol = 0, max_iter = it, algorithm = "lloyd", threads = 1))
  lloyd(1)
  t1 <- med_time(function() lloyd(1))
  tn <- med_time(function() lloyd(iters))
  it <- data.frame(method = "ckm lloyd", t1 = t1, tn = tn, iters = iters)
  pr <- peer("iter", tmp, n, d, k, iters, reps)
  if (length(pr)) {
    p <- utils::read.csv(text = pr, header = FALSE, col.names = c("method", "t1", "tn", "iters"))
    it <- rbind(it, p)
  }
  it$ms_per_iter <- 1000 * (it$tn - it$t1) / (it$iters - 1)
  it$limit_ms <- 1000 * limit
  it$of_limit <- it$limit_ms / it$ms_per_iter
  it$shape <- sh$name
  irows[[length(irows) + 1]] <- it

  # whole fits to convergence from the same start
  for (th in 1:2) {
    fit <- NULL
    t <- med_time(function() fit <<- suppressWarnings(
      ckm_fit(X, init = S, tol = 0, max_iter = max_iter, threads = th)))
    fr <- data.frame(method = sprintf("ckm default (%s)", fit$algorithm),
                     seconds = t, iter = fit$iter, inertia = fit$tot.withinss, threads = th)
    pf <- peer("fit", tmp, n, d, k, max_iter, reps, th)
    if (length(pf))
      fr <- rbind(fr, cbind(utils::read.csv(text = pf, header = FALSE,
                                            col.names = c("method", "seconds", "iter", "inertia")),
                            threads = th))
    if (th == 1 && as.double(n) * k * d * fit$iter <= 4e10) {
      st <- NULL
      t <- med_time(function() st <<- suppressWarnings(
        stats::kmeans(X, S, iter.max = max_iter, algorithm = "Lloyd")), 1)
      fr <- rbind(fr, data.frame(method = "stats Lloyd", seconds = t, iter = st$iter,
                                 inertia = st$tot.withinss, threads = 1))
    }
    fr$shape <- sh$name
    frows[[length(frows) + 1]] <- fr
  }
  cat(sprintf("%-26s limit %8.2f ms per iteration\n", sh$name, 1000 * limit))
  for (q in seq_len(nrow(it)))
    cat(sprintf("    %-16s %8.2f ms per iteration  (%.0f%% of the limit)\n",
                it$method[q], it$ms_per_iter[q], 100 * it$of_limit[q]))
}
iter_tab <- do.call(rbind, irows)
fit_tab <- do.call(rbind, frows)
iter_tab$machine <- machine
iter_tab$dgemm_gflops <- dgemm
iter_tab$read_gbs <- bw
fit_tab$machine <- machine

# whole fits: ckm's default against the best peer, per shape and threads
best <- do.call(rbind, lapply(split(fit_tab, list(fit_tab$shape, fit_tab$threads), drop = TRUE),
  function(p) {
    ck <- p[grepl("^ckm", p$method), ]
    sk <- p[grepl("^sklearn", p$method), ]
    stl <- p[p$method == "stats Lloyd", ]
    data.frame(shape = p$shape[1], threads = p$threads[1], ckm_s = ck$seconds, ckm_iter = ck$iter,
               sklearn_best_s = if (nrow(sk)) min(sk$seconds) else NA,
               sklearn_over_ckm = if (nrow(sk)) min(sk$seconds) / ck$seconds else NA,
               stats_lloyd_over_ckm = if (nrow(stl)) stl$seconds / ck$seconds else NA,
               ckm_inertia_over_sklearn = if (nrow(sk)) ck$inertia / min(sk$inertia) else NA)
  }))
cat("\nWhole fits to convergence from the same start (seconds; ratios above 1: ckm faster)\n")
print(format(best[order(best$shape, best$threads), ], digits = 3), row.names = FALSE)
utils::write.csv(iter_tab, file.path(out_dir, "roofline-iteration.csv"), row.names = FALSE)
utils::write.csv(fit_tab, file.path(out_dir, "roofline-fits.csv"), row.names = FALSE)

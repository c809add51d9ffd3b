# Strong scaling of ckm_fit_mpi() on this machine, and the costs a model of
# larger clusters needs. Run with 1 and 2 processes (bench/mpi-scaling.sh):
#   mpirun --oversubscribe --allow-run-as-root -np P Rscript bench/mpi-scaling.R [threads]
# Problem: 1e6 x 16, k = 64 (overlapping blobs), the same start for every run, 20
# iterations (tol = 0), one thread per process unless given. Each process
# builds the same data and keeps its rows (ckm_split_rows()). The
# communicator is wrapped to count the bytes and time of every collective.
# Rank 0 appends to bench/results/mpi-scaling.csv and
# bench/results/mpi-allreduce.csv.
suppressPackageStartupMessages({
  library(ckm)
  library(Rmpi)
})
args <- commandArgs(trailingOnly = TRUE)
threads <- if (length(args)) as.integer(args[[1]]) else 1L
base <- ckm_comm_rmpi()
rank <- base$rank
p <- base$size

# the communicator, counting
acc <- new.env()
acc$bytes <- 0
acc$time <- 0
acc$calls <- 0
wrap <- function(f) function(...) {
  a <- list(...)
  t0 <- proc.time()[["elapsed"]]
  out <- do.call(f, a)
  acc$time <- acc$time + proc.time()[["elapsed"]] - t0
  acc$bytes <- acc$bytes + 8 * length(a[[1]])
  acc$calls <- acc$calls + 1
  out
}
comm <- base
comm$allreduce <- wrap(base$allreduce)
comm$allgather <- wrap(base$allgather)

N <- 1e6; d <- 16; k <- 64
set.seed(1)
centres <- matrix(runif(k * d, -10, 10), k, d)
# every process the same start, far enough from the blobs' centres that
# the fit runs all 20 iterations
start <- centres[c(2:k, 1), ] * 0.5 + matrix(rnorm(k * d, sd = 2), k, d)
# every process draws all rows (the same data whatever the split) and keeps
# its own; a real job reads its rows (ckm_read_rows())
truth <- sample.int(k, N, replace = TRUE)
X_all <- centres[truth, ] + matrix(rnorm(N * d, sd = 6), ncol = d)
rows <- ckm_split_rows(N, base)
X <- X_all[seq.int(rows[1], rows[2]), , drop = FALSE]
rm(X_all, centres, truth)
invisible(gc())

res <- list()
for (alg in c("lloyd", "yinyang")) {
  t <- numeric()
  for (r in 1:3) {
    acc$bytes <- 0; acc$time <- 0; acc$calls <- 0
    invisible(mpi.barrier(0))
    t0 <- proc.time()[["elapsed"]]
    f <- suppressWarnings(ckm_fit_mpi(X, init = start, max_iter = 20, tol = 0,
                                      algorithm = alg, threads = threads, comm = comm))
    invisible(mpi.barrier(0))
    t <- c(t, proc.time()[["elapsed"]] - t0)
    comm_time <- acc$time
  }
  # collectives of one fit: setup (moments, ranges) and the iterations
  res[[alg]] <- data.frame(
    processes = p, threads_per_process = threads, algorithm = alg,
    n = N, d = d, k = k, iterations = f$iter,
    median_s = median(t), per_iteration_ms = 1000 * median(t) / f$iter,
    collective_calls = acc$calls, bytes_per_process = acc$bytes,
    bytes_per_iteration = acc$bytes / f$iter,
    collective_share = comm_time / t[3],
    inertia = f$tot.withinss)
}

# allreduce of m doubles: median of 30 (the cost a model needs)
ar <- NULL
for (m in c(1, 128, 8192, 4 * 64 * 16 + 64, 131072, 4 * 1000 * 32 + 1000)) {
  x <- runif(m)
  invisible(mpi.barrier(0))
  # batches of 50 calls (the clock ticks in milliseconds), median of 7
  tt <- replicate(7, {
    t0 <- proc.time()[["elapsed"]]
    for (r in 1:50) base$allreduce(x, "sum")
    (proc.time()[["elapsed"]] - t0) / 50
  })
  ar <- rbind(ar, data.frame(processes = p, doubles = m, bytes = 8 * m,
                             median_us = 1e6 * median(tt)))
}

if (rank == 0L) {
  out <- do.call(rbind, res)
  rownames(out) <- NULL
  print(out, digits = 4)
  print(ar, digits = 4)
  dir.create("bench/results", showWarnings = FALSE, recursive = TRUE)
  f1 <- "bench/results/mpi-scaling.csv"
  utils::write.table(out, f1, sep = ",", row.names = FALSE, append = file.exists(f1),
                     col.names = !file.exists(f1))
  f2 <- "bench/results/mpi-allreduce.csv"
  utils::write.table(ar, f2, sep = ",", row.names = FALSE, append = file.exists(f2),
                     col.names = !file.exists(f2))
}
invisible(mpi.barrier(0))
mpi.quit()

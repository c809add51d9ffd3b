# cluster-vignette.R: the example of vignette("cluster", package = "ckm").
# Run it with, for example, 4 processes:
#   mpirun -np 4 Rscript cluster-vignette.R
# (add --oversubscribe to run more processes than cores, and
# --allow-run-as-root inside a container that runs as root)
library(ckm)
comm <- ckm_comm_rmpi() # this process's rank and the number of processes

# The data: one binary file of doubles, row after row. In a real job it
# already exists (ckm_write_binary() writes one from R); here rank 0 makes
# one, and the others wait for it.
file <- "ckm-cluster-example.bin"
n <- 120000
d <- 8
if (comm$rank == 0) {
  set.seed(1)
  centres <- matrix(runif(12 * d, -20, 20), 12, d)
  X_all <- centres[sample.int(12, n, replace = TRUE), ] + matrix(rnorm(n * d), n, d)
  ckm_write_binary(X_all, file)
}
invisible(comm$allreduce(0, "sum")) # every process waits here for rank 0

# Each process reads its own rows, and only those.
rows <- ckm_split_rows(n, comm)
X <- ckm_read_rows(file, rows, ncol = d)

# The same seed on every process: the k-means++ draws are the same ones, so
# every process follows the same fit. Each gets the centres and the sums of
# squares of all rows, and the labels of its own rows.
set.seed(42)
fit <- ckm_fit_mpi(X, k = 12, comm = comm, threads = 1)
if (comm$rank == 0) print(fit)
cat(sprintf("rank %d: rows %d to %d, %d labels, %d iterations\n",
            comm$rank, as.integer(rows[1]), as.integer(rows[2]),
            length(fit$cluster), fit$iter))

# New points are assigned locally, with no communication.
new <- X[1:5, ] + 0.1
labels <- predict(fit, new)

# The fit is the one a single process makes of all rows, bit for bit: here
# rank 0 reads the whole file to show it (a real job would not).
# Every rank learns the verdict, and the job fails (on every rank) if the
# two differ.
same <- 0
if (comm$rank == 0) {
  set.seed(42)
  one <- ckm_fit(ckm_read_rows(file, c(1, n), ncol = d), k = 12, threads = 1)
  same <- as.numeric(identical(fit$centers, one$centers) && identical(fit$withinss, one$withinss))
  cat("identical to ckm_fit() of all rows:", same == 1, "\n")
  flush(stdout())
}
same <- comm$allreduce(same, "sum") # rank 0's verdict (the others hold 0)
if (comm$rank == 0) unlink(file)
if (same != 1) stop("the fit over processes is not the fit of all rows in one process")
Rmpi::mpi.quit()

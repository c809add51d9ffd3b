# Run under MPI: mpirun -np N Rscript faults.R   (N >= 2)
# Faults on one process must give the same clear error on every process,
# never a deadlock: each case runs ckm_fit_mpi() with one rank's input
# broken, catches the error on every rank, and rank 0 checks that all ranks
# caught the same message. Prints one line per case and "ALL OK".
suppressPackageStartupMessages({
  library(ckm)
  library(Rmpi)
})
comm <- ckm_comm_rmpi()
rank <- comm$rank
p <- comm$size
failed <- FALSE

set.seed(3)
X <- matrix(rnorm(600 * 3), ncol = 3)
rows <- split(seq_len(600), rep(seq_len(p), length.out = 600))[[rank + 1L]]
mine <- X[rows, , drop = FALSE]
last <- p - 1L

case <- function(label, expr) {
  msg <- tryCatch({
    force(expr)
    "<no error>"
  }, error = function(e) conditionMessage(e))
  all <- unlist(comm$allgather_obj(msg))
  ok <- length(unique(all)) == 1L && all[[1L]] != "<no error>"
  if (rank == 0L) {
    cat(sprintf("%-44s %s\n    %s\n", label, if (ok) "same error on every rank" else "MISMATCH",
                all[[1L]]))
  }
  if (!ok) failed <<- TRUE
}

case("a different number of columns on one rank",
     ckm_fit_mpi(if (rank == last) cbind(mine, 1) else mine, 3, comm = comm, threads = 1))
case("a different k on one rank",
     ckm_fit_mpi(mine, if (rank == last) 4 else 3, comm = comm, threads = 1))
case("a different init on one rank",
     ckm_fit_mpi(mine, 3, init = if (rank == last) "random" else "kmeans++", comm = comm, threads = 1))
case("different starting centres on one rank",
     ckm_fit_mpi(mine, init = X[1:3, ] + (rank == last), comm = comm, threads = 1))
case("a different max_iter on one rank",
     ckm_fit_mpi(mine, 3, max_iter = if (rank == last) 10 else 20, comm = comm, threads = 1))
case("NA in the rows of one rank",
     ckm_fit_mpi({m <- mine; if (rank == last) m[2, 2] <- NA; m}, 3, comm = comm, threads = 1))
case("a bad argument on one rank",
     ckm_fit_mpi(mine, 3, tol = if (rank == last) -1 else 1e-4, comm = comm, threads = 1))
case("fewer distinct rows than k over all processes",
     ckm_fit_mpi(matrix(rep(c(1, 2), length.out = 2 * nrow(mine)), ncol = 2), 3, comm = comm, threads = 1))
colnames(mine) <- c("v1", "v2", "v3")
case("other column names on one rank",
     ckm_fit_mpi({m <- mine; if (rank == last) colnames(m) <- c("v1", "v2", "w"); m}, 3,
                 comm = comm, threads = 1))
# the same names in another order are matched by name: the fit of all rows
set.seed(5)
f <- ckm_fit_mpi(if (rank == last) mine[, c(2, 1, 3)] else mine, 3, comm = comm, threads = 1)
all_cl <- unlist(comm$allgather_obj(unname(f$cluster)))
if (rank == 0L) {
  set.seed(5)
  g <- ckm_fit(do.call(rbind, lapply(seq_len(p), function(r) {
    X[split(seq_len(600), rep(seq_len(p), length.out = 600))[[r]], , drop = FALSE]
  })), 3, threads = 1)
  ok <- identical(unname(f$centers), unname(g$centers)) && identical(all_cl, unname(g$cluster)) &&
    identical(colnames(f$centers), c("v1", "v2", "v3"))
  cat(sprintf("%-44s %s\n", "columns in another order on one rank", if (ok) "matched by name" else "WRONG"))
  if (!ok) failed <- TRUE
}
failed <- comm$bcast_obj(failed, 0L)
colnames(mine) <- NULL
case("k larger than all rows together",
     ckm_fit_mpi(mine[1:2, , drop = FALSE], 2 * p + 1, comm = comm, threads = 1))

# and after all that, the processes still work together
set.seed(5)
f <- ckm_fit_mpi(mine, 3, comm = comm, threads = 1)
sizes <- unlist(comm$allgather_obj(sum(f$size)))
if (rank == 0L) cat(sprintf("%-44s %s\n", "a fit after the errors", if (all(sizes == 600)) "ok" else "WRONG"))
if (rank == 0L) cat(if (failed) "SOME MISMATCH\n" else "ALL OK\n")
invisible(mpi.barrier(0))
if (failed) {
  mpi.finalize()
  quit(status = 1)
}
mpi.quit()

# Run under MPI: mpirun -np N Rscript identity.R
# Every rank fits its block of rows with ckm_fit_mpi(); rank 0 also fits
# all rows with ckm_fit() and compares every field (identical(), not
# all.equal()). Prints one line per case and "ALL OK" when all agree; exits
# with status 1 on the first difference.
suppressPackageStartupMessages({
  library(ckm)
  library(Rmpi)
})
comm <- ckm_comm_rmpi()
rank <- comm$rank
p <- comm$size
say <- function(...) if (rank == 0L) cat(sprintf(...), "\n", sep = "")
failed <- FALSE

# Split rows 1..N over p ranks at the given cut points (uneven on purpose).
my_rows <- function(N, cuts) {
  b <- c(0, cuts, N)
  seq.int(b[rank + 1L] + 1, length.out = b[rank + 2L] - b[rank + 1L])
}

fields <- c("centers", "withinss", "tot.withinss", "totss", "betweenss",
            "size", "iter", "trace", "converged", "relocated", "n_iter", "transfers",
            "init_centers", "algorithm", "n_init")

compare <- function(label, X, cuts, k, threads, ...) {
  rows <- my_rows(nrow(X), cuts)
  set.seed(11)
  f <- ckm_fit_mpi(X[rows, , drop = FALSE], k, comm = comm, threads = threads, ...)
  all_cl <- unlist(comm$allgather_obj(unname(f$cluster)))
  ok <- TRUE
  if (rank == 0L) {
    set.seed(11)
    # the default on a small problem: over processes, its first start is
    # refined by Hartigan's sweeps alone, as algorithm = "hartigan" does
    g <- if (identical(f$algorithm, "hartigan") && is.null(list(...)$algorithm)) {
      ckm_fit(X, k, threads = threads, algorithm = "hartigan", ...)
    } else {
      ckm_fit(X, k, threads = threads, ...)
    }
    for (fl in fields) {
      if (!identical(unname(f[[fl]]), unname(g[[fl]]))) {
        cat(sprintf("  %s differs: %s\n", fl,
                    paste(format(utils::head(c(f[[fl]]) - c(g[[fl]])), digits = 3), collapse = " ")))
        ok <- FALSE
      }
    }
    if (!identical(all_cl, unname(g$cluster))) {
      cat("  cluster differs\n")
      ok <- FALSE
    }
    if (g$relocated > 0) cat(sprintf("  (%g empty-cluster relocations)\n", g$relocated))
  }
  ok <- comm$bcast_obj(ok, 0L)
  say("%-58s %s", sprintf("%s [%d ranks]", label, p), if (ok) "identical" else "DIFFERS")
  if (!ok) failed <<- TRUE
}

set.seed(1)
# 9000 x 5 (two blocks of 8192 rows), 6 blobs, far from the origin in col 2
X1 <- matrix(rnorm(9000 * 5), ncol = 5) + kronecker(matrix(rnorm(6 * 5, sd = 4), 6), rep(1, 1500))
X1[, 2] <- X1[, 2] + 1e7
# 30000 x 3: many blocks
X2 <- matrix(runif(30000 * 3), ncol = 3)
N1 <- nrow(X1); N2 <- nrow(X2)

even <- function(N) if (p > 1) round(N * seq_len(p - 1) / p) else numeric()
uneven <- function(N) if (p > 1) sort(c(3, N - 5000, round(N * 0.37))[seq_len(p - 1)]) else numeric()
tiny <- function(N) if (p > 1) seq_len(p - 1) else numeric() # one row on all but the last

start1 <- X1[c(1, 1501, 3001, 4501, 6001, 7501), ]
for (alg in c("lloyd", "hamerly", "yinyang")) {
  compare(sprintf("9000x5 k=6 init matrix %s, even", alg), X1, even(N1), 6, 1,
          init = start1, algorithm = alg)
}
compare("9000x5 k=6 init matrix lloyd, uneven, 2 threads", X1, uneven(N1), 6, 2,
        init = start1, algorithm = "lloyd")
compare("30000x3 k=25 default (kmeans' start, k-means++, Hartigan)", X2, even(N2), 25, 1)
# 20 distinct rows, each 100 times: the default's random draw repeats a
# row, and draws again from the distinct rows, as in one process
X3 <- kronecker(matrix(rnorm(20 * 2), 20), rep(1, 100))
cuts3 <- if (p > 1) c(3, 700, 1200)[seq_len(p - 1)] else numeric()
compare("2000x2 20 distinct rows k=8 default (draw repeats)", X3, cuts3, 8, 1)
compare("9000x5 k=6 init matrix hartigan, uneven, 2 threads", X1, uneven(N1), 6, 2,
        init = start1, algorithm = "hartigan")
compare("30000x3 k=8 kmeans++ n_init=3 hartigan, tiny blocks", X2, tiny(N2), 8, 1,
        init = "kmeans++", n_init = 3, algorithm = "hartigan")
compare("30000x3 k=25 kmeans++ hamerly, uneven", X2, uneven(N2), 25, 2, algorithm = "hamerly")
compare("30000x3 k=40 greedy-kmeans++ yinyang, uneven", X2, uneven(N2), 40, 1,
        init = "greedy-kmeans++", algorithm = "yinyang")
compare("30000x3 k=30 kmeans||, even", X2, even(N2), 30, 1, init = "kmeans||")
compare("30000x3 k=8 random n_init=3, uneven", X2, uneven(N2), 8, 1, init = "random", n_init = 3)
# empty clusters: duplicated far start forces relocation to the farthest points
start_bad <- rbind(X2[1:7, ], c(50, 50, 50))
compare("30000x3 k=8 start with an empty cluster, uneven", X2, uneven(N2), 8, 1,
        init = start_bad, algorithm = "lloyd")
compare("30000x3 k=8 tol = 0.01 (stops on the shift)", X2, even(N2), 8, 1, tol = 0.01,
        init = X2[1:8, ])
compare("30000x3 k=150 (blocks of 9728 rows) yinyang, tiny blocks", X2, tiny(N2), 150, 2,
        algorithm = "yinyang")
compare("9000x5 k=6 kmeans++ lloyd, tiny blocks, 2 threads", X1, tiny(N1), 6, 2,
        algorithm = "lloyd")

if (rank == 0L) cat(if (failed) "SOME DIFFER\n" else "ALL OK\n")
invisible(mpi.barrier(0))
if (failed) {
  mpi.finalize()
  quit(status = 1)
}
mpi.quit()

# Fits over processes. In one process (ckm_comm_serial()) ckm_fit_mpi() must
# be ckm_fit(); under mpirun (when Open MPI and Rmpi are installed) the
# scripts of inst/mpi/ compare 1, 2 and 3 processes with ckm_fit() of all
# rows, field by field with identical(). `make mpi` runs them with 1 to 4.

blobs <- function(n, d, k, sd = 0.3, seed = 1) {
  withr::with_seed(seed, {
    centres <- matrix(rnorm(k * d, sd = 3), k, d)
    truth <- sample.int(k, n, replace = TRUE)
    list(X = centres[truth, , drop = FALSE] + matrix(rnorm(n * d, sd = sd), n, d),
         truth = truth)
  })
}

test_that("in one process ckm_fit_mpi() is ckm_fit(), field by field", {
  b <- blobs(9000, 4, 12)
  X <- b$X
  for (init in c("kmeans++", "greedy-kmeans++", "kmeans||")) {
    for (alg in c("lloyd", "hamerly", "yinyang")) {
      f <- withr::with_seed(3, ckm_fit_mpi(X, 12, init = init, algorithm = alg,
                                           comm = ckm_comm_serial(), threads = 2))
      g <- withr::with_seed(3, ckm_fit(X, 12, init = init, algorithm = alg, threads = 1))
      for (fl in c("cluster", "centers", "withinss", "totss", "size", "iter", "trace")) {
        expect_identical(f[[fl]], g[[fl]], label = paste(init, alg, fl))
      }
    }
  }
  expect_s3_class(f, c("ckm_mpi", "ckm", "kmeans"), exact = TRUE)
  expect_identical(f$rows, c(0, 9000))
  # predict() on the result: a plain-R nearest centre
  new <- X[1:50, ] + 0.01
  near <- apply(new, 1, function(p) which.min(colSums((t(f$centers) - p)^2)))
  expect_identical(unname(predict(f, new)), unname(near))
})

test_that("a second process with no rows changes nothing (the C side's collectives)", {
  # the core's collectives, driven through R: a fake second process that
  # holds no rows (its sums are 0, it has no candidates, it holds no row to
  # fetch); every result must equal one process's, bit for bit
  cc <- list(rank = 0L, size = 2L, row0 = 0, n_global = 6000,
             allreduce = function(x, op) x,
             allgather = function(x) c(x, rep(-1, length(x))),
             allgather_obj = function(obj) list(obj))
  b <- blobs(6000, 3, 8)
  X <- b$X
  expect_identical(ckm:::data_moments(X, NULL, 2L, cc), ckm:::data_moments(X, NULL, 2L))
  for (trials in c(1L, 3L)) {
    s1 <- withr::with_seed(4, ckm:::seed_kmeanspp(X, 8, 2L, NULL, trials = trials, comm = cc))
    s0 <- withr::with_seed(4, ckm:::seed_kmeanspp(X, 8, 2L, NULL, trials = trials))
    expect_identical(s1, s0)
  }
  p1 <- withr::with_seed(4, ckm:::seed_kmeans_parallel(X, 8, 2L, NULL, comm = cc))
  p0 <- withr::with_seed(4, ckm:::seed_kmeans_parallel(X, 8, 2L, NULL))
  expect_identical(p1, p0)
  mom <- ckm:::data_moments(X, NULL, 2L)
  start <- rbind(X[1:7, ], c(50, 50, 50)) # the last one empties: relocation
  for (alg in 0:2) {
    engine <- list(code = alg, hartigan = FALSE)
    z1 <- ckm:::run_fit(X, start, NULL, 50L, 0, engine, 0L, 2L, FALSE, NULL, mom$moments, cc)
    z0 <- ckm:::run_fit(X, start, NULL, 50L, 0, engine, 0L, 2L, FALSE, NULL, mom$moments)
    expect_identical(z1, z0)
    expect_gte(z0$relocated, 1)
  }
  # Hartigan's sweeps take turns: the second process (no rows) passes on
  # the state it was handed
  cc$allgather <- function(x) c(x, x)
  start <- X[c(1, 2, 3, 4, 5, 6, 7, 3000), ]
  engine <- list(code = 0L, hartigan = TRUE)
  z1 <- ckm:::run_fit(X, start, NULL, 50L, 0, engine, 0L, 2L, FALSE, NULL, mom$moments, cc)
  z0 <- ckm:::run_fit(X, start, NULL, 50L, 0, engine, 0L, 2L, FALSE, NULL, mom$moments)
  expect_identical(z1, z0)
  expect_gt(z0$transfers, 0)
})

test_that("far from the origin the fit over processes conditions as ckm_fit()", {
  b <- blobs(3000, 3, 4)
  X <- b$X
  X[, 2] <- X[, 2] + 1e9
  f <- withr::with_seed(5, ckm_fit_mpi(X, 4, tol = 0, comm = ckm_comm_serial(), threads = 1))
  # (the default's first start over processes: Hartigan's sweeps, as
  # algorithm = "hartigan" refines it)
  g <- withr::with_seed(5, ckm_fit(X, 4, tol = 0, algorithm = "hartigan", threads = 1))
  expect_identical(f$centers, g$centers)
  expect_identical(f$cluster, g$cluster)
  expect_false(is.null(g$conditioning))
  # the centres are the means of their clusters (a plain-R reference)
  means <- rowsum(X, f$cluster) / as.vector(table(f$cluster))
  expect_equal(unname(f$centers), unname(means), tolerance = 1e-12)
})

test_that("block sums are added exactly: the total does not depend on their order", {
  # one large value, a 1 and its negative in three different tiles: the
  # exact sum is 1; a running double sum loses the 1 (1e16 + 1 == 1e16)
  v <- numeric(3 * 256)
  v[1] <- 1e16
  v[257] <- 1
  v[513] <- -1e16
  expect_identical(.Call(ckm:::ffi_vector_total, v, NULL), 1)
  v2 <- c(1e16, 1, -1e16)
  expect_identical(v2[1] + v2[2] + v2[3], 0) # a running double sum
  # tiles in any order: the same bits
  withr::with_seed(9, {
    w <- rnorm(256 * 40) * 10^runif(256 * 40, -8, 8)
    tot <- .Call(ckm:::ffi_vector_total, w, NULL)
    for (r in 1:5) {
      perm <- as.vector(matrix(seq_along(w), 256)[, sample.int(40)])
      expect_identical(.Call(ckm:::ffi_vector_total, w[perm], NULL), tot)
    }
    # and close to the exact sum (long double accumulation of sorted parts
    # as a reference)
    ref <- sum(sort(w))
    expect_lt(abs(tot - ref), 4 * .Machine$double.eps * sum(abs(w)))
  })
})

test_that("centres match stats::kmeans over many blocks (sums added exactly)", {
  # 20000 rows: three blocks of 8192; the same start gives the same labels,
  # and centres within a few ulps of stats::kmeans' running sums
  b <- blobs(20000, 3, 6, sd = 1)
  start <- b$X[match(1:6, b$truth), ]
  f <- ckm_fit(b$X, init = start, algorithm = "lloyd", tol = 0, threads = 2)
  s <- stats::kmeans(b$X, start, iter.max = 300, algorithm = "Lloyd")
  expect_identical(f$iter, s$iter)
  expect_identical(unname(f$cluster), s$cluster)
  expect_equal(unname(f$centers), unname(s$centers), tolerance = 1e-13)
})

test_that("k-means|| finds the blobs at least as often as k-means++", {
  # 20 blobs on a 5 x 4 grid 10 apart (sd 0.7): a start that puts one
  # centre in each finds them all (ARI 1 with the truth, mclust)
  grid <- as.matrix(expand.grid(1:5, 1:4)) * 10
  truth <- withr::with_seed(4, sample.int(20, 6000, replace = TRUE))
  X <- grid[truth, ] + withr::with_seed(5, matrix(rnorm(12000, sd = 0.7), ncol = 2))
  found <- function(init) {
    mean(vapply(1:12, function(s) {
      f <- withr::with_seed(s, ckm_fit(X, 20, init = init, threads = 1))
      mclust::adjustedRandIndex(f$cluster, truth) > 0.999
    }, logical(1)))
  }
  par <- found("kmeans||")
  expect_gte(par, found("kmeans++"))
  expect_gte(par, 0.9)
  # the same seed, the same start, with 1 or 2 threads
  f1 <- withr::with_seed(7, ckm_fit(X, 20, init = "kmeans||", threads = 1))
  f2 <- withr::with_seed(7, ckm_fit(X, 20, init = "kmeans||", threads = 2))
  expect_identical(f1$centers, f2$centers)
  # with weights (the law of repeated rows) it finds them too
  fw <- withr::with_seed(7, ckm_fit(X, 20, init = "kmeans||", weights = rep(c(1, 3), 3000),
                                    threads = 1))
  expect_equal(mclust::adjustedRandIndex(fw$cluster, truth), 1)
})

test_that("ckm_read_rows() reads just the rows asked for", {
  X <- matrix(withr::with_seed(2, rnorm(300 * 4)), 300, 4,
              dimnames = list(NULL, c("a", "b", "c", "d")))
  bin <- withr::local_tempfile(fileext = ".bin")
  csv <- withr::local_tempfile(fileext = ".csv")
  ckm_write_binary(X, bin)
  expect_identical(file.size(bin), 300 * 4 * 8)
  utils::write.csv(X, csv, row.names = FALSE)
  for (r in list(c(1, 300), c(1, 1), c(77, 150), c(300, 300), c(5, 4))) {
    rows <- seq.int(r[1], length.out = r[2] - r[1] + 1)
    expect_identical(ckm_read_rows(bin, r, ncol = 4), unname(X[rows, , drop = FALSE]))
    got <- ckm_read_rows(csv, r)
    expect_identical(colnames(got), colnames(X))
    expect_equal(unname(got), unname(X[rows, , drop = FALSE]), tolerance = 1e-14)
  }
  # every process's share: consecutive blocks that cover all rows once
  for (p in c(1, 2, 3, 7)) {
    shares <- t(sapply(seq_len(p) - 1L, function(r) {
      comm <- ckm_comm_serial()
      comm$rank <- r
      comm$size <- p
      ckm_split_rows(1000, comm)
    }))
    expect_identical(as.numeric(unlist(apply(shares, 1, function(s) seq.int(s[1], length.out = s[2] - s[1] + 1)))),
                     as.numeric(1:1000))
  }
  expect_snapshot(error = TRUE, {
    ckm_read_rows(bin, c(10, 400), ncol = 4)
    ckm_read_rows(bin, c(1, 10), ncol = 3.5)
    ckm_read_rows(csv, c(290, 310))
    ckm_read_rows(csv, c(0, 10))
    ckm_read_rows("no/such/file.csv", c(1, 2))
  })
})

test_that("bad communicators and arguments are errors naming them", {
  X <- matrix(1:20 + 0.5, 10)
  expect_snapshot(error = TRUE, {
    ckm_fit_mpi(X, 2, comm = list(rank = 0))
    ckm_fit_mpi(X, 11, comm = ckm_comm_serial())
    ckm_fit_mpi(X, 2, init = "nope", comm = ckm_comm_serial())
    ckm_split_rows(-1, ckm_comm_serial())
  })
})

# Rmpi is looked for, not loaded: loading it starts MPI in this process,
# and an mpirun started from inside an MPI process refuses to run
mpi_ready <- function() {
  nzchar(Sys.which("mpirun")) && nzchar(Sys.which("timeout")) &&
    nzchar(system.file(package = "Rmpi"))
}

# stdout and stderr apart: the ranks' messages (errors, the load governor's
# note on an oversubscribed machine) would otherwise land inside the lines
# the tests read
run_mpi <- function(np, script, path = system.file("mpi", script, package = "ckm")) {
  err_file <- tempfile()
  on.exit(unlink(err_file))
  out <- suppressWarnings(system2(
    "timeout", c("300", "mpirun", "--oversubscribe", "--allow-run-as-root", "-np", np,
                 file.path(R.home("bin"), "Rscript"), path),
    stdout = TRUE, stderr = err_file,
    env = c("OMP_THREAD_LIMIT=2", "OMPI_MCA_rmaps_base_oversubscribe=1")))
  list(out = out, err = readLines(err_file, warn = FALSE), status = attr(out, "status") %||% 0L)
}
`%||%` <- function(a, b) if (is.null(a)) b else a

test_that("under mpirun, 1, 2 and 3 processes give ckm_fit()'s fit, bit for bit", {
  skip_on_cran()
  skip_if_not(mpi_ready(), "needs mpirun and Rmpi")
  for (np in 1:3) {
    r <- run_mpi(np, "identity.R")
    expect_identical(r$status, 0L, label = paste(np, "processes: exit status"))
    expect_true("ALL OK" %in% r$out, label = paste(c(np, "processes:", utils::tail(r$out, 30),
                                                     utils::tail(r$err, 10)), collapse = "\n"))
    expect_false(any(grepl("DIFFERS", r$out)))
    expect_identical(sum(grepl("identical$", r$out)), 16L)
  }
})

test_that("under mpirun, a fault on one process is the same error on all", {
  skip_on_cran()
  skip_if_not(mpi_ready(), "needs mpirun and Rmpi")
  r <- run_mpi(3, "faults.R")
  expect_identical(r$status, 0L)
  expect_true("ALL OK" %in% r$out, label = paste(r$out, collapse = "\n"))
  expect_identical(sum(grepl("same error on every rank", r$out)), 10L)
  # columns in another order on one rank are matched by name
  expect_true(any(grepl("columns in another order on one rank +matched by name", r$out)))
})

test_that("under mpirun, the cluster vignette's job runs and matches ckm_fit()", {
  skip_on_cran()
  skip_if_not(mpi_ready(), "needs mpirun and Rmpi")
  dir <- withr::local_tempdir()
  withr::local_dir(dir)
  r <- run_mpi(2, "cluster-vignette.R")
  expect_identical(r$status, 0L)
  expect_true(any(r$out == "identical to ckm_fit() of all rows: TRUE "),
              label = paste(r$out, collapse = "\n"))
  expect_identical(sum(grepl("^rank [01]: rows", r$out)), 2L)
  expect_false(file.exists(file.path(dir, "ckm-cluster-example.bin")))
})

test_that("the vignette's job fails when its fit is not the fit of all rows", {
  skip_on_cran()
  skip_if_not(mpi_ready(), "needs mpirun and Rmpi")
  dir <- withr::local_tempdir()
  withr::local_dir(dir)
  # the same script, but the one-process fit it compares with is made from
  # another seed: a fit that differs must stop the job
  src <- readLines(system.file("mpi", "cluster-vignette.R", package = "ckm"))
  at <- grep("^  set.seed\\(42\\)$", src)
  expect_length(at, 1L)
  src[at] <- "  set.seed(43)"
  broken <- file.path(dir, "broken.R")
  writeLines(src, broken)
  r <- run_mpi(2, path = broken)
  expect_false(identical(r$status, 0L))
  # (mpirun may end the job before every line is forwarded: one will do)
  expect_true(any(r$out == "identical to ckm_fit() of all rows: FALSE ") ||
                any(grepl("not the fit of all rows in one process", r$err)),
              label = paste(c(r$out, r$err), collapse = "\n"))
  expect_false(any(r$out == "identical to ckm_fit() of all rows: TRUE "))
})

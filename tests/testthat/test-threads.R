test_that("one and two threads give bit-identical results", {
  set.seed(21)
  # large enough (n k d above 2^22) to run on two threads
  b <- ref_blobs(120000, 8, d = 5, sd = 3, spread = 1)
  for (init in c("kmeans++", "random")) {
    set.seed(3); f1 <- ckm_fit(b$X, 8, init = init, tol = 0, threads = 1)
    set.seed(3); f2 <- ckm_fit(b$X, 8, init = init, tol = 0, threads = 2)
    expect_identical(f1$cluster, f2$cluster)
    expect_identical(f1$centers, f2$centers)
    expect_identical(f1$tot.withinss, f2$tot.withinss)
    expect_identical(f1$trace, f2$trace)
    expect_identical(f1$init_centers, f2$init_centers)
    expect_identical(f1$threads, 1L)
    expect_identical(f2$threads, 2L)
  }
})

test_that("a small fit runs on one thread, whatever is asked", {
  # its regions would be shorter than the OpenMP runtime's spin-wait
  withr::local_envvar(OMP_THREAD_LIMIT = "2")
  expect_identical(ckm_fit(iris[, 1:4], 3, threads = 2)$threads, 1L)
  expect_error(ckm_fit(iris[, 1:4], 3, threads = 0), "`threads`")
})

test_that("ckm_threads() sets the default and returns the old value", {
  old <- ckm_threads(1)
  on.exit(ckm_threads(NULL))
  expect_identical(ckm_threads(), 1L)
  expect_identical(ckm_fit(iris[, 1:4], 2)$threads, 1L)
  prev <- ckm_threads(2)
  expect_identical(prev, 1L)
  expect_lte(ckm_threads(), 2L)
  expect_output(ckm_threads(verbose = TRUE), "threads used")
})

test_that("OMP_THREAD_LIMIT and the option cap the count", {
  withr::local_envvar(OMP_THREAD_LIMIT = "1")
  expect_identical(ckm_threads(), 1L)
  expect_identical(ckm_fit(iris[, 1:4], 2, threads = 2)$threads, 1L)
  withr::local_envvar(OMP_THREAD_LIMIT = "")
  withr::local_options(ckm.threads = 1)
  expect_identical(ckm_threads(), 1L)
})

test_that("on a busy machine a call leaves the busy core alone (load-aware)", {
  skip_on_os(c("windows", "mac", "solaris"))
  skip_if(parallel::detectCores() != 2L, "needs exactly two cores")
  skip_if(!nzchar(Sys.which("timeout")), "no `timeout` command")
  # a second process keeps one core busy for at most 20 s; it writes its
  # process id, which is how it is stopped
  rscript <- file.path(R.home("bin"), "Rscript")
  pidfile <- tempfile()
  system2("timeout", c("20", shQuote(rscript), "--vanilla", "-e",
                       shQuote(sprintf("writeLines(as.character(Sys.getpid()), '%s'); repeat {}", pidfile))),
          wait = FALSE, stdout = FALSE, stderr = FALSE)
  for (i in 1:100) {
    if (file.exists(pidfile) && length(readLines(pidfile)) == 1L) break
    Sys.sleep(0.05)
  }
  on.exit(try(tools::pskill(as.integer(readLines(pidfile))), silent = TRUE), add = TRUE)
  Sys.sleep(1)
  withr::local_options(ckm.load_aware = TRUE)
  withr::local_envvar(OMP_THREAD_LIMIT = "2")
  out <- capture.output(n <- ckm_threads(verbose = TRUE))
  expect_identical(n, 1L)
  expect_true(any(grepl("capped by the cores other processes are using", out)))
  set.seed(1)
  f <- ckm_fit(iris[, 1:4], 3, threads = 2)
  expect_identical(f$threads, 1L)
  # a call big enough for two threads says why it uses one, once a session
  X <- matrix(rnorm(4e5), ncol = 4)
  the <- ckm:::the
  the$load_told <- NULL
  expect_message(f <- suppressWarnings(ckm_fit(X, 16, n_init = 1, max_iter = 2, threads = 2)),
                 "1 of 2 threads, as other processes are using the other cores", fixed = TRUE)
  expect_identical(f$threads, 1L)
  expect_no_message(suppressWarnings(ckm_fit(X, 16, n_init = 1, max_iter = 2, threads = 2)))
  # and the option turns it off
  withr::local_options(ckm.load_aware = FALSE)
  expect_identical(ckm_threads(), 2L)
})

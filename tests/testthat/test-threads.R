test_that("one and two threads give bit-identical results", {
  set.seed(21)
  b <- ref_blobs(20000, 8, d = 5, sd = 3, spread = 1)
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

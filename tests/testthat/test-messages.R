# Messages and methods that failed on edited fits, odd arguments or k-medians
# fits (adversarial round three): each a clear error naming the argument, or
# what users expect.

test_that("print() and summary() take fits with missing or NA optional fields", {
  set.seed(1)
  fit <- ckm_fit(iris[, 1:4], 3, threads = 1)
  for (f in c("n_init", "converged", "relocated", "n_iter", "algorithm", "init", "threads")) {
    for (v in list(NULL, NA)) {
      g <- fit
      g[f] <- list(v)
      expect_output(print(g), "Cluster means", info = f)
      expect_output(print(summary(g)), "Centres", info = f)
    }
  }
  g <- fit
  g$converged <- NA
  expect_output(print(g), "Stopped after")
})

test_that("print() shows the cluster means, compactly for many clusters or columns", {
  set.seed(2)
  fit <- ckm_fit(iris[, 1:4], 3, threads = 1)
  out <- capture.output(print(fit))
  at <- grep("^Cluster means:", out)
  expect_length(at, 1L)
  shown <- utils::read.table(text = out[(at + 1L):(at + 4L)], header = TRUE)
  expect_equal(unname(as.matrix(shown)), unname(fit$centers), tolerance = 1e-3)
  b <- ckm_blobs(400, centers = 12, d = 10)
  out <- capture.output(print(ckm_fit(b$X, 12, threads = 1)))
  expect_true(any(grepl("10 of 12 clusters, 8 of 10 columns", out, fixed = TRUE)))
})

test_that("a k-medians fit plots and gives fitted values", {
  set.seed(3)
  X <- matrix(rnorm(300), 150)
  m <- ckm_kmedians(X, 3, threads = 1)
  pdf(NULL)
  on.exit(dev.off())
  expect_invisible(plot(m, X))
  expect_invisible(plot(m, what = "trace"))
  expect_error(plot(m), "`data` is needed")
  expect_identical(fitted(m), m$centers[m$cluster, ])
  expect_identical(fitted(m, "classes"), m$cluster)
})

test_that("generators refuse what they cannot make", {
  expect_snapshot(error = TRUE, {
    ckm_blobs(n = c(0, 0, 0))
    ckm_blobs(centers = 1e5, d = 1e5)
    ckm_anisotropic(centers = data.frame(a = 1:3, b = 1:3, c = 1:3))
  })
  set.seed(4)
  a <- ckm_anisotropic(60, centers = data.frame(a = c(0, 10), b = c(0, 10)))
  expect_identical(dim(a$X), c(60L, 2L))
})

test_that("a 3-d array is described as one, and the load option must be a flag", {
  expect_snapshot(error = TRUE, ckm_fit(array(1:24, c(2, 3, 4)), 2))
  for (v in list(0, NA, "yes")) {
    withr::local_options(ckm.load_aware = v)
    expect_error(ckm_threads(), "`options(ckm.load_aware)` must be TRUE or FALSE", fixed = TRUE)
  }
})

test_that("tiny weights are scaled, not reported as an overflow", {
  X <- as.matrix(iris[, 1:4])
  C <- X[c(1, 51, 101), ]
  a <- ckm_fit(X, init = C, algorithm = "lloyd", tol = 0, threads = 1)
  for (w in c(1e-300, 2^-1000, 1e300)) { # (results below 2.2e-308 would be subnormal)
    b <- ckm_fit(X, init = C, weights = rep(w, 150), algorithm = "lloyd", tol = 0, threads = 1)
    expect_identical(b$cluster, a$cluster)
    expect_equal(b$centers, a$centers, tolerance = 1e-12)
    expect_equal(b$tot.withinss / w, a$tot.withinss, tolerance = 1e-10)
  }
})

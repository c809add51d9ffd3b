test_that("generators are reproducible and have the promised shapes", {
  set.seed(90); a <- ckm_blobs(301, centers = 4, sd = 0.5, d = 3)
  set.seed(90); b <- ckm_blobs(301, centers = 4, sd = 0.5, d = 3)
  expect_identical(a, b)
  expect_identical(dim(a$X), c(301L, 3L))
  expect_identical(as.vector(table(a$y)), c(76L, 75L, 75L, 75L))
  # the points scatter around their centres with the given sd
  C <- rbind(c(0, 0), c(10, 10))
  set.seed(91)
  b <- ckm_blobs(c(20000, 10000), centers = C, sd = c(1, 2))
  expect_identical(as.vector(table(b$y)), c(20000L, 10000L))
  # standard errors: 2 / sqrt(10000) = 0.02 for the mean, about 0.014 for
  # the sd; the tolerances are relative
  expect_equal(unname(colMeans(b$X[b$y == 2, ])), c(10, 10), tolerance = 0.01)
  expect_equal(unname(apply(b$X[b$y == 2, ], 2, sd)), c(2, 2), tolerance = 0.03)
  expect_equal(unname(apply(b$X[b$y == 1, ], 2, sd)), c(1, 1), tolerance = 0.03)

  set.seed(92)
  m <- ckm_moons(1000, noise = 0)
  # upper moon: unit circle around (0, 0); lower: around (1, 0.5)
  r1 <- sqrt(rowSums(m$X[m$y == 1, ]^2))
  r2 <- sqrt(rowSums(sweep(m$X[m$y == 2, ], 2, c(1, 0.5))^2))
  expect_equal(r1, rep(1, 500))
  expect_equal(r2, rep(1, 500))

  set.seed(93)
  cc <- ckm_circles(1000, noise = 0, factor = 0.3)
  r <- sqrt(rowSums(cc$X^2))
  expect_equal(r[cc$y == 1], rep(1, 500))
  expect_equal(r[cc$y == 2], rep(0.3, 500))

  u <- ckm_unequal()
  expect_identical(as.vector(table(u$y)), c(250L, 250L, 15L))
  set.seed(94)
  an <- ckm_anisotropic(300)
  set.seed(94)
  bl <- ckm_blobs(300, centers = 3)
  expect_equal(an$X, bl$X %*% matrix(c(0.6, -0.4, -0.6, 0.8), 2), ignore_attr = TRUE)
})

test_that("k-means separates blobs and fails on moons and circles", {
  set.seed(95)
  b <- ckm_blobs(600, centers = rbind(c(0, 0), c(8, 0), c(4, 7)), sd = 0.5)
  expect_equal(ckm_ari(ckm_fit(b$X, 3, n_init = 5)$cluster, b$y), 1)
  m <- ckm_moons(600, noise = 0.05)
  expect_lt(ckm_ari(ckm_fit(m$X, 2, n_init = 5)$cluster, m$y), 0.6)
  cc <- ckm_circles(600, noise = 0.05)
  expect_lt(ckm_ari(ckm_fit(cc$X, 2, n_init = 5)$cluster, cc$y), 0.1)
})

test_that("generator arguments are checked", {
  expect_snapshot(error = TRUE, {
    ckm_blobs(0)
    ckm_blobs(100, centers = 2, sd = -1)
    ckm_blobs(c(10, 20), centers = 3)
    ckm_moons(100, noise = -0.1)
    ckm_circles(100, factor = 1.5)
  })
})

test_that("plot() draws clusters and the trace", {
  pdf(NULL)
  on.exit(dev.off())
  set.seed(96)
  b <- ckm_blobs(200, centers = 3)
  fit <- ckm_fit(b$X, 3)
  expect_identical(plot(fit, b$X), fit)
  expect_identical(plot(fit, what = "trace"), fit)
  fit4 <- ckm_fit(iris[, 1:4], 3)
  expect_identical(plot(fit4, iris[, 1:4]), fit4) # d > 2: principal components
  expect_snapshot(error = TRUE, {
    plot(fit)
    plot(fit, b$X[1:10, ])
  })
})

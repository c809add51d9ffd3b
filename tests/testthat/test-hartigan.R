# algorithm = "hartigan": Hartigan's transfers from the first assignment,
# against a plain-R Hartigan (helper-reference.R) and stats::kmeans'
# Hartigan-Wong; and the default fit against kmeans(X, k), seed by seed.

distinct_start <- function(X, k) {
  repeat {
    C <- X[sample.int(nrow(X), k), , drop = FALSE]
    if (!anyDuplicated(C)) return(C)
  }
}

test_that("the transfers are those of a plain-R Hartigan from the same start", {
  sets <- list(iris = list(as.matrix(iris[, 1:4]), 3), arrests = list(as.matrix(USArrests), 4),
               faithful = list(as.matrix(faithful), 3))
  set.seed(11)
  for (s in sets) {
    for (r in 1:8) {
      C <- distinct_start(s[[1]], s[[2]])
      ref <- ref_hartigan(s[[1]], C)
      fit <- ckm_fit(s[[1]], init = C, algorithm = "hartigan", tol = 0, threads = 1)
      expect_identical(unname(fit$cluster), ref$cluster)
      expect_equal(unname(fit$centers), unname(ref$centers), tolerance = 1e-12)
      expect_equal(fit$withinss, ref$wss, tolerance = 1e-10)
      expect_identical(fit$transfers, ref$transfers)
      expect_identical(fit$algorithm, "hartigan")
      expect_true(fit$converged)
    }
  }
})

test_that("the transfers are the plain-R Hartigan's when large clusters shrink far", {
  # clusters of more than 1024 points may fall to an eighth of their size
  # before the thresholds are dropped (hartigan.c): a start whose first
  # cluster (1537 points after the first assignment) ends with 913
  set.seed(12)
  X <- rbind(matrix(rnorm(4000), ncol = 2), cbind(rnorm(2000, 4), rnorm(2000)))
  C <- rbind(c(2, 0), c(-1.5, 0), c(5.5, 0), c(2, 4))
  first <- tabulate(ref_nearest(X, C)$lab, 4)
  ref <- ref_hartigan(X, C)
  fit <- ckm_fit(X, init = C, algorithm = "hartigan", tol = 0, threads = 1)
  expect_true(first[1] > 1200 && fit$size[1] < 0.7 * first[1])
  expect_identical(unname(fit$cluster), ref$cluster)
  expect_identical(fit$transfers, ref$transfers)
  expect_equal(fit$withinss, ref$wss, tolerance = 1e-10)
})

test_that("weighted transfers are those of the plain-R Hartigan, and integer weights repeat rows", {
  X <- as.matrix(iris[, 1:4])
  set.seed(12)
  for (r in 1:5) {
    w <- runif(150, 0.2, 3)
    C <- distinct_start(X, 3)
    ref <- ref_hartigan(X, C, w)
    fit <- ckm_fit(X, init = C, weights = w, algorithm = "hartigan", tol = 0, threads = 1)
    expect_identical(unname(fit$cluster), ref$cluster)
    expect_equal(fit$withinss, ref$wss, tolerance = 1e-10)
  }
  # a row of weight 2 is that row twice
  w <- rep(1:2, length.out = 150)
  C <- X[c(1, 51, 101), ]
  fw <- ckm_fit(X, init = C, weights = w, algorithm = "hartigan", tol = 0, threads = 1)
  ref <- ref_hartigan(X, C, as.double(w))
  expect_identical(unname(fw$cluster), ref$cluster)
})

test_that("from the same start it ends no worse than stats' Hartigan-Wong", {
  sets <- list(list(as.matrix(iris[, 1:4]), 3), list(as.matrix(USArrests), 4),
               list(as.matrix(swiss), 3), list(as.matrix(faithful), 2))
  set.seed(13)
  ratio <- c()
  for (s in sets) {
    for (r in 1:25) {
      C <- distinct_start(s[[1]], s[[2]])
      hw <- suppressWarnings(stats::kmeans(s[[1]], C, iter.max = 100))
      fit <- ckm_fit(s[[1]], init = C, algorithm = "hartigan", tol = 0, threads = 1)
      ratio <- c(ratio, fit$tot.withinss / hw$tot.withinss)
    }
  }
  expect_lte(mean(ratio > 1 + 1e-9), 0.05)
  expect_lte(max(ratio), 1.01)
})

test_that("no transfer can lower the inertia of the result, and every point is nearest its centre", {
  set.seed(14)
  X <- as.matrix(iris[, 1:4])
  fit <- ckm_fit(X, 3, algorithm = "hartigan", threads = 1)
  n <- tabulate(fit$cluster, 3)
  for (i in seq_len(nrow(X))) {
    a <- fit$cluster[[i]]
    d2 <- colSums((t(fit$centers) - X[i, ])^2)
    if (n[a] > 1) {
      stay <- n[a] / (n[a] - 1) * d2[a]
      move <- (n / (n + 1) * d2)[-a]
      expect_true(all(move >= stay * (1 - 1e-12)))
    }
  }
  expect_identical(unname(predict(fit, X)), unname(fit$cluster))
})

test_that("Hartigan's fit is bit-identical on one and two threads", {
  set.seed(15)
  b <- ref_blobs(120000, 8, d = 5, sd = 3, spread = 1) # n k d above 2^22: two threads
  C <- b$X[sample.int(nrow(b$X), 8), ]
  f1 <- ckm_fit(b$X, init = C, algorithm = "hartigan", threads = 1)
  f2 <- ckm_fit(b$X, init = C, algorithm = "hartigan", threads = 2)
  expect_identical(f2$threads, 2L)
  for (field in c("cluster", "centers", "withinss", "trace", "iter", "transfers")) {
    expect_identical(f1[[field]], f2[[field]])
  }
})

test_that("the default fit is no worse than kmeans(X, k) with the same seed, seed by seed", {
  sets <- list(list(as.matrix(iris[, 1:4]), 3), list(as.matrix(USArrests), 4),
               list(as.matrix(swiss), 3), list(as.matrix(attitude), 3),
               list(as.matrix(state.x77), 4), list(as.matrix(quakes[, 1:4]), 4),
               list(as.matrix(mtcars), 5))
  ratio <- c()
  for (s in sets) {
    for (seed in 1:20) {
      set.seed(seed)
      a <- suppressWarnings(stats::kmeans(s[[1]], s[[2]]))
      set.seed(seed)
      b <- ckm_fit(s[[1]], s[[2]], threads = 1)
      ratio <- c(ratio, b$tot.withinss / a$tot.withinss)
    }
  }
  # its first start is kmeans(X, k)'s own fit, refined further: never
  # higher but for the rounding of the sums of squares
  expect_lte(max(ratio), 1 + 1e-12)
})

test_that("the default's first start is the random draw of kmeans(X, k)", {
  X <- as.matrix(iris[, 1:4])
  for (seed in 1:5) {
    set.seed(seed)
    f <- ckm_fit(X, 3, n_init = 1, threads = 1)
    set.seed(seed)
    C <- X[sample.int(150, 3), ]
    expect_equal(unname(f$init_centers), unname(C))
    expect_identical(f$init, "auto")
    expect_identical(f$algorithm, "hartigan")
  }
  # large problems: one k-means++ start, the fastest exact algorithm
  set.seed(1)
  b <- ref_blobs(2e5, 30, d = 4)
  f <- ckm_fit(b$X, 30, max_iter = 5, threads = 1)
  expect_identical(f$init, "kmeans++")
  expect_identical(f$n_init, 1L)
  expect_false(identical(f$algorithm, "hartigan"))
})

test_that("restarts keep the best start, whose trace and start come with it", {
  X <- as.matrix(USArrests)
  set.seed(16)
  f <- ckm_fit(X, 4, init = "kmeans++", n_init = 6, algorithm = "lloyd", tol = 0, threads = 1)
  set.seed(16)
  one <- lapply(1:6, function(r) ckm_fit(X, 4, init = "kmeans++", n_init = 1, algorithm = "lloyd",
                                         tol = 0, threads = 1))
  inertia <- vapply(one, function(g) g$tot.withinss, double(1))
  best <- one[[which.min(inertia)]]
  expect_identical(f$tot.withinss, min(inertia))
  expect_identical(f$init_centers, best$init_centers)
  expect_identical(f$trace, best$trace)
  expect_identical(f$cluster, best$cluster)
})

test_that("bad X gives errors that name it", {
  X <- as.matrix(iris[, 1:4])
  Xna <- X; Xna[3, 2] <- NA
  Xnan <- X; Xnan[5, 1] <- NaN
  Xinf <- X; Xinf[7, 4] <- -Inf
  expect_snapshot(error = TRUE, {
    ckm_fit(Xna, 3)
    ckm_fit(Xnan, 3)
    ckm_fit(Xinf, 3)
    ckm_fit(matrix(letters[1:6], 3), 2)
    ckm_fit(list(a = 1:3, b = 4:6), 2)
    ckm_fit(iris, 3)
    ckm_fit(data.frame(a = 1:3, b = c("x", "y", "z")), 2)
    ckm_fit(matrix(numeric(), 0, 3), 1)
    ckm_fit(matrix(numeric(), 3, 0), 1)
    ckm_fit(NULL, 1)
    ckm_fit(matrix(TRUE, 3, 2), 1)
  })
})

test_that("bad k gives errors that name it", {
  X <- as.matrix(iris[, 1:4])
  expect_snapshot(error = TRUE, {
    ckm_fit(X)
    ckm_fit(X, 0)
    ckm_fit(X, -2)
    ckm_fit(X, 2.5)
    ckm_fit(X, NA)
    ckm_fit(X, "3")
    ckm_fit(X, c(2, 3))
    ckm_fit(X, 151)
    ckm_fit(X, Inf)
    ckm_fit(rbind(X[1:3, ], X[1:3, ]), 4)
    ckm_fit(rbind(X[1:3, ], X[1:3, ]), 4, init = "random")
  })
})

test_that("bad init gives errors that name it", {
  X <- as.matrix(iris[, 1:4])
  expect_snapshot(error = TRUE, {
    ckm_fit(X, 3, init = "kmeans")
    ckm_fit(X, 3, init = c("kmeans++", "random"))
    ckm_fit(X, 3, init = 5)
    ckm_fit(X, init = X[1:3, 1:3])
    ckm_fit(X, 2, init = X[1:3, ])
    ckm_fit(X, init = rbind(X[1:2, ], c(1, NA, 1, 1)))
    ckm_fit(X, init = rbind(X[1:2, ], c(1, Inf, 1, 1)))
    ckm_fit(X, init = X[c(1, 2, 1), ])
    ckm_fit(X, init = X[1:3, ], n_init = 5)
    ckm_fit(X, init = matrix(letters[1:12], 3))
  })
})

test_that("bad control arguments give errors that name them", {
  X <- as.matrix(iris[, 1:4])
  expect_snapshot(error = TRUE, {
    ckm_fit(X, 3, max_iter = 0)
    ckm_fit(X, 3, max_iter = NA)
    ckm_fit(X, 3, tol = -1)
    ckm_fit(X, 3, tol = NA)
    ckm_fit(X, 3, tol = "a")
    ckm_fit(X, 3, n_init = 0)
    ckm_fit(X, 3, algorithm = "elkan-ish")
    ckm_fit(X, 3, threads = 0)
    ckm_fit(X, 3, threads = "two")
    ckm_fit(X, 3, verbose = NA)
    ckm_threads(0)
  })
})

test_that("predict() checks newdata", {
  fit <- ckm_fit(as.matrix(iris[, 1:4]), init = as.matrix(iris[c(1, 51, 101), 1:4]))
  expect_snapshot(error = TRUE, {
    predict(fit, iris[, 1:3])
    predict(fit, matrix(1, 2, 3))
    predict(fit, matrix(c(1, NA, 1, 1), 1))
    predict(fit, "a")
  })
})

test_that("bad weights and min_size give errors that name them", {
  X <- as.matrix(iris[, 1:4])
  expect_snapshot(error = TRUE, {
    ckm_fit(X, 3, weights = 1:3)
    ckm_fit(X, 3, weights = "a")
    ckm_fit(X, 3, weights = c(0, rep(1, 149)))
    ckm_fit(X, 3, weights = c(rep(1, 149), -1))
    ckm_fit(X, 3, weights = c(rep(1, 149), NA))
    ckm_fit(X, 3, weights = c(rep(1, 149), Inf))
    ckm_fit(X, 3, weights = matrix(1, 150, 1))
    ckm_fit(X, 3, min_size = 0)
    ckm_fit(X, 3, min_size = 51)
    ckm_fit(X, 3, min_size = 2.5)
    ckm_fit(X, 3, min_size = "a")
  })
})

test_that("sums of squares that would overflow are fitted by scaling, never Inf or NaN centres", {
  # squared distances of values near 1e200 overflow; the fit scales X by a
  # power of two (exact), so it equals stats::kmeans on the scaled data
  X <- matrix(c(-1e200, 1e200, 0, 1, 2e199), ncol = 1)
  fit <- ckm_fit(X, init = X[1:2, , drop = FALSE], algorithm = "hamerly", tol = 0)
  ref <- stats::kmeans(X * 2^-664, X[1:2, , drop = FALSE] * 2^-664, algorithm = "Lloyd")
  expect_identical(unname(fit$cluster), unname(ref$cluster))
  expect_identical(unname(fit$centers), unname(ref$centers) * 2^664)
  expect_true(all(is.finite(fit$centers)))
  X308 <- matrix(c(-1e308, 1e308, 0, 1), ncol = 1)
  fit <- ckm_fit(X308, init = X308[1:2, , drop = FALSE], tol = 0)
  expect_identical(unname(fit$cluster), c(1L, 2L, 1L, 1L))
  expect_true(all(is.finite(fit$centers)))
  # huge weights: scaled too, the centres do not change
  w <- ckm_fit(matrix(1:10, ncol = 1), init = matrix(c(1, 10)), weights = rep(1e307, 10), tol = 0)
  u <- ckm_fit(matrix(1:10, ncol = 1), init = matrix(c(1, 10)), tol = 0)
  expect_identical(w$centers, u$centers)
  expect_equal(w$tot.withinss, u$tot.withinss * 1e307, tolerance = 1e-12)
  # large values whose differences square without overflow are fine
  X <- matrix(c(1e150, 1e150 + 1e140, 3e150, 3e150 + 1e140), ncol = 1)
  fit <- ckm_fit(X, init = X[c(1, 3), , drop = FALSE], tol = 0)
  expect_identical(unname(fit$cluster), c(1L, 1L, 2L, 2L))
  expect_true(all(is.finite(fit$centers)))
})

test_that("errors and warnings carry ckm's classes, and the warnings name the function", {
  expect_error(ckm_fit(iris[, 1:4], 0), class = "ckm_error")
  set.seed(1)
  w <- expect_warning(ckm_fit(iris[, 1:4], 3, init = "random", n_init = 1, max_iter = 1, tol = 0),
                      class = "ckm_warning")
  expect_match(conditionMessage(w), "^ckm_fit\\(\\): did not converge in 1 iterations")
  expect_null(conditionCall(w))
  w <- expect_warning(ckm_kmedians(iris[, 1:4], 3, max_iter = 1), class = "ckm_warning")
  expect_match(conditionMessage(w), "^ckm_kmedians\\(\\)")
})

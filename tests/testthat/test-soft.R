# Soft assignment: responsibilities of equal-weight spherical Gaussians at
# the centres, against a plain-R computation written here.
ref_soft <- function(X, C, beta) {
  D <- sapply(seq_len(nrow(C)), function(j) colSums((t(X) - C[j, ])^2))
  D <- matrix(D, nrow(X))
  E <- exp(-beta * (D - apply(D, 1, min)))
  E / rowSums(E)
}

test_that("predict(type = 'prob') equals the softmax of -beta d^2", {
  set.seed(101)
  b <- ref_blobs(500, 4, d = 3, sd = 3, spread = 1)
  fit <- ckm_fit(b$X, 4)
  new <- b$X[1:200, ] + rnorm(600, sd = 0.5)
  for (beta in c(0.01, 0.3, 5)) {
    p <- predict(fit, new, type = "prob", beta = beta)
    expect_equal(unname(p), ref_soft(new, fit$centers, beta), tolerance = 1e-12)
  }
  # the default beta: n d / (2 tot.withinss)
  beta0 <- nrow(b$X) * 3 / (2 * fit$tot.withinss)
  expect_equal(unname(predict(fit, new, type = "prob")), ref_soft(new, fit$centers, beta0),
               tolerance = 1e-12)
  p <- predict(fit, new, type = "prob")
  expect_equal(rowSums(p), rep(1, 200))
  expect_identical(colnames(p), as.character(1:4))
  # large beta: the hard labels; tiny beta: uniform
  hard <- predict(fit, new, type = "prob", beta = 1e6)
  expect_identical(unname(max.col(hard, ties.method = "first")), predict(fit, new))
  expect_equal(unname(predict(fit, new, type = "prob", beta = 1e-12)), matrix(0.25, 200, 4),
               tolerance = 1e-9)
})

test_that("soft assignment does not underflow far from every centre", {
  fit <- ckm_fit(matrix(c(0, 0, 10, 10), ncol = 1), init = matrix(c(0, 10)))
  far <- matrix(c(1e6, -1e6))
  p <- predict(fit, far, type = "prob", beta = 1)
  expect_equal(unname(p), rbind(c(0, 1), c(1, 0)))
  expect_false(anyNA(p))
  # threads do not change it
  set.seed(102)
  X <- matrix(rnorm(30000), ncol = 3)
  fit <- ckm_fit(X, 5)
  expect_identical(predict(fit, X, type = "prob", threads = 1),
                   predict(fit, X, type = "prob", threads = 2))
})

test_that("soft assignment arguments are checked", {
  fit <- ckm_fit(iris[, 1:4], 3)
  expect_snapshot(error = TRUE, {
    predict(fit, type = "prob")
    predict(fit, iris[, 1:4], type = "prob", beta = -1)
    predict(fit, iris[, 1:4], type = "prob", beta = c(1, 2))
    predict(fit, iris[, 1:4], type = "soft")
  })
})

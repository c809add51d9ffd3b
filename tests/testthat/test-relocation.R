test_that("an empty cluster takes the point farthest from its centre", {
  # centres 1, 10.5 and 100: the third gets no point. Distances to the own
  # centre are 1, 0, 1, 0.25, 0.25; the farthest, on a tie the lower row, is
  # row 1 (x = 0), which becomes cluster 3. Then the means are 1.5, 10.5, 0
  # and the partition {2, 3}, {4, 5}, {1} is stable, with inertia 1.
  X <- matrix(c(0, 1, 2, 10, 11))
  fit <- ckm_fit(X, init = matrix(c(1, 10.5, 100)), tol = 0)
  expect_identical(unname(fit$cluster), c(3L, 1L, 1L, 2L, 2L))
  expect_equal(unname(fit$centers[, 1]), c(1.5, 10.5, 0))
  expect_equal(fit$tot.withinss, 1)
  expect_identical(fit$relocated, 1)
  expect_true(all(is.finite(fit$centers)))
  expect_identical(fit$size, c(2L, 2L, 1L))
  # stats::kmeans gives up on the same start
  msgs <- character()
  withCallingHandlers(
    kmeans(X, matrix(c(1, 10.5, 100)), algorithm = "Lloyd"),
    warning = function(w) {
      msgs <<- c(msgs, conditionMessage(w))
      invokeRestart("muffleWarning")
    }
  )
  expect_true(any(grepl("empty cluster", msgs)))
})

test_that("several empty clusters are all relocated and the result is a Lloyd fixed point", {
  set.seed(41)
  X <- matrix(rnorm(400), ncol = 2)
  far <- matrix(c(100, 100, 200, 200, -300, 50), ncol = 2, byrow = TRUE)
  C0 <- rbind(X[1:3, ], far)
  fit <- ckm_fit(X, init = C0, tol = 0)
  expect_gte(fit$relocated, 3)
  expect_true(all(fit$size > 0))
  expect_true(all(is.finite(fit$centers)))
  # a plain-R Lloyd started from the final centres does not move
  ref <- ref_lloyd(X, fit$centers)
  expect_identical(unname(fit$cluster), ref$cluster)
  expect_equal(unname(fit$centers), ref$centers, tolerance = 1e-12)
})

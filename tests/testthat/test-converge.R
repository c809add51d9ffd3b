test_that("each step is the plain-R Lloyd after that many iterations", {
  set.seed(111)
  b <- ref_blobs(300, 3, d = 2, sd = 2, spread = 2)
  C0 <- ref_start(b$X, 3)
  cv <- ckm_converge(b$X, init = C0, iterations = 30)
  expect_identical(cv$start, C0)
  n_steps <- length(cv$fits)
  ref_full <- ref_lloyd(b$X, C0)
  # it stops where Lloyd converges: ref_lloyd counts the final assignment
  # that changes nothing as an iteration too
  expect_identical(n_steps, ref_full$iter)
  for (t in seq_len(n_steps - 1L)) {
    ref <- ref_lloyd(b$X, C0, max_iter = t)
    expect_equal(unname(cv$fits[[t]]$centers), ref$centers, tolerance = 1e-12)
    expect_identical(unname(cv$fits[[t]]$cluster), ref$cluster)
  }
  expect_true(cv$fits[[n_steps]]$converged)
  expect_length(cv$trace, n_steps)
  expect_true(all(diff(cv$trace) <= 0))
  # a cap shorter than convergence keeps that many steps
  expect_length(ckm_converge(b$X, init = C0, iterations = 2)$fits, 2L)
})

test_that("ckm_converge seeds with R's generator and plots", {
  set.seed(112)
  b <- ref_blobs(200, 3, d = 3)
  set.seed(5); a <- ckm_converge(b$X, 3, iterations = 3)
  set.seed(5); a2 <- ckm_converge(b$X, 3, iterations = 3)
  expect_identical(a, a2)
  pdf(NULL)
  on.exit(dev.off())
  expect_identical(plot(a, b$X), a) # d = 3: principal components
  expect_output(print(a), "Inertia by iteration")
  expect_snapshot(error = TRUE, {
    ckm_converge(b$X, 3, iterations = 0)
    ckm_converge(b$X, 3, init = "maybe")
    plot(a, b$X[1:10, ])
  })
})

test_that("the steps of one run are the fits of ckm_fit() stopped there", {
  # ckm_converge() records every state of one run (the core's snapshot
  # hook); each must be, field for field, what ckm_fit() returns with
  # max_iter = t, tol = 0 from the same start: also with relocation of an
  # empty cluster, and for data far from the origin (conditioned)
  set.seed(8)
  X <- rbind(matrix(rnorm(200, sd = 0.5), ncol = 2), matrix(rnorm(200, 4, 0.5), ncol = 2))
  far <- X
  far[, 1] <- far[, 1] + 1e8
  starts <- list(X[c(1, 2, 150), ], rbind(X[c(1, 150), ], c(40, 40)))
  for (data in list(X, far)) for (C0 in starts) {
    if (identical(data, far)) C0[, 1] <- C0[, 1] + 1e8
    cv <- ckm_converge(data, init = C0, iterations = 6, threads = 1)
    for (t in seq_along(cv$fits)) {
      ref <- suppressWarnings(ckm_fit(data, init = C0, max_iter = t, tol = 0,
                                      algorithm = "lloyd", threads = 1))
      expect_identical(cv$fits[[t]], ref)
    }
  }
})

test_that("plotting the steps without the data says what is missing", {
  X <- as.matrix(iris[, 1:4])
  cv <- ckm_converge(X, init = X[c(1, 51, 101), ], iterations = 2)
  expect_error(plot(cv), "`data` is needed to plot the steps: plot(steps, X).", fixed = TRUE)
  skip_if_not_installed("ggplot2")
  expect_error(ggplot2::autoplot(cv), "`data` is needed to plot the steps: autoplot(steps, X).",
               fixed = TRUE)
})

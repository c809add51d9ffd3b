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

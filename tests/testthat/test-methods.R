test_that("predict() on the training data returns the fitted clusters", {
  set.seed(51)
  b <- ref_blobs(3000, 5, d = 3)
  fit <- ckm_fit(b$X, 5, tol = 0)
  expect_identical(predict(fit, b$X), unname(fit$cluster))
  expect_identical(predict(fit), fit$cluster)
  fit2 <- ckm_fit(iris[, 1:4], 3, tol = 0)
  expect_identical(predict(fit2, iris[, 1:4]), unname(fit2$cluster))
  # columns are matched by name
  expect_identical(predict(fit2, iris[, 4:1]), unname(fit2$cluster))
})

test_that("predict() assigns new points to the nearest centre", {
  fit <- ckm_fit(matrix(c(0, 1, 10, 11)), init = matrix(c(0, 10)), tol = 0)
  new <- matrix(c(-5, 0.5, 5.4, 5.6, 100))
  expect_identical(predict(fit, new), c(1L, 1L, 1L, 2L, 2L))
  # a tie goes to the lower-numbered centre (centres 0.5 and 10.5)
  expect_identical(predict(fit, matrix(5.5)), 1L)
})

test_that("print(), summary() and fitted() work like their kmeans versions", {
  set.seed(52)
  fit <- ckm_fit(iris[, 1:4], 3)
  expect_output(out <- withVisible(print(fit)), "Inertia")
  expect_false(out$visible)
  expect_identical(out$value, fit)
  s <- summary(fit)
  expect_s3_class(s, "summary.ckm")
  expect_identical(s$clusters$size, fit$size)
  expect_output(print(s), "Centres")
  km <- fit; class(km) <- "kmeans"
  expect_identical(fitted(fit), fitted(km))
  expect_identical(fitted(fit, "classes"), fitted(km, "classes"))
})

test_that("verbose prints a line per start and per iteration", {
  set.seed(53)
  out <- capture.output(fit <- ckm_fit(iris[, 1:4], 3, n_init = 2, verbose = TRUE))
  expect_identical(sum(grepl("^start [12] of 2", out)), 2L)
  expect_gte(sum(grepl("iter .* inertia .* changed", out)), fit$n_iter)
})

test_that("broom and factoextra accept the result as a kmeans object", {
  set.seed(54)
  fit <- ckm_fit(iris[, 1:4], 3)
  skip_if_not_installed("broom")
  td <- broom::tidy(fit)
  expect_identical(nrow(td), 3L)
  expect_equal(td$withinss, fit$withinss)
  gl <- broom::glance(fit)
  expect_equal(gl$tot.withinss, fit$tot.withinss)
  au <- broom::augment(fit, iris[, 1:4])
  expect_identical(as.integer(au$.cluster), unname(fit$cluster))
  skip_if_not_installed("factoextra")
  p <- factoextra::fviz_cluster(fit, data = iris[, 1:4])
  expect_s3_class(p, "ggplot")
})

test_that("predict() on a small matrix is the plain-R nearest centre, row names kept", {
  set.seed(12)
  X <- as.matrix(iris[, 1:4])
  rownames(X) <- paste0("r", 1:150)
  for (k in 2:5) {
    fit <- ckm_fit(X, k, threads = 1)
    new <- X[sample.int(150, 40), ] + rnorm(160, sd = 0.3)
    near <- apply(new, 1, function(p) which.min(colSums((t(fit$centers) - p)^2)))
    expect_identical(predict(fit, new), near)
    # the same answer through the general path (a data frame)
    expect_identical(predict(fit, as.data.frame(new)), near)
  }
  bad <- new
  bad[3, 2] <- NA
  expect_error(predict(fit, bad), "row 3, column 2")
  edited <- fit
  edited$centers[1, 1] <- NaN
  expect_error(predict(edited, new), "centers")
})

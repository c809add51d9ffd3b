# The formula interface and scale = TRUE, against stats::kmeans on the same
# columns (scaled by base R's scale()) from the same start.

test_that("a formula fits the named columns of `data`", {
  start <- as.matrix(iris[c(1, 51, 101), c("Sepal.Length", "Petal.Width")])
  fit <- ckm_fit(~ Sepal.Length + Petal.Width, data = iris, init = start, tol = 0, threads = 1)
  ref <- kmeans(iris[, c("Sepal.Length", "Petal.Width")], start, algorithm = "Lloyd", iter.max = 300)
  expect_identical(unname(fit$cluster), unname(ref$cluster))
  expect_equal(unname(fit$centers), unname(ref$centers), tolerance = 1e-12)
  expect_identical(colnames(fit$centers), c("Sepal.Length", "Petal.Width"))
  # ~ . is every column; terms may transform
  all4 <- ckm_fit(~ ., data = iris[, 1:4], init = as.matrix(iris[c(1, 51, 101), 1:4]), tol = 0, threads = 1)
  ref4 <- kmeans(iris[, 1:4], iris[c(1, 51, 101), 1:4], algorithm = "Lloyd", iter.max = 300)
  expect_identical(unname(all4$cluster), unname(ref4$cluster))
  logged <- ckm_fit(~ log(Sepal.Length) + log(Petal.Length), data = iris,
                    init = log(as.matrix(iris[c(1, 51, 101), c(1, 3)])), tol = 0, threads = 1)
  refl <- kmeans(log(iris[, c(1, 3)]), log(iris[c(1, 51, 101), c(1, 3)]), algorithm = "Lloyd", iter.max = 300)
  expect_identical(unname(logged$cluster), unname(refl$cluster))
  # predict() takes a data frame with other (non-numeric) columns too
  expect_identical(unname(predict(fit, iris)), unname(fit$cluster))
})

test_that("scale = TRUE fits scale()d columns and remembers the scaling", {
  X <- as.matrix(iris[, 1:4])
  X[, 1] <- X[, 1] * 1000 # a column in other units
  start <- X[c(1, 51, 101), ]
  fit <- ckm_fit(X, init = start, tol = 0, scale = TRUE, threads = 1)
  S <- scale(X)
  start_s <- sweep(sweep(start, 2, attr(S, "scaled:center")), 2, attr(S, "scaled:scale"), "/")
  ref <- kmeans(S, start_s, algorithm = "Lloyd", iter.max = 300)
  expect_identical(unname(fit$cluster), unname(ref$cluster))
  expect_equal(unname(fit$centers), unname(ref$centers), tolerance = 1e-12)
  expect_equal(fit$tot.withinss, ref$tot.withinss, tolerance = 1e-12)
  expect_equal(fit$totss, ref$totss, tolerance = 1e-12)
  expect_equal(unname(fit$scaling$center), unname(attr(S, "scaled:center")))
  expect_equal(unname(fit$scaling$scale), unname(attr(S, "scaled:scale")))
  # unscaled, the thousand-fold column decides alone
  raw <- ckm_fit(X, init = start, tol = 0, threads = 1)
  expect_false(identical(raw$cluster, fit$cluster))
  # predict(): new rows scaled the same way, then the nearest centre
  new <- X[c(5, 60, 120, 77), ] + 0.01
  new_s <- sweep(sweep(new, 2, attr(S, "scaled:center")), 2, attr(S, "scaled:scale"), "/")
  nearest <- apply(new_s, 1, function(x) which.min(colSums((t(ref$centers) - x)^2)))
  expect_identical(unname(predict(fit, new)), unname(nearest))
  expect_identical(predict(fit, X), fit$cluster)
  # the silhouette of the fit is that of the scaled data
  skip_if_not_installed("cluster")
  sil <- cluster::silhouette(fit$cluster, dist(S))
  expect_equal(ckm_silhouette(X, fit, threads = 1)$width, unname(sil[, "sil_width"]), tolerance = 1e-12)
  # plot() and fortify() draw the scaled data with the centres
  pdf(NULL)
  on.exit(dev.off())
  expect_identical(plot(fit, X), fit)
})

test_that("formula and scaling errors name the argument", {
  X <- cbind(a = 1:10 + 0.5, b = 3)
  fit <- ckm_fit(iris[, 1:4], 3, scale = TRUE, threads = 1)
  edited <- fit
  edited$scaling$scale[2] <- 0
  expect_snapshot(error = TRUE, {
    ckm_fit(Species ~ Sepal.Length, data = iris, k = 3)
    ckm_fit(~ Sepal.Length, data = as.matrix(iris[, 1:4]), k = 3)
    ckm_fit(~ Sepal.Length + Species, data = iris, k = 3)
    ckm_fit(~ Sepal.Length + nonesuch, data = iris, k = 3)
    ckm_fit(iris[, 1:4], 3, data = iris)
    ckm_fit(X, 2, scale = TRUE)
    ckm_fit(iris[, 1:4], 3, scale = NA)
    predict(edited, iris[, 1:4])
  })
})

test_that("a formula's terms are evaluated on new data as lm() evaluates them", {
  set.seed(7)
  df <- data.frame(a = rnorm(120) - 3, b = rnorm(120), tag = letters[rep(1:4, 30)])
  f <- ckm_fit(~ log(abs(a)) + I(b^2), data = df, k = 3, threads = 1)
  X <- cbind(log(abs(df$a)), df$b^2)
  # the fit is the fit of the evaluated columns, from the same start
  g <- ckm_fit(X, init = f$init_centers, algorithm = "hartigan", threads = 1)
  expect_identical(unname(f$cluster), unname(g$cluster))
  expect_identical(colnames(f$centers), c("log(abs(a))", "I(b^2)"))
  # predict() on the original data frame (and on new rows of it)
  expect_identical(unname(predict(f, df)), unname(f$cluster))
  new <- data.frame(a = c(-1, -10), b = c(0.1, 2))
  near <- apply(cbind(log(abs(new$a)), new$b^2), 1, function(p) which.min(colSums((t(f$centers) - p)^2)))
  expect_identical(unname(predict(f, new)), near)
  expect_error(predict(f, data.frame(b = 1)), "`newdata`")
  # `~ .` takes the numeric columns named
  h <- ckm_fit(~ ., data = df[1:2], k = 2, threads = 1)
  expect_identical(colnames(h$centers), c("a", "b"))
  expect_identical(unname(predict(h, df)), unname(h$cluster))
})

test_that("interactions in a formula are refused, not dropped", {
  df <- data.frame(a = rnorm(20), b = rnorm(20))
  expect_error(ckm_fit(~ a * b, data = df, k = 2), "interaction `a:b`")
  expect_error(ckm_fit(~ a:b, data = df, k = 2), "interaction `a:b`")
  expect_silent(ckm_fit(~ a + b + I(a * b), data = df, k = 2, threads = 1))
})

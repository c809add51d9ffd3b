test_that("Lloyd matches a plain-R Lloyd and stats::kmeans on iris", {
  X <- as.matrix(iris[, 1:4])
  set.seed(11)
  for (rep in 1:5) {
    C0 <- ref_start(X, 3)
    fit <- ckm_fit(X, init = C0, tol = 0, threads = 1)
    ref <- ref_lloyd(X, C0)
    st <- suppressWarnings(kmeans(X, C0, algorithm = "Lloyd", iter.max = 300))
    expect_identical(unname(fit$cluster), ref$cluster)
    expect_identical(unname(fit$cluster), unname(st$cluster))
    expect_equal(fit$tot.withinss, st$tot.withinss, tolerance = 1e-10)
    expect_equal(fit$withinss, st$withinss, tolerance = 1e-10)
    expect_equal(unname(fit$centers), unname(st$centers), tolerance = 1e-12)
    expect_identical(fit$size, st$size)
    expect_identical(fit$iter, st$iter)
    expect_equal(fit$totss, st$totss, tolerance = 1e-12)
    expect_equal(fit$betweenss, st$betweenss, tolerance = 1e-9)
    expect_identical(fit$iter, ref$iter)
  }
})

test_that("Lloyd matches stats::kmeans with d >= 30 and with k >= 10", {
  set.seed(12)
  cases <- list(
    list(X = ref_blobs(600, 5, d = 40, sd = 3)$X, k = 5),
    list(X = ref_blobs(2000, 12, d = 3, sd = 4, spread = 2)$X, k = 12),
    list(X = as.matrix(scale(quakes)), k = 10)
  )
  for (cs in cases) {
    for (rep in 1:3) {
      C0 <- ref_start(cs$X, cs$k)
      st <- tryCatch(kmeans(cs$X, C0, algorithm = "Lloyd", iter.max = 500),
                     warning = function(w) NULL)
      if (is.null(st)) next # stats met an empty cluster: not comparable
      fit <- ckm_fit(cs$X, init = C0, tol = 0, max_iter = 500, threads = 2)
      expect_identical(unname(fit$cluster), unname(st$cluster))
      expect_equal(fit$tot.withinss, st$tot.withinss, tolerance = 1e-10)
      expect_identical(fit$iter, st$iter)
      expect_identical(fit$size, st$size)
    }
  }
})

test_that("the result carries the fields and types of stats::kmeans", {
  X <- as.matrix(iris[, 1:4])
  rownames(X) <- paste0("r", seq_len(nrow(X)))
  C0 <- X[c(1, 51, 101), ]
  fit <- ckm_fit(X, init = C0, tol = 0)
  st <- kmeans(X, C0, algorithm = "Hartigan-Wong")
  expect_s3_class(fit, c("ckm", "kmeans"), exact = TRUE)
  expect_identical(names(fit)[1:9], names(st))
  for (f in names(st)) expect_identical(typeof(fit[[f]]), typeof(st[[f]]), label = f)
  expect_identical(dimnames(fit$centers), dimnames(st$centers))
  expect_identical(names(fit$cluster), rownames(X))
  expect_identical(fit$inertia, fit$tot.withinss)
  expect_identical(fit$ifault, 0L)
  expect_true(fit$converged)
  expect_length(fit$trace, fit$n_iter)
  expect_identical(fit$trace[[fit$n_iter]], fit$tot.withinss)
  expect_true(all(diff(fit$trace) <= 0))
  expect_identical(fit$init, "matrix")
  expect_equal(unname(fit$init_centers), unname(C0))
})

test_that("tol > 0 stops on the centre shift and keeps labels consistent", {
  set.seed(13)
  b <- ref_blobs(3000, 4, d = 2, sd = 6, spread = 2)
  C0 <- ref_start(b$X, 4)
  exact <- ckm_fit(b$X, init = C0, tol = 0)
  loose <- ckm_fit(b$X, init = C0, tol = 1e-2)
  expect_true(loose$converged)
  expect_lte(loose$n_iter, exact$n_iter)
  # labels are the nearest centre of the returned centres ...
  expect_identical(predict(loose, b$X), unname(loose$cluster))
  # ... and the inertia is that of the returned partition
  ref_wss <- sum((b$X - loose$centers[loose$cluster, ])^2)
  expect_equal(loose$tot.withinss, ref_wss, tolerance = 1e-10)
})

test_that("max_iter caps the fit with ifault 2 and a warning, like stats", {
  set.seed(14)
  b <- ref_blobs(2000, 6, d = 2, sd = 8, spread = 1)
  C0 <- ref_start(b$X, 6)
  expect_warning(fit <- ckm_fit(b$X, init = C0, max_iter = 2, tol = 0),
                 "did not converge in 2 iterations")
  expect_identical(fit$ifault, 2L)
  expect_false(fit$converged)
  expect_identical(fit$n_iter, 2L)
  ref <- ref_lloyd(b$X, C0, max_iter = 2)
  expect_equal(unname(fit$centers), ref$centers, tolerance = 1e-12)
})

test_that("edge cases: k = 1, k = n, one column, integers, data frames", {
  X <- as.matrix(iris[, 1:4])
  one <- ckm_fit(X, 1)
  expect_identical(one$size, nrow(X))
  expect_equal(unname(one$centers[1, ]), unname(colMeans(X)), tolerance = 1e-12)
  expect_equal(one$tot.withinss, one$totss, tolerance = 1e-12)

  U <- unique(X)
  all_pts <- ckm_fit(U, nrow(U))
  expect_equal(all_pts$tot.withinss, 0)
  expect_identical(sort(unname(all_pts$cluster)), seq_len(nrow(U)))

  v <- c(1, 2, 3, 10, 11, 12)
  f1 <- ckm_fit(v, init = matrix(c(1, 12)), tol = 0)
  expect_identical(unname(f1$cluster), c(1L, 1L, 1L, 2L, 2L, 2L))
  expect_equal(unname(f1$centers[, 1]), c(2, 11))

  Xi <- matrix(as.integer(round(X * 10)), ncol = 4)
  C0 <- unique(Xi)[c(1, 40, 80), ]
  fi <- ckm_fit(Xi, init = C0, tol = 0)
  st <- kmeans(Xi, C0, algorithm = "Lloyd", iter.max = 300)
  expect_identical(unname(fi$cluster), unname(st$cluster))

  df <- ckm_fit(iris[, 1:4], init = X[c(1, 51, 101), ], tol = 0)
  mat <- ckm_fit(X, init = X[c(1, 51, 101), ], tol = 0)
  expect_identical(unname(df$cluster), unname(mat$cluster))
  expect_identical(colnames(df$centers), colnames(X))
})

test_that("a large k works: n = 10,000 with k = 5,000", {
  set.seed(15)
  X <- matrix(rnorm(20000), ncol = 2)
  fit <- ckm_fit(X, 5000, max_iter = 20, tol = 0, threads = 2)
  expect_identical(sum(fit$size), 10000L)
  expect_true(all(fit$size >= 1L))
  expect_true(all(is.finite(fit$centers)))
  # the reported inertia is the inertia of the reported partition
  expect_equal(fit$tot.withinss, sum((X - fit$centers[fit$cluster, ])^2), tolerance = 1e-9)
})

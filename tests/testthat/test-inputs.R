# Classed numbers, underflowing data and other inputs that once gave a
# silently wrong answer.

test_that("bit64::integer64 data are converted, not read as raw bits", {
  skip_if_not_installed("bit64")
  v <- c(1, 2, 3, 100, 101, 102)
  x <- bit64::as.integer64(v)
  ref <- ckm_fit(v, init = matrix(c(1, 100)), tol = 0, threads = 1)
  fit <- ckm_fit(x, init = matrix(c(1, 100)), tol = 0, threads = 1)
  expect_identical(fit$centers, ref$centers)
  expect_identical(unname(fit$centers[, 1]), c(2, 101))
  # data-frame columns, weights, init and predict's newdata
  df <- data.frame(a = x, b = v / 10)
  dref <- data.frame(a = v, b = v / 10)
  fit <- ckm_fit(df, init = as.matrix(dref[c(1, 4), ]), weights = bit64::as.integer64(rep(2, 6)),
                 tol = 0, threads = 1)
  ref <- ckm_fit(dref, init = as.matrix(dref[c(1, 4), ]), weights = rep(2, 6), tol = 0, threads = 1)
  expect_identical(fit$centers, ref$centers)
  expect_identical(fit$weight, ref$weight)
  expect_identical(predict(ref, df), predict(ref, dref))
  # beyond 2^53 there is no exact double: an error, not a rounded fit
  big <- bit64::as.integer64("9007199254740993") + bit64::as.integer64(0:5)
  expect_snapshot(error = TRUE, ckm_fit(big, 2))
})

test_that("times and durations are refused; they need units chosen by the user", {
  expect_snapshot(error = TRUE, {
    ckm_fit(as.difftime(1:10, units = "secs"), 2)
    ckm_fit(Sys.Date() + 1:10, 2)
  })
})

test_that("data whose squared distances underflow give the partition at unit scale", {
  set.seed(21)
  X <- ckm_blobs(100, 2, sd = 1)$X
  start <- X[c(1, 2), ]
  ref <- stats::kmeans(X, start, iter.max = 300, algorithm = "Lloyd")
  fit <- ckm_fit(X * 1e-300, init = start * 1e-300, tol = 0, threads = 1)
  expect_identical(unname(fit$cluster), unname(ref$cluster))
  expect_equal(sort(fit$size), sort(ref$size))
  # subnormal data: 1e-320 is about 2024 times the smallest double
  s <- (1:10) * 1e-320
  fit <- ckm_fit(s, init = matrix(s[c(1, 10)]), tol = 0, threads = 1)
  expect_identical(unname(fit$cluster), rep(1:2, each = 5))
  expect_true(fit$converged)
})

test_that("NMI against a single cluster is exactly 0", {
  expect_identical(ckm_nmi(rep(1, 10), c(1:7, 1:3)), 0)
  for (v in c("geometric", "max", "min", "joint")) {
    expect_identical(ckm_nmi(c(1:7, 1:3), rep("a", 10), v), 0)
  }
  skip_if_not_installed("aricode")
  expect_identical(ckm_nmi(rep(1, 10), c(1:7, 1:3)), aricode::NMI(rep(1, 10), c(1:7, 1:3)))
})

test_that("mini-batch with k near the number of rows leaves no cluster empty", {
  set.seed(22)
  X <- matrix(rnorm(40), 20)
  m <- ckm_minibatch(X, 20, threads = 1)
  expect_true(all(m$size == 1L))
  expect_identical(anyDuplicated(m$centers), 0L)
  expect_identical(unname(predict(m, X)), unname(m$cluster))
  set.seed(23)
  m <- ckm_minibatch(X, 15, threads = 1)
  expect_true(all(m$size > 0L))
  expect_identical(unname(m$cluster), unname(ref_nearest(X, m$centers)$lab))
})

test_that("a dist object is an error that says what to do, not 1 column of distances", {
  D <- dist(iris[1:20, 1:4])
  expect_error(ckm_fit(D, 3), "dist object")
  expect_error(ckm_fit(D, 3), "ckm_kmedoids(X, k)", fixed = TRUE)
  # k-medoids and the silhouette take the distances themselves
  expect_equal(ckm_kmedoids(D, 2, threads = 1)$cluster, ckm_kmedoids(iris[1:20, 1:4], 2, threads = 1)$cluster,
               ignore_attr = TRUE)
  skip_if_not_installed("cluster")
  expect_equal(ckm_silhouette(D, rep(1:2, 10))$width,
               unname(cluster::silhouette(rep(1:2, 10), D)[, "sil_width"]), tolerance = 1e-12)
})

test_that("the n x n matrix of a dist, as stats::kmeans() takes it, works", {
  M <- as.matrix(dist(iris[1:20, 1:4]))
  C <- M[c(1, 11), ]
  expect_identical(unname(ckm_fit(M, init = C, algorithm = "lloyd", tol = 0, threads = 1)$cluster),
                   unname(stats::kmeans(M, C, algorithm = "Lloyd")$cluster))
})

test_that("a fit reads X in place: no copy of X, even of a matrix R holds as a wrapper", {
  skip_if_not(capabilities("profmem"))
  set.seed(1)
  b <- ckm_blobs(50000, centers = 4, d = 8) # its X carries dimnames: a wrapper object
  X <- b$X
  bytes <- 8 * length(X)
  out <- tempfile()
  on.exit(unlink(out), add = TRUE)
  utils::Rprofmem(out, threshold = bytes / 2)
  fit <- ckm_fit(X, 4, threads = 1)
  utils::Rprofmem(NULL)
  sizes <- as.numeric(sub(" :.*", "", grep("^[0-9]+ :", readLines(out), value = TRUE)))
  expect_false(any(sizes >= bytes), info = paste(readLines(out), collapse = "\n"))
  expect_identical(fit$size, tabulate(fit$cluster, 4))
})

# Observation weights: integer weights must give the fit of the data with
# rows repeated, and any weights the weighted Lloyd of helper-reference.R.

weighted_case <- function(seed, n = 300, k = 5, d = 3) {
  set.seed(seed)
  b <- ref_blobs(n, k, d = d, sd = 2, spread = 2)
  w <- sample(1:4, n, replace = TRUE)
  list(X = b$X, w = w, start = ref_start(b$X, k), k = k)
}

test_that("integer weights give the fit of the data with rows repeated", {
  for (alg in c("lloyd", "hamerly", "yinyang")) {
    for (seed in 1:3) {
      cs <- weighted_case(seed, k = if (alg == "yinyang") 24 else 5)
      rep_rows <- rep(seq_len(nrow(cs$X)), cs$w)
      a <- ckm_fit(cs$X, init = cs$start, weights = cs$w, tol = 0, algorithm = alg)
      b <- ckm_fit(cs$X[rep_rows, ], init = cs$start, tol = 0, algorithm = alg)
      expect_identical(unname(a$cluster[rep_rows]), unname(b$cluster))
      expect_equal(a$centers, b$centers, tolerance = 1e-12)
      expect_equal(a$withinss, b$withinss, tolerance = 1e-10)
      expect_equal(a$tot.withinss, b$tot.withinss, tolerance = 1e-10)
      expect_equal(a$totss, b$totss, tolerance = 1e-10)
      expect_equal(a$trace, b$trace, tolerance = 1e-10)
      expect_identical(a$iter, b$iter)
      expect_identical(a$weight, as.double(b$size))
      expect_identical(a$size, tabulate(a$cluster, cs$k))
    }
  }
})

test_that("weighted fits equal a plain-R weighted Lloyd", {
  for (seed in 4:8) {
    cs <- weighted_case(seed, n = 400, k = 4, d = 2)
    w <- rexp(nrow(cs$X))
    ref <- ref_lloyd_weighted(cs$X, cs$start, w)
    for (alg in c("lloyd", "hamerly", "yinyang")) {
      fit <- ckm_fit(cs$X, init = cs$start, weights = w, tol = 0, algorithm = alg)
      expect_identical(unname(fit$cluster), ref$cluster)
      expect_equal(unname(fit$centers), ref$centers, tolerance = 1e-12)
      expect_equal(fit$withinss, ref$withinss, tolerance = 1e-10)
      expect_identical(fit$iter, ref$iter)
      expect_equal(fit$weight, as.vector(tapply(w, ref$cluster, sum)), tolerance = 1e-12)
      wm <- colSums(cs$X * w) / sum(w)
      expect_equal(fit$totss, sum(w * rowSums(sweep(cs$X, 2, wm)^2)), tolerance = 1e-12)
      expect_equal(fit$betweenss, fit$totss - fit$tot.withinss)
    }
  }
})

test_that("a heavy weight pulls its centre", {
  X <- matrix(c(0, 1, 2, 10, 11, 12), ncol = 1)
  fit <- ckm_fit(X, init = matrix(c(0, 10)), weights = c(1, 1, 98, 1, 1, 1), tol = 0)
  expect_equal(unname(fit$centers[, 1]), c((0 + 1 + 2 * 98) / 100, 11))
  expect_equal(fit$withinss[1], 1.97^2 + 0.97^2 + 98 * 0.03^2)
})

test_that("unit weights change nothing", {
  cs <- weighted_case(9)
  a <- ckm_fit(cs$X, init = cs$start, tol = 0)
  b <- ckm_fit(cs$X, init = cs$start, tol = 0, weights = rep(1, nrow(cs$X)))
  for (f in c("cluster", "centers", "withinss", "tot.withinss", "totss", "size", "iter", "trace")) {
    expect_identical(a[[f]], b[[f]], label = f)
  }
})

test_that("weighted k-means++ draws the rows a plain-R weighted k-means++ draws", {
  set.seed(10)
  X <- matrix(rnorm(200 * 3), 200, 3)
  w <- rexp(200)^2
  for (seed in 1:25) {
    set.seed(seed)
    fit <- suppressWarnings(ckm_fit(X, 6, init = "kmeans++", weights = w, max_iter = 1, tol = 0))
    set.seed(seed)
    rows <- ref_kmeanspp(X, 6, w)
    expect_identical(unname(fit$init_centers), unname(X[rows, ]))
    # and without weights
    set.seed(seed)
    fit <- suppressWarnings(ckm_fit(X, 6, init = "kmeans++", max_iter = 1, tol = 0))
    set.seed(seed)
    rows <- ref_kmeanspp(X, 6)
    expect_identical(unname(fit$init_centers), unname(X[rows, ]))
    # greedy k-means++, with and without weights (2 + log(6) = 3 trials)
    set.seed(seed)
    fit <- suppressWarnings(ckm_fit(X, 6, init = "greedy-kmeans++", weights = w,
                                    max_iter = 1, tol = 0))
    set.seed(seed)
    rows <- ref_kmeanspp(X, 6, w, trials = 3L)
    expect_identical(unname(fit$init_centers), unname(X[rows, ]))
    set.seed(seed)
    fit <- suppressWarnings(ckm_fit(X, 6, init = "greedy-kmeans++", max_iter = 1, tol = 0))
    set.seed(seed)
    rows <- ref_kmeanspp(X, 6, trials = 3L)
    expect_identical(unname(fit$init_centers), unname(X[rows, ]))
  }
})

test_that("weighted k-means++ draws the first centre in proportion to the weights", {
  X <- matrix(c(0, 1, 2))
  w <- c(1, 2, 7)
  set.seed(11)
  first <- replicate(4000, {
    fit <- suppressWarnings(ckm_fit(X, 1, weights = w, max_iter = 1))
    fit$init_centers[1, 1]
  })
  observed <- table(factor(first, levels = c(0, 1, 2)))
  expect_gt(chisq.test(observed, p = w / sum(w))$p.value, 1e-3)
})

test_that("random starts draw rows in proportion to the weights", {
  cs <- weighted_case(12)
  w <- rexp(nrow(cs$X))
  set.seed(13)
  fit <- suppressWarnings(ckm_fit(cs$X, 5, init = "random", n_init = 1, weights = w,
                                 max_iter = 1, tol = 0))
  set.seed(13)
  rows <- sample.int(nrow(cs$X), 5, prob = w)
  expect_identical(unname(fit$init_centers), unname(cs$X[rows, ]))
  # with repeated rows the start is still k distinct rows
  X <- rbind(matrix(0, 40, 2), matrix(1, 40, 2), c(5, 5))
  for (i in 1:10) {
    fit <- ckm_fit(X, 3, init = "random", n_init = 1, weights = c(rep(5, 80), 1))
    expect_false(anyDuplicated(fit$init_centers) > 0)
  }
})

test_that("weighted fits are the same with 1 and 2 threads", {
  set.seed(14)
  b <- ref_blobs(30000, 20, d = 4, sd = 2, spread = 1)
  w <- rexp(30000)
  for (alg in c("lloyd", "hamerly", "yinyang")) {
    set.seed(15); a <- ckm_fit(b$X, 20, weights = w, algorithm = alg, threads = 1)
    set.seed(15); c2 <- ckm_fit(b$X, 20, weights = w, algorithm = alg, threads = 2)
    a$threads <- c2$threads <- NULL
    expect_identical(a, c2)
  }
})

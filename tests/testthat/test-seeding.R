test_that("set.seed() reproduces a fit", {
  set.seed(31); a <- ckm_fit(iris[, 1:4], 3)
  set.seed(31); b <- ckm_fit(iris[, 1:4], 3)
  expect_identical(a, b)
  set.seed(31); a <- ckm_fit(iris[, 1:4], 3, init = "random")
  set.seed(31); b <- ckm_fit(iris[, 1:4], 3, init = "random")
  expect_identical(a, b)
})

test_that("k-means++ draws each next centre with probability proportional to D^2", {
  # three points on a line; for each first centre the second is drawn with
  # the D^2 weights of the other two
  X <- matrix(c(0, 1, 3))
  p_first <- rep(1 / 3, 3)
  d2 <- as.matrix(dist(X))^2
  pairs <- expand.grid(first = 1:3, second = 1:3)
  pairs <- pairs[pairs$first != pairs$second, ]
  expected <- mapply(function(f, s) p_first[f] * d2[f, s] / sum(d2[f, ]),
                     pairs$first, pairs$second)
  set.seed(32)
  draws <- t(replicate(3000, {
    fit <- suppressWarnings(ckm_fit(X, 2, init = "kmeans++", max_iter = 1, tol = 0))
    match(fit$init_centers[, 1], X[, 1])
  }))
  key <- paste(draws[, 1], draws[, 2])
  observed <- table(factor(key, levels = paste(pairs$first, pairs$second)))
  expect_gt(chisq.test(observed, p = expected)$p.value, 1e-3)
  # the same counts are far from what uniform draws would give
  expect_lt(chisq.test(observed, p = rep(1 / 6, 6))$p.value, 1e-10)
})

test_that("k-means++ gives lower inertia than random starts on blobs", {
  set.seed(33)
  b <- ref_blobs(1000, 10, d = 2, sd = 1, spread = 3)
  runs <- 60
  pp <- rnd <- numeric(runs)
  for (r in seq_len(runs)) {
    pp[r] <- ckm_fit(b$X, 10, init = "kmeans++", n_init = 1, tol = 0)$tot.withinss
    rnd[r] <- ckm_fit(b$X, 10, init = "random", n_init = 1, tol = 0)$tot.withinss
  }
  expect_lt(mean(pp), mean(rnd))
  expect_lt(wilcox.test(pp, rnd, alternative = "less")$p.value, 1e-3)
})

test_that("random starts are distinct rows even with duplicated data", {
  X <- rbind(matrix(0, 50, 2), matrix(1, 50, 2), c(5, 5))
  set.seed(34)
  for (i in 1:20) {
    fit <- ckm_fit(X, 3, init = "random", n_init = 1)
    expect_false(anyDuplicated(fit$init_centers) > 0)
    expect_equal(fit$tot.withinss, 0)
  }
  fit <- ckm_fit(X, 3, init = "kmeans++")
  expect_equal(fit$tot.withinss, 0)
})

test_that("restarts keep the lowest inertia", {
  set.seed(35)
  b <- ref_blobs(500, 6, d = 2, sd = 2, spread = 1)
  set.seed(36)
  best <- ckm_fit(b$X, 6, init = "random", n_init = 8, tol = 0)
  set.seed(36)
  singles <- vapply(1:8, function(i) {
    ckm_fit(b$X, 6, init = "random", n_init = 1, tol = 0)$tot.withinss
  }, numeric(1))
  expect_identical(best$tot.withinss, min(singles))
  expect_identical(best$n_init, 8L)
  expect_identical(ckm_fit(b$X, 6, init = "random")$n_init, 10L)
  expect_identical(ckm_fit(b$X, 6, init = "kmeans++")$n_init, 1L)
  # the default on a small problem: the random start of kmeans(X, k); with
  # n_init = 2, a k-means++ start besides
  expect_identical(ckm_fit(b$X, 6)$n_init, 1L)
  set.seed(4)
  two <- ckm_fit(b$X, 6, n_init = 2)
  set.seed(4)
  one <- ckm_fit(b$X, 6)
  expect_identical(two$n_init, 2L)
  expect_lte(two$tot.withinss, one$tot.withinss)
})

test_that("greedy k-means++ starts lower than plain k-means++, the same with 1 or 2 threads", {
  set.seed(40)
  b <- ref_blobs(3000, 12, d = 3, sd = 1, spread = 2)
  runs <- 30
  plain <- greedy <- numeric(runs)
  for (r in seq_len(runs)) {
    set.seed(r)
    plain[r] <- suppressWarnings(ckm_fit(b$X, 12, init = "kmeans++", max_iter = 1, tol = 0))$trace[1]
    set.seed(r)
    greedy[r] <- suppressWarnings(ckm_fit(b$X, 12, init = "greedy-kmeans++", max_iter = 1,
                                          tol = 0))$trace[1]
  }
  expect_lt(wilcox.test(greedy, plain, alternative = "less")$p.value, 1e-3)
  set.seed(41); a <- ckm_fit(b$X, 12, init = "greedy-kmeans++", threads = 1)
  set.seed(41); c2 <- ckm_fit(b$X, 12, init = "greedy-kmeans++", threads = 2)
  expect_identical(a$init_centers, c2$init_centers)
  expect_identical(a$cluster, c2$cluster)
})

# Mini-batch k-means against the plain-R mini-batch of helper-reference.R,
# which draws the same batches from the same seed.

test_that("ckm_minibatch makes the steps of a plain-R mini-batch k-means", {
  for (seed in 1:4) {
    set.seed(seed)
    b <- ref_blobs(600, 4, d = 3, sd = 3, spread = 1)
    start <- ref_start(b$X, 4)
    w <- if (seed %% 2 == 0) rexp(600) else NULL
    set.seed(100 + seed)
    fit <- ckm_minibatch(b$X, init = start, batch_size = 40, max_iter = 5,
                         weights = w, threads = 1)
    set.seed(100 + seed)
    ref <- ref_minibatch(b$X, start, 40, floor(5 * 600 / 40), w = w)
    expect_identical(fit$n_steps, as.integer(ref$steps))
    expect_equal(unname(fit$centers), ref$centers, tolerance = 1e-12)
    expect_equal(fit$trace, ref$trace * 600, tolerance = 1e-12)
    # the final labels: every row to the nearest final centre
    expect_identical(unname(fit$cluster), ref_lloyd(b$X, fit$centers, max_iter = 1)$cluster)
    d2 <- rowSums((b$X - fit$centers[fit$cluster, ])^2)
    expect_equal(fit$tot.withinss, sum(if (is.null(w)) d2 else w * d2), tolerance = 1e-12)
  }
})

test_that("starved centres move to batch rows, as the plain-R version moves them", {
  set.seed(5)
  b <- ref_blobs(500, 3, d = 2, sd = 1, spread = 1)
  # two centres far from every row never win a point until moved
  start <- rbind(b$X[1:3, ], c(1e3, 1e3), c(-1e3, 1e3))
  set.seed(6)
  fit <- ckm_minibatch(b$X, init = start, batch_size = 50, max_iter = 3,
                       max_no_improvement = NULL, threads = 1)
  set.seed(6)
  ref <- ref_minibatch(b$X, start, 50, floor(3 * 500 / 50), max_no_improvement = 0)
  expect_equal(unname(fit$centers), ref$centers, tolerance = 1e-12)
  expect_gt(fit$relocated, 0)
  expect_true(all(abs(fit$centers) < 100))
  expect_true(all(fit$size > 0))
  # without reassignment the steps leave them where they were; the final
  # pass finds them empty and relocates them as ckm_fit() does: the row
  # farthest from its centre (of a cluster that keeps a member) becomes the
  # empty centre, lowest-numbered first
  set.seed(6)
  fit0 <- ckm_minibatch(b$X, init = start, batch_size = 50, max_iter = 3,
                        reassignment_ratio = 0, max_no_improvement = NULL, threads = 1)
  set.seed(6)
  ref0 <- ref_minibatch(b$X, start, 50, floor(3 * 500 / 50), ratio = 0, max_no_improvement = 0)
  C <- ref0$centers
  expect_equal(unname(C[4:5, ]), start[4:5, ])
  near <- ref_nearest(b$X, C)
  for (j in which(tabulate(near$lab, 5) == 0)) {
    size <- tabulate(near$lab, 5)
    ok <- which(size[near$lab] >= 2 & near$dist > 0)
    i <- ok[which.max(near$dist[ok])]
    near$lab[i] <- j; near$dist[i] <- 0
    C[j, ] <- b$X[i, ]
  }
  expect_equal(unname(fit0$centers), unname(C), tolerance = 1e-12)
  expect_identical(unname(fit0$cluster), ref_nearest(b$X, C)$lab)
  expect_identical(fit0$relocated, 2)
  expect_true(all(fit0$size > 0))
})

test_that("the tol rule stops as the plain-R version stops", {
  set.seed(7)
  b <- ref_blobs(800, 3, d = 2, sd = 1)
  start <- ref_start(b$X, 3)
  set.seed(8)
  fit <- ckm_minibatch(b$X, init = start, batch_size = 100, tol = 1e-3,
                       max_no_improvement = NULL, threads = 1)
  tol_abs <- 1e-3 * mean(apply(b$X, 2, function(v) mean((v - mean(v))^2)))
  set.seed(8)
  ref <- ref_minibatch(b$X, start, 100, floor(100 * 800 / 100), tol = tol_abs,
                       max_no_improvement = 0)
  expect_identical(fit$n_steps, as.integer(ref$steps))
  expect_true(fit$converged)
  expect_equal(unname(fit$centers), ref$centers, tolerance = 1e-12)
})

test_that("mini-batch finds well-separated clusters, close to the full fit", {
  set.seed(9)
  b <- ref_separated_blobs(6, n_per = 2000)
  set.seed(10)
  mb <- ckm_minibatch(b$X, 6, batch_size = 256)
  full <- ckm_fit(b$X, 6, n_init = 5)
  expect_equal(ckm_ari(mb$cluster, b$y), 1)
  expect_lt(mb$tot.withinss / full$tot.withinss, 1.01)
  expect_s3_class(mb, "kmeans")
  expect_identical(mb$algorithm, "minibatch")
  expect_equal(mb$betweenss + mb$tot.withinss, mb$totss)
  expect_identical(predict(mb, b$X), mb$cluster)
  expect_output(print(mb), "mini-batch steps of 256 rows")
})

test_that("set.seed reproduces a mini-batch fit, whatever the threads", {
  set.seed(11)
  b <- ref_blobs(20000, 16, d = 8, sd = 2, spread = 1)
  set.seed(12); a <- ckm_minibatch(b$X, 16, threads = 1)
  set.seed(12); c2 <- ckm_minibatch(b$X, 16, threads = 2)
  a$threads <- c2$threads <- NULL
  expect_identical(a, c2)
  set.seed(13); d1 <- ckm_minibatch(b$X, 16, init = "random", threads = 2)
  set.seed(13); d2 <- ckm_minibatch(b$X, 16, init = "random", threads = 2)
  expect_identical(d1, d2)
})

test_that("bad arguments to ckm_minibatch give errors that name them", {
  X <- as.matrix(iris[, 1:4])
  expect_snapshot(error = TRUE, {
    ckm_minibatch(X)
    ckm_minibatch(X, 0)
    ckm_minibatch(X, 3, batch_size = 0)
    ckm_minibatch(X, 3, max_iter = -1)
    ckm_minibatch(X, 3, n_init = NA)
    ckm_minibatch(X, 3, init_size = 2)
    ckm_minibatch(X, 3, tol = -1)
    ckm_minibatch(X, 3, max_no_improvement = 0)
    ckm_minibatch(X, 3, reassignment_ratio = 1)
    ckm_minibatch(X, 3, weights = rep(-1, 150))
    ckm_minibatch(X, 3, init = "kmeans")
    ckm_minibatch(rbind(X[1:3, ], X[1:3, ]), 4)
  })
})

# Inputs a user really passes: edited fits, data far from the origin or at
# the limits of double precision, awkward names and weights. Each case here
# was a crash, a hang or a silently wrong answer before it was fixed.

test_that("methods refuse an edited fit instead of crashing", {
  X <- as.matrix(iris[, 1:4])
  set.seed(1)
  f <- ckm_fit(X, 3, threads = 1)
  g <- f
  g$centers <- g$centers[0, , drop = FALSE]
  expect_snapshot(error = TRUE, predict(g, X[1:5, ], type = "prob", beta = 1))
  expect_snapshot(error = TRUE, predict(g, X[1:5, ]))
  expect_snapshot(error = TRUE, fitted(g))
  g <- f
  g$centers[2, 3] <- NA
  expect_snapshot(error = TRUE, predict(g, X[1:5, ]))
  g <- f
  g$cluster[7] <- 4L
  expect_snapshot(error = TRUE, fitted(g))
  g <- f
  g$size <- g$size[-1]
  expect_snapshot(error = TRUE, print(g))
  expect_snapshot(error = TRUE, summary(g))
  g <- f
  g$centers <- "a"
  expect_snapshot(error = TRUE, ckm_silhouette(X, g, method = "simplified"))
  m <- ckm_kmedians(X, init = X[c(1, 51, 101), ], threads = 1)
  m$centers <- m$centers[0, , drop = FALSE]
  expect_snapshot(error = TRUE, predict(m, X))
})

test_that("predict() matches columns by name only when the names can be matched", {
  X <- as.matrix(iris[, 1:4])
  f <- ckm_fit(X, init = X[c(1, 51, 101), ], tol = 0, threads = 1)
  Y <- X
  colnames(Y) <- c("a", "a", "b", "c")
  expect_snapshot(error = TRUE, predict(f, Y))
  colnames(Y) <- c("Sepal.Length", "", "Petal.Length", "Petal.Width")
  expect_snapshot(error = TRUE, predict(f, Y))
  colnames(Y) <- c("Sepal.Length", NA, "Petal.Length", "Petal.Width")
  expect_snapshot(error = TRUE, predict(f, Y))
  # reordered columns with good names are put back in order
  expect_identical(predict(f, X[, 4:1]), f$cluster)
  # a fit of data with repeated names matches by position, and gives its
  # labels back on its own data
  Z <- X
  colnames(Z) <- c("x", "x", "y", "y")
  fz <- ckm_fit(Z, init = Z[c(1, 51, 101), ], tol = 0, threads = 1)
  expect_identical(unname(fz$cluster), unname(f$cluster))
  expect_identical(predict(fz, Z), fz$cluster)
  expect_identical(predict(fz, unname(Z)), unname(fz$cluster))
})

test_that("data far from the origin converges to the fit of the centred data", {
  set.seed(11)
  b <- ckm_blobs(3000, 5, sd = 1e-3, box = c(-.05, .05))
  for (off in c(1e10, 1e11, 1e12)) {
    Y <- b$X + off                       # what the user's data really holds
    start <- Y[c(1, 601, 1201, 1801, 2401), ]
    fit <- ckm_fit(Y, init = start, tol = 0, threads = 2)
    # reference: stats::kmeans (Lloyd) on the same values moved to the
    # origin, an exact subtraction at this distance from it
    m <- colMeans(Y)
    Yc <- sweep(Y, 2, m)
    ref <- stats::kmeans(Yc, sweep(start, 2, m), iter.max = 300, algorithm = "Lloyd")
    expect_true(fit$converged)
    expect_identical(fit$relocated, 0)
    expect_identical(unname(fit$cluster), unname(ref$cluster))
    expect_equal(fit$tot.withinss, ref$tot.withinss, tolerance = 1e-10)
    expect_equal(unname(fit$centers), unname(sweep(ref$centers, 2, m, "+")), tolerance = 1e-15)
    # predict() puts the training data back in its clusters
    expect_identical(predict(fit, Y), fit$cluster)
  }
  # ordinary data is used as it is: bit for bit the fit of stats
  X <- as.matrix(iris[, 1:4])
  fit <- ckm_fit(X, init = X[c(1, 51, 101), ], tol = 0, threads = 1)
  expect_null(fit$conditioning)
})

test_that("tiny and huge magnitudes are fitted as the same data at unit scale", {
  set.seed(12)
  X <- ckm_blobs(400, 3, sd = 1)$X
  start <- X[c(1, 150, 300), ]
  ref <- stats::kmeans(X, start, iter.max = 300, algorithm = "Lloyd")
  for (e in c(-600, -565, 400, 700)) {            # 2^-565 is about 1e-170
    fit <- ckm_fit(X * 2^e, init = start * 2^e, tol = 0, threads = 1)
    expect_identical(unname(fit$cluster), unname(ref$cluster))
    expect_identical(unname(fit$centers), unname(ref$centers) * 2^e)
  }
  # and with seeding: the same draws as at unit scale
  set.seed(3); a <- ckm_fit(X, 3, threads = 1)
  set.seed(3); b <- ckm_fit(X * 1e-170, 3, threads = 1)
  expect_identical(a$cluster, b$cluster)
  expect_equal(b$centers, a$centers * 1e-170, tolerance = 1e-14)
  # k-medians too
  set.seed(4); a <- ckm_kmedians(X, 3, threads = 1)
  set.seed(4); b <- ckm_kmedians(X * 2^-600, 3, threads = 1)
  expect_identical(a$cluster, b$cluster)
  expect_identical(b$centers, a$centers * 2^-600)
})

test_that("subnormal and huge weights give the centres of equal weights", {
  X <- as.matrix(iris[, 1:4])
  start <- X[c(1, 51, 101), ]
  ref <- stats::kmeans(X, start, iter.max = 300, algorithm = "Lloyd")
  for (w in c(5e-324, 1e-310, 2^-100, 1e300)) {
    fit <- ckm_fit(X, init = start, weights = rep(w, 150), tol = 0, threads = 1)
    expect_identical(unname(fit$cluster), unname(ref$cluster))
    expect_equal(unname(fit$centers), unname(ref$centers), tolerance = 1e-14)
    expect_equal(fit$weight / w, as.numeric(ref$size), tolerance = 1e-12)
  }
})

test_that("soft assignment's default beta and summary()'s rms use the weights", {
  X <- as.matrix(iris[, 1:4])
  w <- rep(c(0.5, 3), 75)
  fit <- ckm_fit(X, init = X[c(1, 51, 101), ], weights = w, tol = 0, threads = 1)
  beta <- sum(w) * ncol(X) / (2 * fit$tot.withinss)
  expect_identical(predict(fit, X[1:20, ], type = "prob"),
                   predict(fit, X[1:20, ], type = "prob", beta = beta))
  # plain-R weighted rms distance to the centre, per cluster
  rms <- vapply(1:3, function(j) {
    in_j <- fit$cluster == j
    d2 <- rowSums(sweep(X[in_j, , drop = FALSE], 2, fit$centers[j, ])^2)
    sqrt(sum(w[in_j] * d2) / sum(w[in_j]))
  }, numeric(1))
  expect_equal(summary(fit)$clusters$rms_dist, rms, tolerance = 1e-12)
})

test_that("silhouettes of extreme magnitudes and reordered columns are right", {
  skip_if_not_installed("cluster")
  X <- as.matrix(iris[, 1:4])
  f <- ckm_fit(X, init = X[c(1, 51, 101), ], tol = 0, threads = 1)
  ref <- cluster::silhouette(f$cluster, stats::dist(X))[, "sil_width"]
  for (s in c(1e160, 1e-170, 2^700)) {
    expect_equal(ckm_silhouette(X * s, f$cluster)$width, unname(ref), tolerance = 1e-12)
  }
  a <- ckm_silhouette(X, f, method = "simplified")
  b <- ckm_silhouette(X[, 4:1], f, method = "simplified")
  expect_identical(a$width, b$width)
  expect_equal(a$mean, 0.665, tolerance = 0.01)
})

test_that("a last assignment that empties a cluster after a shift stop is relocated", {
  # with tol = 100 the first update already passes the shift test; the
  # assignment to those centres leaves some clusters empty on these data
  hit <- 0
  for (s in c(28, 290, 1:40)) {
    set.seed(s)
    X <- rbind(matrix(rnorm(200), ncol = 2), matrix(rnorm(40, 5), ncol = 2))
    C0 <- X[sample(nrow(X), 12), ]
    # the labels of these centres, in plain R: does the first assignment
    # after the first update leave a cluster empty?
    lab <- ref_nearest(X, C0)$lab
    C1 <- rowsum(X, lab) / tabulate(lab)
    if (nrow(C1) == 12 && length(unique(ref_nearest(X, C1)$lab)) < 12) hit <- hit + 1
    fit <- suppressWarnings(ckm_fit(X, init = C0, tol = 100, threads = 1))
    expect_true(all(fit$size > 0))
    if (fit$converged) {
      expect_identical(unname(fit$cluster), ref_nearest(X, fit$centers)$lab)
    }
  }
  expect_gt(hit, 0)   # the case was met
})

test_that("fewer distinct rows than k is an error, not a loop to max_iter", {
  X <- as.matrix(iris[, 1:4])
  expect_snapshot(error = TRUE, ckm_fit(X[rep(1:3, 50), ], init = X[1:4, ] + .01))
  expect_snapshot(error = TRUE, ckm_kmedians(X[rep(1:3, 50), ], init = X[1:4, ] + .01))
  expect_snapshot(error = TRUE, ckm_fit(X[rep(1:3, 50), ] * 1e-170, init = (X[1:4, ] + .01) * 1e-170))
})

test_that("the trace grows with the fit: a huge max_iter reserves nothing", {
  X <- as.matrix(iris[, 1:4])
  gc(reset = TRUE)
  before <- gc()["Vcells", "max used"]
  fit <- ckm_fit(X, init = X[c(1, 51, 101), ], max_iter = .Machine$integer.max, threads = 1)
  m <- ckm_minibatch(X, 3, max_iter = 1e6, batch_size = 10, threads = 1)
  after <- gc()["Vcells", "max used"]
  expect_lt(after - before, 1e6)          # cells of 8 bytes: under 8 MB
  expect_length(fit$trace, fit$iter)
  expect_length(m$trace, m$n_steps)
  km <- ckm_kmedians(X, init = X[c(1, 51, 101), ], max_iter = .Machine$integer.max, threads = 1)
  expect_length(km$trace, km$iter)
})

test_that("generators and helpers blame the right argument", {
  X <- as.matrix(iris[, 1:4])
  f <- ckm_fit(X, init = X[c(1, 51, 101), ], threads = 1)
  expect_snapshot(error = TRUE, {
    ckm_blobs(10, box = c(1, NA))
    ckm_blobs(10, box = c(5, 1))
    ckm_blobs(10, centers = matrix(numeric(), 0, 2))
    ckm_anisotropic(transform = 1:4)
    ckm_anisotropic(transform = matrix(1:6, 2))
    plot(f, X[, 1:2])
    ckm_quantize(array(0.5, c(2, 2, 3)), 2, sample = NA)
    ckm_quantize(array(0.5, c(2, 2, 3)), 2, sample = "5")
    predict(ckm_kmedians(X, init = X[c(1, 51, 101), ]), X, type = "prob")
  })
})

test_that("a 1-d array is a vector, as stats::kmeans takes it", {
  a <- array(c(1, 2, 3, 10, 11, 12), dimnames = list(letters[1:6]))
  fit <- ckm_fit(a, init = matrix(c(1, 10)), tol = 0, threads = 1)
  ref <- stats::kmeans(a, matrix(c(1, 10)), algorithm = "Lloyd")
  expect_identical(fit$cluster, ref$cluster)
  expect_identical(unname(fit$centers), unname(ref$centers))
  expect_identical(names(fit$cluster), letters[1:6])
})

test_that("an edited `conditioning` is an error, never a read past its end", {
  set.seed(1)
  X <- cbind(rnorm(300) + 1e12, rnorm(300))
  fit <- ckm_fit(X, 3, threads = 1)
  expect_false(is.null(fit$conditioning))
  bad <- fit
  bad$conditioning$shift <- bad$conditioning$shift[1]
  expect_error(predict(bad, X), "`object\\$conditioning` must be NULL or a list")
  bad <- fit
  bad$conditioning$e <- 5000L
  expect_error(predict(bad, X), "`object\\$conditioning`")
  bad <- fit
  bad$conditioning$shift <- c(NA, 0)
  expect_error(predict(bad, X, type = "prob"), "`object\\$conditioning`")
  # the fit as made still predicts its own labels
  expect_identical(unname(predict(fit, X)), unname(fit$cluster))
})

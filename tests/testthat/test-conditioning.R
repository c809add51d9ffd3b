# One pipeline for every fit (R/conditioning.R): data far from the origin
# or at extreme magnitudes is fitted as the same data at unit scale by
# every entry point, and every method puts new data in the fit's
# coordinates. Each case is checked against a reference (plain R, or
# stats::kmeans) run on the exactly rescaled data: multiplying by a power
# of two is exact, and so is subtracting a value within a factor two.

three_blobs <- function(seed = 1, n = 300) {
  set.seed(seed)
  ctr <- rbind(c(0, 0), c(3, 3), c(0, 3))
  lab <- rep(1:3, each = n)
  list(X = ctr[lab, ] + matrix(rnorm(6 * n, sd = 0.3), ncol = 2), lab = lab)
}

# x * 2^e for exponents whose power of two is not a double
times2 <- function(x, e) x * 2^(e %/% 2) * 2^(e - e %/% 2)

test_that("ckm_minibatch() fits extreme magnitudes as the same data at unit scale", {
  b <- three_blobs()
  start <- b$X[c(1, 301, 601), ]
  for (e in c(-1000, -600, 600, 1000)) {
    Y <- b$X * 2^e
    set.seed(3)
    fit <- ckm_minibatch(Y, init = start * 2^e, batch_size = 60, max_iter = 5, threads = 1)
    set.seed(3)
    ref <- ref_minibatch(b$X, start, 60, floor(5 * 900 / 60))
    expect_identical(fit$n_steps, as.integer(ref$steps))
    expect_equal(unname(fit$centers) * 2^-e, ref$centers, tolerance = 1e-12)
    expect_identical(unname(fit$cluster), ref_nearest(b$X, ref$centers)$lab)
    expect_identical(fit$size, tabulate(b$lab, 3))
    # the sums of squares in the data's units, where they are doubles
    d2 <- rowSums((b$X - ref$centers[fit$cluster, ])^2)
    if (abs(e) <= 500) expect_equal(times2(fit$tot.withinss, -2 * e), sum(d2), tolerance = 1e-12)
  }
  # the cases that once failed: no false warning, no overflow error, and
  # the blobs found (ARI against the truth, mclust's definition in plain R)
  set.seed(2)
  expect_no_warning(tiny <- ckm_minibatch(b$X * 1e-300, 3, threads = 1))
  expect_identical(sort(tiny$size), rep(300L, 3))
  set.seed(2)
  huge <- ckm_minibatch(b$X * 1e155, 3, threads = 1)
  expect_equal(ref_ari(huge$cluster, b$lab), 1)
  expect_true(all(is.finite(huge$centers)))
})

test_that("ckm_minibatch() fits data far from the origin as the centred data", {
  b <- three_blobs(2)
  start <- b$X[c(1, 301, 601), ]
  for (off in c(1e9, 1e12)) {
    Y <- off + b$X * 1e-3
    m <- off                       # within a factor two of every value: exact
    set.seed(4)
    fit <- ckm_minibatch(Y, init = off + start * 1e-3, batch_size = 60, max_iter = 5,
                         threads = 1)
    set.seed(4)
    ref <- ref_minibatch(Y - m, (off + start * 1e-3) - m, 60, floor(5 * 900 / 60))
    expect_identical(fit$n_steps, as.integer(ref$steps))
    # the reference's centres, rounded to the data's units (whose last
    # digit is 1e-4 at 1e12)
    expect_equal(unname(fit$centers), ref$centers + m, tolerance = 1e-15)
    expect_identical(unname(fit$cluster), ref_nearest(Y - m, ref$centers)$lab)
    expect_equal(ref_ari(fit$cluster, b$lab), 1)
    expect_identical(predict(fit, Y), fit$cluster)
  }
  # the default call (greedy k-means++ seeding on samples) finds the blobs
  set.seed(2)
  expect_equal(ref_ari(ckm_minibatch(1e12 + b$X * 1e-3, 3, threads = 1)$cluster, b$lab), 1)
})

test_that("ckm_minibatch() with weights at extreme magnitudes keeps the weights' sums", {
  b <- three_blobs(3, 100)
  start <- b$X[c(1, 101, 201), ]
  w <- rep(c(1, 2, 3), length.out = 300)
  set.seed(5)
  fit <- ckm_minibatch(b$X * 2^700, init = start * 2^700, batch_size = 30, max_iter = 3,
                       weights = w * 2^-80, threads = 1)
  set.seed(5)
  ref <- ref_minibatch(b$X, start, 30, floor(3 * 300 / 30), w = w)
  expect_equal(unname(fit$centers) * 2^-700, ref$centers, tolerance = 1e-12)
  expect_equal(sum(fit$weight), sum(w) * 2^-80)
})

test_that("soft predict() of a fit of extreme data is that of the data at unit scale", {
  b <- three_blobs(4)
  start <- b$X[c(1, 301, 601), ]
  plain <- ckm_fit(b$X, init = start, tol = 0, threads = 1)
  # reference: the soft assignment of ?predict.ckm in plain R, default beta
  beta <- nrow(b$X) * ncol(b$X) / (2 * plain$tot.withinss)
  D <- sapply(1:3, function(j) rowSums(sweep(b$X, 2, plain$centers[j, ])^2))
  P <- exp(-beta * (D - apply(D, 1, min)))
  P <- P / rowSums(P)
  expect_equal(unname(predict(plain, b$X, type = "prob", threads = 1)), P, tolerance = 1e-12)
  for (e in c(-700, -540, 540, 700, 1000)) {
    fit <- ckm_fit(b$X * 2^e, init = start * 2^e, tol = 0, threads = 1)
    expect_identical(unname(fit$cluster), unname(plain$cluster))
    p <- predict(fit, b$X * 2^e, type = "prob", threads = 1)
    expect_equal(unname(p), P, tolerance = 1e-12)
    # a beta given in the data's units (where it is a double)
    if (abs(e) <= 500) {
      p2 <- predict(fit, b$X * 2^e, type = "prob", beta = times2(beta, -2 * e), threads = 1)
      expect_equal(unname(p2), P, tolerance = 1e-12)
    }
  }
  # far from the origin
  fit <- ckm_fit(1e12 + b$X * 1e-3, init = 1e12 + start * 1e-3, tol = 0, threads = 1)
  p <- predict(fit, 1e12 + b$X * 1e-3, type = "prob", threads = 1)
  ref <- ckm_fit(b$X * 1e-3, init = start * 1e-3, tol = 0, threads = 1)
  expect_equal(unname(p), unname(predict(ref, b$X * 1e-3, type = "prob", threads = 1)),
               tolerance = 1e-6)
})

test_that("scale = TRUE fits a column of extreme magnitude (no overflow in its variance)", {
  b <- three_blobs(5)
  start <- b$X[c(1, 301, 601), ]
  ref <- stats::kmeans(scale(b$X), scale(b$X)[c(1, 301, 601), ], iter.max = 100,
                       algorithm = "Lloyd")
  for (s in c(2^700, 2^-700, 1e200, 1e-200)) {
    Y <- cbind(b$X[, 1] * s, b$X[, 2])
    fit <- ckm_fit(Y, init = cbind(start[, 1] * s, start[, 2]), scale = TRUE,
                   algorithm = "lloyd", tol = 0, threads = 1)
    expect_identical(unname(fit$cluster), unname(ref$cluster))
    expect_equal(unname(fit$centers), unname(ref$centers), tolerance = 1e-12)
    expect_equal(fit$scaling$scale[[1]] / s, sd(b$X[, 1]), tolerance = 1e-12)
    expect_identical(predict(fit, Y), fit$cluster)
  }
  set.seed(1)
  f <- ckm_fit(cbind(b$X[, 1] * 1e200, b$X[, 2]), 3, scale = TRUE, threads = 1)
  expect_equal(ref_ari(f$cluster, b$lab), 1)
})

test_that("a scaled fit and predict() on it make one copy of the data", {
  skip_if_not(capabilities("profmem"))
  set.seed(1)
  X <- matrix(rnorm(400000), ncol = 8)
  bytes <- 8 * length(X)
  big_allocs <- function(expr) {
    out <- tempfile()
    on.exit(unlink(out), add = TRUE)
    utils::Rprofmem(out, threshold = bytes / 2)
    force(expr)
    utils::Rprofmem(NULL)
    sum(as.numeric(sub(" :.*", "", grep("^[0-9]+ :", readLines(out), value = TRUE))) >= bytes)
  }
  fit <- NULL
  expect_identical(big_allocs(fit <- ckm_fit(X, 4, scale = TRUE, threads = 1)), 1L)
  expect_identical(big_allocs(p <- predict(fit, X, threads = 1)), 1L)
  expect_identical(p, fit$cluster)
})

test_that("ckm_quantize(scale = TRUE) gives an image and a palette in the image's units", {
  set.seed(2)
  img <- array(runif(30 * 20 * 3), c(30, 20, 3))
  img[, , 3] <- img[, , 3] * 0.1      # a channel of small spread: scaling matters
  q <- ckm_quantize(img, 4, scale = TRUE, threads = 1)
  rgb <- matrix(img, ncol = 3)
  expect_true(all(q$palette >= 0 & q$palette <= 1))
  # each colour of the palette is the mean of its pixels (a k-means centre)
  means <- rowsum(rgb, as.vector(q$cluster)) / as.vector(table(q$cluster))
  expect_equal(unname(q$palette), unname(means), tolerance = 1e-12)
  expect_equal(unname(matrix(q$image, ncol = 3)), unname(q$palette[as.vector(q$cluster), ]))
  expect_equal(q$inertia, sum((rgb - q$palette[as.vector(q$cluster), ])^2))
  # the partition is that of the fit of the standardised pixels
  expect_identical(as.vector(q$cluster), unname(q$fit$cluster))
})

test_that("an edited `scaling` or `conditioning` is an error in every method", {
  b <- three_blobs(6)
  fit <- ckm_fit(b$X, 3, scale = TRUE, threads = 1)
  bad <- fit
  bad$scaling$scale <- bad$scaling$scale[1]
  expect_error(predict(bad, b$X), "`scaling` must be NULL or a list of 2 finite")
  expect_error(fitted(bad), "`scaling` must be NULL or a list of 2 finite")
  expect_error(ckm_silhouette(b$X, bad, method = "simplified"), "`scaling`")
  far <- ckm_fit(1e12 + b$X, 3, threads = 1)
  bad <- far
  bad$conditioning$e <- 0.5
  expect_error(fitted(bad), "`object\\$conditioning`")
  expect_error(predict(bad, 1e12 + b$X, type = "prob"), "`object\\$conditioning`")
  # an edited conditioned sum is not used: the fit's own sum is
  bad <- far
  bad$conditioning$tot.withinss <- 1
  expect_equal(predict(bad, 1e12 + b$X, type = "prob", threads = 1),
               predict(far, 1e12 + b$X, type = "prob", threads = 1))
})

test_that("ckm_converge() steps through extreme data as through the data at unit scale", {
  b <- three_blobs(7, 100)
  start <- b$X[c(1, 2, 3), ]          # a poor start: several iterations
  for (e in c(-700, 700)) {
    steps <- ckm_converge(b$X * 2^e, init = start * 2^e, iterations = 4, threads = 1)
    for (t in seq_along(steps$fits)) {
      # reference: stats::kmeans' Lloyd iterations from the same start
      ref <- suppressWarnings(stats::kmeans(b$X, start, iter.max = t, algorithm = "Lloyd"))
      f <- steps$fits[[t]]
      expect_identical(unname(f$cluster), unname(ref$cluster))
      expect_identical(unname(f$centers) * 2^-e, unname(ref$centers))
    }
  }
})

test_that("ckm_kmedians() fits extreme and far-off data as the data at unit scale", {
  b <- three_blobs(8, 100)
  start <- b$X[c(1, 101, 201), ]
  ref <- ckm_kmedians(b$X, init = start, threads = 1)
  for (e in c(-1000, 700, 1000)) {
    fit <- ckm_kmedians(b$X * 2^e, init = start * 2^e, threads = 1)
    expect_identical(unname(fit$cluster), unname(ref$cluster))
    expect_identical(unname(fit$centers), unname(ref$centers) * 2^e)
  }
  # far from the origin: L1 differences of values within a factor two are
  # exact, so the same medians, moved
  for (off in c(2^40, 1e12)) {
    Y <- off + b$X * 1e-3
    fit <- ckm_kmedians(Y, init = off + start * 1e-3, threads = 1)
    ref <- ckm_kmedians(Y - off, init = (off + start * 1e-3) - off, threads = 1)
    expect_identical(unname(fit$cluster), unname(ref$cluster))
    # the medians of the same values, moved back (to the data's last digit)
    expect_equal(unname(fit$centers), unname(ref$centers) + off, tolerance = 1e-15)
    expect_equal(fit$tot.withinss, ref$tot.withinss, tolerance = 1e-6)
    expect_identical(predict(fit, Y), fit$cluster)
  }
})

test_that("the elbow finds the true k on well-separated blobs with 3 to 6 clusters", {
  set.seed(80)
  for (truth in rep(3:6, each = 3)) {
    b <- ref_separated_blobs(truth)
    el <- ckm_elbow(b$X, k = 1:10)
    expect_identical(attr(el, "k_knee"), truth, label = paste("knee, truth", truth))
    expect_identical(attr(el, "k_silhouette"), truth, label = paste("silhouette, truth", truth))
    # the over-segmentation trap: inertia keeps falling past the truth
    expect_true(all(diff(el$inertia[el$k >= truth]) < 0))
    # and the knee of the raw curve lands early once k passes 4 (why the
    # log curve is the default)
    if (truth >= 5) {
      raw <- attr(ckm_elbow(b$X, k = 1:10, silhouette = "none", curve = "raw"), "k_knee")
      expect_lt(raw, truth)
    }
  }
})

test_that("the elbow finds 3 clusters in cluster::xclara", {
  skip_if_not_installed("cluster")
  set.seed(85)
  X <- as.matrix(cluster::xclara)
  el <- ckm_elbow(X, k = 1:10, silhouette = "simplified")
  expect_identical(attr(el, "k_knee"), 3L)
  expect_identical(attr(el, "k_silhouette"), 3L)
})

test_that("the fits of the elbow are the fits ckm_fit makes from the shared seedings", {
  set.seed(86)
  b <- ref_blobs(500, 4, d = 2)
  for (init in c("default", "kmeans++")) for (n_init in c(1L, 3L)) {
    set.seed(1)
    el <- if (init == "default") {
      ckm_elbow(b$X, k = 2:6, silhouette = "none", tol = 0, n_init = n_init)
    } else {
      ckm_elbow(b$X, k = 2:6, silhouette = "none", tol = 0, n_init = n_init, init = init)
    }
    # each start is one (greedy, by default) k-means++ seeding for the
    # largest k, drawn in turn
    seeding <- if (init == "default") "greedy-kmeans++" else init
    expect_identical(attr(el, "fits")[[1]]$init, seeding)
    set.seed(1)
    seeds <- lapply(seq_len(n_init), function(r) {
      suppressWarnings(ckm_fit(b$X, 6, init = seeding, n_init = 1, max_iter = 1,
                               tol = 0))$init_centers
    })
    for (i in seq_along(el$k)) {
      ref <- vapply(seeds, function(S) {
        ckm_fit(b$X, init = S[seq_len(el$k[i]), , drop = FALSE], tol = 0)$tot.withinss
      }, numeric(1))
      expect_identical(el$inertia[i], min(ref))
      expect_identical(attr(el, "fits")[[i]]$n_init, n_init)
    }
    expect_null(el$silhouette)
  }
  # random starts: every k is fitted on its own, as ckm_fit would
  set.seed(2)
  el2 <- ckm_elbow(b$X, k = 2:3, init = "random", n_init = 2, silhouette = "none")
  set.seed(2)
  ref2 <- c(ckm_fit(b$X, 2, init = "random", n_init = 2)$tot.withinss,
            ckm_fit(b$X, 3, init = "random", n_init = 2)$tot.withinss)
  expect_identical(el2$inertia, ref2)
})

test_that("kneedle is the point farthest below the chord", {
  expect_identical(ckm:::kneedle(1:5, c(10, 4, 1, 0.8, 0.5)), 3L)
  expect_identical(ckm:::kneedle(1:5, c(5, 4, 3, 2, 1)), NA_integer_)
})

test_that("ckm_knee() is the point farthest from the chord, below it", {
  # reference: perpendicular distance to the line through the first and last
  # points, both axes scaled to [0, 1]; only points below the line count
  ref_knee <- function(k, y) {
    x <- (k - min(k)) / diff(range(k)); y <- (y - min(y)) / diff(range(y))
    a <- c(x[1], y[1]); b <- c(x[length(x)], y[length(y)])
    cross <- (b[1] - a[1]) * (y - a[2]) - (b[2] - a[2]) * (x - a[1])
    dist <- abs(cross) / sqrt(sum((b - a)^2))
    below <- cross < 0  # (b - a) x (p - a) is negative for p below the chord
    if (!any(below)) return(NA_integer_)
    as.integer(k[which.max(ifelse(below, dist, -Inf))])
  }
  set.seed(5)
  for (i in 1:50) {
    k <- sort(sample(1:30, sample(3:12, 1)))
    inertia <- sort(rexp(length(k)) * 10^runif(1, 0, 6), decreasing = TRUE)
    expect_identical(ckm_knee(k, inertia, curve = "raw"), ref_knee(k, inertia))
    expect_identical(ckm_knee(k, inertia), ref_knee(k, log(inertia)))
  }
  expect_identical(ckm_knee(1:5, c(5, 4, 3, 2, 1), curve = "raw"), NA_integer_)
  # on stats::kmeans' curve for well separated blobs, the true k
  b <- ckm_blobs(600, centers = rbind(c(0, 0), c(12, 0), c(0, 12), c(12, 12)), sd = 1)
  inertia <- sapply(1:8, function(k) kmeans(b$X, k, nstart = 10, iter.max = 50)$tot.withinss)
  expect_identical(ckm_knee(1:8, inertia), 4L)
  expect_snapshot(error = TRUE, {
    ckm_knee(1:2, c(2, 1))
    ckm_knee(c(1, 3, 2), c(3, 2, 1))
    ckm_knee(1:3, c(3, -2, 1))
    ckm_knee(1:3, c(3, 2))
    ckm_knee(1:3, c(3, 2, 1), curve = "sqrt")
  })
})

test_that("elbow input is checked and the plot draws", {
  expect_snapshot(error = TRUE, {
    ckm_elbow(iris[, 1:4], k = 0:3)
    ckm_elbow(iris[, 1:4], k = 2:3, silhouette = "maybe")
    ckm_elbow(iris[, 1:4], k = 2:3, init = matrix(1, 2, 4))
  })
  pdf(NULL)
  on.exit(dev.off())
  el <- ckm_elbow(iris[, 1:4], k = 1:5)
  expect_identical(plot(el), el)
  expect_output(print(el), "Suggested k")
})

test_that("plot() draws into the user's layout and leaves it as it was", {
  set.seed(1)
  b <- ckm_blobs(300, 3)
  el <- ckm_elbow(b$X, 1:5, threads = 1)
  grDevices::pdf(NULL)
  on.exit(grDevices::dev.off())
  op <- graphics::par(mfrow = c(2, 2))
  plot(el)                                   # two of the four panels
  expect_identical(graphics::par("mfrow"), c(2L, 2L))
  expect_identical(graphics::par("mfg")[1:2], c(1L, 2L))
  plot(el, which = "inertia")                # the next one
  expect_identical(graphics::par("mfg")[1:2], c(2L, 1L))
  graphics::par(op)
  # on a device of one panel: side by side, then one panel again
  plot(el)
  expect_identical(graphics::par("mfrow"), c(1L, 1L))
  expect_snapshot(error = TRUE, plot(el, which = "knee"))
})

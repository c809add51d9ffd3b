# autoplot() and fortify(): what the layers draw, against values computed
# here (prcomp(), cluster::silhouette(), the data itself).

test_that("fortify() gives the data, the clusters, distances and the plotting plane", {
  skip_if_not_installed("ggplot2")
  fit <- ckm_fit(iris[, 1:4], 3, threads = 1)
  f <- ggplot2::fortify(fit, iris[, 1:4])
  expect_identical(f[, 1:4], iris[, 1:4])
  expect_identical(as.integer(f$.cluster), fit$cluster)
  X <- as.matrix(iris[, 1:4])
  ref_dist <- vapply(seq_len(nrow(X)), function(i) sum((X[i, ] - fit$centers[fit$cluster[i], ])^2), 0)
  expect_equal(f$.distance, ref_dist, tolerance = 1e-12)
  # the within-cluster sums are the fit's own
  expect_equal(as.vector(tapply(f$.distance, f$.cluster, sum)), fit$withinss, tolerance = 1e-10)
  pc <- prcomp(X)
  expect_equal(f$.x, unname(pc$x[, 1]), tolerance = 1e-12)
  expect_equal(f$.y, unname(pc$x[, 2]), tolerance = 1e-12)
  # two columns: the columns themselves
  b <- ckm_blobs(200, centers = 3)
  fit2 <- ckm_fit(b$X, 3, threads = 1)
  f2 <- ggplot2::fortify(fit2, b$X)
  expect_identical(f2$.x, unname(b$X[, 1]))
  expect_identical(f2$.y, unname(b$X[, 2]))
})

test_that("autoplot() of a fit draws the points by cluster and the centres", {
  skip_if_not_installed("ggplot2")
  b <- ckm_blobs(300, centers = 4, sd = 0.8)
  fit <- ckm_fit(b$X, 4, threads = 1)
  p <- ggplot2::autoplot(fit, b$X)
  expect_s3_class(p, "ggplot")
  pts <- ggplot2::layer_data(p, 1)
  expect_equal(pts$x, unname(b$X[, 1]))
  expect_equal(pts$y, unname(b$X[, 2]))
  expect_identical(as.integer(pts$group), fit$cluster) # colour groups are the clusters
  cen <- ggplot2::layer_data(p, 2)
  expect_equal(cbind(cen$x, cen$y), unname(fit$centers))
  tr <- ggplot2::layer_data(ggplot2::autoplot(fit, what = "trace"), 2)
  expect_equal(tr$y, fit$trace)
  # more columns: the centres on the data's principal components
  fit4 <- ckm_fit(iris[, 1:4], 3, threads = 1)
  pc <- prcomp(as.matrix(iris[, 1:4]))
  cen4 <- ggplot2::layer_data(ggplot2::autoplot(fit4, iris[, 1:4]), 2)
  ref <- scale(fit4$centers, center = pc$center, scale = FALSE) %*% pc$rotation[, 1:2]
  expect_equal(cbind(cen4$x, cen4$y), unname(ref), tolerance = 1e-12)
})

test_that("autoplot() of an elbow marks the knee and the best silhouette", {
  skip_if_not_installed("ggplot2")
  b <- ckm_blobs(400, centers = rbind(c(0, 0), c(10, 0), c(0, 10)), sd = 1)
  el <- ckm_elbow(b$X, k = 1:6, threads = 1)
  p <- ggplot2::autoplot(el)
  line <- ggplot2::layer_data(p, 1)
  expect_equal(line$y[line$PANEL == 1], el$inertia)
  expect_equal(line$y[line$PANEL == 2], el$silhouette[-1])
  marks <- ggplot2::layer_data(p, 4)
  expect_identical(marks$x, as.numeric(c(attr(el, "k_knee"), attr(el, "k_silhouette"))))
  expect_equal(marks$y, c(el$inertia[el$k == attr(el, "k_knee")],
                          el$silhouette[el$k == attr(el, "k_silhouette")]))
  # without silhouettes: one panel
  p1 <- ggplot2::autoplot(ckm_elbow(b$X, k = 1:6, silhouette = "none", threads = 1))
  expect_identical(unique(as.integer(ggplot2::layer_data(p1, 1)$PANEL)), 1L)
})

test_that("autoplot() of a silhouette draws cluster::silhouette()'s widths", {
  skip_if_not_installed("ggplot2")
  skip_if_not_installed("cluster")
  fit <- ckm_fit(iris[, 1:4], 3, threads = 1)
  s <- ckm_silhouette(iris[, 1:4], fit, threads = 1)
  ref <- cluster::silhouette(fit$cluster, dist(iris[, 1:4]))
  bars <- ggplot2::layer_data(ggplot2::autoplot(s), 1)
  ref_sorted <- unlist(lapply(sort(unique(fit$cluster)), function(j) {
    sort(ref[ref[, "cluster"] == j, "sil_width"], decreasing = TRUE)
  }))
  expect_equal(bars$y, unname(ref_sorted), tolerance = 1e-12)
  expect_equal(ggplot2::layer_data(ggplot2::autoplot(s), 2)$yintercept, mean(ref[, "sil_width"]),
               tolerance = 1e-12)
})

test_that("autoplot() of a convergence run shows each iteration's centres", {
  skip_if_not_installed("ggplot2")
  set.seed(3)
  b <- ckm_blobs(300, centers = 3, sd = 1.2)
  cv <- ckm_converge(b$X, 3, iterations = 5, threads = 1)
  p <- ggplot2::autoplot(cv, b$X)
  cen <- ggplot2::layer_data(p, 3)
  steps <- length(cv$fits)
  expect_identical(length(unique(cen$PANEL)), steps + 1L)
  ref <- do.call(rbind, c(list(cv$start), lapply(cv$fits, `[[`, "centers")))
  expect_equal(cbind(cen$x, cen$y), unname(ref))
  expect_snapshot(error = TRUE, ggplot2::autoplot(cv, b$X[-1, ]))
})

test_that("autoplot() and fortify() name what is missing", {
  skip_if_not_installed("ggplot2")
  fit <- ckm_fit(iris[, 1:4], 3, threads = 1)
  expect_snapshot(error = TRUE, {
    ggplot2::autoplot(fit)
    ggplot2::autoplot(fit, iris[1:10, 1:4])
    ggplot2::autoplot(fit, what = "both")
    ggplot2::fortify(fit)
  })
})

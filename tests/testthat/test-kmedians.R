# k-medians against a plain-R version written here: L1 assignment (ties to
# the lowest index), coordinate-wise median() update, empty clusters take
# the point farthest from its centre among clusters of two or more.
ref_kmedians <- function(X, C, max_iter = 100L) {
  n <- nrow(X); k <- nrow(C)
  labels <- rep(0L, n)
  for (iter in seq_len(max_iter)) {
    D <- sapply(seq_len(k), function(j) colSums(abs(t(X) - C[j, ])))
    D <- matrix(D, n)
    new <- max.col(-D, ties.method = "first")
    dist <- D[cbind(seq_len(n), new)]
    if (all(new == labels)) break
    labels <- new
    size <- tabulate(labels, k)
    for (j in which(size == 0)) {
      ok <- size[labels] > 1
      far <- which(ok)[which.max(dist[ok])]
      size[labels[far]] <- size[labels[far]] - 1
      labels[far] <- j; size[j] <- 1; dist[far] <- 0
    }
    for (j in seq_len(k)) C[j, ] <- apply(X[labels == j, , drop = FALSE], 2, median)
  }
  list(cluster = labels, centers = C, iter = iter,
       tot = sum(abs(X - C[labels, , drop = FALSE])))
}

test_that("k-medians equals the plain-R version from the same start", {
  set.seed(131)
  cases <- list(
    blobs = ref_blobs(400, 4, d = 2, sd = 2, spread = 1)$X,
    heavy = matrix(rt(1500, df = 1.5), ncol = 3),
    iris = as.matrix(iris[, 1:4]),
    even = matrix(rnorm(40), ncol = 2)
  )
  for (nm in names(cases)) {
    X <- cases[[nm]]
    for (k in c(2, 5)) {
      C0 <- ref_start(X, k)
      fit <- ckm_kmedians(X, init = C0)
      ref <- ref_kmedians(X, C0)
      expect_identical(unname(fit$cluster), ref$cluster, label = nm)
      expect_equal(unname(fit$centers), unname(ref$centers), tolerance = 1e-12, label = nm)
      expect_identical(fit$iter, ref$iter, label = nm)
      expect_equal(fit$tot.withinss, ref$tot, tolerance = 1e-12, label = nm)
      expect_identical(fit$size, tabulate(ref$cluster, k))
    }
  }
})

test_that("k-medians relocates an empty cluster like the reference", {
  X <- matrix(c(0, 0.1, 0.2, 10, 10.1, 30), ncol = 1)
  C0 <- matrix(c(0, 10, 1000))  # the third centre wins no point
  fit <- ckm_kmedians(X, init = C0)
  ref <- ref_kmedians(X, C0)
  expect_identical(unname(fit$cluster), ref$cluster)
  expect_gte(fit$relocated, 1)
  expect_equal(unname(fit$centers), ref$centers)
})

test_that("k-medians is robust where k-means is not, and is reproducible", {
  set.seed(132)
  b <- ckm_blobs(600, centers = rbind(c(0, 0), c(10, 0)), sd = 1)
  X <- rbind(b$X, matrix(c(500, 500, 505, 505), 2, byrow = TRUE))
  med <- ckm_kmedians(X, 2, n_init = 5)
  # the medians stay near the blob centres
  expect_lt(max(abs(sort(med$centers[, 1]) - c(0, 10))), 0.3)
  set.seed(7); a <- ckm_kmedians(X, 3)
  set.seed(7); a2 <- ckm_kmedians(X, 3)
  expect_identical(a, a2)
  expect_identical(ckm_kmedians(X, 3, threads = 1, init = a$init_centers)$centers,
                   ckm_kmedians(X, 3, threads = 2, init = a$init_centers)$centers)
  # predict: nearest centre in L1, against plain R
  new <- matrix(rnorm(20, 5, 5), ncol = 2)
  D <- sapply(1:3, function(j) colSums(abs(t(new) - a$centers[j, ])))
  expect_identical(predict(a, new), max.col(-D, ties.method = "first"))
  expect_output(print(a), "k-medians fit")
})

test_that("k-medians input is checked", {
  expect_snapshot(error = TRUE, {
    ckm_kmedians(iris[, 1:4], 0)
    ckm_kmedians(iris[, 1:4], 3, init = "kmeans++")
    ckm_kmedians(iris[, 1:4], init = rbind(1:4, 2:5), n_init = 2)
    ckm_kmedians(matrix(1, 5, 2), 2)
  })
})

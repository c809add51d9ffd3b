# k-medoids against cluster::pam and against plain R: the cost recomputed
# from dist(), and a brute-force check that no single swap of a medoid and
# a non-medoid lowers it (the local optimum both PAM and FasterPAM stop at).

ref_cost <- function(D, medoids) sum(apply(D[, medoids, drop = FALSE], 1, min))

# the best single swap from `medoids`, by brute force over all k (n - k) swaps
ref_best_swap <- function(D, medoids) {
  cur <- ref_cost(D, medoids)
  best <- 0
  for (m in seq_along(medoids)) for (h in setdiff(seq_len(nrow(D)), medoids)) {
    cand <- medoids
    cand[m] <- h
    best <- min(best, ref_cost(D, cand) - cur)
  }
  best
}

pam_cost <- function(p, n) p$objective[["swap"]] * n

test_that("init = \"build\" makes cluster::pam()'s moves: the same medoids and cost", {
  skip_if_not_installed("cluster")
  sets <- list(iris = as.matrix(iris[, 1:4]), usa = as.matrix(USArrests),
               swiss = as.matrix(swiss), faithful = as.matrix(faithful))
  for (nm in names(sets)) {
    X <- sets[[nm]]
    for (k in 2:6) {
      p <- cluster::pam(X, k)
      f <- ckm_kmedoids(X, k, init = "build", threads = 1)
      expect_equal(sort(f$medoids), sort(p$id.med), info = paste(nm, k))
      expect_equal(f$cost, pam_cost(p, nrow(X)), tolerance = 1e-12, info = paste(nm, k))
      expect_equal(f$cost, ref_cost(as.matrix(dist(X)), f$medoids), tolerance = 1e-12)
    }
  }
})

test_that("the default fit costs no more than cluster::pam() (real data, blobs with outliers)", {
  skip_if_not_installed("cluster")
  set.seed(5)
  b <- ref_blobs(600, 5, d = 3, sd = 1.5, spread = 10)$X
  sets <- list(iris = as.matrix(iris[, 1:4]), quakes = as.matrix(quakes[1:400, 1:4]),
               usa = as.matrix(USArrests), mtcars = scale(as.matrix(mtcars)),
               outliers = rbind(b, matrix(runif(30, -40, 40), 10)))
  lower <- 0L
  for (nm in names(sets)) {
    X <- sets[[nm]]
    for (k in 2:8) {
      pc <- pam_cost(cluster::pam(X, k), nrow(X))
      set.seed(k)
      f <- ckm_kmedoids(X, k, threads = 1)
      expect_lte(f$cost, pc * (1 + 1e-12))
      lower <- lower + (f$cost < pc * (1 - 1e-9))
    }
  }
  expect_gt(lower, 0L) # the k-medoids++ starts do find lower costs
})

test_that("eager swaps stop at a local optimum: no single swap lowers the cost", {
  set.seed(11)
  X <- rbind(matrix(rnorm(60), 30), matrix(rnorm(40, 4), 20), c(20, 20))
  D <- as.matrix(dist(X))
  for (init in c("build", "kmedoids++", "random")) {
    for (k in c(2, 4)) {
      f <- ckm_kmedoids(X, k, init = init, swap = "eager", n_init = 1, threads = 1)
      expect_true(f$converged)
      expect_equal(f$cost, ref_cost(D, f$medoids), tolerance = 1e-12)
      expect_gte(ref_best_swap(D, f$medoids), -1e-9 * f$cost)
      # each object's cluster is its nearest medoid
      near <- apply(D[, f$medoids], 1, min)
      expect_equal(unname(f$distance), unname(near), tolerance = 1e-14)
      expect_equal(D[cbind(seq_len(nrow(X)), f$medoids[f$cluster])], unname(near), tolerance = 1e-14)
    }
  }
})

test_that("a dist object gives the fit of the rows; manhattan that of dist(method = \"manhattan\")", {
  set.seed(2)
  X <- matrix(rnorm(300), 100)
  a <- ckm_kmedoids(X, 4, init = "build", threads = 1)
  b <- ckm_kmedoids(dist(X), 4, init = "build", threads = 1)
  expect_equal(a$medoids, b$medoids)
  expect_equal(a$cost, b$cost, tolerance = 1e-13)
  expect_equal(unname(a$cluster), unname(b$cluster))
  expect_null(b$centers)
  m1 <- ckm_kmedoids(X, 3, metric = "manhattan", init = "build", threads = 1)
  m2 <- ckm_kmedoids(dist(X, "manhattan"), 3, init = "build", threads = 1)
  expect_equal(m1$medoids, m2$medoids)
  expect_equal(m1$cost, m2$cost, tolerance = 1e-13)
  skip_if_not_installed("cluster")
  p <- cluster::pam(X, 3, metric = "manhattan")
  expect_equal(m1$cost, pam_cost(p, nrow(X)), tolerance = 1e-12)
  # labels of the dist travel to the clusters and medoids
  d <- dist(USArrests)
  f <- ckm_kmedoids(d, 3, init = "build", threads = 1)
  expect_equal(names(f$cluster), rownames(USArrests))
  expect_equal(f$medoid_names, rownames(USArrests)[f$medoids])
})

test_that("one and two threads give the same bits; set.seed() reproduces the draws", {
  set.seed(9)
  X <- matrix(rnorm(3000 * 3), ncol = 3)
  for (swap in c("eager", "steepest")) {
    a <- ckm_kmedoids(X, 6, init = "build", swap = swap, threads = 1)
    b <- ckm_kmedoids(X, 6, init = "build", swap = swap, threads = 2)
    expect_identical(a, b)
  }
  set.seed(4); a <- ckm_kmedoids(X[1:800, ], 5, threads = 1)
  set.seed(4); b <- ckm_kmedoids(X[1:800, ], 5, threads = 2)
  set.seed(5); c <- ckm_kmedoids(X[1:800, ], 5, init = "random", threads = 1)
  expect_identical(a, b)
  expect_true(c$converged)
})

test_that("k = 1 is the row of least total distance; k = n puts each row alone", {
  set.seed(3)
  X <- matrix(rnorm(80), 40)
  D <- as.matrix(dist(X))
  f <- ckm_kmedoids(X, 1, threads = 1)
  expect_equal(f$medoids, unname(which.min(rowSums(D))))
  expect_equal(f$cost, min(rowSums(D)), tolerance = 1e-13)
  g <- ckm_kmedoids(X[1:6, ], 6, init = "build", threads = 1)
  expect_equal(g$cost, 0)
  expect_setequal(g$medoids, 1:6)
})

test_that("extreme magnitudes: the fit of X * 2^e, its cost scaled", {
  set.seed(8)
  X <- rbind(matrix(rnorm(60), 30), matrix(rnorm(60, 5), 30))
  ref <- ckm_kmedoids(X, 2, init = "build", threads = 1)
  for (s in c(2^600, 2^-600)) {
    f <- ckm_kmedoids(X * s, 2, init = "build", threads = 1)
    expect_equal(f$medoids, ref$medoids)
    expect_equal(f$cost, ref$cost * s, tolerance = 1e-13)
  }
  # far from the origin: differences taken directly, so the clusters hold
  f <- ckm_kmedoids(X + 1e9, 2, init = "build", threads = 1)
  expect_equal(unname(f$cluster), unname(ref$cluster))
})

test_that("predict() goes to the nearest medoid; silhouette and plots take the fit", {
  set.seed(12)
  X <- rbind(matrix(rnorm(100), 50), matrix(rnorm(100, 6), 50))
  colnames(X) <- c("a", "b")
  f <- ckm_kmedoids(X, 2, threads = 1)
  expect_equal(predict(f, X), f$cluster)
  new <- rbind(X[f$medoids[2], ] + 0.01, X[f$medoids[1], ] - 0.01)
  expect_equal(unname(predict(f, new)), c(2L, 1L))
  expect_equal(unname(predict(f, new[, c("b", "a")])), c(2L, 1L)) # by name
  m <- ckm_kmedoids(X, 2, metric = "manhattan", threads = 1)
  expect_equal(predict(m, X), m$cluster)
  skip_if_not_installed("cluster")
  s <- ckm_silhouette(X, f, threads = 1)
  ref <- cluster::silhouette(f$cluster, dist(X))
  expect_equal(s$width, unname(ref[, "sil_width"]), tolerance = 1e-12)
  s2 <- ckm_silhouette(dist(X), f)
  expect_equal(s2$width, unname(ref[, "sil_width"]), tolerance = 1e-12)
  expect_equal(s2$neighbor, unname(ref[, "neighbor"]))
  expect_equal(unname(fitted(f)), unname(X[f$medoids[f$cluster], ]))
  pdf(NULL)
  on.exit(dev.off())
  expect_no_error(plot(f, X))
  expect_output(print(f), "k-medoids fit")
})

test_that("bad input gets errors that name the argument", {
  X <- matrix(rnorm(40), 20)
  expect_snapshot(error = TRUE, {
    ckm_kmedoids(X, 0)
    ckm_kmedoids(X, 21)
    ckm_kmedoids(X, 2, init = c(1, 1))
    ckm_kmedoids(X, 2, init = c(1, 30))
    ckm_kmedoids(X, 2, init = "build", n_init = 3)
    ckm_kmedoids(X, 2, metric = "cosine")
    ckm_kmedoids(X, 2, swap = "best")
    ckm_kmedoids(rbind(X[1:3, ], X[1:3, ]), 4, init = "build")
    ckm_kmedoids(structure(c(1, NA, 2), Size = 3L, class = "dist"), 2)
    ckm_kmedoids(structure(c(1, -1, 2), Size = 3L, class = "dist"), 2)
    ckm_kmedoids(structure(c(1, 2), Size = 3L, class = "dist"), 2)
    predict(ckm_kmedoids(dist(X), 2, threads = 1), X)
  })
})

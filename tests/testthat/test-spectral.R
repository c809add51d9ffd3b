# Spectral clustering: the neighbours against plain R, the partition
# against the classes of moons and rings and against kernlab::specc, the
# eigensolvers against each other.

test_that("the neighbour lists are the exact nearest rows (plain R)", {
  set.seed(1)
  X <- matrix(rnorm(300 * 3), ncol = 3)
  X[7, ] <- X[3, ] # a repeated row: distance 0
  nb <- .Call(ckm:::ffi_knn, X, 6L, 2L, NULL)
  D <- as.matrix(dist(X))^2
  diag(D) <- Inf
  for (i in seq_len(nrow(X))) {
    ref <- order(D[i, ], seq_len(nrow(X)))[1:6] # ties: the lower row
    expect_equal(nb$index[, i], ref)
    expect_equal(nb$dist2[, i], unname(D[i, ref]), tolerance = 1e-12)
  }
  nb2 <- .Call(ckm:::ffi_knn, X, 6L, 1L, NULL)
  expect_identical(nb, nb2)
})

test_that("components are those of the graph (plain R)", {
  edges <- rbind(c(1, 2), c(3, 4), c(4, 5), c(7, 6), c(2, 8))
  lab <- .Call(ckm:::ffi_components, 9L, as.integer(edges[, 1]), as.integer(edges[, 2]))
  expect_equal(lab, c(1L, 1L, 2L, 2L, 2L, 3L, 3L, 1L, 4L))
})

test_that("moons and rings are separated (ARI >= 0.99), as kernlab::specc separates them", {
  for (s in 1:4) {
    set.seed(s)
    m <- ckm_moons(400, noise = 0.06)
    cc <- ckm_circles(400, noise = 0.04, factor = 0.5)
    a <- ckm_spectral(m$X, 2, threads = 1)
    b <- ckm_spectral(cc$X, 2, threads = 1)
    expect_gte(ckm_ari(a$cluster, m$y), 0.99)
    expect_gte(ckm_ari(b$cluster, cc$y), 0.99)
    expect_lt(ckm_ari(ckm_fit(m$X, 2, threads = 1)$cluster, m$y), 0.7) # k-means cannot
  }
  skip_if_not_installed("kernlab")
  set.seed(9)
  m <- ckm_moons(400, noise = 0.06)
  k1 <- kernlab::specc(m$X, 2)
  expect_gte(ckm_ari(ckm_spectral(m$X, 2, threads = 1)$cluster, m$y), ckm_ari(k1@.Data, m$y) - 1e-12)
})

test_that("the eigensolvers agree; one and two threads give the same partition", {
  set.seed(3)
  b <- ckm_blobs(1500, centers = 4, d = 2, sd = 1)
  e <- ckm_spectral(b$X, 4, eigensolver = "eigen", threads = 1)
  expect_equal(e$eigenvalues[1], 1, tolerance = 1e-10)
  if (requireNamespace("RSpectra", quietly = TRUE)) {
    f <- ckm_spectral(b$X, 4, eigensolver = "rspectra", threads = 1)
    expect_equal(ckm_ari(f$cluster, e$cluster), 1)
    expect_equal(f$eigenvalues, e$eigenvalues, tolerance = 1e-8)
  }
  if (requireNamespace("irlba", quietly = TRUE)) {
    # irlba's eigenvalues are less accurate where they lie close together
    f <- ckm_spectral(b$X, 4, eigensolver = "irlba", threads = 1)
    expect_gte(ckm_ari(f$cluster, e$cluster), 0.95)
    expect_equal(f$eigenvalues, e$eigenvalues, tolerance = 1e-2)
  }
  set.seed(4); a1 <- ckm_spectral(b$X, 4, threads = 1)
  set.seed(4); a2 <- ckm_spectral(b$X, 4, threads = 2)
  expect_identical(a1$cluster, a2$cluster)
  expect_gte(ckm_ari(a1$cluster, b$y), 0.9)
})

test_that("a graph of k components is its own answer; of more than k, an error", {
  set.seed(5)
  X <- rbind(matrix(rnorm(100, 0, 0.1), 50), matrix(rnorm(100, 50, 0.1), 50),
             matrix(rnorm(100, -50, 0.1), 50))
  f <- ckm_spectral(X, 3, threads = 1)
  expect_equal(f$eigensolver, "components")
  expect_equal(ckm_ari(f$cluster, rep(1:3, each = 50)), 1)
  expect_equal(f$components, 3L)
  # scale and shift change nothing
  g <- ckm_spectral(X * 2^600 + 0, 3, threads = 1)
  expect_identical(unname(g$cluster), unname(f$cluster))
  expect_output(print(f), "Spectral clustering")
  pdf(NULL)
  on.exit(dev.off())
  expect_no_error(plot(f, X))
})

test_that("bad input gets errors that name the argument", {
  set.seed(6)
  X <- rbind(matrix(rnorm(40, 0, 0.1), 20), matrix(rnorm(40, 50, 0.1), 20))
  expect_snapshot(error = TRUE, {
    ckm_spectral(X, 1)
    ckm_spectral(X, 2, n_neighbors = 0)
    ckm_spectral(X, 2, n_neighbors = 40)
    ckm_spectral(X, 2, sigma = -1)
    ckm_spectral(X, 2, eigensolver = "lapack")
    ckm_spectral(X, 40)
    ckm_spectral(X[1:2, ], 1)
  })
})

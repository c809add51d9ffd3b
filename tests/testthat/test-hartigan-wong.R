# algorithm = "hartigan-wong": Hartigan and Wong's algorithm (src/hartwong.c)
# against stats::kmeans(algorithm = "Hartigan-Wong") from the same start,
# the drop-in ckm_kmeans() against kmeans(), and what happens where
# kmeans() stops with an error.

hw_sets <- function() {
  set.seed(5)
  blobs <- ref_blobs(600, 5, d = 3)$X
  list(iris = list(as.matrix(iris[, 1:4]), 3), quakes = list(as.matrix(quakes[, 1:4]), 4),
       faithful = list(as.matrix(faithful), 2), arrests = list(as.matrix(USArrests), 5),
       attitude = list(as.matrix(attitude), 3), swiss = list(as.matrix(swiss), 4),
       blobs = list(blobs, 5), blobs8 = list(blobs, 8),
       ints = list(matrix(as.double(sample(0:3, 400, TRUE)), ncol = 2), 4))
}

distinct_start_hw <- function(X, k) {
  repeat {
    C <- X[sample.int(nrow(X), k), , drop = FALSE]
    if (!anyDuplicated(C)) return(C)
  }
}

test_that("from the same start, kmeans()'s partition, centres and iterations bit for bit", {
  cases <- 0
  for (s in hw_sets()) {
    X <- s[[1]]
    set.seed(21)
    for (r in 1:15) {
      C <- distinct_start_hw(X, s[[2]])
      for (it in c(1L, 10L)) {
        ref <- tryCatch(suppressWarnings(stats::kmeans(X, C, iter.max = it)), error = function(e) NULL)
        if (is.null(ref)) next
        fit <- suppressWarnings(ckm_fit(X, init = C, algorithm = "hartigan-wong", max_iter = it,
                                        threads = 2))
        expect_identical(unname(fit$cluster), unname(ref$cluster))
        expect_identical(unname(fit$centers), unname(ref$centers))
        expect_identical(fit$size, ref$size)
        expect_equal(fit$withinss, ref$withinss, tolerance = 1e-12)
        if (ref$ifault == 0L) {
          expect_identical(fit$iter, ref$iter)
          expect_true(fit$converged)
        }
        # the inertia after each iteration: falling, the last the fit's
        expect_length(fit$trace, fit$iter)
        expect_true(all(diff(fit$trace) <= 1e-12 * fit$trace[1]))
        expect_equal(fit$trace[fit$iter], fit$tot.withinss, tolerance = 1e-10)
        expect_identical(fit$algorithm, "hartigan-wong")
        cases <- cases + 1
      }
    }
  }
  expect_gt(cases, 200)
})

test_that("the drop-in ckm_kmeans() is kmeans() seed by seed, nstart included", {
  for (s in hw_sets()[c("iris", "quakes", "arrests", "blobs8")]) {
    for (seed in 1:6) {
      for (ns in c(1L, 3L)) {
        set.seed(seed)
        a <- suppressWarnings(stats::kmeans(s[[1]], s[[2]], nstart = ns))
        set.seed(seed)
        b <- suppressWarnings(ckm_kmeans(s[[1]], s[[2]], nstart = ns, threads = 1))
        expect_identical(unname(b$cluster), unname(a$cluster))
        expect_identical(unname(b$centers), unname(a$centers))
        expect_identical(b$iter, a$iter)
        expect_identical(b$ifault, a$ifault)
      }
    }
  }
})

test_that("not converged in max_iter: kmeans()'s partition so far, and a warning", {
  set.seed(3)
  X <- ref_blobs(3000, 12, d = 4, sd = 2.5)$X
  C <- X[1:12, ]
  ref <- suppressWarnings(stats::kmeans(X, C, iter.max = 1))
  expect_identical(ref$ifault, 2L)
  expect_warning(fit <- ckm_fit(X, init = C, algorithm = "hartigan-wong", max_iter = 1, threads = 1),
                 "did not converge in 1 iterations")
  expect_false(fit$converged)
  expect_identical(unname(fit$cluster), unname(ref$cluster))
  expect_identical(unname(fit$centers), unname(ref$centers))
  set.seed(9)
  expect_warning(b <- ckm_kmeans(X, 12, iter.max = 1, threads = 1), "did not converge in 1 iteration")
  set.seed(9)
  a <- suppressWarnings(stats::kmeans(X, 12, iter.max = 1))
  expect_identical(b$ifault, a$ifault)
  expect_identical(unname(b$cluster), unname(a$cluster))
})

test_that("where kmeans() stops (a cluster empty at the start), Hartigan's transfers go on", {
  X <- rbind(matrix(c(0, 0, 0.1, 0, 0, 0.1), ncol = 2, byrow = TRUE),
             matrix(c(5, 5, 5.1, 5, 5, 5.1, 5.1, 5.1), ncol = 2, byrow = TRUE))
  # the third centre is nobody's nearest
  C <- rbind(c(0, 0), c(5, 5), c(100, 100))
  expect_error(stats::kmeans(X, C), "empty cluster")
  fit <- ckm_fit(X, init = C, algorithm = "hartigan-wong", threads = 1)
  expect_true(all(fit$size > 0))
  expect_identical(sum(fit$size), nrow(X))
  # no single transfer lowers the inertia (plain R)
  expect_lte(ref_best_transfer_gain(X, fit$cluster), 1e-9 * fit$tot.withinss)
})

test_that("k = 1 and k = n are fits, not errors", {
  X <- as.matrix(iris[1:10, 1:2])
  for (alg in c("hartigan-wong", "hartigan")) {
    expect_no_warning(f1 <- ckm_fit(X, init = X[1, , drop = FALSE], algorithm = alg, threads = 1))
    expect_true(f1$converged)
    expect_identical(unname(f1$cluster), rep(1L, 10))
    expect_equal(unname(f1$centers[1, ]), unname(colMeans(X)))
  }
  U <- unique(X)
  fn <- ckm_fit(U, init = U, algorithm = "hartigan-wong", threads = 1)
  expect_identical(fn$size, rep(1L, nrow(U)))
})

test_that("no weights, no processes, no iterations to show", {
  X <- as.matrix(iris[, 1:4])
  expect_snapshot(error = TRUE, {
    ckm_fit(X, 3, algorithm = "hartigan-wong", weights = rep(1, 150))
    ckm_fit_mpi(X, 3, algorithm = "hartigan-wong", comm = ckm_comm_serial())
    ckm_converge(X, 3, algorithm = "hartigan-wong")
  })
})

test_that("the default's first start is kmeans(X, k)'s fit, then Hartigan's sweeps", {
  for (s in hw_sets()[c("iris", "quakes", "swiss", "blobs8")]) {
    for (seed in 1:8) {
      set.seed(seed)
      a <- suppressWarnings(stats::kmeans(s[[1]], s[[2]]))
      set.seed(seed)
      one <- ckm_fit(s[[1]], s[[2]], n_init = 1, threads = 1)
      # the sweeps only lower it, and leave no transfer that would
      expect_lte(one$tot.withinss, a$tot.withinss * (1 + 1e-12))
      expect_lte(ref_best_transfer_gain(s[[1]], one$cluster), 1e-9 * one$tot.withinss)
      if (one$transfers == 0) {
        expect_identical(unname(one$cluster), unname(a$cluster))
      }
      set.seed(seed)
      two <- ckm_fit(s[[1]], s[[2]], n_init = 1, threads = 2)
      expect_identical(two$cluster, one$cluster)
      expect_identical(two$centers, one$centers)
    }
  }
})

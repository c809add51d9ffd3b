# Hamerly and Yinyang skip distances that cannot change a label; they must
# make exactly the moves of Lloyd's algorithm, and Lloyd those of stats.

algorithms <- c("lloyd", "hamerly", "yinyang")

# The bound algorithms do not visit every point each pass, so their trace
# comes from the cluster means (see inertia_from_means() in src/kmeans.c);
# it equals Lloyd's up to rounding, which grows with the data's offset from
# its mean relative to its spread (about 1e-10 for data at 1e6 with sd 1).
expect_same_fit <- function(a, b, label = "", trace_tol = 1e-12) {
  expect_identical(a$cluster, b$cluster, label = paste(label, "cluster"))
  expect_identical(a$centers, b$centers, label = paste(label, "centers"))
  expect_identical(a$iter, b$iter, label = paste(label, "iter"))
  expect_identical(a$tot.withinss, b$tot.withinss, label = paste(label, "inertia"))
  expect_identical(a$withinss, b$withinss, label = paste(label, "withinss"))
  expect_identical(a$size, b$size, label = paste(label, "size"))
  expect_identical(a$relocated, b$relocated, label = paste(label, "relocated"))
  expect_equal(a$trace, b$trace, tolerance = trace_tol, label = paste(label, "trace"))
}

algorithm_cases <- function() {
  set.seed(61)
  list(
    iris = list(X = as.matrix(iris[, 1:4]), k = 3),
    blobs_2d_k50 = list(X = ref_blobs(4000, 50, d = 2, sd = 3, spread = 1)$X, k = 50),
    blobs_40d = list(X = ref_blobs(1500, 12, d = 40, sd = 4)$X, k = 12),
    quakes = list(X = as.matrix(scale(quakes)), k = 10),
    far_from_origin = list(X = ref_blobs(2000, 8, d = 3, sd = 1)$X + 1e6, k = 8),
    uniform_k80 = list(X = matrix(runif(6000), ncol = 3), k = 80)
  )
}

test_that("every algorithm makes exactly Lloyd's moves from the same start", {
  for (nm in names(cases <- algorithm_cases())) {
    cs <- cases[[nm]]
    for (rep in 1:2) {
      C0 <- ref_start(cs$X, cs$k)
      fits <- lapply(algorithms, function(a) {
        suppressWarnings(ckm_fit(cs$X, init = C0, tol = 0, max_iter = 500, algorithm = a))
      })
      tt <- if (nm == "far_from_origin") 1e-9 else 1e-12
      expect_same_fit(fits[[2]], fits[[1]], paste(nm, "hamerly"), tt)
      expect_same_fit(fits[[3]], fits[[1]], paste(nm, "yinyang"), tt)
      st <- tryCatch(kmeans(cs$X, C0, algorithm = "Lloyd", iter.max = 500),
                     warning = function(w) NULL)
      if (!is.null(st)) {
        expect_identical(unname(fits[[1]]$cluster), unname(st$cluster), label = nm)
        expect_identical(fits[[1]]$iter, st$iter, label = nm)
      }
    }
  }
})

test_that("the algorithms agree with tol > 0 and with a cap on iterations", {
  set.seed(62)
  X <- ref_blobs(5000, 20, d = 4, sd = 4, spread = 1)$X
  C0 <- ref_start(X, 20)
  for (args in list(list(tol = 1e-3), list(tol = 0, max_iter = 5))) {
    fits <- lapply(algorithms, function(a) {
      suppressWarnings(do.call(ckm_fit, c(list(X, init = C0, algorithm = a), args)))
    })
    expect_same_fit(fits[[2]], fits[[1]])
    expect_same_fit(fits[[3]], fits[[1]])
  }
})

test_that("exact ties go to the lowest-numbered centre in every algorithm", {
  # an integer grid with centres placed so that whole columns of points are
  # equidistant from two centres
  X <- as.matrix(expand.grid(x = 0:30, y = 0:30))
  C0 <- rbind(c(5, 15), c(25, 15), c(15, 5), c(15, 25))
  st <- kmeans(X, C0, algorithm = "Lloyd", iter.max = 100)
  for (a in algorithms) {
    fit <- ckm_fit(X, init = C0, tol = 0, algorithm = a)
    expect_identical(unname(fit$cluster), unname(st$cluster), label = a)
    expect_identical(fit$iter, st$iter, label = a)
  }
})

test_that("empty clusters are relocated the same way in every algorithm", {
  set.seed(63)
  X <- matrix(rnorm(600), ncol = 2)
  far <- matrix(c(100, 100, 200, 200, -300, 50), ncol = 2, byrow = TRUE)
  C0 <- rbind(X[1:7, ], far)
  fits <- lapply(algorithms, function(a) ckm_fit(X, init = C0, tol = 0, algorithm = a))
  expect_gte(fits[[1]]$relocated, 3)
  expect_same_fit(fits[[2]], fits[[1]])
  expect_same_fit(fits[[3]], fits[[1]])
})

test_that("the portable kernel gives the same results as the vectorised one", {
  set.seed(64)
  X <- ref_blobs(3000, 40, d = 12, sd = 3, spread = 1)$X
  C0 <- ref_start(X, 40)
  for (a in algorithms) {
    fast <- ckm_fit(X, init = C0, tol = 0, algorithm = a)
    plain <- withr::with_options(list(ckm.kernel = "plain"),
                                 ckm_fit(X, init = C0, tol = 0, algorithm = a))
    expect_same_fit(plain, fast, a)
    expect_identical(predict(fast, X + 0.01),
                     withr::with_options(list(ckm.kernel = "plain"), predict(fast, X + 0.01)))
  }
})

test_that("every algorithm is bit-identical with one and two threads", {
  set.seed(65)
  X <- ref_blobs(30000, 40, d = 3, sd = 2, spread = 1)$X
  for (a in algorithms) {
    set.seed(5); f1 <- ckm_fit(X, 40, tol = 0, algorithm = a, threads = 1)
    set.seed(5); f2 <- ckm_fit(X, 40, tol = 0, algorithm = a, threads = 2)
    expect_identical(f1$cluster, f2$cluster)
    expect_identical(f1$centers, f2$centers)
    expect_identical(f1$trace, f2$trace)
    expect_identical(f1$tot.withinss, f2$tot.withinss)
  }
})

test_that("auto picks by the shape of the problem, as documented", {
  pick <- function(n, d, k) ckm:::choose_algorithm(n, d, k, 1e-4)
  X <- as.matrix(iris[, 1:4])
  # small problems (n k d <= 2^22): Hartigan's transfers
  expect_identical(ckm_fit(X, 3)$algorithm, "hartigan")
  expect_identical(ckm_fit(X, 10)$algorithm, "hartigan")
  expect_identical(ckm:::fit_engine("auto", 150, 4, 3, 1e-4)$name, "hartigan")
  expect_identical(ckm:::fit_engine("auto", 2^20, 4, 1, 1e-4)$name, pick(2^20, 4, 1))
  # starts the user chose keep Lloyd's moves
  expect_identical(ckm_fit(X, 3, init = "kmeans++")$algorithm, pick(150, 4, 3))
  expect_identical(ckm_fit(X, init = X[c(1, 51, 101), ])$algorithm, pick(150, 4, 3))
  # above: the rule
  for (g in list(c(1e5, 16, 32), c(5e4, 64, 256), c(1e6, 8, 16), c(2e5, 2, 1000))) {
    expect_identical(ckm:::fit_engine("auto", g[1], g[2], g[3], 1e-4, init = "kmeans++")$name,
                     pick(g[1], g[2], g[3]))
  }
  expect_true(all(vapply(list(c(1e5, 16, 32), c(5e4, 64, 256), c(1e6, 8, 16), c(2e5, 2, 1000)),
                         function(g) pick(g[1], g[2], g[3]), "") %in% algorithms))
  for (a in algorithms) expect_identical(ckm_fit(X, 3, algorithm = a)$algorithm, a)
  # the documented rule, with and without a blocked kernel
  rule <- function(n, d, k, tol, blocked) ckm:::choose_algorithm(n, d, k, tol, blocked)
  expect_identical(rule(1e6, 8, 16, 0, TRUE), "yinyang")
  expect_identical(rule(1e6, 8, 16, 0, FALSE), "yinyang")
  expect_identical(rule(1e6, 8, 16, 1e-4, TRUE), "lloyd")
  expect_identical(rule(1e6, 8, 16, 1e-4, FALSE), "hamerly")
  expect_identical(rule(2e5, 12, 12, 1e-4, TRUE), "hamerly")
  expect_identical(rule(5e4, 64, 256, 0, TRUE), "hamerly")
  expect_identical(rule(5e4, 64, 256, 0, FALSE), "lloyd")
  expect_identical(rule(2e5, 2, 1000, 0, TRUE), "hamerly")
  expect_identical(rule(2e5, 2, 1000, 0, FALSE), "yinyang")
  expect_identical(rule(1e5, 16, 32, 1e-4, TRUE), "hamerly")
  # Yinyang's n x k/10 bounds past 1 GiB: Hamerly
  expect_identical(rule(2e8, 8, 20, 0, TRUE), "hamerly")
  # the default call and a run to convergence
  X2 <- ref_blobs(2000, 4, d = 3)$X
  expect_identical(ckm_fit(X2, 4)$algorithm, "hartigan")
  X3 <- ref_blobs(60000, 20, d = 4)$X # n k d above 2^22
  expect_identical(suppressWarnings(ckm_fit(X3, 20, max_iter = 3))$algorithm,
                   pick(60000, 4, 20))
  expect_identical(suppressWarnings(ckm_fit(X3, 20, tol = 0, max_iter = 3))$algorithm, "yinyang")
  # options(ckm.kernel = "plain") is a machine without the blocked kernel
  expect_identical(withr::with_options(list(ckm.kernel = "plain"), ckm:::choose_algorithm(5e4, 64, 256, 0)),
                   "lloyd")
})

test_that("k = 1 and k = n work in every algorithm", {
  X <- unique(as.matrix(iris[, 1:4]))
  for (a in algorithms) {
    one <- ckm_fit(X, 1, algorithm = a)
    expect_equal(unname(one$centers[1, ]), unname(colMeans(X)), tolerance = 1e-12)
    all_pts <- ckm_fit(X, nrow(X), algorithm = a)
    expect_equal(all_pts$tot.withinss, 0)
  }
})

test_that("the bounds hold for tiny data, where squared centre moves underflow", {
  # values near 1e-150: centres move by less than 1e-154 and the squares of
  # those moves underflow; found by the fuzzer in tools/ctest
  v <- c(88, -111, 75, 102)
  x <- (v[(0:59) %% 4 + 1] + 0.5 * ((0:59) %/% 4)) * 1e-150
  w <- 1 + c(88, 145, 75, 102)[(0:59) %% 4 + 1] %% 7
  X <- matrix(x)
  for (seed in 1:20) {
    set.seed(seed)
    start <- suppressWarnings(ckm_fit(X, 30, weights = w, max_iter = 1, tol = 0))$init_centers
    ref <- ckm_fit(X, init = start, weights = w, tol = 0, algorithm = "lloyd")
    for (alg in c("hamerly", "yinyang")) {
      fit <- ckm_fit(X, init = start, weights = w, tol = 0, algorithm = alg)
      expect_identical(fit$cluster, ref$cluster)
      expect_identical(fit$centers, ref$centers)
    }
  }
})

test_that("Hamerly's half-distances over many centres, split among threads, keep Lloyd's moves", {
  # k = 150: the centres' nearest-other distances go through the plain
  # kernel in three chunks of rows, on two threads when two are asked
  set.seed(64)
  X <- ref_blobs(20000, 150, d = 5, sd = 1, spread = 2)$X
  C0 <- ref_start(X, 150)
  fits <- lapply(list(c("lloyd", 1), c("hamerly", 1), c("hamerly", 2)), function(a) {
    suppressWarnings(ckm_fit(X, init = C0, tol = 0, max_iter = 60, algorithm = a[1],
                             threads = as.integer(a[2])))
  })
  expect_identical(fits[[3]]$threads, 2L)
  expect_same_fit(fits[[2]], fits[[1]], "hamerly, 1 thread")
  expect_same_fit(fits[[3]], fits[[1]], "hamerly, 2 threads")
})

test_that("ckm_ari equals a plain-R ARI and mclust::adjustedRandIndex", {
  set.seed(71)
  for (i in 1:20) {
    n <- sample(c(10, 100, 2000), 1)
    x <- sample.int(sample(2:8, 1), n, replace = TRUE)
    y <- if (i %% 2) sample.int(sample(2:12, 1), n, replace = TRUE) else (x + (runif(n) < 0.2)) %% 5
    expect_equal(ckm_ari(x, y), ref_ari(x, y), tolerance = 1e-12)
    if (requireNamespace("mclust", quietly = TRUE)) {
      expect_equal(ckm_ari(x, y), mclust::adjustedRandIndex(x, y), tolerance = 1e-12)
    }
  }
})

test_that("ckm_ari on hand-computed cases", {
  # table (1,1) = 2, (2,1) = 1, (2,2) = 1: index 1, expected 2 * 3 / 6 = 1,
  # max (2 + 3) / 2: ARI 0
  expect_equal(ckm_ari(c(1, 1, 2, 2), c(1, 1, 1, 2)), 0)
  expect_equal(ckm_ari(c(1, 1, 2, 2), c(5, 5, 7, 7)), 1)
  # x = (1,1,1,2,2,2), y = (1,1,2,2,3,3): index 2, rows 3 + 3 = 6,
  # columns 1 + 1 + 1 = 3, expected 6 * 3 / 15 = 1.2, max 4.5
  expect_equal(ckm_ari(c(1, 1, 1, 2, 2, 2), c(1, 1, 2, 2, 3, 3)), (2 - 1.2) / (4.5 - 1.2))
  # any label type, any numbering
  x <- c("a", "b", "b", "c", "a", "c", "c")
  y <- factor(c("u", "v", "v", "v", "u", "w", "w"))
  expect_equal(ckm_ari(x, y), ckm_ari(match(x, unique(x)), as.integer(y)))
  expect_equal(ckm_ari(x, y), ckm_ari(y, x))
})

test_that("ckm_ari is 1 where the index is 0/0 and the partitions are identical", {
  expect_identical(ckm_ari(1:10, 10:1), 1)
  expect_identical(ckm_ari(rep(1, 10), rep("a", 10)), 1)
  expect_true(is.nan(ref_ari(1:10, 10:1)))
  # one trivial the other way is defined: 0
  expect_equal(ckm_ari(1:10, rep(1, 10)), 0)
  # a single point has no pairs: 1, as mclust and scikit-learn give
  expect_identical(ckm_ari(1, 1), 1)
  expect_identical(ckm_ari("a", 2), mclust::adjustedRandIndex("a", 2))
})

test_that("ckm_nmi equals a plain-R NMI for every variant", {
  set.seed(72)
  for (i in 1:10) {
    n <- sample(c(20, 300, 3000), 1)
    x <- sample.int(sample(2:6, 1), n, replace = TRUE)
    y <- ifelse(runif(n) < 0.6, x, sample.int(7, n, replace = TRUE))
    for (v in c("arithmetic", "geometric", "max", "min", "joint")) {
      expect_equal(ckm_nmi(x, y, v), ref_nmi(x, y, v), tolerance = 1e-12, label = v)
    }
  }
  expect_equal(ckm_nmi(c(1, 1, 2, 2), c(1, 2, 1, 2)), 0)
  expect_equal(ckm_nmi(c(1, 1, 2, 2), c("b", "b", "a", "a")), 1)
  expect_identical(ckm_nmi(rep(1, 5), rep(2, 5)), 1)
})

test_that("ckm_nmi agrees with aricode where installed", {
  skip_if_not_installed("aricode")
  set.seed(73)
  x <- sample.int(5, 500, replace = TRUE)
  y <- ifelse(runif(500) < 0.5, x, sample.int(4, 500, replace = TRUE))
  expect_equal(ckm_nmi(x, y, "max"), aricode::NMI(x, y, "max"), tolerance = 1e-12)
  expect_equal(ckm_nmi(x, y, "min"), aricode::NMI(x, y, "min"), tolerance = 1e-12)
  expect_equal(ckm_nmi(x, y, "geometric"), aricode::NMI(x, y, "sqrt"), tolerance = 1e-12)
  expect_equal(ckm_nmi(x, y, "arithmetic"), aricode::NMI(x, y, "sum"), tolerance = 1e-12)
  expect_equal(ckm_nmi(x, y, "joint"), aricode::NMI(x, y, "joint"), tolerance = 1e-12)
  expect_equal(ckm_ari(x, y), aricode::ARI(x, y), tolerance = 1e-12)
})

test_that("ckm_nmi and ckm_ari agree with scikit-learn where python3 has it", {
  py <- if (file.exists("/usr/bin/python3")) "/usr/bin/python3" else Sys.which("python3")
  skip_if(!nzchar(py))
  ok <- suppressWarnings(system2(py, c("-c", shQuote("import sklearn")), stdout = FALSE, stderr = FALSE))
  skip_if(ok != 0, "scikit-learn is not available to python3")
  set.seed(74)
  x <- sample.int(6, 400, replace = TRUE)
  y <- ifelse(runif(400) < 0.5, x, sample.int(5, 400, replace = TRUE))
  f <- tempfile(fileext = ".csv")
  write.csv(data.frame(x = x, y = y), f, row.names = FALSE)
  code <- paste(
    "import csv, sys",
    "from sklearn.metrics import normalized_mutual_info_score as nmi, adjusted_rand_score as ari",
    sprintf("r = list(csv.DictReader(open('%s')))", f),
    "x = [int(v['x']) for v in r]; y = [int(v['y']) for v in r]",
    "print(repr(ari(x, y)))",
    "[print(repr(nmi(x, y, average_method=m))) for m in ('arithmetic', 'geometric', 'max', 'min')]",
    sep = "\n")
  out <- as.numeric(system2(py, c("-c", shQuote(code)), stdout = TRUE))
  expect_equal(ckm_ari(x, y), out[1], tolerance = 1e-12)
  expect_equal(ckm_nmi(x, y, "arithmetic"), out[2], tolerance = 1e-12)
  expect_equal(ckm_nmi(x, y, "geometric"), out[3], tolerance = 1e-12)
  expect_equal(ckm_nmi(x, y, "max"), out[4], tolerance = 1e-12)
  expect_equal(ckm_nmi(x, y, "min"), out[5], tolerance = 1e-12)
})

test_that("ckm_silhouette equals cluster::silhouette", {
  skip_if_not_installed("cluster")
  set.seed(75)
  b <- ref_blobs(600, 4, d = 3, sd = 4, spread = 1)
  fit <- ckm_fit(b$X, 4)
  s <- ckm_silhouette(b$X, fit)
  ref <- cluster::silhouette(fit$cluster, dist(b$X))
  expect_equal(s$width, unname(ref[, "sil_width"]), tolerance = 1e-10)
  expect_identical(as.numeric(s$levels[s$neighbor]), unname(ref[, "neighbor"]))
  expect_equal(s$mean, mean(ref[, "sil_width"]), tolerance = 1e-10)
  # labels of any type, a singleton cluster (width 0, as cluster does)
  cl <- c("a", "b", "c", "d")[fit$cluster]
  cl[1] <- "lonely"
  s2 <- ckm_silhouette(b$X, cl)
  ref2 <- cluster::silhouette(match(cl, unique(cl)), dist(b$X))
  expect_equal(s2$width, unname(ref2[, "sil_width"]), tolerance = 1e-10)
  expect_identical(s2$width[1], 0)
  # threads do not change it
  expect_identical(ckm_silhouette(b$X, fit, threads = 1)$width,
                   ckm_silhouette(b$X, fit, threads = 2)$width)
})

test_that("the simplified silhouette uses the distances to the centres", {
  set.seed(76)
  b <- ref_blobs(300, 3, d = 2)
  fit <- ckm_fit(b$X, 3)
  s <- ckm_silhouette(b$X, fit, method = "simplified")
  D <- sqrt(outer(rowSums(b$X^2), rowSums(fit$centers^2), "+") - 2 * b$X %*% t(fit$centers))
  a <- D[cbind(seq_len(nrow(D)), fit$cluster)]
  D[cbind(seq_len(nrow(D)), fit$cluster)] <- Inf
  bb <- apply(D, 1, min)
  expect_equal(s$width, (bb - a) / pmax(a, bb), tolerance = 1e-8)
})

test_that("metric inputs are checked", {
  expect_snapshot(error = TRUE, {
    ckm_ari(1:3, 1:4)
    ckm_ari(c(1, NA, 2), 1:3)
    ckm_ari(list(1, 2), 1:2)
    ckm_nmi(1:3, 1:3, variant = "mean")
    ckm_silhouette(iris[, 1:4], 1:3)
    ckm_silhouette(iris[, 1:4], rep(1:3, 50), method = "fast")
  })
})

test_that("a point alone in its cluster has width 0 in the simplified silhouette too", {
  set.seed(3)
  X <- matrix(rnorm(40), 20)
  s <- ckm_silhouette(X[1:10, ], 1:10, method = "simplified")
  expect_identical(s$width, rep(0, 10))
  expect_identical(s$mean, 0)
  expect_identical(ckm_silhouette(X[1:10, ], 1:10)$mean, 0)
  # singletons among larger clusters: 0, the others as before
  cl <- c(rep(1, 9), 2, rep(3, 10))
  s <- ckm_silhouette(X, cl, method = "simplified")
  expect_identical(s$width[10], 0)
  C <- rbind(colMeans(X[1:9, ]), X[10, ], colMeans(X[11:20, ]))
  d <- sqrt(apply(X, 1, function(p) colSums((t(C) - p)^2)))
  a <- d[cbind(cl, 1:20)]
  b <- vapply(1:20, function(i) min(d[-cl[i], i]), 0)
  ref <- (b - a) / pmax(a, b)
  ref[10] <- 0
  expect_equal(s$width, ref, tolerance = 1e-12)
  # the elbow no longer prefers k = n with the simplified silhouette
  Y <- matrix(rnorm(60), 30)
  el <- ckm_elbow(Y, k = 2:30, silhouette = "simplified", threads = 1)
  expect_identical(el$silhouette[el$k == 30], 0)
  expect_false(identical(attr(el, "k_silhouette"), 30L))
})

test_that("the silhouette's default is exact up to 5,000 rows and simplified above, saying so", {
  set.seed(5)
  X <- matrix(rnorm(2 * 6000), ncol = 2)
  cl <- rep(1:3, 2000)
  expect_message(s <- ckm_silhouette(X, cl, threads = 1), "simplified silhouette .* 6,000 rows")
  expect_identical(s$method, "simplified")
  expect_identical(s$width, ckm_silhouette(X, cl, method = "simplified", threads = 1)$width)
  expect_silent(e <- ckm_silhouette(X[1:300, ], cl[1:300], threads = 1))
  expect_identical(e$method, "exact")
})

# ckm_kmeans(): stats::kmeans' signature, checks, draws and results.

test_that("stats::kmeans' documented example runs through the drop-in", {
  set.seed(1)
  x <- rbind(matrix(rnorm(100, sd = 0.3), ncol = 2),
             matrix(rnorm(100, mean = 1, sd = 0.3), ncol = 2))
  colnames(x) <- c("x", "y")
  kmeans <- ckm_kmeans
  cl <- kmeans(x, 2, threads = 1)
  expect_s3_class(cl, "kmeans")
  ss <- function(x) sum(scale(x, scale = FALSE)^2)
  fitted.x <- fitted(cl)
  resid.x <- x - fitted(cl)
  expect_equal(cl$totss, ss(x))
  expect_equal(cl$tot.withinss, ss(resid.x))
  expect_equal(cl$betweenss, ss(fitted.x))
  expect_equal(cl$betweenss, cl$totss - cl$tot.withinss)
  expect_equal(ss(x), ss(fitted.x) + ss(resid.x))
  expect_equal(kmeans(x, 1)$withinss, ss(x))
  # random starts with too many clusters: no worse than stats' best of 25
  set.seed(2)
  a <- stats::kmeans(x, 5, nstart = 25)
  set.seed(2)
  b <- kmeans(x, 5, nstart = 25, threads = 1)
  expect_lte(b$tot.withinss, a$tot.withinss * (1 + 1e-9))
  pdf(NULL)
  on.exit(dev.off())
  plot(x, col = cl$cluster)
  points(cl$centers, col = 1:2, pch = 8, cex = 2)
  expect_output(print(cl), "Cluster means")
})

test_that("Lloyd, Forgy and MacQueen make kmeans()'s draws and moves, bit for bit", {
  sets <- list(as.matrix(iris[, 1:4]), as.matrix(USArrests), as.matrix(faithful))
  for (X in sets) {
    for (alg in c("Lloyd", "Forgy", "MacQueen")) {
      for (k in 2:4) {
        for (nstart in c(1L, 3L)) {
          set.seed(k + nstart)
          a <- suppressWarnings(stats::kmeans(X, k, nstart = nstart, algorithm = alg, iter.max = 50))
          set.seed(k + nstart)
          b <- suppressWarnings(ckm_kmeans(X, k, nstart = nstart, algorithm = alg, iter.max = 50,
                                           threads = 1))
          expect_identical(b$cluster, a$cluster)
          expect_identical(b$centers, a$centers)
          expect_identical(b$size, a$size)
          expect_identical(b$iter, a$iter)
          expect_equal(b$withinss, a$withinss, tolerance = 1e-12)
          expect_equal(b$totss, a$totss, tolerance = 1e-12)
        }
      }
    }
  }
  # given centres: the same as from the draw
  C <- sets[[1]][c(1, 51, 101), ]
  expect_identical(ckm_kmeans(sets[[1]], C, algorithm = "Lloyd", threads = 1)$cluster,
                   stats::kmeans(sets[[1]], C, algorithm = "Lloyd")$cluster)
})

test_that("Hartigan-Wong is ckm's Hartigan from kmeans()'s start: no worse, usually the same", {
  sets <- list(as.matrix(iris[, 1:4]), as.matrix(USArrests), as.matrix(faithful),
               as.matrix(quakes[, 1:4]))
  ratio <- c()
  same <- 0
  for (X in sets) {
    for (seed in 1:15) {
      set.seed(seed)
      a <- suppressWarnings(stats::kmeans(X, 3, iter.max = 50))
      set.seed(seed)
      b <- ckm_kmeans(X, 3, iter.max = 50, threads = 1)
      ratio <- c(ratio, b$tot.withinss / a$tot.withinss)
      same <- same + identical(unname(b$cluster), unname(a$cluster))
    }
  }
  expect_lte(mean(ratio > 1 + 1e-9), 0.05)
  expect_lte(max(ratio), 1.01)
  expect_gte(same / length(ratio), 0.9)
  expect_identical(ckm_kmeans(sets[[1]], 3, threads = 1)$algorithm, "Hartigan-Wong")
})

test_that("bad arguments give kmeans()'s errors, and not converging its warning", {
  X <- as.matrix(iris[, 1:4])
  msg <- function(expr) tryCatch({ expr; "no error" }, error = conditionMessage)
  cases <- list(
    quote(FUN(X)),
    quote(FUN(rbind(X[1:3, ], X[1:3, ]), 4)),
    quote(FUN(X, X[c(1, 1, 2), ])),
    quote(FUN(X[1:2, ], X[1:3, ])),
    quote(FUN(X, 3, iter.max = 0)),
    quote(FUN(X, X[1:3, 1:2])),
    quote(FUN(X, 3, algorithm = "Elkan"))
  )
  for (cs in cases) {
    a <- msg(eval(cs, list(FUN = stats::kmeans, X = X)))
    b <- msg(eval(cs, list(FUN = ckm_kmeans, X = X)))
    expect_false(identical(a, "no error"))
    expect_identical(b, a, label = deparse(cs))
  }
  w <- function(expr) tryCatch({ expr; "no warning" }, warning = conditionMessage)
  set.seed(3)
  a <- w(stats::kmeans(X, 3, iter.max = 1, algorithm = "Lloyd"))
  set.seed(3)
  b <- w(ckm_kmeans(X, 3, iter.max = 1, algorithm = "Lloyd", threads = 1))
  expect_identical(b, a)
  expect_identical(a, "did not converge in 1 iteration")
})

# The gap statistic against cluster's references: the rules that choose k
# against cluster::maxSE(), the data's W against stats::kmeans' best of many
# starts, the reference expectation against cluster::clusGap(d.power = 2).

test_that("the rules choosing k are cluster::maxSE()'s", {
  skip_if_not_installed("cluster")
  set.seed(1)
  for (r in 1:300) {
    K <- sample(2:10, 1)
    f <- cumsum(rnorm(K, sd = 0.3)) + if (r %% 3 == 0) rep(0, K) else 0
    if (r %% 7 == 0 && K >= 3) f[3:K] <- f[2] # ties and plateaus
    s <- abs(rnorm(K, sd = 0.2))
    for (m in c("firstSEmax", "Tibs2001SEmax", "globalSEmax", "firstmax", "globalmax")) {
      for (sf in c(0, 1, 2)) {
        expect_identical(ckm:::gap_choice(f, s, m, sf),
                         cluster::maxSE(f, s, method = m, SE.factor = sf), info = paste(r, m, sf))
      }
    }
  }
})

test_that("log W of the data is k-means' optimum; the choice is the true k on separated blobs", {
  skip_if_not_installed("cluster")
  for (kt in 1:5) {
    set.seed(20 + kt)
    b <- ref_blobs(60 * kt + 60, kt, d = 2, sd = 0.6, spread = 6)
    # (for kt = 5 two blobs lie close: the first local maximum of the gap
    # is at k = 1 for both implementations, a known trait of firstSEmax)
    set.seed(3)
    g <- ckm_gap(b$X, 1:6, B = 30, threads = 1)
    best <- vapply(1:6, function(k) min(replicate(3, kmeans(b$X, k, nstart = 20, iter.max = 50)$tot.withinss)), 0)
    expect_equal(g$logW[seq_len(kt)], log(best[seq_len(kt)]), tolerance = 1e-9)
    expect_lte(max(g$logW - log(best)), 0.05) # beyond kt only local minima may differ
    # cluster::clusGap() with the paper's W (d.power = 2) chooses the same
    # (with kmeans' best of 10 starts: with one, its own fits end in local
    # minima on these sets)
    set.seed(3)
    cg <- cluster::clusGap(b$X, function(x, k) kmeans(x, k, nstart = 10), K.max = 6, B = 30,
                           d.power = 2, verbose = FALSE)
    expect_equal(attr(g, "k_gap"), cluster::maxSE(cg$Tab[, "gap"], cg$Tab[, "SE.sim"]), info = kt)
    if (kt <= 4) {
      expect_equal(attr(g, "k_gap"), kt, info = kt)
      # and so does clusGap(X, kmeans, K.max, B) as a user calls it
      set.seed(3)
      cg1 <- cluster::clusGap(b$X, kmeans, K.max = 6, B = 30, verbose = FALSE)
      expect_equal(cluster::maxSE(cg1$Tab[, "gap"], cg1$Tab[, "SE.sim"]), kt, info = kt)
    }
  }
})

test_that("the references' mean log W agrees with clusGap's (d.power = 2) within the spread", {
  skip_if_not_installed("cluster")
  set.seed(7)
  X <- ref_blobs(300, 3, d = 3, sd = 1)$X
  set.seed(8)
  g <- ckm_gap(X, 1:5, B = 100, threads = 1)
  set.seed(8)
  cg <- cluster::clusGap(X, function(x, k) kmeans(x, k, nstart = 5), K.max = 5, B = 100,
                         d.power = 2, verbose = FALSE)
  # clusGap's W (d.power = 2) sums the squared distances of the pairs in a
  # cluster over 2 n_r: half the within-cluster sum of squares, so its log
  # W is ckm's less log 2, for the data and the references alike
  expect_equal(g$logW[1:3] - log(2), unname(cg$Tab[1:3, "logW"]), tolerance = 1e-9)
  expect_true(all(g$logW - log(2) <= cg$Tab[, "logW"] + 1e-9)) # ckm's minima no higher
  se <- sqrt(g$SE.sim^2 + cg$Tab[, "SE.sim"]^2)
  expect_true(all(abs(g$gap - cg$Tab[, "gap"]) < 4 * se + 0.02))
  expect_equal(g$E.logW, colMeans(attr(g, "logW_ref")))
  expect_equal(g$SE.sim, sqrt(1 + 1 / 100) * apply(attr(g, "logW_ref"), 2, sd))
})

test_that("set.seed() reproduces; 1 and 2 threads agree; scaling and shifting change nothing", {
  set.seed(11)
  X <- ref_blobs(400, 3, d = 2, sd = 1)$X
  set.seed(5); a <- ckm_gap(X, 1:5, B = 10, threads = 1)
  set.seed(5); b <- ckm_gap(X, 1:5, B = 10, threads = 2)
  expect_identical(a, b)
  set.seed(5); s <- ckm_gap(X * 2^600, 1:5, B = 10, threads = 1)
  expect_equal(s$gap, a$gap, tolerance = 1e-12)
  expect_equal(s$logW - a$logW, rep(2 * 600 * log(2), 5), tolerance = 1e-12)
  set.seed(5); f <- ckm_gap(X + 1e8, 1:5, B = 10, threads = 1)
  expect_equal(attr(f, "k_gap"), attr(a, "k_gap"))
  expect_equal(f$gap, a$gap, tolerance = 1e-5)
  # a constant column: the reference box is flat there too (other draws,
  # so other references: the same choice, gaps within the spread)
  set.seed(5); cst <- ckm_gap(cbind(X, 7), 1:5, B = 10, threads = 1)
  expect_equal(cst$logW, a$logW, tolerance = 1e-10)
  expect_equal(attr(cst, "k_gap"), attr(a, "k_gap"))
  expect_true(all(abs(cst$gap - a$gap) < 4 * a$SE.sim + 0.05))
  set.seed(5); p <- ckm_gap(X, 1:5, B = 10, reference = "box", threads = 1)
  expect_equal(attr(p, "reference"), "box")
  expect_true(all(is.finite(p$gap)))
})

test_that("ckm_elbow() reports the gap beside the knee and the silhouette", {
  set.seed(12)
  X <- ref_blobs(300, 3, d = 2, sd = 0.6, spread = 6)$X
  set.seed(1)
  el <- ckm_elbow(X, 1:6, gap = 20, threads = 1)
  expect_equal(attr(el, "k_gap"), 3L)
  expect_true(all(c("gap", "gap_se") %in% names(el)))
  expect_output(print(el), "by the gap statistic")
  pdf(NULL)
  on.exit(dev.off())
  expect_no_error(plot(el))
  set.seed(2)
  g <- ckm_gap(X, 1:6, B = 10, threads = 1)
  expect_no_error(plot(g))
  expect_output(print(g), "Chosen k: 3")
  skip_if_not_installed("ggplot2")
  expect_s3_class(ggplot2::autoplot(g), "ggplot")
  expect_s3_class(ggplot2::autoplot(el), "ggplot")
})

test_that("bad input gets errors that name the argument", {
  X <- matrix(rnorm(40), 20)
  expect_snapshot(error = TRUE, {
    ckm_gap(X, k = c(3, 2))
    ckm_gap(X, k = 0:3)
    ckm_gap(X, B = 1)
    ckm_gap(X, method = "best")
    ckm_gap(X, SE.factor = -1)
    ckm_gap(X, reference = "sphere")
    ckm_gap(rbind(X[1:3, ], X[1:3, ]), k = 1:4, B = 2)
    ckm_elbow(X, k = 1:3, gap = 1)
  })
})

# The blocked assignment kernels (AVX2, AVX-512 and the AVX-512 code with
# emulated registers) screen with an expanded distance and certify the
# winner; every one must give the plain kernel's results bit for bit, and
# those are stats::kmeans' from the same start.

runnable_kernels <- function() {
  isa <- ckm:::kernel_name()
  c("plain", if (isa %in% c("avx2", "avx512")) c("avx2", "avx512-emulated", "plain-avx2"),
    if (isa == "avx512") c("avx512", "plain-avx512"))
}

fit_with <- function(kernel, X, C0, algorithm = "lloyd", weights = NULL) {
  withr::with_options(list(ckm.kernel = kernel),
    ckm_fit(X, init = C0, tol = 0, max_iter = 300, algorithm = algorithm,
            weights = weights, threads = 2))
}

same_fit <- function(a, b, label) {
  expect_identical(a$cluster, b$cluster, label = paste(label, "cluster"))
  expect_identical(a$centers, b$centers, label = paste(label, "centers"))
  expect_identical(a$iter, b$iter, label = paste(label, "iter"))
  expect_identical(a$tot.withinss, b$tot.withinss, label = paste(label, "inertia"))
}

test_that("every kernel this CPU runs gives the plain kernel's fit and stats::kmeans' labels", {
  kernels <- runnable_kernels()
  skip_if(length(kernels) < 2, "no blocked kernel on this CPU")
  set.seed(71)
  # shapes that leave every remainder of the blocking: k not a multiple of
  # 8 or 16, an odd number of 8-centre panels, n not a multiple of the
  # 256-point tile nor of the 8-point block, d = 1, 2 and above 32 (the
  # blocked kernels serve k >= 32 with k d >= 128)
  shapes <- list(c(1000, 1, 130), c(777, 2, 70), c(3001, 5, 100), c(513, 64, 40),
                 c(999, 33, 33), c(2003, 8, 47), c(20000, 3, 250))
  for (sh in shapes) {
    n <- sh[1]; d <- sh[2]; k <- sh[3]
    X <- ref_blobs(n, k, d = d, sd = 2, spread = 1)$X
    C0 <- ref_start(X, k)
    plain <- fit_with("plain", X, C0)
    for (kn in setdiff(kernels, "plain")) {
      label <- sprintf("%s, %d x %d, k = %d", kn, n, d, k)
      same_fit(fit_with(kn, X, C0), plain, label)
      expect_identical(withr::with_options(list(ckm.kernel = kn), predict(plain, X + 0.3)),
                       withr::with_options(list(ckm.kernel = "plain"), predict(plain, X + 0.3)),
                       label = label)
    }
    st <- suppressWarnings(kmeans(X, C0, algorithm = "Lloyd", iter.max = 300))
    if (!plain$relocated) {
      expect_identical(unname(plain$cluster), unname(st$cluster))
      expect_identical(plain$iter, st$iter)
    }
  }
})

test_that("the centre update's vector builds give stats::kmeans' centres bit for bit", {
  kernels <- runnable_kernels()
  skip_if(length(kernels) < 2, "no vector build of the centre update on this CPU")
  # a block summed whole adds its rows as vectors (8 or 4 columns at a
  # time, the rows left over after the last 8 or 4 one at a time): every
  # column count around those widths, row counts that leave every
  # remainder; one block of rows (n <= 8192) is stats::kmeans' sum
  set.seed(79)
  for (sh in list(c(1003, 1, 3), c(998, 3, 5), c(4001, 4, 6), c(2005, 5, 4), c(8191, 8, 7),
                  c(777, 9, 5), c(1500, 13, 3), c(3003, 17, 8))) {
    n <- sh[1]; d <- sh[2]; k <- sh[3]
    X <- ref_blobs(n, k, d = d, sd = 2, spread = 1)$X
    C0 <- ref_start(X, k)
    st <- suppressWarnings(kmeans(X, C0, algorithm = "Lloyd", iter.max = 300))
    for (kn in kernels) {
      f <- fit_with(kn, X, C0)
      label <- sprintf("%s, %d x %d, k = %d", kn, n, d, k)
      expect_identical(unname(f$cluster), unname(st$cluster), label = label)
      expect_identical(unname(f$centers), unname(st$centers), label = label)
    }
  }
  # many blocks, threads taking blocks in turn: every kernel as the plain one
  X <- ref_blobs(30011, 6, d = 7, sd = 3, spread = 1)$X
  C0 <- ref_start(X, 6)
  plain <- fit_with("plain", X, C0)
  for (kn in setdiff(kernels, "plain")) same_fit(fit_with(kn, X, C0), plain, kn)
})

test_that("Hartigan's sweeps give the same fit with every kernel (their chunks' distances)", {
  kernels <- runnable_kernels()
  skip_if(length(kernels) < 2, "no vector build of the chunks' distances on this CPU")
  # the sweeps read the distances of a chunk's listed points from one
  # computation of every distance (distall.h's builds), patched for the
  # centres a transfer moved since: every build, and one point at a time
  # (the plain kernel), must make the same transfers
  set.seed(83)
  for (sh in list(c(3001, 5, 7), c(1500, 2, 12), c(777, 11, 4))) {
    n <- sh[1]; d <- sh[2]; k <- sh[3]
    X <- ref_blobs(n, k, d = d, sd = 3, spread = 1)$X
    C0 <- X[sample.int(n, k), , drop = FALSE]
    w <- runif(n, 0.5, 2)
    plain <- fit_with("plain", X, C0, "hartigan")
    plain_w <- fit_with("plain", X, C0, "hartigan", weights = w)
    expect_gt(plain$transfers, 0)
    for (kn in setdiff(kernels, "plain")) {
      label <- sprintf("%s, %d x %d, k = %d", kn, n, d, k)
      same_fit(fit_with(kn, X, C0, "hartigan"), plain, label)
      same_fit(fit_with(kn, X, C0, "hartigan", weights = w), plain_w, paste(label, "weights"))
    }
  }
})

test_that("the kernels agree on points tied between centres and on bound algorithms", {
  kernels <- runnable_kernels()
  skip_if(length(kernels) < 2, "no blocked kernel on this CPU")
  set.seed(72)
  # integer grid points: many exactly equidistant from two centres
  X <- matrix(sample(0:6, 4000 * 4, replace = TRUE), ncol = 4)
  C0 <- ref_start(X, 40)
  w <- runif(nrow(X), 0.5, 2)
  for (a in c("lloyd", "hamerly", "yinyang")) {
    plain <- fit_with("plain", X, C0, a)
    plain_w <- fit_with("plain", X, C0, a, weights = w)
    for (kn in setdiff(kernels, "plain")) {
      same_fit(fit_with(kn, X, C0, a), plain, paste(kn, a))
      same_fit(fit_with(kn, X, C0, a, weights = w), plain_w, paste(kn, a, "weighted"))
    }
  }
})

test_that("the plain kernel's register-blocked builds give its one-centre-at-a-time bits", {
  kernels <- runnable_kernels()
  skip_if(length(kernels) < 2, "no wide build of the plain kernel on this CPU")
  # "plain": the build for any x86-64, one centre at a time; "plain-avx2",
  # "plain-avx512" and "avx512-emulated" (below k = 32 its passes are the
  # plain kernel's 8-lane code on AVX2): blocks of 8 or 16 points by 4
  # centres. Shapes leave every remainder: n not a multiple of the block,
  # k not a multiple of 4 (k = 1 to 31), d = 1 to 40; and exact ties.
  set.seed(73)
  shapes <- list(c(1001, 1, 3), c(517, 2, 5), c(4099, 3, 12), c(250, 6, 1), c(333, 7, 31),
                 c(2000, 40, 9), c(7, 2, 2), c(20, 5, 4))
  for (sh in shapes) {
    n <- sh[1]; d <- sh[2]; k <- sh[3]
    X <- ref_blobs(n, max(k, 2), d = d, sd = 2, spread = 1)$X
    C0 <- X[seq_len(k), , drop = FALSE] + 0.01
    plain <- fit_with("plain", X, C0)
    st <- suppressWarnings(kmeans(X, C0, algorithm = "Lloyd", iter.max = 300))
    if (!plain$relocated) expect_identical(unname(plain$cluster), unname(st$cluster))
    for (kn in c("auto", setdiff(kernels, "plain"))) {
      label <- sprintf("%s, %d x %d, k = %d", kn, n, d, k)
      same_fit(fit_with(kn, X, C0), plain, label)
      # nearest and second nearest distances (the bounds' first pass)
      same_fit(fit_with(kn, X, C0, "hamerly"), fit_with("plain", X, C0, "hamerly"),
               paste(label, "hamerly"))
      # the bound sweep's builds (one group of centres below k = 20)
      same_fit(fit_with(kn, X, C0, "yinyang"), fit_with("plain", X, C0, "yinyang"),
               paste(label, "yinyang"))
    }
  }
  # integer grid points: many exactly equidistant from two centres, where
  # the lowest index must win in every build
  X <- matrix(sample(0:4, 3000 * 3, replace = TRUE), ncol = 3)
  C0 <- unique(X)[1:13, ]
  plain <- fit_with("plain", X, C0)
  expect_identical(unname(plain$cluster),
                   unname(suppressWarnings(kmeans(X, C0, algorithm = "Lloyd", iter.max = 300))$cluster))
  for (kn in setdiff(kernels, "plain")) same_fit(fit_with(kn, X, C0), plain, paste(kn, "ties"))
  # the bound algorithms send the points their bounds cannot settle through
  # the same kernels, together (one group of centres for Yinyang at k = 13)
  for (a in c("hamerly", "yinyang"))
    for (kn in kernels) same_fit(fit_with(kn, X, C0, a), plain, paste(kn, a, "ties"))
})

test_that("ckm_threads(verbose = TRUE) names the kernel the CPU runs", {
  expect_output(ckm_threads(verbose = TRUE), paste0("distance kernel: ", ckm:::kernel_name()))
  expect_true(ckm:::kernel_name() %in% c("avx512", "avx2", "plain"))
})

test_that("a kernel the CPU lacks, or an unknown one, is a clear error", {
  X <- matrix(rnorm(400), ncol = 2)
  expect_snapshot(error = TRUE, withr::with_options(list(ckm.kernel = "sse"), ckm_fit(X, 3)))
  expect_snapshot(error = TRUE, withr::with_options(list(ckm.kernel = c("avx2", "plain")), ckm_fit(X, 3)))
  if (ckm:::kernel_name() != "avx512") {
    expect_error(withr::with_options(list(ckm.kernel = "avx512"), ckm_fit(X, 3)),
                 class = "ckm_error", regexp = "does not run the avx512 kernel")
  }
})

test_that("centre sums taken up again from a checkpoint are the exact sums, with every kernel", {
  # A changed block is summed again from the partial sums kept at the start
  # of the segment (256 rows here) of its first change. On a grid of 1/64
  # every sum of these values is exact, so the centres are the exact means
  # whatever the order of the additions, and the plain-R Lloyd is the
  # reference bit for bit: a checkpoint gone stale, taken at the wrong row,
  # or a sum started from the wrong segment gives other centres. 60,000
  # rows are 8 blocks at k = 12, and late iterations move a few points.
  set.seed(83)
  X <- round(ref_blobs(60000, 12, d = 3, sd = 3, spread = 0.5)$X * 64) / 64
  C0 <- ref_start(X, 12)
  ref <- ref_lloyd(X, C0, max_iter = 300)
  expect_gt(ref$iter, 20)
  for (kn in runnable_kernels()) {
    for (a in c("lloyd", "yinyang")) {
      f <- fit_with(kn, X, C0, algorithm = a)
      label <- paste(kn, a)
      expect_identical(unname(f$cluster), ref$cluster, label = label)
      expect_identical(unname(f$centers), ref$centers, label = label)
      expect_identical(f$iter, ref$iter, label = label)
    }
  }
})

test_that("block sums formed inside the passes are the exact sums, 1 and 2 threads", {
  # In a fit with at least 4 blocks of centre sums per thread, the passes
  # (Lloyd, Hamerly, Yinyang with one group and with several) deal out
  # whole blocks, sum each again as soon as its labels are set and add
  # it into the thread's sums; the update then only merges them. On a
  # grid of 1/64 (weights of 1/2 to 2) every sum is exact, so the plain-R
  # Lloyd is the reference bit for bit: a block left stale, summed from
  # labels not yet final, or counted twice gives other centres. 70,000
  # rows are 9 blocks at k = 12 and k = 24.
  set.seed(91)
  X <- round(ref_blobs(70000, 24, d = 3, sd = 3, spread = 0.5)$X * 64) / 64
  w <- sample(c(0.5, 1, 1.5, 2), nrow(X), replace = TRUE)
  for (k in c(12, 24)) {
    C0 <- ref_start(X, k)
    ref <- ref_lloyd(X, C0, max_iter = 300)
    refw <- ref_lloyd_weighted(X, C0, w, max_iter = 300)
    expect_gt(ref$iter, 20)
    for (a in c("lloyd", "hamerly", "yinyang")) for (th in 1:2) {
      label <- paste("k", k, a, th, "threads")
      f <- ckm_fit(X, init = C0, tol = 0, max_iter = 300, algorithm = a, threads = th)
      expect_identical(unname(f$cluster), ref$cluster, label = label)
      expect_identical(unname(f$centers), ref$centers, label = label)
      expect_identical(f$iter, ref$iter, label = label)
      fw <- ckm_fit(X, init = C0, tol = 0, max_iter = 300, algorithm = a, weights = w,
                    threads = th)
      expect_identical(unname(fw$cluster), refw$cluster, label = paste(label, "weighted"))
      expect_identical(unname(fw$centers), refw$centers, label = paste(label, "weighted"))
    }
  }
  # a centre far away: its cluster is empty after the first pass and takes
  # the point farthest from its centre, so the labels change after the
  # pass added the sums; the plain-R Lloyd with that relocation (one empty
  # cluster at a time) is the reference for the whole path, bit for bit
  ref_reloc <- function(X, C) {
    k <- nrow(C); labels <- rep(0L, nrow(X)); moved <- 0
    for (iter in seq_len(300)) {
      nn <- ref_nearest(X, C)
      if (all(nn$lab == labels)) break
      labels <- nn$lab
      for (j in which(tabulate(labels, k) == 0)) {
        far <- which.max(nn$dist)
        labels[far] <- j
        nn$dist[far] <- -Inf
        moved <- moved + 1
      }
      C <- unname(rowsum(X, factor(labels, levels = seq_len(k)))) / tabulate(labels, k)
    }
    list(cluster = labels, centers = C, iter = iter, relocated = moved)
  }
  C1 <- rbind(ref_start(X, 11), c(1e4, 1e4, 1e4))
  ref <- ref_reloc(X, C1)
  expect_gt(ref$relocated, 0)
  for (a in c("lloyd", "hamerly", "yinyang")) for (th in 1:2) {
    label <- paste(a, th, "threads, relocated")
    f <- ckm_fit(X, init = C1, tol = 0, max_iter = 300, algorithm = a, threads = th)
    expect_identical(f$relocated, ref$relocated, label = label)
    expect_identical(unname(f$cluster), ref$cluster, label = label)
    expect_identical(unname(f$centers), ref$centers, label = label)
    expect_identical(f$iter, ref$iter, label = label)
  }
})

test_that("centre sums kept between iterations equal the means of the final clusters", {
  # 60,000 rows are 8 blocks of centre sums at k = 12; late iterations move
  # few points, so most block sums are reused: they must not go stale
  set.seed(73)
  X <- ref_blobs(60000, 12, d = 3, sd = 3, spread = 0.5)$X
  C0 <- ref_start(X, 12)
  w <- runif(nrow(X), 0.5, 2)
  for (a in c("lloyd", "hamerly", "yinyang")) {
    f <- ckm_fit(X, init = C0, tol = 0, max_iter = 500, algorithm = a, threads = 1)
    expect_gt(f$iter, 10)
    means <- rowsum(X, f$cluster) / as.vector(table(f$cluster))
    expect_equal(unname(f$centers), unname(means), tolerance = 1e-13)
    fw <- ckm_fit(X, init = C0, tol = 0, max_iter = 500, algorithm = a, weights = w, threads = 1)
    wmeans <- rowsum(X * w, fw$cluster) / as.vector(rowsum(w, fw$cluster))
    expect_equal(unname(fw$centers), unname(wmeans), tolerance = 1e-13)
    # two threads share the blocks out (each its own exact sums): same bits
    same_fit(ckm_fit(X, init = C0, tol = 0, max_iter = 500, algorithm = a, threads = 2), f,
             paste(a, "2 threads"))
    same_fit(ckm_fit(X, init = C0, tol = 0, max_iter = 500, algorithm = a, weights = w,
                     threads = 2), fw, paste(a, "weighted, 2 threads"))
  }
})

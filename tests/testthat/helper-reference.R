# Plain-R references the tests compare ckm against. Written for readability,
# not speed; nothing here calls ckm.

# Lloyd's algorithm: nearest centre (ties to the lowest index), then means;
# stop when no label changes. Returns labels, centres, inertia, iterations.
ref_lloyd <- function(X, C, max_iter = 300L) {
  X <- as.matrix(X); C <- unname(as.matrix(C))
  n <- nrow(X); k <- nrow(C)
  labels <- rep(0L, n)
  for (iter in seq_len(max_iter)) {
    best <- rep(Inf, n); new <- rep(1L, n)
    for (j in seq_len(k)) {
      dj <- rep(0, n)
      for (c in seq_len(ncol(X))) dj <- dj + (X[, c] - C[j, c])^2
      closer <- dj < best
      best[closer] <- dj[closer]; new[closer] <- j
    }
    if (all(new == labels)) break
    labels <- new
    sizes <- tabulate(labels, k)
    if (any(sizes == 0)) stop("ref_lloyd: empty cluster")
    C <- rowsum(X, factor(labels, levels = seq_len(k)))[, , drop = FALSE] / sizes
    C <- unname(C)
  }
  wss <- vapply(seq_len(k), function(j) {
    sum(sweep(X[labels == j, , drop = FALSE], 2, C[j, ])^2)
  }, numeric(1))
  list(cluster = labels, centers = C, withinss = wss, inertia = sum(wss), iter = iter)
}

# Well-separated Gaussian blobs with known labels.
ref_blobs <- function(n, k, d = 2, sd = 1, spread = 10) {
  centres <- matrix(runif(k * d, -spread * k, spread * k), k, d)
  y <- sample(rep_len(seq_len(k), n))
  X <- centres[y, , drop = FALSE] + matrix(rnorm(n * d, sd = sd), n, d)
  list(X = X, y = y, centres = centres)
}

# Distinct rows of X drawn at random, as starting centres.
ref_start <- function(X, k) {
  X <- as.matrix(X)
  U <- unique(X)
  U[sample.int(nrow(U), k), , drop = FALSE]
}

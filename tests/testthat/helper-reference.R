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

# Well-separated 2-D blobs: centres uniform in a box of side 8k, no two
# closer than 10 sd (drawn again until so), 150 points each with sd 1.
ref_separated_blobs <- function(k, n_per = 150, sd = 1, min_dist = 10) {
  repeat {
    C <- matrix(runif(2 * k, -4 * k, 4 * k), k, 2)
    if (k == 1 || min(dist(C)) >= min_dist * sd) break
  }
  y <- rep(seq_len(k), each = n_per)
  list(X = C[y, ] + matrix(rnorm(2 * length(y), sd = sd), ncol = 2), y = y)
}

# Distinct rows of X drawn at random, as starting centres.
ref_start <- function(X, k) {
  X <- as.matrix(X)
  U <- unique(X)
  U[sample.int(nrow(U), k), , drop = FALSE]
}

# Adjusted Rand index from the full contingency table (Hubert and Arabie).
ref_ari <- function(x, y) {
  tab <- table(x, y)
  comb2 <- function(m) m * (m - 1) / 2
  index <- sum(comb2(tab))
  a <- sum(comb2(rowSums(tab)))
  b <- sum(comb2(colSums(tab)))
  expected <- a * b / comb2(length(x))
  (index - expected) / ((a + b) / 2 - expected)
}

# Normalised mutual information from the full contingency table.
ref_nmi <- function(x, y, variant = "arithmetic") {
  p <- table(x, y) / length(x)
  pa <- rowSums(p); pb <- colSums(p)
  nz <- p > 0
  mi <- sum(p[nz] * log(p[nz] / outer(pa, pb)[nz]))
  ha <- -sum(pa * log(pa)); hb <- -sum(pb * log(pb))
  hj <- -sum(p[nz] * log(p[nz]))
  mi / switch(variant, arithmetic = (ha + hb) / 2, geometric = sqrt(ha * hb),
              max = max(ha, hb), min = min(ha, hb), joint = hj)
}

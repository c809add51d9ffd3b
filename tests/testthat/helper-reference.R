# Plain-R references the tests compare ckm against. Written for readability,
# not speed; nothing here calls ckm.

# Nearest centre of each row of X (ties to the lowest index) and its squared
# distance, summed over the columns in order.
ref_nearest <- function(X, C) {
  best <- rep(Inf, nrow(X)); lab <- rep(1L, nrow(X))
  for (j in seq_len(nrow(C))) {
    dj <- rep(0, nrow(X))
    for (c in seq_len(ncol(X))) dj <- dj + (X[, c] - C[j, c])^2
    closer <- dj < best
    best[closer] <- dj[closer]; lab[closer] <- j
  }
  list(lab = lab, dist = best)
}

# Lloyd's algorithm: nearest centre (ties to the lowest index), then means;
# stop when no label changes. Returns labels, centres, inertia, iterations.
ref_lloyd <- function(X, C, max_iter = 300L) {
  X <- as.matrix(X); C <- unname(as.matrix(C))
  n <- nrow(X); k <- nrow(C)
  labels <- rep(0L, n)
  for (iter in seq_len(max_iter)) {
    new <- ref_nearest(X, C)$lab
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

# Weighted Lloyd: each centre the weighted mean of its points; inertia the
# weighted sum of squared distances. Same loop as ref_lloyd.
ref_lloyd_weighted <- function(X, C, w, max_iter = 300L) {
  X <- as.matrix(X); C <- unname(as.matrix(C))
  n <- nrow(X); k <- nrow(C)
  labels <- rep(0L, n)
  for (iter in seq_len(max_iter)) {
    new <- ref_nearest(X, C)$lab
    if (all(new == labels)) break
    labels <- new
    if (any(tabulate(labels, k) == 0)) stop("ref_lloyd_weighted: empty cluster")
    for (j in seq_len(k)) {
      in_j <- labels == j
      C[j, ] <- colSums(X[in_j, , drop = FALSE] * w[in_j]) / sum(w[in_j])
    }
  }
  wss <- vapply(seq_len(k), function(j) {
    in_j <- labels == j
    sum(w[in_j] * rowSums(sweep(X[in_j, , drop = FALSE], 2, C[j, ])^2))
  }, numeric(1))
  list(cluster = labels, centers = C, withinss = wss, inertia = sum(wss), iter = iter)
}

# k-means++ with observation weights w (NULL: none), drawing from runif()
# as the C code draws from R's generator: the first row uniformly (in
# proportion to w), then each next with probability proportional to
# w * D^2; the row where the running sum first exceeds u * total. With
# trials > 1, greedy k-means++: each next row the best of `trials` such
# draws, the one leaving the smallest sum of w * D^2.
ref_kmeanspp <- function(X, k, w = NULL, trials = 1L) {
  X <- as.matrix(X); n <- nrow(X)
  pick_by <- function(p) {
    u <- runif(1)
    which(cumsum(p) > u * sum(p) & p > 0)[1]
  }
  rows <- integer(k)
  rows[1] <- if (is.null(w)) floor(runif(1) * n) + 1 else pick_by(w)
  d2_to <- function(i) {
    dj <- rep(0, n)
    for (c in seq_len(ncol(X))) dj <- dj + (X[, c] - X[i, c])^2
    dj
  }
  D2 <- rep(Inf, n)
  for (m in seq_len(k)[-1]) {
    D2 <- pmin(D2, d2_to(rows[m - 1]))
    p <- if (is.null(w)) D2 else w * D2
    # greedy: the best of `trials` draws, by the D^2 sum it leaves
    cand <- vapply(seq_len(trials), function(t) pick_by(p), numeric(1))
    pot <- vapply(cand, function(i) {
      v <- pmin(D2, d2_to(i))
      sum(if (is.null(w)) v else w * v)
    }, numeric(1))
    rows[m] <- cand[which.min(pot)]
  }
  rows
}

# Mini-batch k-means as documented in ?ckm_minibatch, drawing from runif()
# in the order the C code draws from R's generator: the first batch, then
# at each step the next batch (drawn one step ahead) before any
# reassignment draws. Returns the centres, absorbed weights, the steps made
# and the trace of (smoothed) mean batch inertia.
ref_minibatch <- function(X, C, b, max_steps, w = NULL, ratio = 0.01,
                          max_no_improvement = 10, tol = 0) {
  X <- as.matrix(X); C <- unname(as.matrix(C))
  n <- nrow(X); k <- nrow(C); d <- ncol(X)
  if (is.null(w)) w <- rep(1, n)
  draw <- function() floor(runif(b) * n) + 1
  counts <- rep(0, k)
  alpha <- min(1, 2 * b / (n + 1))
  ewa <- NA; ewa_min <- Inf; no_imp <- 0; since <- 0
  trace <- numeric(0)
  rows <- draw()
  for (step in seq_len(max_steps)) {
    P <- X[rows, , drop = FALSE]; wb <- w[rows]
    if (step < max_steps) ahead <- draw()
    since <- since + b
    reassign <- since >= 10 * k || any(counts == 0)
    if (reassign) since <- 0
    a <- ref_nearest(P, C)
    inertia <- 0
    for (q in seq_len(b)) inertia <- inertia + wb[q] * a$dist[q]
    prev <- C
    sums <- matrix(0, k, d); bw <- rep(0, k)
    for (q in seq_len(b)) {
      j <- a$lab[q]
      bw[j] <- bw[j] + wb[q]
      sums[j, ] <- sums[j, ] + wb[q] * P[q, ]
    }
    for (j in seq_len(k)) {
      if (bw[j] == 0) next
      tot <- counts[j] + bw[j]
      C[j, ] <- (C[j, ] * counts[j] + sums[j, ]) / tot
      counts[j] <- tot
    }
    if (reassign && ratio > 0) {
      flag <- counts < ratio * max(counts)
      while (sum(flag) > floor(0.5 * b)) {
        h <- max(which(flag & counts == max(counts[flag])))
        flag[h] <- FALSE
      }
      if (any(flag)) {
        perm <- seq_len(b); used <- 0
        for (j in which(flag)) {
          r <- used + floor(runif(1) * (b - used)) + 1
          tmp <- perm[used + 1]; perm[used + 1] <- perm[r]; perm[r] <- tmp
          used <- used + 1
          C[j, ] <- P[perm[used], ]
        }
        counts[flag] <- min(counts[!flag])
      }
    }
    rows <- if (step < max_steps) ahead else rows
    mean_inertia <- inertia / b
    if (step == 1) { trace <- mean_inertia; next }
    ewa <- if (is.na(ewa)) mean_inertia else ewa * (1 - alpha) + mean_inertia * alpha
    trace <- c(trace, ewa)
    if (tol > 0 && sum((C - prev)^2) <= tol) break
    if (ewa < ewa_min) { ewa_min <- ewa; no_imp <- 0 } else no_imp <- no_imp + 1
    if (max_no_improvement > 0 && no_imp >= max_no_improvement) break
  }
  list(centers = C, counts = counts, steps = step, trace = trace)
}

# Hartigan's method in plain R, written from its definition (Hartigan and
# Wong 1979; Telgarsky and Vattani 2010): each point to its nearest centre
# of C and the means of that partition, then sweeps over the points in
# order; a point x of weight w in cluster a moves to the b minimising
# W_b / (W_b + w) ||x - c_b||^2 when that is below W_a / (W_a - w)
# ||x - c_a||^2 (never out of a cluster of one point), both centres updated
# at once; when a sweep moves no point the centres are set to the means of
# the partition, until a sweep that starts from the means moves none.
ref_hartigan <- function(X, C, w = NULL) {
  X <- as.matrix(X)
  n <- nrow(X)
  k <- nrow(C)
  if (is.null(w)) w <- rep(1, n)
  lab <- ref_nearest(X, C)$lab
  means <- function(lab) {
    t(vapply(seq_len(k), function(j) {
      m <- lab == j
      colSums(X[m, , drop = FALSE] * w[m]) / sum(w[m])
    }, double(ncol(X))))
  }
  C <- means(lab)
  W <- vapply(seq_len(k), function(j) sum(w[lab == j]), double(1))
  cnt <- tabulate(lab, k)
  moves <- 0
  exact <- TRUE
  repeat {
    moved <- 0
    for (i in seq_len(n)) {
      a <- lab[i]
      x <- X[i, ]
      wi <- w[i]
      if (cnt[a] < 2) next
      d2 <- colSums((t(C) - x)^2)
      cost <- W / (W + wi) * d2
      cost[a] <- W[a] / (W[a] - wi) * d2[a]
      b <- which.min(cost)
      if (b != a && cost[b] < cost[a]) {
        C[a, ] <- C[a, ] - (x - C[a, ]) * (wi / (W[a] - wi))
        C[b, ] <- C[b, ] + (x - C[b, ]) * (wi / (W[b] + wi))
        W[a] <- W[a] - wi; W[b] <- W[b] + wi
        cnt[a] <- cnt[a] - 1; cnt[b] <- cnt[b] + 1
        lab[i] <- b
        moved <- moved + 1
      }
    }
    if (moved == 0) {
      # the centres followed the transfers: done when a sweep from the
      # exact means moves nothing
      if (exact) break
      C <- means(lab)
      W <- vapply(seq_len(k), function(j) sum(w[lab == j]), double(1))
      exact <- TRUE
      next
    }
    moves <- moves + moved
    exact <- FALSE
  }
  C <- means(lab)
  wss <- vapply(seq_len(k), function(j) {
    m <- lab == j
    sum(w[m] * colSums((t(X[m, , drop = FALSE]) - C[j, ])^2))
  }, double(1))
  list(cluster = lab, centers = C, wss = wss, transfers = moves)
}

# The largest fall of the inertia that moving one point to another cluster
# would make (Hartigan's criterion, about the exact means of the partition
# cl, every cluster non-empty); <= 0 when no single transfer lowers it.
ref_best_transfer_gain <- function(X, cl) {
  X <- as.matrix(X)
  cl <- as.integer(cl)
  k <- max(cl)
  nk <- tabulate(cl, k)
  C <- rowsum(X, cl) / nk
  d2 <- vapply(seq_len(k), function(j) colSums((t(X) - C[j, ])^2), numeric(nrow(X)))
  if (!is.matrix(d2)) d2 <- matrix(d2, nrow = nrow(X))
  own <- nk[cl] / (nk[cl] - 1) * d2[cbind(seq_along(cl), cl)]
  other <- sweep(d2, 2, nk / (nk + 1), "*")
  other[cbind(seq_along(cl), cl)] <- Inf
  g <- own - apply(other, 1, min)
  g[nk[cl] < 2] <- -Inf
  max(g)
}

# Minimum cluster size: a heuristic on top of the k-means fit (see the
# "Minimum cluster size" section of ?ckm_fit).

# While a cluster of the fit `z` (a result of run_fit()) has fewer than
# `min_size` points: drop the centre of the smallest cluster (the first, on
# ties), cut the largest in two (split_in_two(); the largest whose rows are
# not all equal, the first on ties), and fit again from those k centres with
# `refit(start)`. At most k splits. Returns the last fit, with `splits`.
grow_small_clusters <- function(z, X, weights, min_size, refit) {
  k <- nrow(z$centers)
  splits <- 0L
  while (any(z$size < min_size) && splits < k) {
    small <- which.min(z$size)
    # the largest cluster that can be cut (not all of its rows equal)
    halves <- NULL
    for (large in order(z$size, decreasing = TRUE)) {
      if (large == small) next
      rows <- which(z$cluster == large)
      halves <- split_in_two(X[rows, , drop = FALSE], weights[rows])
      if (!is.null(halves)) break
    }
    if (is.null(halves)) break
    start <- z$centers
    start[large, ] <- halves[1L, ]
    start[small, ] <- halves[2L, ]
    if (anyDuplicated(start)) break
    z <- refit(start)
    splits <- splits + 1L
  }
  z$splits <- splits
  if (any(z$size < min_size)) {
    warn(sprintf(paste0("ckm_fit(): after %d split%s a cluster still has %d point%s, fewer than `min_size` = %d; ",
                           "the data may hold a small, well-separated group (try a smaller k)."),
                    splits, if (splits == 1L) "" else "s", min(z$size),
                    if (min(z$size) == 1L) "" else "s", min_size))
  }
  z
}

# The (weighted) means of the two halves of the rows of P cut by the
# hyperplane through their mean orthogonal to their first principal axis;
# the half holding the first row comes first. NULL when all rows are equal.
split_in_two <- function(P, w = NULL) {
  if (is.null(w)) w <- rep(1, nrow(P))
  m <- colSums(P * w) / sum(w)
  Z <- sweep(P, 2L, m)
  if (all(Z == 0)) return(NULL)
  v <- svd(Z * sqrt(w), nu = 0L, nv = 1L)$v[, 1L]
  proj <- drop(Z %*% v)
  side <- if (proj[[1L]] > 0) proj > 0 else proj <= 0
  if (all(side) || !any(side)) return(NULL)
  rbind(colSums(P[side, , drop = FALSE] * w[side]) / sum(w[side]),
        colSums(P[!side, , drop = FALSE] * w[!side]) / sum(w[!side]))
}

# Data generators with known clusters: the data sets of the k-means
# tutorials (blobs, moons, circles, unequal sizes, anisotropic blobs). All
# draw from R's generator, so set.seed() reproduces them.

#' Data sets with known clusters
#'
#' Generators for the classic test sets of k-means: where it works
#' (`ckm_blobs()`), where it fails because the clusters are not convex
#' (`ckm_moons()`, `ckm_circles()`), and where its assumptions of equal,
#' spherical clusters bend (`ckm_unequal()`, `ckm_anisotropic()`). They use
#' R's random number generator, so [set.seed()] reproduces them.
#'
#' @param n Number of points. For `ckm_blobs()` either a total, spread as
#'   evenly as possible over the clusters, or a vector of cluster sizes.
#' @param centers Number of clusters, or a matrix of cluster centres (one
#'   row each).
#' @param sd Standard deviation of each coordinate around its centre: one
#'   value, or one per cluster.
#' @param d Dimension, when `centers` is a number.
#' @param box Range of the uniformly drawn centres, when `centers` is a
#'   number.
#' @param noise Standard deviation of Gaussian noise added to each
#'   coordinate.
#' @param factor Radius of the inner circle relative to the outer one.
#' @param transform A d x d matrix applied to the blobs (`X %*% transform`).
#' @return A list with `X`, a numeric matrix with columns `x1`, `x2`, ...,
#'   and `y`, the integer cluster of each row.
#' @name ckm_data
#' @examples
#' set.seed(42)
#' b <- ckm_blobs(300, centers = 4, sd = 0.8)
#' plot(b$X, col = b$y, asp = 1)
#' m <- ckm_moons(300, noise = 0.05)
#' plot(m$X, col = m$y, asp = 1)
#' u <- ckm_unequal()
#' table(u$y)
NULL

name_cols <- function(X) {
  colnames(X) <- paste0("x", seq_len(ncol(X)))
  X
}

check_positive <- function(x, arg, call, allow_zero = TRUE, scalar = FALSE) {
  if (!is.numeric(x) || length(x) < 1L || (scalar && length(x) != 1L) || anyNA(x) ||
      any(!is.finite(x)) || any(if (allow_zero) x < 0 else x <= 0)) {
    abort(sprintf("`%s` must be %s, not %s.", arg,
                  paste(if (scalar) "a finite" else "finite",
                        if (allow_zero) "non-negative" else "positive",
                        if (scalar) "number" else "numbers"), describe(x)), call)
  }
  x
}

#' @rdname ckm_data
#' @export
ckm_blobs <- function(n = 300, centers = 3, sd = 1, d = 2, box = c(-10, 10)) {
  ecall <- sys.call()
  if (is.matrix(centers) || is.data.frame(centers)) {
    if (is.data.frame(centers)) centers <- as.matrix(centers)
    if (!is.numeric(centers) || nrow(centers) < 1L || ncol(centers) < 1L ||
        !all(is.finite(centers))) {
      abort(sprintf("`centers` must be a number of clusters or a numeric matrix of centres (finite, at least 1 x 1), not %s.",
                    describe(centers)), ecall)
    }
    C <- centers
    storage.mode(C) <- "double"
  } else {
    k <- check_count(centers, "centers", call = ecall)
    d <- check_count(d, "d", call = ecall)
    if (!is.numeric(box) || length(box) != 2L || anyNA(box) || !all(is.finite(box)) ||
        box[[1L]] > box[[2L]]) {
      abort(sprintf("`box` must be two finite numbers, lower then upper, not %s.",
                    describe(box)), ecall)
    }
    if (as.double(k) * d > .Machine$integer.max) {
      abort(sprintf("`centers` x `d` = %.0f centre coordinates is more than R's vectors hold (2^31 - 1).",
                    as.double(k) * d), ecall)
    }
    C <- matrix(stats::runif(as.double(k) * d, box[[1L]], box[[2L]]), k, d)
  }
  k <- nrow(C)
  if (length(n) == 1L) {
    n <- check_count(n, "n", call = ecall)
    sizes <- rep(n %/% k, k) + c(rep(1L, n %% k), rep(0L, k - n %% k))
  } else {
    if (length(n) != k) abort(sprintf("`n` must be one total or %d cluster sizes, not %d numbers.", k, length(n)), ecall)
    sizes <- vapply(n, check_count, integer(1), arg = "n", min = 0L, call = ecall)
    if (sum(sizes) < 1) abort("`n` must give at least one row in all, not only zeros.", ecall)
  }
  sd <- check_positive(sd, "sd", ecall)
  if (!(length(sd) %in% c(1L, k))) abort(sprintf("`sd` must have length 1 or %d.", k), ecall)
  sd <- rep_len(sd, k)
  y <- rep(seq_len(k), sizes)
  X <- C[y, , drop = FALSE] + matrix(stats::rnorm(length(y) * ncol(C)), length(y)) * sd[y]
  list(X = name_cols(X), y = y)
}

#' @rdname ckm_data
#' @export
ckm_moons <- function(n = 300, noise = 0.05) {
  ecall <- sys.call()
  n <- check_count(n, "n", min = 2L, call = ecall)
  noise <- check_positive(noise, "noise", ecall, scalar = TRUE)
  n1 <- n %/% 2L + n %% 2L
  n2 <- n %/% 2L
  t1 <- seq(0, pi, length.out = n1)
  t2 <- seq(0, pi, length.out = n2)
  X <- rbind(cbind(cos(t1), sin(t1)), cbind(1 - cos(t2), 0.5 - sin(t2)))
  X <- X + matrix(stats::rnorm(2 * n, sd = noise), n, 2)
  list(X = name_cols(X), y = rep(1:2, c(n1, n2)))
}

#' @rdname ckm_data
#' @export
ckm_circles <- function(n = 300, noise = 0.05, factor = 0.5) {
  ecall <- sys.call()
  n <- check_count(n, "n", min = 2L, call = ecall)
  noise <- check_positive(noise, "noise", ecall, scalar = TRUE)
  if (!is.numeric(factor) || length(factor) != 1L || is.na(factor) || factor <= 0 || factor >= 1) {
    abort(sprintf("`factor` must be a number between 0 and 1, not %s.", describe(factor)), ecall)
  }
  n1 <- n %/% 2L + n %% 2L
  n2 <- n %/% 2L
  t1 <- seq(0, 2 * pi, length.out = n1 + 1L)[-1L]
  t2 <- seq(0, 2 * pi, length.out = n2 + 1L)[-1L]
  X <- rbind(cbind(cos(t1), sin(t1)), factor * cbind(cos(t2), sin(t2)))
  X <- X + matrix(stats::rnorm(2 * n, sd = noise), n, 2)
  list(X = name_cols(X), y = rep(1:2, c(n1, n2)))
}

#' @rdname ckm_data
#' @export
ckm_unequal <- function(n = c(250, 250, 15), sd = c(1.5, 1.5, 0.5),
                        centers = rbind(c(-4, 0), c(4, 0), c(0, 5))) {
  ckm_blobs(n = n, centers = centers, sd = sd)
}

#' @rdname ckm_data
#' @export
ckm_anisotropic <- function(n = 300, centers = 3, sd = 1,
                            transform = matrix(c(0.6, -0.4, -0.6, 0.8), 2)) {
  ecall <- sys.call()
  # the transform first: its size gives the dimension of the blobs
  if (!is.numeric(transform) || !is.matrix(transform) || nrow(transform) < 1L ||
      nrow(transform) != ncol(transform) || !all(is.finite(transform))) {
    abort(sprintf("`transform` must be a square numeric matrix of finite values, not %s.",
                  describe(transform)), ecall)
  }
  if ((is.matrix(centers) || is.data.frame(centers)) && ncol(centers) != nrow(transform)) {
    abort(sprintf("`centers` must have %d columns, as `transform` has rows, not %d.",
                  nrow(transform), ncol(centers)), ecall)
  }
  b <- ckm_blobs(n = n, centers = centers, sd = sd, d = nrow(transform))
  b$X <- name_cols(b$X %*% transform)
  b
}

#' Mini-batch k-means
#'
#' Fits k-means on random batches of rows (Sculley 2010), for data too large
#' for many passes of [ckm_fit()]. Each step draws `batch_size` rows, assigns
#' them to the nearest centre, and moves each centre towards the mean of its
#' batch rows with a learning rate of one over the weight it has absorbed so
#' far. The result is approximate: its inertia is usually a little higher
#' than that of a full fit, and its centres are not exactly the means of
#' their clusters.
#'
#' @details
#' A function of its own rather than an `algorithm` of [ckm_fit()]: every
#' algorithm of `ckm_fit()` gives the same exact Lloyd result from the same
#' start, bit for bit; this one does not, and has its own controls.
#'
#' The details follow scikit-learn's `MiniBatchKMeans`, which made them
#' standard. Seeding: each of the `n_init` starts is a seeding (by default
#' greedy k-means++, see `init` in [ckm_fit()]) of `init_size` rows drawn at
#' random; the start with the lowest
#' inertia on another random sample of `init_size` rows is kept. Stopping:
#' after `max_iter` passes over the data (`max_iter * nrow(X) / batch_size`
#' steps), or earlier when the mean batch inertia, smoothed by an
#' exponentially weighted average (each batch weighted `2 * batch_size /
#' (nrow(X) + 1)`), has not improved for `max_no_improvement` steps, or when
#' a step moves the centres by less than `tol` (relative to the mean
#' per-column variance, as in `ckm_fit()`). Starved centres: every
#' `10 * k` rows seen, a centre that has absorbed less than
#' `reassignment_ratio` times the weight of the heaviest moves to a row of
#' the current batch drawn at random.
#'
#' At the end every row of `X` is assigned to the nearest final centre (an
#' exact pass, in parallel), which gives `cluster`, `withinss` and the
#' inertia.
#'
#' Random numbers come from R's generator ([set.seed()] reproduces a fit),
#' drawn on one thread; the result does not depend on `threads`.
#'
#' @inheritParams ckm_fit
#' @param k Number of clusters. May be omitted when `init` is a matrix.
#' @param init As in [ckm_fit()]; the default is greedy k-means++, which
#'   costs little on a sample and gives markedly better starts.
#' @param batch_size Rows per step (at most `nrow(X)`).
#' @param max_iter Maximum number of passes over the data.
#' @param n_init Number of seedings tried on samples (1 when `init` is a
#'   matrix).
#' @param init_size Rows sampled for each seeding and for scoring them;
#'   `NULL` means `3 * batch_size` (at least `3 * k`), at most `nrow(X)`.
#' @param tol Relative tolerance on the centre shift of a step; `0` (the
#'   default) turns the rule off.
#' @param max_no_improvement Steps without improvement of the smoothed
#'   batch inertia before stopping; `NULL` turns the rule off.
#' @param reassignment_ratio Fraction, in \[0, 1), of the heaviest centre's
#'   weight below which a centre is moved to a batch row; `0` turns it off.
#' @param weights `NULL`, or `nrow(X)` positive, finite observation weights:
#'   batches are drawn uniformly and their rows weighted in the updates, the
#'   seeding and the inertia.
#' @return An object of class `c("ckm", "kmeans")` as from [ckm_fit()],
#'   with `algorithm = "minibatch"`; `iter` and `n_iter` count the steps,
#'   `trace` holds the smoothed mean batch inertia of each step times
#'   `nrow(X)` (an estimate of the inertia), `converged` says whether a
#'   stopping rule fired before `max_iter` passes, `relocated` counts the
#'   centres moved to batch rows and, after the last step, the centres that
#'   no row was nearest to (each moved, as [ckm_fit()] relocates an empty
#'   cluster, to the row farthest from its centre; a warning if some must
#'   stay empty), and `n_steps`, `epochs` (passes over the data) and
#'   `batch_size` are added.
#' @references
#' Sculley, D. (2010). Web-scale k-means clustering. Proceedings of the 19th
#' International Conference on World Wide Web, 1177-1178.
#' @seealso [ckm_fit()] for the exact fit.
#' @export
#' @examples
#' set.seed(1)
#' b <- ckm_blobs(20000, centers = 8, sd = 1.5)
#' mb <- ckm_minibatch(b$X, 8, threads = 1)
#' mb
#' full <- ckm_fit(b$X, 8, threads = 1)
#' mb$tot.withinss / full$tot.withinss
#' ckm_ari(mb$cluster, full$cluster)
ckm_minibatch <- function(X, k, batch_size = 1024L, max_iter = 100L,
                          init = "greedy-kmeans++", n_init = 3L, init_size = NULL,
                          tol = 0, max_no_improvement = 10L,
                          reassignment_ratio = 0.01, weights = NULL,
                          threads = NULL) {
  ecall <- sys.call()
  X <- as_data_matrix(X, "X", ecall)
  n <- nrow(X)
  d <- ncol(X)

  start <- resolve_init(init, X, if (!missing(k)) k, ecall, methods = init_methods[-1L])
  init <- start$init
  k <- start$k
  init_method <- start$method
  init_matrix <- init_method == "matrix"
  batch_size <- min(check_count(batch_size, "batch_size", call = ecall), n)
  max_iter <- check_count(max_iter, "max_iter", call = ecall)
  n_init <- check_count(n_init, "n_init", call = ecall)
  if (init_matrix) n_init <- 1L
  if (is.null(init_size)) {
    init_size <- max(3L * batch_size, 3L * k)
  } else {
    init_size <- check_count(init_size, "init_size", call = ecall)
    if (init_size < k) {
      abort(sprintf("`init_size` must be at least k = %d, not %d.", k, init_size), ecall)
    }
  }
  init_size <- min(init_size, n)
  if (!is.numeric(tol) || length(tol) != 1L || is.na(tol) || !is.finite(tol) || tol < 0) {
    abort(sprintf("`tol` must be a single number of at least 0, not %s.", describe(tol)), ecall)
  }
  max_no_improvement <- if (is.null(max_no_improvement)) 0L else
    check_count(max_no_improvement, "max_no_improvement", call = ecall)
  if (!is.numeric(reassignment_ratio) || length(reassignment_ratio) != 1L ||
      is.na(reassignment_ratio) || reassignment_ratio < 0 || reassignment_ratio >= 1) {
    abort(sprintf("`reassignment_ratio` must be a single number in [0, 1), not %s.",
                  describe(reassignment_ratio)), ecall)
  }
  weights <- check_weights(weights, n, ecall)
  threads <- check_threads(threads, ecall)
  kernel <- kernel_code()

  # in the core's coordinates, as ckm_fit() fits (R/conditioning.R)
  data <- fit_data(X, weights, if (init_matrix) init)
  X_in <- X
  X <- data$X
  weights <- data$weights
  if (init_matrix) init <- data$init
  mom <- fit_moments(X, weights, tol, threads, ecall)
  totss <- mom$totss
  tol_abs <- mom$tol_abs

  # seeding on samples; the start with the lowest inertia on a sample kept
  start <- if (init_matrix) init else {
    valid <- sample.int(n, init_size, replace = TRUE)
    best <- NULL
    for (r in seq_len(n_init)) {
      cand <- seed_on_sample(X, k, init_method, init_size, weights, threads, ecall)
      score <- sample_inertia(X[valid, , drop = FALSE], cand, weights[valid],
                              kernel, threads)
      if (is.null(best) || score < best$score) best <- list(start = cand, score = score)
    }
    best$start
  }

  max_steps <- max(1, floor(as.double(max_iter) * n / batch_size))
  bar <- progress_bar(sprintf("ckm_minibatch(): up to %.0f steps", max_steps))
  on.exit(progress_done(bar), add = TRUE)
  z <- .Call(ffi_minibatch, X, start, weights, batch_size, max_steps,
             max_no_improvement, tol_abs, as.double(reassignment_ratio), kernel,
             threads, progress_fn(bar))
  check_status(z$status, ecall, !is.null(weights))

  # every row to the nearest final centre, centres no row is nearest to
  # relocated
  a <- assign_relocating(X, z$centers, kernel, threads, ecall)
  z$centers <- a$centers
  relocated <- a$relocated
  if (any(tabulate(a$cluster, k) == 0L)) {
    warn(sprintf("ckm_minibatch(): %d of the k = %d clusters are empty: `X` has fewer distinct rows than k.",
                    sum(tabulate(a$cluster, k) == 0L), k))
  }
  # within sums of squares from the distances, as ckm_fit() forms them
  # (block by block, then exactly), in C: rowsum() over n rows took longer
  # than the steps
  wss <- .Call(ffi_wss_of_dist, a$cluster, a$dist, weights, k)
  steps <- as.integer(z$n_steps)
  fit <- fit_result(
    list(cluster = a$cluster, centers = z$centers, wss = wss,
         size = tabulate(a$cluster, k), iter = steps, converged = z$converged,
         trace = z$trace * n, relocated = z$reassigned + relocated, start = start),
    X_in, data, totss, init_method, n_init, "minibatch", threads
  )
  fit$n_steps <- steps
  fit$epochs <- steps * batch_size / n
  fit$batch_size <- batch_size
  fit
}

# One seeding on `init_size` rows drawn at random (with replacement, as
# scikit-learn draws them); on the whole of X if the sample has fewer than
# k distinct rows.
seed_on_sample <- function(X, k, method, init_size, weights, threads, call) {
  rows <- sample.int(nrow(X), init_size, replace = TRUE)
  S <- X[rows, , drop = FALSE]
  w <- weights[rows]
  if (method == "random") {
    if (anyDuplicated(S) && nrow(unique(S)) < k) return(seed_random(X, k, call, weights))
    return(seed_random(S, k, call, w))
  }
  if (method == "kmeans||") {
    if (nrow(unique(S)) < k) return(seed_kmeans_parallel(X, k, threads, call, weights))
    return(seed_kmeans_parallel(S, k, threads, call, w))
  }
  trials <- if (method == "greedy-kmeans++") greedy_trials(k) else 1L
  s <- .Call(ffi_kmeanspp, S, k, w, trials, threads, kernel_code(), NULL)
  if (s$status == status_code("distinct")) return(seed_kmeanspp(X, k, threads, call, weights, trials))
  check_status(s$status, call, !is.null(weights))
  s$centers
}

sample_inertia <- function(S, centers, w, kernel, threads) {
  a <- .Call(ffi_assign, S, centers, kernel, threads)
  if (is.null(w)) sum(a$dist) else sum(w * a$dist)
}

# Every row of X to the nearest of `centers`; a centre that no row is
# nearest to (several centres on one spot, as mini-batch leaves when k is
# close to the number of distinct rows) is relocated as ckm_fit() does:
# the row farthest from its centre, of a cluster that keeps a member,
# becomes that centre. list(cluster, dist, centers, relocated).
assign_relocating <- function(X, centers, kernel, threads, call) {
  k <- nrow(centers)
  a <- .Call(ffi_assign, X, centers, kernel, threads)
  check_status(a$status, call)
  relocated <- 0
  for (round in seq_len(k)) {
    empty <- which(tabulate(a$cluster, k) == 0L)
    if (!length(empty)) break
    moved <- FALSE
    for (j in empty) {
      size <- tabulate(a$cluster, k)
      ok <- which(size[a$cluster] >= 2L & a$dist > 0)
      if (!length(ok)) break
      i <- ok[which.max(a$dist[ok])]
      a$cluster[i] <- j
      a$dist[i] <- 0
      centers[j, ] <- X[i, ]
      relocated <- relocated + 1
      moved <- TRUE
    }
    if (!moved) break
    # the relocated centres moved: every row to the nearest centre again
    a <- .Call(ffi_assign, X, centers, kernel, threads)
    check_status(a$status, call)
  }
  list(cluster = a$cluster, dist = a$dist, centers = centers, relocated = relocated)
}

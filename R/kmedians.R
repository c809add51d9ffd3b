# k-medians: the L1 counterpart of k-means. The loop is in C
# (src/kmedians.c); seeding and restarts here.

#' k-medians clustering (L1 distance)
#'
#' Partitions the rows of `X` into k clusters minimising the sum of L1
#' (Manhattan) distances to the cluster centres, by the Lloyd-style
#' alternation: each point goes to the nearest centre in L1 distance, each
#' centre moves to the coordinate-wise median of its points (for an even
#' number of points, the mean of the two middle values, as [median()]). It
#' stops when no label changes. Medians make the centres robust to outliers,
#' which pull k-means centres towards them.
#'
#' An empty cluster takes the point farthest (in L1) from its centre among
#' clusters of two or more points. Seeding `"kmedians++"` is k-means++ with
#' the L1 distance in place of the squared distance (the D^l sampling of
#' Arthur and Vassilvitskii for l = 1); `"random"` draws k distinct rows.
#' Both use R's random number generator.
#'
#' @param X A numeric matrix or data frame (rows are observations).
#' @param k Number of clusters (may be omitted when `init` is a matrix).
#' @param init `"kmedians++"`, `"random"` or a k x d matrix of starting
#'   centres.
#' @param n_init Number of starts; the fit with the smallest total L1
#'   distance is kept.
#' @param max_iter Maximum number of iterations of each start.
#' @param threads Number of threads, or `NULL` for [ckm_threads()].
#' @return An object of class `ckm_kmedians`: a list with `cluster`,
#'   `centers`, `withinss` (the sum of L1 distances to the centre, per
#'   cluster), `tot.withinss`, `size`, `iter`, `converged`, `relocated`,
#'   `trace` (total L1 distance after each assignment), `init_centers` and
#'   `n_init`. `predict()` assigns new rows to the nearest centre in L1
#'   distance.
#' @export
#' @examples
#' set.seed(1)
#' b <- ckm_blobs(300, centers = 3, sd = 1)
#' X <- rbind(b$X, c(60, 60), c(70, 65)) # two far outliers
#' med <- ckm_kmedians(X, 3, threads = 1)
#' med$centers
#' ckm_fit(X, 3, n_init = 5, threads = 1)$centers # one centre spent on the outliers
ckm_kmedians <- function(X, k, init = "kmedians++", n_init = 1L, max_iter = 100L,
                         threads = NULL) {
  ecall <- sys.call()
  X <- as_data_matrix(X, "X", ecall)
  n <- nrow(X)
  init_matrix <- is.matrix(init) || is.data.frame(init)
  if (init_matrix) {
    init <- check_init_matrix(init, X, if (missing(k)) NULL else k, ecall)
    k <- nrow(init)
    init_method <- "matrix"
  } else {
    init_method <- check_choice(init, c("kmedians++", "random"), "init", ecall)
    k <- check_k(k, n, ecall)
  }
  n_init <- check_count(n_init, "n_init", call = ecall)
  if (init_matrix && n_init != 1L) {
    abort(sprintf("`n_init` must be 1 when `init` is a matrix of centres, not %d.", n_init), ecall)
  }
  max_iter <- check_count(max_iter, "max_iter", call = ecall)
  threads <- check_threads(threads, ecall)
  # far-off or extreme data: conditioned as ckm_fit() conditions it
  # (R/conditioning.R: a shift by the midrange and a power of two, both
  # exact; L1 distances scale by the power of two)
  X_in <- X
  data <- fit_data(X, NULL, if (init_matrix) init)
  X <- data$X
  if (init_matrix) init <- data$init
  cond <- data$cond

  best <- NULL
  for (r in seq_len(n_init)) {
    start <- switch(init_method,
      matrix = init,
      random = seed_random(X, k, ecall),
      "kmedians++" = seed_kmedianspp(X, k, threads, ecall)
    )
    z <- .Call(ffi_kmedians, X, unname(start), max_iter, threads)
    if (z$status == status_code("nonfinite")) {
      abort("L1 distances overflow: the values of `X` are too large to cluster; rescale `X`.", ecall)
    }
    check_status(z$status, ecall)
    z$tot.withinss <- sum(z$wss)
    z$start <- start
    if (is.null(best) || z$tot.withinss < best$tot.withinss) best <- z
  }
  # back in the units of the data: the centres moved and scaled, the sums
  # of L1 distances scaled
  for (f in c("centers", "start")) best[[f]] <- uncondition_centers(best[[f]], cond)
  if (cond$e != 0L) {
    for (f in c("wss", "tot.withinss", "trace")) best[[f]] <- times_pow2(best[[f]], cond$e)
  }
  X <- X_in
  if (!best$converged) {
    if (best$relocated > 0) check_distinct_rows(X, k, ecall)
    warn(sprintf("ckm_kmedians(): did not converge in %d iterations; increase `max_iter`.",
                    max_iter))
  }
  centers <- best$centers
  dimnames(centers) <- list(seq_len(k), colnames(X))
  cluster <- best$cluster
  if (!is.null(rownames(X))) names(cluster) <- rownames(X)
  structure(list(
    cluster = cluster, centers = centers, withinss = best$wss,
    tot.withinss = best$tot.withinss, size = best$size, iter = best$iter,
    converged = best$converged, relocated = best$relocated, trace = best$trace,
    init = init_method, init_centers = best$start, n_init = n_init
  ), class = "ckm_kmedians")
}

# k-means++ with L1 distances: each new centre drawn with probability
# proportional to the L1 distance to the nearest centre chosen so far.
seed_kmedianspp <- function(X, k, threads, call) {
  n <- nrow(X)
  idx <- integer(k)
  idx[1] <- sample.int(n, 1L)
  if (k > 1L) {
    dmin <- .Call(ffi_l1_assign, X, X[idx[1], , drop = FALSE], threads)$dist
    for (j in 2:k) {
      if (!all(is.finite(dmin))) {
        abort("L1 distances overflow: the values of `X` are too large to cluster; rescale `X`.", call)
      }
      if (!any(dmin > 0)) {
        abort(sprintf("`k` = %d is larger than the number of distinct rows of `X`.", k), call)
      }
      # the first row where the running sum passes u * total (O(n), where
      # sample.int(prob = ) sorts the n weights)
      cs <- cumsum(dmin)
      idx[j] <- min(findInterval(stats::runif(1L) * cs[[n]], cs) + 1L, n)
      dj <- .Call(ffi_l1_assign, X, X[idx[j], , drop = FALSE], threads)$dist
      dmin <- pmin(dmin, dj)
    }
  }
  X[idx, , drop = FALSE]
}

#' @export
print.ckm_kmedians <- function(x, digits = max(3L, getOption("digits") - 3L), ...) {
  k <- length(x$size)
  cat(sprintf("k-medians fit: %d cluster%s of %s point%s (%s start%s)\n", k,
              if (k == 1L) "" else "s", format(sum(x$size)), if (sum(x$size) == 1L) "" else "s",
              x$init, if (x$n_init == 1L) "" else sprintf(", best of %d", x$n_init)))
  cat("Sizes:", format(utils::head(x$size, 20L)), if (k > 20L) "..." else "", "\n")
  cat(sprintf("Total L1 distance to the centres: %s\n", format(x$tot.withinss, digits = digits + 3L)))
  cat(sprintf("%s after %d iteration%s\n", if (x$converged) "Converged" else "Did not converge",
              x$iter, if (x$iter == 1L) "" else "s"))
  invisible(x)
}

#' @rdname ckm_kmedians
#' @param object A `ckm_kmedians` fit.
#' @param type Only `"class"`: the nearest centre in L1 distance.
#' @param newdata Rows to assign, with the columns of `X`; missing: the
#'   fitted clusters.
#' @param ... Unused.
#' @export
predict.ckm_kmedians <- function(object, newdata, type = "class", threads = NULL, ...) {
  ecall <- sys.call()
  check_fit_object(object, ecall)
  if (!identical(type, "class")) {
    abort(sprintf("`type` must be \"class\" for a k-medians fit (it has no soft assignment), not %s.",
                  describe(type)), ecall)
  }
  if (missing(newdata)) return(object$cluster)
  newdata <- as_data_matrix(newdata, "newdata", ecall)
  newdata <- match_columns(newdata, object$centers, ecall)
  threads <- check_threads(threads, ecall)
  centers <- unname(object$centers)
  storage.mode(centers) <- "double"
  cl <- .Call(ffi_l1_assign, newdata, centers, threads)$cluster
  if (!is.null(rn <- rownames(newdata))) names(cl) <- rn
  cl
}

#' @rdname ckm_kmedians
#' @param x A `ckm_kmedians` fit.
#' @param data The data the fit was made from (`what = "clusters"`).
#' @param what `"clusters"`: the points coloured by cluster and the centres
#'   (on the first two principal axes for more than two columns), as for a
#'   k-means fit; `"trace"`: the total L1 distance after each iteration.
#' @param col Colours of the clusters.
#' @export
plot.ckm_kmedians <- function(x, data = NULL, what = c("clusters", "trace"), col = NULL, ...) {
  ecall <- sys.call()
  what <- check_choice(what, c("clusters", "trace"), "what", ecall, default_ok = TRUE)
  if (what == "trace") {
    graphics::plot(seq_along(x$trace), x$trace, type = "b", pch = 19, xlab = "iteration",
                   ylab = "total L1 distance", main = "k-medians: L1 distance by iteration", ...)
    return(invisible(x))
  }
  plot.ckm(x, data, what = "clusters", col = col, ...)
}

#' @rdname ckm_kmedians
#' @param method `"centers"`: each row's centre (its cluster's medians);
#'   `"classes"`: its cluster, as [fitted.kmeans][stats::fitted.values] gives.
#' @export
fitted.ckm_kmedians <- function(object, method = c("centers", "classes"), ...) {
  method <- check_choice(method, c("centers", "classes"), "method", sys.call(), default_ok = TRUE)
  check_fit_object(object, sys.call())
  if (method == "classes") return(object$cluster)
  object$centers[object$cluster, , drop = FALSE]
}

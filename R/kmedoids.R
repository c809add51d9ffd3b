# k-medoids: FasterPAM in C (src/kmedoids.c); checks, starts and the
# object here.

metric_codes <- c(euclidean = 0L, manhattan = 1L, dist = 2L)
kmedoids_inits <- c(given = 0L, build = 1L, "kmedoids++" = 2L)
# starts when n_init is not given: init = "auto" BUILD and one k-medoids++
# draw (on 63 fits of nine data sets, k = 2..8, the draw ended below pam in
# 13, against 15 with two draws and 16 with four; bench/kmedoids.R), so
# that the default stays ten times as fast as pam at n = 5,000 on one
# thread; "kmedoids++" and "random" five draws
kmedoids_default_starts <- c(auto = 2L, draws = 5L)

#' k-medoids clustering (FasterPAM)
#'
#' Partitions the rows of `X` (or the objects of a `dist`) into k clusters
#' around k medoids, rows of the data, minimising the sum of the
#' dissimilarities of each object to its nearest medoid: the objective of
#' PAM (Kaufman and Rousseeuw 1990; [cluster::pam()]). Medoids are data
#' points, so they exist for any dissimilarity and are pulled far less by
#' outliers than k-means' centres.
#'
#' The swap phase is FasterPAM (Schubert and Rousseeuw 2021): for each
#' non-medoid in turn, the change of cost of swapping it with *every*
#' medoid is found in one pass over the data, and the best swap is made at
#' once when it lowers the cost. It stops when no swap of a medoid and a
#' non-medoid lowers the cost, PAM's own stopping rule, and a pass costs
#' O(n^2) dissimilarities where PAM's costs O(k n^2). `swap = "steepest"`
#' makes PAM's own moves instead (each pass finds the best swap of all
#' and makes only that one), at the same O(n^2) per pass (FastPAM1,
#' Schubert and Rousseeuw 2019): from BUILD it ends where
#' [cluster::pam()] ends.
#'
#' Starts: PAM's BUILD (`"build"`, deterministic, as [cluster::pam()]),
#' k-medoids++ (each next medoid drawn with probability proportional to
#' the dissimilarity to the nearest medoid so far, with R's random number
#' generator) or k random rows. The default `init = "auto"` makes two
#' starts: BUILD followed by PAM's swaps, which ends where cluster::pam()
#' ends, then a k-medoids++ start with eager swaps, which often ends lower
#' (on 63 fits of nine R data sets, k = 2 to 8, 13 ended lower than pam's,
#' by up to 3.5%, and none higher); the start of least cost is kept.
#'
#' Memory. From a data matrix, the dissimilarities are computed as they
#' are needed, one candidate's n distances at a time, with the blocked
#' kernel of the k-means passes: memory is O(n + k), and no n x n matrix is
#' made (cluster::pam() makes the n (n - 1) / 2 distances, 100 MB at
#' n = 5,000, 4 GB at 32,000). Each pass then computes n^2 distances of d
#' columns, which costs more arithmetic than reading a stored matrix but
#' scales to any n whose n^2 d operations fit the time. A `dist` object is
#' read in place. Sums over the objects are formed in fixed blocks, so the
#' result is the same for any number of threads.
#'
#' @param X A numeric matrix or data frame (rows are observations), or a
#'   `dist` object of dissimilarities (as from [stats::dist()] or
#'   [cluster::daisy()]).
#' @param k Number of clusters (medoids).
#' @param metric `"euclidean"` or `"manhattan"`: the dissimilarity of rows
#'   of `X` (ignored for a `dist`).
#' @param init `"auto"`, `"build"` (PAM's BUILD), `"kmedoids++"`,
#'   `"random"`, or a vector of k distinct row numbers to start from (as
#'   `medoids` in [cluster::pam()]).
#' @param n_init Number of starts; the one of least cost is kept. `NULL`:
#'   2 for `"auto"` (BUILD and one k-medoids++ start; more starts are
#'   k-medoids++ ones), 5 for `"kmedoids++"` and `"random"`, 1 for the
#'   deterministic starts (`"build"`, given rows), which allow only 1.
#' @param swap `"eager"` (FasterPAM), `"steepest"` (PAM's moves) or
#'   `"auto"`: steepest from a deterministic start (BUILD, given rows),
#'   eager from a drawn one.
#' @param max_iter Maximum number of passes of the swap phase over the
#'   candidates (with steepest swaps, one swap per pass).
#' @param threads Number of threads, or `NULL` for [ckm_threads()].
#' @return An object of class `ckm_kmedoids`: a list with `medoids` (the
#'   row numbers of the medoids; `id.med` the same, as in pam's result),
#'   `centers` (the medoids' rows of `X`; `NULL` for a `dist`), `cluster`,
#'   `cost` (the sum of the dissimilarities to the nearest medoid;
#'   `objective` in pam's terms), `withinss` (that sum per cluster), `size`,
#'   `distance` (each object's dissimilarity to its medoid), `passes`,
#'   `swaps`, `converged`, `metric`, `swap`, `init` and `n_init`. `predict()`
#'   assigns new rows to the nearest medoid; [ckm_silhouette()] takes the fit
#'   (with `X`, or the `dist`); `plot()` draws the clusters with the medoids
#'   marked.
#' @references Schubert, E. and Rousseeuw, P. J. (2021). Fast and eager
#'   k-medoids clustering: O(k) runtime improvement of the PAM, CLARA, and
#'   CLARANS algorithms. Information Systems 101, 101804.
#'   \doi{10.1016/j.is.2021.101804}
#'
#'   Schubert, E. and Rousseeuw, P. J. (2019). Faster k-medoids clustering:
#'   improving the PAM, CLARA, and CLARANS algorithms. Similarity Search and
#'   Applications (SISAP 2019), 171-187. \doi{10.1007/978-3-030-32047-8_16}
#'
#'   Kaufman, L. and Rousseeuw, P. J. (1990). Finding Groups in Data: An
#'   Introduction to Cluster Analysis. Wiley.
#' @seealso [cluster::pam()], the reference; [ckm_kmedians()] for centres
#'   that are coordinate-wise medians.
#' @export
#' @examples
#' set.seed(1)
#' b <- ckm_blobs(300, centers = 3, sd = 1)
#' X <- rbind(b$X, c(60, 60), c(70, 65)) # two far outliers
#' med <- ckm_kmedoids(X, 3, threads = 1)
#' med
#' table(med$cluster[1:300], b$y)
#' # the same objective as cluster::pam(), from dissimilarities
#' ckm_kmedoids(dist(X[1:100, ]), 3, threads = 1)$cost
ckm_kmedoids <- function(X, k, metric = c("euclidean", "manhattan"), init = "auto",
                         n_init = NULL, swap = c("auto", "eager", "steepest"),
                         max_iter = 1000L, threads = NULL) {
  ecall <- sys.call()
  metric <- check_choice(metric, c("euclidean", "manhattan"), "metric", ecall, default_ok = TRUE)
  is_dist <- inherits(X, "dist")
  if (is_dist) {
    D <- check_dist(X, "X", ecall)
    n <- D$n
    data <- D$values
    labels <- D$labels
    metric <- "dist"
    d <- 1
  } else {
    X <- as_data_matrix(X, "X", ecall)
    n <- nrow(X)
    d <- ncol(X)
    data <- X
    labels <- rownames(X)
  }
  if (missing(k)) {
    if (is.numeric(init) && !is.matrix(init)) k <- length(init)
    else abort("`k` is missing: give the number of clusters, or the starting medoids as `init`.", ecall)
  }
  k <- check_medoid_k(k, n, ecall)
  given <- NULL
  if (is.numeric(init)) {
    given <- check_medoid_rows(init, n, k, ecall)
    init_method <- "given"
  } else {
    init_method <- check_choice(init, c("auto", "build", "kmedoids++", "random"), "init", ecall)
  }
  if (is.null(n_init)) {
    n_init <- switch(init_method, build = , given = 1L, auto = kmedoids_default_starts[["auto"]],
                     kmedoids_default_starts[["draws"]])
  }
  n_init <- check_count(n_init, "n_init", call = ecall)
  if (n_init > 1L && init_method %in% c("build", "given")) {
    abort(sprintf("`n_init` must be 1 with `init = %s`, a deterministic start, not %d; use init = \"auto\", \"kmedoids++\" or \"random\" for several starts.",
                  if (init_method == "build") "\"build\"" else "<rows>", n_init), ecall)
  }
  swap <- check_choice(swap, c("auto", "eager", "steepest"), "swap", ecall, default_ok = TRUE)
  max_iter <- check_count(max_iter, "max_iter", call = ecall)
  threads <- check_threads(threads, ecall, work = as.double(n) * n * d)

  # extreme magnitudes: scaled by a power of two (exact; dissimilarities
  # from the rows and the given ones scale by the same power)
  e <- scale_exponent(max(abs(range(data))))
  if (e != 0L) data <- times_pow2(data, -e)

  best <- NULL
  for (r in seq_len(n_init)) {
    # "auto": BUILD first, then k-medoids++ draws
    how <- if (init_method == "auto") (if (r == 1L) "build" else "kmedoids++") else init_method
    start <- switch(how, given = given, random = sample.int(n, k), integer(k))
    code <- if (how == "random") kmedoids_inits[["given"]] else kmedoids_inits[[how]]
    # "auto": PAM's own (steepest) swaps from a deterministic start, so the
    # result is never worse than PAM's; eager swaps from the drawn ones
    steepest <- swap == "steepest" || (swap == "auto" && how %in% c("build", "given"))
    z <- .Call(ffi_kmedoids, data, as.double(n), metric_codes[[metric]], k, code,
               steepest, start, max_iter, threads)
    if (z$status == status_code("nonfinite")) {
      abort("Dissimilarities overflow: the values of `X` are too large to cluster; rescale `X`.", ecall)
    }
    if (z$status == status_code("distinct")) {
      abort(sprintf("`k` = %d is larger than the number of distinct %s.", k,
                    if (is_dist) "objects of `X` (objects at dissimilarity 0 count once)" else "rows of `X`"),
            ecall)
    }
    check_status(z$status, ecall)
    z$start <- start
    if (is.null(best) || z$cost < best$cost) best <- z
  }
  if (e != 0L) {
    best$dist <- times_pow2(best$dist, e)
    best$cost <- times_pow2(best$cost, e)
  }
  if (!best$converged) {
    warn(sprintf("ckm_kmedoids(): the swaps did not converge in %d passes; increase `max_iter`.",
                 max_iter))
  }
  cluster <- best$cluster
  if (!is.null(labels)) names(cluster) <- labels
  medoids <- best$medoids
  centers <- if (is_dist) NULL else {
    C <- X[medoids, , drop = FALSE]
    dimnames(C) <- list(seq_len(k), colnames(X))
    C
  }
  withinss <- as.vector(rowsum(best$dist, factor(cluster, levels = seq_len(k)), reorder = TRUE))
  structure(list(
    medoids = medoids, id.med = medoids, centers = centers, cluster = cluster,
    cost = best$cost, withinss = withinss, size = tabulate(cluster, k),
    distance = best$dist, passes = best$passes, swaps = best$swaps,
    converged = best$converged, metric = metric, swap = swap,
    init = if (init_method == "given") "rows" else init_method, n_init = n_init,
    medoid_names = if (!is.null(labels)) labels[medoids] else NULL
  ), class = "ckm_kmedoids")
}

# k for k-medoids: between 1 and n.
check_medoid_k <- function(k, n, call) {
  if (!is_whole(k) || k < 1 || k > n) {
    abort(sprintf("`k` must be a whole number between 1 and the number of objects (%d), not %s.",
                  n, describe(k)), call)
  }
  as.integer(k)
}

check_medoid_rows <- function(init, n, k, call) {
  if (!is.numeric(init) || !is.null(dim(init)) || length(init) != k || anyNA(init) ||
      any(init != round(init)) || any(init < 1) || any(init > n) || anyDuplicated(init)) {
    abort(sprintf("`init` must be \"auto\", \"build\", \"kmedoids++\", \"random\" or %d distinct row numbers between 1 and %d, not %s.",
                  k, n, describe(init)), call)
  }
  as.integer(init)
}

# A dist object: its values (finite, >= 0), size and labels.
check_dist <- function(X, arg, call) {
  n <- attr(X, "Size")
  v <- unclass(X)
  if (!is_whole(n) || n < 1 || !is.numeric(v) || length(v) != n * (n - 1) / 2) {
    abort(sprintf("`%s` is a dist object whose values do not match its Size attribute.", arg), call)
  }
  attributes(v) <- NULL
  v <- as.double(v)
  if (anyNA(v) || any(!is.finite(v))) {
    abort(sprintf("`%s` must not contain NA, NaN or infinite dissimilarities.", arg), call)
  }
  if (any(v < 0)) {
    abort(sprintf("`%s` must hold dissimilarities of at least 0; it has negative values.", arg), call)
  }
  labels <- attr(X, "Labels")
  list(values = v, n = as.integer(n), labels = if (is.null(labels)) NULL else as.character(labels))
}

#' @export
print.ckm_kmedoids <- function(x, digits = max(3L, getOption("digits") - 3L), ...) {
  k <- length(x$medoids)
  n <- length(x$cluster)
  cat(sprintf("k-medoids fit (FasterPAM, %s): %d cluster%s of %s object%s, %s start%s\n",
              if (identical(x$metric, "dist")) "given dissimilarities" else paste(x$metric, "distance"),
              k, if (k == 1L) "" else "s", format(n), if (n == 1L) "" else "s",
              if (identical(x$init, "rows")) "given" else x$init,
              if (isTRUE(x$n_init > 1L)) sprintf(", best of %d", x$n_init) else ""))
  med <- if (!is.null(x$medoid_names)) x$medoid_names else format(x$medoids)
  cat("Medoids (rows):", utils::head(med, 20L), if (k > 20L) "..." else "", "\n")
  cat("Sizes:", format(utils::head(x$size, 20L)), if (k > 20L) "..." else "", "\n")
  cat(sprintf("Cost (sum of dissimilarities to the medoids): %s\n",
              format(x$cost, digits = digits + 3L)))
  cat(sprintf("%s after %d pass%s, %s swap%s\n",
              if (isTRUE(x$converged)) "Converged" else "Did not converge",
              x$passes, if (identical(x$passes, 1L)) "" else "es",
              format(x$swaps), if (identical(x$swaps, 1)) "" else "s"))
  invisible(x)
}

#' @rdname ckm_kmedoids
#' @param object A `ckm_kmedoids` fit.
#' @param newdata Rows to assign to the nearest medoid (in the fit's
#'   metric), with the columns of `X`; missing: the fitted clusters. Fits of
#'   a `dist` have no coordinates to measure new rows against.
#' @param ... Unused.
#' @export
predict.ckm_kmedoids <- function(object, newdata, threads = NULL, ...) {
  ecall <- sys.call()
  if (missing(newdata)) return(object$cluster)
  if (identical(object$metric, "dist") || is.null(object$centers)) {
    abort("This k-medoids fit was made from a dist object: it has no coordinates to assign `newdata` by; fit the rows instead.", ecall)
  }
  check_fit_object(object, ecall)
  metric <- check_choice(object$metric, c("euclidean", "manhattan"), "object$metric", ecall)
  newdata <- as_data_matrix(newdata, "newdata", ecall)
  newdata <- match_columns(newdata, object$centers, ecall)
  threads <- check_threads(threads, ecall, work = as.double(nrow(newdata)) * nrow(object$centers) * ncol(newdata))
  centers <- unname(object$centers)
  storage.mode(centers) <- "double"
  e <- scale_exponent(max(abs(range(newdata)), abs(range(centers))))
  if (e != 0L) {
    newdata <- times_pow2(newdata, -e)
    centers <- times_pow2(centers, -e)
  }
  cl <- if (metric == "manhattan") {
    .Call(ffi_l1_assign, newdata, centers, threads)$cluster
  } else {
    z <- .Call(ffi_assign, newdata, centers, kernel_code(), threads)
    check_status(z$status, ecall)
    z$cluster
  }
  if (!is.null(rn <- rownames(newdata))) names(cl) <- rn
  cl
}

#' @rdname ckm_kmedoids
#' @param x A `ckm_kmedoids` fit.
#' @param data The data the fit was made from.
#' @param col Colours of the clusters.
#' @export
plot.ckm_kmedoids <- function(x, data = NULL, col = NULL, ...) {
  ecall <- sys.call()
  if (is.null(x$centers)) {
    abort("A k-medoids fit of a dist object has no coordinates to plot; plot a fit of the rows.", ecall)
  }
  plot.ckm(x, data, what = "clusters", col = col, ...)
}

#' @rdname ckm_kmedoids
#' @param method `"centers"`: each row's medoid; `"classes"`: its cluster.
#' @export
fitted.ckm_kmedoids <- function(object, method = c("centers", "classes"), ...) {
  method <- check_choice(method, c("centers", "classes"), "method", sys.call(), default_ok = TRUE)
  if (method == "classes") return(object$cluster)
  if (is.null(object$centers)) {
    abort("A k-medoids fit of a dist object has no coordinates; use method = \"classes\".", sys.call())
  }
  check_fit_object(object, sys.call())
  object$centers[object$cluster, , drop = FALSE]
}

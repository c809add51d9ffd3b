#' A drop-in for stats::kmeans()
#'
#' `ckm_kmeans()` takes the arguments of [stats::kmeans()] and returns what
#' it returns (a `kmeans` object, class `c("ckm", "kmeans")`, with ckm's
#' fields besides), so that `kmeans <- ckm::ckm_kmeans` makes code written
#' for base R use ckm. It checks its arguments as `kmeans()` does, with the
#' same messages, and draws its random starts with the same calls to
#' [sample.int()], so that with the same [set.seed()] it starts where
#' `kmeans()` starts:
#' \itemize{
#'   \item `"Lloyd"` and `"Forgy"`: ckm's Lloyd from that start, to
#'     convergence: the partition and centres of
#'     `kmeans(algorithm = "Lloyd")`, bit for bit, except where a cluster
#'     empties (`kmeans()` then leaves it empty and warns; ckm gives it the
#'     farthest point and counts it in `relocated`);
#'   \item `"MacQueen"`: MacQueen's online updates, the moves of
#'     `kmeans(algorithm = "MacQueen")`;
#'   \item `"Hartigan-Wong"` (the default): Hartigan and Wong's algorithm
#'     (`ckm_fit(algorithm = "hartigan-wong")`) from that start: the
#'     partition, centres and iterations of `kmeans()`, bit for bit, except
#'     where a cluster is empty after the first assignment (`kmeans()` then
#'     stops with an error; ckm gives it the farthest point and goes on
#'     with Hartigan's transfers) and where a quick-transfer stage reaches
#'     its limit of 50 n steps (`kmeans()` warns of it; ckm reports it as
#'     not converged, `ifault = 2`).
#' }
#' With `nstart > 1` the starts after the first are drawn from the
#' distinct rows, as `kmeans()` draws them, and the lowest inertia is kept.
#'
#' @param x A numeric matrix of data, or an object that [as.matrix()] turns
#'   into one (a numeric vector, a data frame with numeric columns).
#' @param centers Either the number of clusters k, or a matrix of k distinct
#'   starting centres.
#' @param iter.max The maximum number of iterations.
#' @param nstart With `centers` a number, how many random starts.
#' @param algorithm `"Hartigan-Wong"`, `"Lloyd"`, `"Forgy"` or `"MacQueen"`.
#' @param trace If positive, print a line per start and per iteration.
#' @param threads Number of threads, or `NULL` for [ckm_threads()] (not an
#'   argument of `kmeans()`).
#' @return An object of class `c("ckm", "kmeans")` with the components of
#'   [stats::kmeans()]'s result (`cluster`, `centers`, `totss`, `withinss`,
#'   `tot.withinss`, `betweenss`, `size`, `iter`, `ifault`) and those of
#'   [ckm_fit()]'s.
#' @seealso [ckm_fit()], with ckm's own defaults and options.
#' @export
#' @examples
#' # stats::kmeans' own example, through the drop-in
#' x <- rbind(matrix(rnorm(100, sd = 0.3), ncol = 2),
#'            matrix(rnorm(100, mean = 1, sd = 0.3), ncol = 2))
#' colnames(x) <- c("x", "y")
#' (cl <- ckm_kmeans(x, 2, threads = 1))
#' plot(x, col = cl$cluster)
#' points(cl$centers, col = 1:2, pch = 8, cex = 2)
#'
#' # the same draw and partition as kmeans(algorithm = "Lloyd")
#' set.seed(1); a <- ckm_kmeans(x, 3, algorithm = "Lloyd", threads = 1)
#' set.seed(1); b <- kmeans(x, 3, algorithm = "Lloyd")
#' identical(a$cluster, b$cluster)
#'
#' # and as kmeans()'s default, Hartigan-Wong: partition, centres, iterations
#' set.seed(2); a <- ckm_kmeans(x, 4, threads = 1)
#' set.seed(2); b <- kmeans(x, 4)
#' c(identical(a$cluster, b$cluster), identical(a$centers, b$centers), a$iter == b$iter)
ckm_kmeans <- function(x, centers, iter.max = 10L, nstart = 1L,
                       algorithm = c("Hartigan-Wong", "Lloyd", "Forgy", "MacQueen"),
                       trace = FALSE, threads = NULL) {
  # kmeans()'s checks and draws, in its order and with its words
  x <- as.matrix(x)
  m <- as.integer(nrow(x))
  if (is.na(m)) stop("invalid nrow(x)")
  p <- as.integer(ncol(x))
  if (is.na(p)) stop("invalid ncol(x)")
  if (missing(centers)) stop("'centers' must be a number or a matrix")
  algorithm <- match.arg(algorithm)
  storage.mode(x) <- "double"
  cn <- NULL
  if (length(centers) == 1L) {
    k <- centers
    if (nstart == 1L) centers <- x[sample.int(m, k), , drop = FALSE]
    if (nstart >= 2L || any(duplicated(centers))) {
      cn <- unique(x)
      mm <- nrow(cn)
      if (mm < k) stop("more cluster centers than distinct data points.")
      centers <- cn[sample.int(mm, k), , drop = FALSE]
    }
  } else {
    centers <- as.matrix(centers)
    if (any(duplicated(centers))) stop("initial centers are not distinct")
    k <- nrow(centers)
    if (m < k) stop("more cluster centers than data points")
  }
  k <- as.integer(k)
  if (is.na(k)) stop(gettextf("invalid value of %s", "'k'"), domain = NA)
  iter.max <- as.integer(iter.max)
  if (is.na(iter.max) || iter.max < 1L) stop("'iter.max' must be positive")
  if (ncol(x) != ncol(centers)) stop("must have same number of columns in 'x' and 'centers'")
  storage.mode(centers) <- "double"
  verbose <- isTRUE(as.logical(trace > 0))

  one <- function(start) {
    if (algorithm == "MacQueen" || k == 1L) return(macqueen_fit(x, start, iter.max))
    alg <- if (algorithm == "Hartigan-Wong") "hartigan-wong" else "lloyd"
    f <- suppressWarnings(ckm_fit(x, init = start, algorithm = alg, tol = 0,
                                  max_iter = iter.max, threads = threads, verbose = verbose),
                          classes = "ckm_warning")
    f$iter <- if (f$converged || f$ifault == 4L) f$n_iter else iter.max + 1L
    f
  }
  fit <- one(centers)
  if (nstart >= 2L && !is.null(cn)) {
    for (i in 2:nstart) {
      start <- cn[sample.int(mm, k), , drop = FALSE]
      z <- one(start)
      if (z$tot.withinss < fit$tot.withinss) fit <- z
    }
  }
  if (fit$ifault == 4L) {
    warning(sprintf("Quick-TRANSfer stage steps exceeded maximum (= %d)",
                    as.integer(min(50 * m, .Machine$integer.max))), call. = FALSE)
  } else if (fit$iter > iter.max) {
    warning(sprintf(ngettext(iter.max, "did not converge in %d iteration",
                             "did not converge in %d iterations"), iter.max),
            call. = FALSE, domain = NA)
    fit$ifault <- 2L
  }
  fit$algorithm <- algorithm
  fit$nstart <- nstart
  fit
}

# MacQueen's k-means (src/macqueen.c) as a fit: kmeans()'s fields and the
# ones print() and the other methods read.
macqueen_fit <- function(x, start, iter.max) {
  z <- .Call(ffi_macqueen, x, unname(start), iter.max)
  check_status(z$status, sys.call(-1L))
  k <- nrow(start)
  if (any(z$size == 0L)) warning("empty cluster: try a better set of initial centers", call. = FALSE)
  centers <- z$centers
  dimnames(centers) <- list(seq_len(k), colnames(x))
  cluster <- z$cluster
  if (!is.null(rn <- rownames(x))) names(cluster) <- rn
  totss <- sum(scale(x, scale = FALSE)^2)
  tot <- sum(z$wss)
  init <- unname(start)
  dimnames(init) <- dimnames(centers)
  structure(list(
    cluster = cluster, centers = centers, totss = totss, withinss = z$wss,
    tot.withinss = tot, betweenss = totss - tot, size = z$size, iter = z$iter,
    ifault = 0L, inertia = tot, converged = z$iter <= iter.max, n_iter = z$iter,
    init = "matrix", init_centers = init, n_init = 1L, algorithm = "MacQueen",
    threads = 1L, relocated = 0
  ), class = c("ckm", "kmeans"))
}

#' @export
print.ckm <- function(x, digits = max(3L, getOption("digits") - 3L), ...) {
  k <- length(x$size)
  cat(sprintf("ckm fit: %d cluster%s of %s point%s, %d dimension%s (%s, %s start%s)\n",
              k, if (k == 1L) "" else "s", format(sum(x$size)),
              if (sum(x$size) == 1L) "" else "s", ncol(x$centers),
              if (ncol(x$centers) == 1L) "" else "s", x$algorithm,
              x$init, if (x$n_init == 1L) "" else sprintf(", best of %d", x$n_init)))
  sizes <- x$size
  if (k > 20L) {
    cat("Sizes:", format(sizes[1:20]), "...", "\n")
  } else {
    cat("Sizes:", format(sizes), "\n")
  }
  cat(sprintf("Inertia (within SS): %s\n", format(x$tot.withinss, digits = digits + 3L)))
  cat(sprintf("Between SS / total SS: %s %%\n",
              format(100 * x$betweenss / x$totss, digits = digits)))
  cat(sprintf("%s after %d iteration%s%s\n",
              if (x$converged) "Converged" else "Did not converge",
              x$n_iter, if (x$n_iter == 1L) "" else "s",
              if (x$relocated > 0) sprintf("; %s empty cluster%s relocated", format(x$relocated),
                                             if (x$relocated == 1) "" else "s") else ""))
  invisible(x)
}

#' Summaries of a ckm fit
#'
#' `summary()` tabulates the clusters (size, within-cluster sum of squares
#' and root mean square distance to the centre) with the centres;
#' `fitted()` returns, for each observation, its centre or its cluster, as
#' `fitted.kmeans()` does.
#'
#' @param object,x A `ckm` fit from [ckm_fit()], or its summary.
#' @param method `"centers"` for the centre of each observation's cluster (a
#'   matrix), `"classes"` for its cluster number.
#' @param digits Significant digits to print.
#' @param ... Unused.
#' @return `summary()`: an object of class `summary.ckm`, a list with the
#'   cluster table `clusters`, the `centers` and overall figures.
#'   `fitted()`: a matrix or an integer vector.
#' @name summary.ckm
#' @examples
#' set.seed(1)
#' fit <- ckm_fit(faithful, 2, threads = 1)
#' summary(fit)
#' head(fitted(fit))
#' head(fitted(fit, "classes"))
NULL

#' @rdname summary.ckm
#' @export
summary.ckm <- function(object, ...) {
  clusters <- data.frame(
    cluster = seq_along(object$size),
    size = object$size,
    withinss = object$withinss,
    rms_dist = sqrt(object$withinss / pmax(object$size, 1L))
  )
  structure(
    list(
      clusters = clusters,
      centers = object$centers,
      n = sum(object$size),
      inertia = object$tot.withinss,
      totss = object$totss,
      betweenss = object$betweenss,
      n_iter = object$n_iter,
      converged = object$converged,
      init = object$init,
      n_init = object$n_init,
      algorithm = object$algorithm,
      threads = object$threads,
      relocated = object$relocated
    ),
    class = "summary.ckm"
  )
}

#' @rdname summary.ckm
#' @export
print.summary.ckm <- function(x, digits = max(3L, getOption("digits") - 3L), ...) {
  cat(sprintf("k-means (%s), %d clusters, %s observations\n", x$algorithm,
              nrow(x$clusters), format(x$n)))
  cat(sprintf("Seeding: %s, %d start%s; %s in %d iteration%s; %d thread%s\n",
              x$init, x$n_init, if (x$n_init == 1L) "" else "s",
              if (x$converged) "converged" else "not converged",
              x$n_iter, if (x$n_iter == 1L) "" else "s",
              x$threads, if (x$threads == 1L) "" else "s"))
  cat(sprintf("Inertia %s; between/total SS %s %%\n",
              format(x$inertia, digits = digits + 3L),
              format(100 * x$betweenss / x$totss, digits = digits)))
  if (x$relocated > 0) cat(sprintf("Empty clusters relocated: %s\n", format(x$relocated)))
  cat("\nClusters:\n")
  print(x$clusters, digits = digits, row.names = FALSE)
  cat("\nCentres:\n")
  print(x$centers, digits = digits)
  invisible(x)
}

#' @rdname summary.ckm
#' @export
fitted.ckm <- function(object, method = c("centers", "classes"), ...) {
  method <- match.arg(method)
  if (method == "centers") object$centers[object$cluster, , drop = FALSE] else object$cluster
}

#' Assign new observations to the clusters of a fit
#'
#' Each row of `newdata` goes to its nearest centre (squared Euclidean
#' distance, ties to the lowest-numbered centre), computed in C.
#'
#' @param object A `ckm` fit from [ckm_fit()].
#' @param newdata Observations with the columns of the data the model was
#'   fitted to: a numeric matrix, vector or data frame, checked as
#'   [ckm_fit()] checks `X`. When it has column names and so do the centres,
#'   columns are matched by name. Missing: the fitted clusters.
#' @param threads Number of threads, or `NULL` for [ckm_threads()].
#' @param ... Unused.
#' @return An integer vector of cluster numbers, named by the row names of
#'   `newdata` if it has any.
#' @export
#' @examples
#' set.seed(1)
#' idx <- sample(nrow(iris), 100)
#' fit <- ckm_fit(iris[idx, 1:4], 3, threads = 1)
#' table(predict(fit, iris[-idx, 1:4]), iris$Species[-idx])
predict.ckm <- function(object, newdata, threads = NULL, ...) {
  if (missing(newdata)) return(object$cluster)
  ecall <- sys.call()
  newdata <- as_data_matrix(newdata, "newdata", ecall)
  newdata <- match_columns(newdata, object$centers, ecall)
  threads <- check_threads(threads, ecall)
  centers <- object$centers
  storage.mode(centers) <- "double"
  z <- .Call(ffi_assign, newdata, centers, kernel_code(), threads)
  check_status(z$status, ecall)
  cl <- z$cluster
  if (!is.null(rn <- rownames(newdata))) names(cl) <- rn
  cl
}

match_columns <- function(newdata, centers, call) {
  d <- ncol(centers)
  cn <- colnames(centers)
  nn <- colnames(newdata)
  if (!is.null(cn) && !is.null(nn) && ncol(newdata) >= d) {
    missing_cols <- setdiff(cn, nn)
    if (length(missing_cols)) {
      abort(sprintf("`newdata` lacks column%s %s of the fitted data.",
                    if (length(missing_cols) == 1L) "" else "s",
                    paste0("`", missing_cols, "`", collapse = ", ")), call)
    }
    return(newdata[, cn, drop = FALSE])
  }
  if (ncol(newdata) != d) {
    abort(sprintf("`newdata` must have %d column%s, as the fitted data had, not %d.",
                  d, if (d == 1L) "" else "s", ncol(newdata)), call)
  }
  newdata
}

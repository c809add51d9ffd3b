#' @export
print.ckm <- function(x, digits = max(3L, getOption("digits") - 3L), ...) {
  check_fit_object(x, sys.call(), "x", fields = c("centers", "size"))
  k <- length(x$size)
  n_init <- fit_count(x, "n_init")
  init <- fit_word(x, "init")
  how <- c(fit_word(x, "algorithm"),
           if (identical(init, "auto")) {
             # the default's starts (see ?ckm_fit, Defaults)
             if (!is.na(n_init) && n_init > 1L) {
               sprintf("best of %d starts: kmeans()'s random one, then k-means++", n_init)
             } else "kmeans()'s random start"
           } else c(if (!is.na(init)) paste(init, "start"),
                    if (!is.na(n_init) && n_init > 1L) sprintf("best of %d", n_init)))
  how <- how[!is.na(how)]
  cat(sprintf("ckm fit: %d cluster%s of %s point%s, %d dimension%s%s\n",
              k, if (k == 1L) "" else "s", format(sum(x$size)),
              if (sum(x$size) == 1L) "" else "s", ncol(x$centers),
              if (ncol(x$centers) == 1L) "" else "s",
              if (length(how)) sprintf(" (%s)", paste(how, collapse = ", ")) else ""))
  sizes <- x$size
  if (k > 20L) {
    cat("Sizes:", format(sizes[1:20]), "...", "\n")
  } else {
    cat("Sizes:", format(sizes), "\n")
  }
  if (!is.null(x$scaling)) cat("Columns scaled to mean 0, sd 1 (scale = TRUE): centres and sums of squares in those units\n")
  cat(sprintf("Inertia (within SS): %s\n", format(x$tot.withinss, digits = digits + 3L)))
  cat(sprintf("Between SS / total SS: %s %%\n",
              format(100 * x$betweenss / x$totss, digits = digits)))
  converged <- fit_flag(x, "converged")
  relocated <- fit_count(x, "relocated")
  moved <- if (!is.na(relocated) && relocated > 0) relocated else 0
  if (identical(x$algorithm, "minibatch")) {
    cat(sprintf("%s after %s mini-batch steps of %s rows (%s passes over the data)%s\n",
                if (isTRUE(converged)) "Stopped early" else "Stopped at max_iter",
                format(x$n_steps), format(x$batch_size), format(x$epochs, digits = 3L),
                if (moved > 0) sprintf("; %s centre%s reassigned", format(moved),
                                       if (moved == 1) "" else "s") else ""))
  } else {
    n_iter <- fit_count(x, "n_iter")
    cat(sprintf("%s%s%s\n",
                if (is.na(converged)) "Stopped" else if (converged) "Converged" else "Did not converge",
                if (is.na(n_iter)) "" else sprintf(" after %d iteration%s", n_iter, if (n_iter == 1L) "" else "s"),
                if (moved > 0) sprintf("; %s empty cluster%s relocated", format(moved),
                                       if (moved == 1) "" else "s") else ""))
  }
  print_means(x$centers, digits)
  invisible(x)
}

# The cluster means, as print.kmeans() shows them: all of them for up to 10
# clusters and 8 columns, else the first ones and a note.
print_means <- function(centers, digits) {
  k <- nrow(centers)
  d <- ncol(centers)
  cat("Cluster means:\n")
  shown <- centers[seq_len(min(k, 10L)), seq_len(min(d, 8L)), drop = FALSE]
  print(shown, digits = digits)
  if (k > 10L || d > 8L) {
    cat(sprintf("(%s; all in `$centers`)\n", paste(c(
      if (k > 10L) sprintf("%d of %d clusters", 10L, k),
      if (d > 8L) sprintf("%d of %d columns", 8L, d)), collapse = ", ")))
  }
  invisible()
}

# Optional fields of a fit a user may have edited: a whole number, a flag
# or a word, or NA when missing or not that.
fit_count <- function(x, f) {
  v <- x[[f]]
  if (is.numeric(v) && length(v) == 1L && !is.na(v) && is.finite(v) && v == round(v)) as.integer(v) else NA_integer_
}
fit_flag <- function(x, f) {
  v <- x[[f]]
  if (is.logical(v) && length(v) == 1L && !is.na(v)) v else NA
}
fit_word <- function(x, f) {
  v <- x[[f]]
  if (is.character(v) && length(v) == 1L && !is.na(v) && nzchar(v)) v else NA_character_
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
  check_fit_object(object, sys.call(), fields = c("centers", "size"))
  # the root mean square distance to the centre: per unit of weight when the
  # fit was weighted (withinss is then a weighted sum)
  mass <- if (length(object$weight) == length(object$size)) object$weight else object$size
  clusters <- data.frame(
    cluster = seq_along(object$size),
    size = object$size,
    withinss = object$withinss,
    rms_dist = ifelse(mass > 0, sqrt(object$withinss / mass), 0)
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
  alg <- fit_word(x, "algorithm")
  cat(sprintf("k-means%s, %d clusters, %s observations\n",
              if (is.na(alg)) "" else sprintf(" (%s)", alg), nrow(x$clusters), format(x$n)))
  n_init <- fit_count(x, "n_init")
  n_iter <- fit_count(x, "n_iter")
  threads <- fit_count(x, "threads")
  converged <- fit_flag(x, "converged")
  init <- fit_word(x, "init")
  parts <- c(
    if (!is.na(init) || !is.na(n_init)) {
      sprintf("Seeding: %s", paste(c(if (!is.na(init)) init,
                                     if (!is.na(n_init)) sprintf("%d start%s", n_init, if (n_init == 1L) "" else "s")),
                                   collapse = ", "))
    },
    paste0(if (is.na(converged)) "stopped" else if (converged) "converged" else "not converged",
           if (!is.na(n_iter)) sprintf(" in %d iteration%s", n_iter, if (n_iter == 1L) "" else "s")),
    if (!is.na(threads)) sprintf("%d thread%s", threads, if (threads == 1L) "" else "s"))
  cat(paste(parts, collapse = "; "), "\n", sep = "")
  cat(sprintf("Inertia %s; between/total SS %s %%\n",
              format(x$inertia, digits = digits + 3L),
              format(100 * x$betweenss / x$totss, digits = digits)))
  relocated <- fit_count(x, "relocated")
  if (!is.na(relocated) && relocated > 0) cat(sprintf("Empty clusters relocated: %s\n", format(relocated)))
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
  check_fit_object(object, sys.call())
  if (method == "centers") object$centers[object$cluster, , drop = FALSE] else object$cluster
}

#' Assign new observations to the clusters of a fit
#'
#' Each row of `newdata` goes to its nearest centre (squared Euclidean
#' distance, ties to the lowest-numbered centre), computed in C; or, with
#' `type = "prob"`, gets a probability for every cluster.
#'
#' @section Soft assignment:
#' `type = "prob"` gives the responsibilities
#' \deqn{r_{ij} = \frac{\exp(-\beta d_{ij}^2)}{\sum_l \exp(-\beta d_{il}^2)}}{r_ij = exp(-beta d_ij^2) / sum_l exp(-beta d_il^2)}
#' of a mixture of spherical Gaussians with the fit's centres, equal weights
#' and variance \eqn{1 / (2\beta)}{1 / (2 beta)}: the E-step of which
#' k-means is the hard limit (`beta` to infinity gives the labels of
#' `type = "class"`, `beta` to 0 uniform probabilities). The default `beta`
#' takes that variance from the fit, the within-cluster sum of squares per
#' observation and coordinate: `beta = n d / (2 tot.withinss)`. Distances
#' are exact, and each row is computed relative to its nearest centre, so
#' no row underflows to 0/0.
#'
#' @param object A `ckm` fit from [ckm_fit()].
#' @param newdata Observations with the columns of the data the model was
#'   fitted to: a numeric matrix, vector or data frame, checked as
#'   [ckm_fit()] checks `X`. When it has column names and so do the centres,
#'   columns are matched by name. Missing: the fitted clusters (only for
#'   `type = "class"`).
#' @param type `"class"` (the nearest centre) or `"prob"` (soft assignment,
#'   see below).
#' @param beta For `type = "prob"`: the inverse temperature, a positive
#'   number, or `NULL` for the default described below.
#' @param threads Number of threads, or `NULL` for [ckm_threads()].
#' @param ... Unused.
#' @return For `type = "class"`, an integer vector of cluster numbers; for
#'   `type = "prob"`, a matrix with one row per observation and one column
#'   per cluster, rows summing to 1. Named by the row names of `newdata` if
#'   it has any.
#' @export
#' @examples
#' set.seed(1)
#' idx <- sample(nrow(iris), 100)
#' fit <- ckm_fit(iris[idx, 1:4], 3, threads = 1)
#' table(predict(fit, iris[-idx, 1:4]), iris$Species[-idx])
#' # soft assignment: the points between versicolor and virginica are unsure
#' p <- predict(fit, iris[-idx, 1:4], type = "prob", threads = 1)
#' round(head(p[order(apply(p, 1, max)), ]), 3)
predict.ckm <- function(object, newdata, type = c("class", "prob"), beta = NULL,
                        threads = NULL, ...) {
  # the common small call first, with the same checks and answer, cheaply:
  # class labels for a double matrix with the fit's columns, of a fit with
  # no scaling, conditioning or formula, too small for a second thread
  if (!missing(newdata) && is.null(threads) && identical(type, c("class", "prob")) &&
      is.double(newdata) && is.matrix(newdata) && !is.object(newdata) && is.list(object) &&
      as.double(length(newdata)) * NROW(object$centers) < small_threads_work &&
      is.null(object$scaling) && is.null(object$conditioning) && is.null(object$terms)) {
    C <- object$centers
    cn <- colnames(newdata)
    if (is.double(C) && is.matrix(C) && !is.null(cn) && identical(cn, colnames(C)) &&
        nrow(C) >= 1L && nrow(newdata) >= 1L && all(is.finite(C)) &&
        .Call(ffi_first_nonfinite, newdata) == 0) {
      z <- .Call(ffi_assign, newdata, C, kernel_code(), 1L)
      if (z$status == 0L) {
        cl <- z$cluster
        if (!is.null(rn <- rownames(newdata))) names(cl) <- rn
        return(cl)
      }
    }
  }
  ecall <- sys.call()
  type <- check_choice(type, c("class", "prob"), "type", ecall, default_ok = TRUE)
  if (missing(newdata)) {
    check_fit_object(object, ecall)
    if (type == "prob") {
      abort("`newdata` is needed for `type = \"prob\"`: a fit does not keep its data.", ecall)
    }
    return(object$cluster)
  }
  check_fit_object(object, ecall, fields = "centers")
  fc <- fit_coordinates(object, newdata, ecall)
  newdata <- fc$X
  centers <- fc$centers
  threads <- check_threads(threads, ecall, work = as.double(nrow(newdata)) * length(centers))
  if (type == "prob") {
    if (is.null(beta)) {
      # total weight: the number of rows, or the sum of the weights of a
      # weighted fit (whose tot.withinss is a weighted sum)
      mass <- if (is.numeric(object$weight)) sum(object$weight) else length(object$cluster)
      w <- object$tot.withinss
      if (!is.numeric(w) || length(w) != 1L || is.na(w) || w < 0) {
        abort("`object$tot.withinss` must be a single non-negative number to derive `beta`; give `beta`.", ecall)
      }
      # in the fit's coordinates (conditioned: there it neither overflows
      # nor underflows)
      w <- fc$tot.withinss
      beta <- if (w > 0) mass * ncol(centers) / (2 * w) else Inf
      if (!is.finite(beta)) {
        abort("`beta` must be given: the fit has no within-cluster spread to take it from.", ecall)
      }
    } else if (!is.numeric(beta) || length(beta) != 1L || is.na(beta) || !is.finite(beta) || beta <= 0) {
      abort(sprintf("`beta` must be a positive finite number, not %s.", describe(beta)), ecall)
    } else {
      # distances in the fit's coordinates are scaled by 2^-2e
      beta <- times_pow2(as.double(beta), 2L * fc$e)
    }
    z <- .Call(ffi_soft_assign, newdata, unname(centers), as.double(beta), threads)
    if (!is.matrix(z)) check_status(z, ecall)
    dimnames(z) <- list(rownames(newdata), as.character(seq_len(nrow(centers))))
    return(z)
  }
  z <- .Call(ffi_assign, newdata, centers, kernel_code(), threads)
  check_status(z$status, ecall)
  cl <- z$cluster
  if (!is.null(rn <- rownames(newdata))) names(cl) <- rn
  cl
}

# The plane a plot of the data is drawn in: the two columns as they are;
# one column against 0; more columns on their first two principal
# components (of the data, centred, not scaled). `project` maps any matrix
# with the data's columns (the data, centres) into it.
plane <- function(data) {
  labels <- colnames(data)
  if (is.null(labels)) labels <- paste0("x", seq_len(ncol(data)))
  if (ncol(data) > 2L) {
    pc <- stats::prcomp(data)
    share <- 100 * pc$sdev^2 / sum(pc$sdev^2)
    list(project = function(M) {
           P <- scale(M, center = pc$center, scale = FALSE) %*% pc$rotation[, 1:2]
           dimnames(P) <- list(NULL, c("PC1", "PC2"))
           P
         },
         labels = sprintf("PC%d (%.0f%%)", 1:2, share[1:2]))
  } else if (ncol(data) == 1L) {
    list(project = function(M) cbind(unname(M), 0), labels = c(labels, ""))
  } else {
    list(project = function(M) M[, 1:2, drop = FALSE], labels = labels)
  }
}

#' Plot a ckm fit
#'
#' `what = "clusters"` draws the observations coloured by cluster with the
#' centres marked: the first two columns of the data, or its first two
#' principal components when it has more than two columns (centres projected
#' the same way). `what = "trace"` draws the inertia after each iteration
#' of the fit ("watch it converge").
#'
#' @param x A `ckm` fit from [ckm_fit()].
#' @param data The data the model was fitted to (needed for `"clusters"`;
#'   the fit does not keep a copy).
#' @param what `"clusters"` or `"trace"`.
#' @param col Colours of the clusters, recycled.
#' @param ... Further graphical parameters for [plot()].
#' @return `x`, invisibly.
#' @export
#' @examples
#' set.seed(1)
#' b <- ckm_blobs(400, centers = 4)
#' fit <- ckm_fit(b$X, 4, init = "random", n_init = 1, threads = 1)
#' plot(fit, b$X)
#' plot(fit, what = "trace")
#' plot(ckm_fit(iris[, 1:4], 3, threads = 1), iris[, 1:4]) # PCA view
plot.ckm <- function(x, data = NULL, what = c("clusters", "trace"), col = NULL, ...) {
  ecall <- sys.call()
  what <- check_choice(what, c("clusters", "trace"), "what", ecall, default_ok = TRUE)
  if (what == "trace") {
    graphics::plot(seq_along(x$trace), x$trace, type = "b", pch = 19, xlab = "iteration",
                   ylab = "inertia", main = sprintf("Inertia by iteration (%s)", x$algorithm), ...)
    return(invisible(x))
  }
  if (is.null(data)) abort("`data` is needed to plot the clusters: plot(fit, X).", ecall)
  check_fit_object(x, ecall, "x")
  data <- fit_space(x, data, ecall, "data")
  if (nrow(data) != length(x$cluster)) {
    abort(sprintf("`data` must have the %d rows the model was fitted to, not %d.",
                  length(x$cluster), nrow(data)), ecall)
  }
  pl <- plane(data)
  data <- pl$project(data)
  centers <- pl$project(x$centers)
  labs <- pl$labels
  k <- nrow(centers)
  if (is.null(col)) col <- cluster_colours(k)
  col <- rep_len(col, k)
  graphics::plot(data[, 1], data[, 2], col = col[x$cluster], pch = 19, cex = 0.6,
                 xlab = labs[1], ylab = labs[2], ...)
  graphics::points(centers[, 1], centers[, 2], pch = 4, cex = 2.2, lwd = 4, col = "white")
  graphics::points(centers[, 1], centers[, 2], pch = 4, cex = 2, lwd = 2.5, col = "black")
  invisible(x)
}

# Colours for k clusters whose hues stay apart: Okabe-Ito's (black left
# out) up to 8, Polychrome's up to 35, then evenly spaced hues. Clusters
# with neighbouring numbers (often the two halves of a split cluster) get
# colours that do not look alike.
cluster_colours <- function(k) {
  if (k <= 8L) return(unname(grDevices::palette.colors(9L, "Okabe-Ito"))[-1L][seq_len(k)])
  # (Polychrome's second colour, a light grey, left out: faint on white)
  if (k <= 35L) return(unname(grDevices::palette.colors(36L, "Polychrome 36"))[-2L][seq_len(k)])
  grDevices::hcl.colors(k, "Dark 3")
}

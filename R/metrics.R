# Agreement between labelings, and silhouettes. The arithmetic is in C
# (src/metrics.c); here the labels are checked and turned into codes.

label_codes <- function(x, arg, call) {
  if (is.list(x) || !is.null(dim(x)) && length(dim(x)) > 1L && ncol(x) != 1L) {
    abort(sprintf("`%s` must be a vector of labels, not %s.", arg, describe(x)), call)
  }
  if (!is.atomic(x)) {
    abort(sprintf("`%s` must be a vector of labels, not %s.", arg, describe(x)), call)
  }
  x <- as.vector(if (is.factor(x)) as.character(x) else x)
  if (anyNA(x)) {
    abort(sprintf("`%s` must not contain missing labels (NA at position %d).",
                  arg, which(is.na(x))[1L]), call)
  }
  u <- unique(x)
  list(codes = match(x, u), r = length(u))
}

check_pair <- function(x, y, call) {
  a <- label_codes(x, "x", call)
  b <- label_codes(y, "y", call)
  if (length(a$codes) != length(b$codes)) {
    abort(sprintf("`x` and `y` must have the same length, not %d and %d.",
                  length(a$codes), length(b$codes)), call)
  }
  if (length(a$codes) == 0L) abort("`x` and `y` must not be empty.", call)
  list(a = a, b = b)
}

#' Adjusted Rand index and normalised mutual information
#'
#' Agreement between two labelings of the same observations, such as a
#' clustering and the true classes, or two clusterings. Both are invariant
#' to how the clusters are numbered. The contingency table is built in C in
#' O(n + number of non-empty cells) time, without a full table.
#'
#' `ckm_ari()` is the adjusted Rand index of Hubert and Arabie (1985): the
#' Rand index corrected for chance, 1 for identical partitions, about 0 for
#' independent ones, possibly negative. It equals
#' `mclust::adjustedRandIndex()`. Where that is 0/0 (both labelings put
#' every point in its own cluster, or both put all points in one cluster:
#' then the two partitions are identical), `ckm_ari()` returns 1, as
#' scikit-learn's `adjusted_rand_score` does.
#'
#' `ckm_nmi()` is the mutual information of the two labelings divided by a
#' mean of their entropies: `"arithmetic"` (scikit-learn's default, equal to
#' the V-measure; aricode's `"sum"`), `"geometric"` (aricode's `"sqrt"`),
#' `"max"`, `"min"`, or `"joint"` (the joint entropy). As in scikit-learn, two
#' labelings that both put everything in one cluster have NMI 1, and NMI is 0
#' when the mutual information is 0.
#'
#' @param x,y Labels: vectors of the same length, of any type (integer,
#'   factor, character); `NA` is not allowed.
#' @param variant The normaliser of `ckm_nmi()`, see Details.
#' @return A single number.
#' @references
#' Hubert, L. and Arabie, P. (1985). Comparing partitions. Journal of
#' Classification, 2, 193-218.
#'
#' Vinh, N. X., Epps, J. and Bailey, J. (2010). Information theoretic
#' measures for clusterings comparison. Journal of Machine Learning
#' Research, 11, 2837-2854.
#' @export
#' @examples
#' set.seed(1)
#' fit <- ckm_fit(iris[, 1:4], 3, threads = 1)
#' ckm_ari(fit$cluster, iris$Species)
#' ckm_nmi(fit$cluster, iris$Species)
#' ckm_nmi(fit$cluster, iris$Species, variant = "max")
#' ckm_ari(c("a", "a", "b"), c(2, 2, 1)) # the same partition: 1
ckm_ari <- function(x, y) {
  p <- check_pair(x, y, sys.call())
  .Call(ffi_ari, p$a$codes, p$b$codes, p$a$r, p$b$r)
}

#' @rdname ckm_ari
#' @export
ckm_nmi <- function(x, y, variant = c("arithmetic", "geometric", "max", "min", "joint")) {
  ecall <- sys.call()
  variants <- c("arithmetic", "geometric", "max", "min", "joint")
  variant <- check_choice(variant, variants, "variant", ecall, default_ok = TRUE)
  p <- check_pair(x, y, ecall)
  .Call(ffi_nmi, p$a$codes, p$b$codes, p$a$r, p$b$r, match(variant, variants) - 1L)
}

# Above this many rows, method = "auto" is the simplified silhouette (as
# ckm_elbow()'s "auto").
exact_silhouette_rows <- 5000

#' Silhouette widths
#'
#' The silhouette of each observation, s(i) = (b(i) - a(i)) / max(a(i), b(i)),
#' where a(i) is its mean Euclidean distance to the other members of its
#' cluster and b(i) the smallest mean distance to the members of another
#' cluster (Rousseeuw 1987); 0 for an observation alone in its cluster. The
#' exact method takes O(n^2 d) time, in C with OpenMP, and O(n + k) memory:
#' no n x n distance matrix is formed. It equals `cluster::silhouette()` on
#' `dist(X)`.
#'
#' `method = "simplified"` uses the distances to the cluster centres
#' instead (a(i) to its own centre, b(i) to the nearest other centre;
#' Hruschka et al. 2004): O(n k d), for large n. It is a different quantity,
#' close to the exact one for compact, well-separated clusters.
#'
#' `method = "auto"` (the default, as in [ckm_elbow()]) is the exact method
#' up to 5,000 rows and the simplified one above, with a message saying so
#' (the exact widths of 200,000 rows take minutes: n^2 distances).
#'
#' A `dist` object in place of the data gives the silhouette of those
#' dissimilarities (as `cluster::silhouette(cluster, X)`; method `"dist"`),
#' from its n x n matrix, in R.
#'
#' @param X The data: a numeric matrix, vector or data frame, as for
#'   [ckm_fit()]; or a `dist` object of dissimilarities.
#' @param cluster Cluster labels of the rows of `X` (any type), or a `ckm`
#'   or `kmeans` fit, whose clusters (and, for `"simplified"`, centres) are
#'   used, or a [ckm_kmedoids()] fit, whose clusters are used.
#' @param method `"auto"`, `"exact"` or `"simplified"`.
#' @param threads Number of threads, or `NULL` for [ckm_threads()].
#' @return An object of class `ckm_silhouette`: a list with `width` (per
#'   observation), `cluster` and `neighbor` (as integer codes; the labels are
#'   in `levels`), `cluster_mean` (mean width per cluster), `mean` (the
#'   average silhouette width) and `method`.
#' @references
#' Rousseeuw, P. J. (1987). Silhouettes: a graphical aid to the
#' interpretation and validation of cluster analysis. Journal of
#' Computational and Applied Mathematics, 20, 53-65.
#'
#' Hruschka, E. R., de Castro, L. N. and Campello, R. J. G. B. (2004).
#' Evolutionary algorithms for clustering gene-expression data. Fourth IEEE
#' International Conference on Data Mining, 403-406.
#' @export
#' @examples
#' set.seed(1)
#' X <- as.matrix(iris[, 1:4])
#' fit <- ckm_fit(X, 3, threads = 1)
#' s <- ckm_silhouette(X, fit, threads = 1)
#' s$mean
#' s$cluster_mean
#' ckm_silhouette(X, fit, method = "simplified", threads = 1)$mean
ckm_silhouette <- function(X, cluster, method = c("auto", "exact", "simplified"), threads = NULL) {
  ecall <- sys.call()
  method <- check_choice(method, c("auto", "exact", "simplified"), "method", ecall, default_ok = TRUE)
  centers <- NULL
  if (inherits(cluster, "ckm_kmedoids")) {
    cluster <- cluster$cluster
    if (!is.numeric(cluster) || !is.null(dim(cluster))) {
      abort("`cluster$cluster` must be the vector of clusters of the k-medoids fit.", ecall)
    }
  }
  if (inherits(X, "dist")) return(silhouette_of_dist(X, cluster, ecall))
  if (inherits(cluster, "kmeans")) {
    check_fit_object(cluster, ecall, "cluster")
    centers <- cluster$centers
    # the columns of X in the order of the fit's (by name where both have
    # names), scaled as the fit's were, so the widths are those of the
    # space the fit lives in and the simplified ones use the right centres
    X <- fit_space(cluster, X, ecall, "X")
    cluster <- cluster$cluster
  } else {
    X <- as_data_matrix(X, "X", ecall)
  }
  # Widths are ratios of distances, unchanged by scaling X; distances of
  # values beyond about 1e154 overflow and of tiny ones underflow, so such
  # data is scaled by a power of two first (exact, and a no-op otherwise).
  e <- scale_exponent(max(abs(range(X))))
  if (e != 0L) {
    X <- times_pow2(X, -e)
    if (!is.null(centers)) centers <- times_pow2(centers, -e)
  }
  lab <- label_codes(cluster, "cluster", ecall)
  if (length(lab$codes) != nrow(X)) {
    abort(sprintf("`cluster` must have one label per row of `X` (%d), not %d.",
                  nrow(X), length(lab$codes)), ecall)
  }
  levels <- unique(as.vector(if (is.factor(cluster)) as.character(cluster) else cluster))
  n <- as.double(nrow(X))
  if (method == "auto") {
    method <- if (n <= exact_silhouette_rows) "exact" else "simplified"
    if (method == "simplified") {
      message(sprintf("ckm_silhouette(): the simplified silhouette (distances to the centres) for %s rows; the exact one takes n^2 = %.1e distances: method = \"exact\" to have it.",
                      format(n, big.mark = ","), n * n))
    }
  }
  threads <- check_threads(threads, ecall,
                           work = if (method == "exact") n * n * ncol(X) else n * lab$r * ncol(X))
  if (method == "exact") {
    # a bar where the widths could take a while (it shows after 1 s)
    bar <- if (n * n * ncol(X) > 1e7) {
      progress_bar(sprintf("ckm_silhouette(): %s points", format(nrow(X), big.mark = ",")))
    }
    on.exit(progress_done(bar), add = TRUE)
    z <- .Call(ffi_silhouette, X, lab$codes, lab$r, threads, progress_fn(bar))
  } else {
    if (is.null(centers) || nrow(centers) != lab$r) {
      centers <- rowsum(X, lab$codes, reorder = TRUE) / tabulate(lab$codes, lab$r)
    } else {
      centers <- centers[match(levels, seq_len(nrow(centers))), , drop = FALSE]
    }
    storage.mode(centers) <- "double"
    z <- .Call(ffi_silhouette_simplified, X, lab$codes, unname(centers), threads)
    # a point alone in its cluster has width 0, as in the exact silhouette
    # (Rousseeuw 1987; cluster::silhouette): its distance to its own centre
    # is 0 and would make it a perfect 1
    alone <- tabulate(lab$codes, lab$r)[lab$codes] == 1L
    z$width[alone] <- 0
  }
  if (lab$r == 1L) z$width[] <- NA_real_
  cm <- as.vector(rowsum(z$width, lab$codes, reorder = TRUE)) / tabulate(lab$codes, lab$r)
  names(cm) <- levels
  structure(list(
    width = z$width, cluster = lab$codes, neighbor = z$neighbor, levels = levels,
    cluster_mean = cm, mean = mean(z$width), method = method
  ), class = "ckm_silhouette")
}

#' @export
print.ckm_silhouette <- function(x, digits = max(3L, getOption("digits") - 3L), ...) {
  cat(sprintf("Silhouette (%s) of %d observations in %d clusters: mean width %s\n",
              x$method, length(x$width), length(x$levels), format(x$mean, digits = digits)))
  cat("Mean width by cluster:\n")
  print(round(x$cluster_mean, digits))
  invisible(x)
}

# The silhouette of given dissimilarities (ckm_silhouette(<dist>, cluster)):
# per object, the sums of its dissimilarities to each cluster from the
# n x n matrix (the dist already holds half of it).
silhouette_of_dist <- function(X, cluster, call) {
  D <- check_dist(X, "X", call)
  lab <- label_codes(cluster, "cluster", call)
  if (length(lab$codes) != D$n) {
    abort(sprintf("`cluster` must have one label per object of `X` (%d), not %d.",
                  D$n, length(lab$codes)), call)
  }
  levels <- unique(as.vector(if (is.factor(cluster)) as.character(cluster) else cluster))
  r <- lab$r
  codes <- lab$codes
  size <- tabulate(codes, r)
  M <- matrix(0, D$n, D$n)
  M[lower.tri(M)] <- D$values
  M <- M + t(M)
  sums <- rowsum(M, codes, reorder = TRUE) # r x n
  rm(M)
  own <- cbind(codes, seq_len(D$n))
  a <- sums[own] / pmax(size[codes] - 1, 1)
  means <- sums / size
  means[own] <- Inf
  neighbor <- if (r > 1L) max.col(-t(means), ties.method = "first") else rep(NA_integer_, D$n)
  b <- if (r > 1L) means[cbind(neighbor, seq_len(D$n))] else rep(NA_real_, D$n)
  width <- ifelse(size[codes] <= 1L, 0, (b - a) / pmax(a, b))
  width[size[codes] > 1L & a == 0 & b == 0] <- 0
  if (r == 1L) width[] <- NA_real_
  cm <- as.vector(rowsum(width, codes, reorder = TRUE)) / size
  names(cm) <- levels
  structure(list(
    width = width, cluster = codes, neighbor = as.integer(neighbor), levels = levels,
    cluster_mean = cm, mean = mean(width), method = "dist"
  ), class = "ckm_silhouette")
}

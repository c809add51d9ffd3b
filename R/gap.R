# The gap statistic (Tibshirani, Walther and Hastie 2001): the data's
# log within-cluster sum of squares against that of reference data without
# clusters, drawn uniformly over the data's box.

gap_methods <- c("firstSEmax", "Tibs2001SEmax", "globalSEmax", "firstmax", "globalmax")

#' Choose k by the gap statistic
#'
#' For each k, compares log(W_k), the log of the total within-cluster sum
#' of squares of the k-means fit of `X`, with its mean over `B` reference
#' data sets drawn uniformly, without clusters: Gap(k) = mean(log W*_k) -
#' log W_k, with standard error s_k = sd(log W*_k) sqrt(1 + 1/B). A k
#' where the data's clusters are real stands far below the reference. The
#' k chosen follows the rules of [cluster::maxSE()] (`method`); the default
#' `"firstSEmax"` is the smallest k whose gap is within `SE.factor`
#' standard errors of the first local maximum, as [cluster::clusGap()]
#' prints it; `"Tibs2001SEmax"` is the rule of the paper: the smallest k
#' with Gap(k) >= Gap(k+1) - s_(k+1).
#'
#' The reference data are drawn over the box of the data's principal
#' components, rotated back (`reference = "pca"`, the default, as
#' [cluster::clusGap()]'s default `spaceH0 = "scaledPCA"`: the paper's
#' second choice, which follows the shape of elongated data), or over the
#' box of the columns' ranges (`"box"`, clusGap's `spaceH0 = "original"`). Every fit, of the data and of each
#' reference, is [ckm_fit()] with the arguments in `...`; W_k is its
#' `tot.withinss`, the paper's W_k. ([cluster::clusGap()] by default
#' uses `d.power = 1`, sums of unsquared distances; its `d.power = 2` is
#' this W_k.) Reference sets are drawn with R's random number generator,
#' one after the other, so `set.seed()` reproduces the result.
#'
#' @param X The data, as for [ckm_fit()].
#' @param k The numbers of clusters to compare: increasing whole numbers
#'   (usually `1:K`; k = 1 is needed for the gap to choose one cluster).
#' @param B Number of reference data sets.
#' @param reference `"pca"` or `"box"`: where the reference data are drawn.
#' @param method The rule that chooses k from the gaps, as in
#'   [cluster::maxSE()]: `"firstSEmax"`, `"Tibs2001SEmax"`,
#'   `"globalSEmax"`, `"firstmax"` or `"globalmax"`.
#' @param SE.factor Multiple of the standard error the rules allow.
#' @param n_init k-means++ starts of each fit of the data (the best is
#'   kept): a local minimum on the data would lower the gap at its k.
#' @param n_init_ref k-means++ starts of each fit of a reference set. On
#'   uniform data the local minima lie close together, and the B sets
#'   average what is left; one start each keeps the B x length(k) fits
#'   cheap.
#' @param algorithm The fits' algorithm, as in [ckm_fit()].
#' @param max_iter Maximum iterations of each fit.
#' @param threads Number of threads, or `NULL` for [ckm_threads()].
#' @return A data frame of class `ckm_gap` with columns `k`, `logW`,
#'   `E.logW` (the reference mean), `gap` and `SE.sim`, and attributes
#'   `k_gap` (the choice), `method`, `SE.factor`, `B`, `reference` and
#'   `logW_ref` (the B x length(k) matrix of the references' log W).
#'   `plot()` and [ckm_autoplot()] draw the gap curve with its standard
#'   errors.
#' @references Tibshirani, R., Walther, G. and Hastie, T. (2001).
#'   Estimating the number of clusters in a data set via the gap statistic.
#'   Journal of the Royal Statistical Society B 63, 411-423.
#'   \doi{10.1111/1467-9868.00293}
#' @seealso [ckm_elbow()], which reports the gap beside the knee and the
#'   silhouette (`gap = B`).
#' @export
#' @examples
#' set.seed(1)
#' b <- ckm_blobs(300, centers = 3, sd = 1)
#' g <- ckm_gap(b$X, k = 1:6, B = 20, threads = 1)
#' g
#' plot(g)
ckm_gap <- function(X, k = 1:10, B = 50L, reference = c("pca", "box"),
                    method = "firstSEmax", SE.factor = 1, n_init = 10L, n_init_ref = 1L,
                    algorithm = "auto", max_iter = 100L, threads = NULL) {
  ecall <- sys.call()
  X <- as_data_matrix(X, "X", ecall)
  k <- check_k_values(k, nrow(X), ecall)
  B <- check_count(B, "B", min = 2L, call = ecall)
  reference <- check_choice(reference, c("pca", "box"), "reference", ecall, default_ok = TRUE)
  method <- check_choice(method, gap_methods, "method", ecall)
  SE.factor <- check_se_factor(SE.factor, ecall)
  n_init <- check_count(n_init, "n_init", call = ecall)
  n_init_ref <- check_count(n_init_ref, "n_init_ref", call = ecall)
  algorithm <- check_choice(algorithm, algorithms, "algorithm", ecall)
  max_iter <- check_count(max_iter, "max_iter", call = ecall)
  gap_statistic(X, k, B, reference, method, SE.factor, n_init, n_init_ref, algorithm,
                max_iter, threads, ecall)
}

gap_statistic <- function(X, k, B, reference, method, SE.factor, n_init, n_init_ref,
                          algorithm, max_iter, threads, call) {
  n <- nrow(X)
  d <- ncol(X)
  kmax <- max(k)
  # the work: B + 1 sets of length(k) fits of some 20 passes each; the
  # sets go to the threads whole, so even small data is worth two
  threads <- check_threads(threads, call, work = as.double(n) * kmax * d * (B + 1) * length(k) * 20)
  # centred and scaled by a power of two: log W moves by the same 2 e log 2
  # for the data and every reference (the gap does not change), and data
  # far from the origin or of extreme magnitude is fitted where squares
  # neither lose digits nor overflow
  Xc <- sweep(X, 2L, colMeans(X))
  e <- scale_exponent(max(abs(range(Xc))))
  if (e != 0L) Xc <- times_pow2(Xc, -e)
  box <- reference_box(Xc, reference)
  # k-means++ starts; "auto": Lloyd's passes on small data (the bounds of
  # the other algorithms cost more than they save there: the gap of
  # 1,000 x 3 blobs, k = 1..8, B = 50 took 0.13 s with the Yinyang passes
  # the shape would get, 0.065 s with Lloyd's), else the fastest exact
  # algorithm for the shape; Hartigan's transfers only when asked
  if (algorithm == "auto" && as.double(n) * kmax * d <= small_work) algorithm <- "lloyd"
  engine <- fit_engine(algorithm, n, d, kmax, 0, init = "kmeans++")
  bar <- progress_bar(sprintf("ckm_gap(): %d reference sets", B))
  on.exit(progress_done(bar), add = TRUE)
  z <- .Call(ffi_gap, Xc, k, B, n_init, n_init_ref, box$lo, box$hi, box$rot, box$mu, max_iter,
             engine$code, engine$hartigan, threads, progress_fn(bar))
  if (z$status == status_code("distinct")) {
    abort(sprintf("`k` must stay below the number of distinct rows of `X` (%d): a fit of more clusters leaves no within-cluster variation.",
                  nrow(unique(X))), call)
  }
  check_status(z$status, call)
  shift <- 2 * e * log(2)
  logW <- z$logw + shift
  ref <- z$ref + shift
  if (any(!is.finite(logW))) {
    abort(sprintf("The fit for k = %d leaves no within-cluster variation (W = 0): `k` must stay below the number of distinct rows of `X`.",
                  k[which(!is.finite(logW))[1L]]), call)
  }
  E.logW <- colMeans(ref)
  SE.sim <- sqrt((1 + 1 / B) * apply(ref, 2, stats::var))
  gap <- E.logW - logW
  out <- data.frame(k = k, logW = logW, E.logW = E.logW, gap = gap, SE.sim = SE.sim)
  structure(out, class = c("ckm_gap", "data.frame"),
            k_gap = k[gap_choice(gap, SE.sim, method, SE.factor)], method = method,
            SE.factor = SE.factor, B = B, reference = reference, logW_ref = ref)
}

# Where the reference data are drawn: the box of the columns, or of the
# principal components with the rotation (d x p) and shift back.
reference_box <- function(X, reference) {
  if (reference == "box") {
    return(list(lo = apply(X, 2, min), hi = apply(X, 2, max), rot = NULL, mu = NULL))
  }
  mu <- colMeans(X)
  Xc <- sweep(X, 2L, mu)
  V <- svd(Xc, nu = 0)$v
  R <- Xc %*% V
  list(lo = apply(R, 2, min), hi = apply(R, 2, max), rot = V, mu = mu)
}

# The index of the chosen k: the rules of cluster::maxSE(), on gaps f and
# standard errors s in the order of k.
gap_choice <- function(f, s, method, SE.factor) {
  K <- length(f)
  s <- SE.factor * s
  # the first local maximum: the first i with f[i] >= f[i + 1]
  first_max <- function() {
    down <- which(diff(f) <= 0)
    if (length(down)) down[1L] else K
  }
  within_of <- function(m) {
    ok <- which(f[seq_len(m)] >= f[m] - s[m])
    ok[1L]
  }
  switch(method,
    globalmax = which.max(f),
    firstmax = first_max(),
    globalSEmax = within_of(which.max(f)),
    firstSEmax = within_of(first_max()),
    Tibs2001SEmax = {
      ok <- which(f[-K] >= f[-1L] - s[-1L])
      if (length(ok)) ok[1L] else K
    }
  )
}

check_k_values <- function(k, n, call) {
  if (!is.numeric(k) || length(k) < 1L || anyNA(k) || any(k != round(k)) || any(k < 1) ||
      any(k > n) || is.unsorted(k, strictly = TRUE)) {
    abort(sprintf("`k` must be increasing whole numbers between 1 and nrow(X) = %d, not %s.",
                  n, describe(k)), call)
  }
  as.integer(k)
}

check_se_factor <- function(x, call) {
  if (!is.numeric(x) || length(x) != 1L || is.na(x) || !is.finite(x) || x < 0) {
    abort(sprintf("`SE.factor` must be a single number of at least 0, not %s.", describe(x)), call)
  }
  as.double(x)
}

#' @export
print.ckm_gap <- function(x, digits = max(3L, getOption("digits") - 3L), ...) {
  cat(sprintf("Gap statistic: k = %s, B = %d reference sets (uniform over the %s)\n",
              paste(range(x$k), collapse = ".."), attr(x, "B"),
              if (attr(x, "reference") == "box") "columns' ranges" else "principal components' box"))
  print(as.data.frame(unclass(x)[names(x)], stringsAsFactors = FALSE), digits = digits,
        row.names = FALSE)
  cat(sprintf("Chosen k: %d (%s, SE.factor = %s)\n", attr(x, "k_gap"), attr(x, "method"),
              format(attr(x, "SE.factor"))))
  invisible(x)
}

#' @rdname ckm_gap
#' @param x A `ckm_gap` result.
#' @param ... Passed to [plot()].
#' @export
plot.ckm_gap <- function(x, ...) {
  plot_gap(x, ...)
  invisible(x)
}

plot_gap <- function(x, ...) {
  lo <- x$gap - x$SE.sim
  hi <- x$gap + x$SE.sim
  graphics::plot(x$k, x$gap, type = "b", pch = 19, ylim = range(lo, hi), xlab = "k",
                 ylab = "Gap(k)", main = "Gap statistic", ...)
  ok <- x$SE.sim > 0
  if (any(ok)) {
    graphics::arrows(x$k[ok], lo[ok], x$k[ok], hi[ok], angle = 90, code = 3, length = 0.04)
  }
  kg <- attr(x, "k_gap")
  if (length(kg) == 1L && !is.na(kg)) {
    graphics::points(kg, x$gap[x$k == kg], pch = 1, cex = 2.5, col = "darkgreen", lwd = 2)
    graphics::abline(v = kg, lty = 2, col = "darkgreen")
  }
}

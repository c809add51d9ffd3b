#' Choose k: the elbow (kneedle) and the silhouette
#'
#' Fits k-means for every k in `k` and returns the inertia (within-cluster
#' sum of squares) of each, optionally the mean silhouette width, and two
#' suggestions for k: the knee of the inertia curve found by the kneedle
#' method (Satopaa et al. 2011), and the k with the largest mean silhouette.
#'
#' @section The knee:
#' Kneedle scales the curve to the unit square and takes the point farthest
#' below the straight line from its first to its last point. ckm finds it on
#' the curve of log(inertia) against k (`curve = "log"`, the default): the
#' raw inertia falls so steeply over the first few k that the knee of the raw
#' curve tends to land one or two below the true number of clusters, while
#' on the log scale every relative drop counts alike and the knee lands where
#' the drops stop. The package's tests check it on blobs with 3 to 6 clusters
#' and on `cluster::xclara`. `curve = "raw"` gives the knee of the raw curve.
#'
#' @section Work shared across k:
#' With k-means++ seeding (the default: greedy k-means++, as in
#' scikit-learn, each centre the best of 2 + log(k) draws), each start is
#' seeded once, for the largest k: k-means++ picks its centres one after
#' the other, each draw depending only on the ones before, so the first k
#' centres of a seeding for the largest k are exactly a k-means++ seeding
#' for k. The fit for each k starts from the first k centres of each of the
#' `n_init` seedings and keeps the lowest inertia; nothing else is shared,
#' so every fit is the fit [ckm_fit()] makes from that start. This saves
#' the seeding of all but the largest k. With `init = "random"` every k is
#' fitted on its own.
#'
#' @param X The data, as for [ckm_fit()].
#' @param k The numbers of clusters to try: whole numbers, at least 1.
#' @param ... Passed to [ckm_fit()] (for example `algorithm`, `n_init`,
#'   `init`, `max_iter`, `tol`). `init` is `"greedy-kmeans++"` (the
#'   default), `"kmeans++"` or `"random"`. With k-means++ seeding `n_init`
#'   defaults to 3 here, not 1 as in [ckm_fit()]: one poor local minimum at
#'   one k bends the curve and can move both suggestions. On 480 sets of
#'   separated 2-D blobs with 3 to 6 clusters (the script
#'   `bench/elbow-study.R` in the source repository) the knee of the log
#'   curve found the true k in 88% to 100% of the sets (by k and
#'   separation) with one plain k-means++ start per k, and in 479 of the
#'   480 with three. On separated blobs with 2 to 20 clusters in 2 to 20
#'   dimensions and up to 200,000 rows (`bench/elbow-effort.R`: 310 sets,
#'   5 per cell of n, d and k), the knee found the true k in all 310 with
#'   three greedy k-means++ starts per k, and in 275 (2 of 5 in the worst
#'   cell) with three plain ones, at the same median time (0.39 s an elbow;
#'   3.5 s at 200,000 rows, on a 2-core AMD EPYC).
#' @param silhouette `"auto"` (exact for up to 5,000 rows, simplified
#'   above), `"exact"`, `"simplified"` or `"none"`; see [ckm_silhouette()].
#' @param curve `"log"` or `"raw"`: the inertia curve the knee is found on.
#' @param gap Number of reference data sets for the gap statistic,
#'   reported beside the knee and the silhouette (as [ckm_gap()] with its
#'   defaults: references uniform over the principal components' box, k
#'   chosen by `"firstSEmax"`); 0 (the default) for none.
#' @param threads Number of threads, or `NULL` for [ckm_threads()].
#' @return A data frame of class `ckm_elbow` with columns `k`, `inertia` and
#'   (unless `silhouette = "none"`) `silhouette` (NA for k = 1), with
#'   `gap > 0` the columns `gap` and `gap_se`, and attributes `k_knee`,
#'   `k_silhouette` and `k_gap` (the suggestions) and `fits` (the fits, a
#'   list). `plot()` draws the curves and marks the choices.
#' @references
#' Satopaa, V., Albrecht, J., Irwin, D. and Raghavan, B. (2011). Finding a
#' "kneedle" in a haystack: detecting knee points in system behavior. 31st
#' International Conference on Distributed Computing Systems Workshops,
#' 166-171.
#' @export
#' @examples
#' set.seed(1)
#' b <- ckm_blobs(600, centers = 4, sd = 1)
#' el <- ckm_elbow(b$X, k = 1:8, threads = 1)
#' el
#' plot(el)
ckm_elbow <- function(X, k = 1:10, ..., silhouette = c("auto", "exact", "simplified", "none"),
                      curve = c("log", "raw"), gap = 0L, threads = NULL) {
  ecall <- sys.call()
  X <- as_data_matrix(X, "X", ecall)
  if (!is.numeric(k) || length(k) < 1L || anyNA(k) || any(k != round(k)) || any(k < 1) ||
      any(k > nrow(X))) {
    abort(sprintf("`k` must be whole numbers between 1 and nrow(X) = %d.", nrow(X)), ecall)
  }
  k <- sort(unique(as.integer(k)))
  silhouette <- check_choice(silhouette, c("auto", "exact", "simplified", "none"),
                             "silhouette", ecall, default_ok = TRUE)
  if (silhouette == "auto") silhouette <- if (nrow(X) <= exact_silhouette_rows) "exact" else "simplified"
  curve <- check_choice(curve, c("log", "raw"), "curve", ecall, default_ok = TRUE)
  gap <- check_count(gap, "gap", min = 0L, call = ecall)
  if (gap == 1L) abort("`gap` must be 0 (no gap statistic) or at least 2 reference sets, not 1.", ecall)
  threads <- check_threads(threads, ecall)
  dots <- list(...)
  if (!is.null(dots$init) && (!is.character(dots$init) || length(dots$init) != 1L ||
                              !dots$init %in% c("kmeans++", "greedy-kmeans++", "random"))) {
    abort("`init` must be \"greedy-kmeans++\", \"kmeans++\" or \"random\" in ckm_elbow(): starting centres depend on k.", ecall)
  }
  shared <- is.null(dots$init) || dots$init %in% c("kmeans++", "greedy-kmeans++")
  # greedy k-means++ unless plain k-means++ is asked for: its starts leave
  # far fewer poor local minima (bench/elbow-effort.R)
  greedy <- is.null(dots$init) || identical(dots$init, "greedy-kmeans++")
  fits <- vector("list", length(k))
  # nested fits' own bars stay quiet: the elbow's bar counts the fits (and
  # then the silhouettes)
  steps <- length(k) * (1L + (silhouette != "none"))
  bar <- progress_bar(sprintf("ckm_elbow(): k = %d..%d", min(k), max(k)))
  on.exit(progress_done(bar), add = TRUE)
  if (!is.null(bar)) {
    old_opt <- options(ckm.progress = FALSE)
    on.exit(options(old_opt), add = TRUE)
  }
  if (shared) {
    # k-means++ seedings for the largest k; the fit for each k starts from
    # the first k centres of each, and keeps the lowest inertia.
    n_init <- if (is.null(dots$n_init)) 3L else check_count(dots$n_init, "n_init", call = ecall)
    dots$init <- NULL
    dots$n_init <- NULL
    trials <- if (greedy) greedy_trials(max(k)) else 1L
    seeds <- lapply(seq_len(n_init), function(r) seed_kmeanspp(X, max(k), threads, ecall,
                                                                trials = trials))
    for (i in seq_along(k)) {
      best <- NULL
      for (r in seq_len(n_init)) {
        args <- c(list(X), dots, list(init = seeds[[r]][seq_len(k[i]), , drop = FALSE],
                                      threads = threads))
        fit <- do.call(ckm_fit, args)
        if (is.null(best) || fit$tot.withinss < best$tot.withinss) best <- fit
      }
      best$n_init <- n_init
      best$init <- if (greedy) "greedy-kmeans++" else "kmeans++"
      fits[[i]] <- best
      progress_update(bar, i / steps)
    }
  } else {
    for (i in seq_along(k)) {
      fits[[i]] <- do.call(ckm_fit, c(list(X, k = k[i]), dots, list(threads = threads)))
      progress_update(bar, i / steps)
    }
  }
  out <- data.frame(k = k, inertia = vapply(fits, `[[`, numeric(1), "tot.withinss"))
  if (silhouette != "none") {
    out$silhouette <- vapply(seq_along(fits), function(i) {
      f <- fits[[i]]
      on.exit(progress_update(bar, (length(k) + i) / steps))
      if (length(f$size) < 2L) return(NA_real_)
      ckm_silhouette(X, f, method = silhouette, threads = threads)$mean
    }, numeric(1))
  }
  k_gap <- NA_integer_
  if (gap > 0L) {
    # ckm_gap()'s fits (the data's again, so data and references are fitted
    # alike), reported beside the knee and the silhouette
    g <- gap_statistic(X, k, gap, "pca", "firstSEmax", 1, 10L, 1L, "auto", 100L, threads, ecall)
    out$gap <- g$gap
    out$gap_se <- g$SE.sim
    k_gap <- attr(g, "k_gap")
  }
  k_knee <- knee_of(out$k, out$inertia, curve)
  k_sil <- if (!is.null(out$silhouette) && any(!is.na(out$silhouette))) {
    out$k[which.max(out$silhouette)]
  } else NA_integer_
  structure(out, class = c("ckm_elbow", "data.frame"), k_knee = k_knee,
            k_silhouette = k_sil, k_gap = k_gap, gap_B = gap, curve = curve,
            silhouette_method = silhouette, fits = fits)
}

#' The knee of an inertia curve
#'
#' The k at the knee of a decreasing curve of inertia against k, by the
#' kneedle method (Satopaa et al. 2011): after scaling both axes to \[0, 1\],
#' the point farthest below the chord from the first point to the last.
#' [ckm_elbow()] uses it; call it on your own curve, for example the
#' `tot.withinss` of [stats::kmeans()] fits over a range of k, to compare
#' with ckm's choice.
#'
#' @param k Numbers of clusters, increasing, at least three of them.
#' @param inertia The inertia (total within-cluster sum of squares) at each
#'   `k`, non-negative.
#' @param curve `"log"` (default) looks for the knee on the log of the
#'   inertia, `"raw"` on the inertia itself; see [ckm_elbow()].
#' @return The k at the knee, an integer, or `NA` when the curve has no
#'   point below its chord (a straight or convex-up curve).
#' @seealso [ckm_elbow()]
#' @export
#' @examples
#' set.seed(1)
#' b <- ckm_blobs(600, centers = 4, sd = 1)
#' inertia <- sapply(1:8, function(k) kmeans(b$X, k, nstart = 3)$tot.withinss)
#' ckm_knee(1:8, inertia)
ckm_knee <- function(k, inertia, curve = c("log", "raw")) {
  ecall <- sys.call()
  if (!is.numeric(k) || length(k) < 3L || anyNA(k) || any(!is.finite(k)) || is.unsorted(k, strictly = TRUE)) {
    abort("`k` must be at least three increasing, finite numbers.", ecall)
  }
  if (!is.numeric(inertia) || length(inertia) != length(k) || anyNA(inertia) ||
      any(!is.finite(inertia)) || any(inertia < 0)) {
    abort(sprintf("`inertia` must be %d finite, non-negative numbers, one for each `k`.",
                  length(k)), ecall)
  }
  curve <- check_choice(curve, c("log", "raw"), "curve", ecall, default_ok = TRUE)
  knee_of(k, inertia, curve)
}

knee_of <- function(k, inertia, curve) {
  y <- if (curve == "log") log(pmax(inertia, .Machine$double.xmin)) else inertia
  as.integer(kneedle(k, y))
}

# The knee of a decreasing curve: after scaling x and y to [0, 1], the
# point farthest below the chord from the first to the last point.
kneedle <- function(x, y) {
  if (length(x) < 3L || diff(range(y)) == 0) return(NA_integer_)
  xn <- (x - min(x)) / diff(range(x))
  yn <- (y - min(y)) / diff(range(y))
  # chord from (0, yn[1]) to (1, yn[n]); for a decreasing curve yn[1] = 1
  chord <- yn[1] + (yn[length(yn)] - yn[1]) * xn
  gap <- chord - yn
  if (max(gap) <= 0) return(NA_integer_)
  as.integer(x[which.max(gap)])
}

#' @export
print.ckm_elbow <- function(x, ...) {
  cat(sprintf("k-means for k = %s\n", paste(range(x$k), collapse = "..")))
  print(as.data.frame(unclass(x)[names(x)], stringsAsFactors = FALSE), row.names = FALSE)
  cat(sprintf("Suggested k: %s by the knee of the %s inertia curve",
              attr(x, "k_knee"), if (attr(x, "curve") == "log") "log" else "raw"))
  if (!is.na(attr(x, "k_silhouette"))) {
    cat(sprintf(", %s by the largest mean silhouette (%s)", attr(x, "k_silhouette"),
                attr(x, "silhouette_method")))
  }
  if (!is.null(attr(x, "k_gap")) && !is.na(attr(x, "k_gap"))) {
    cat(sprintf(", %s by the gap statistic (B = %d)", attr(x, "k_gap"), attr(x, "gap_B")))
  }
  cat("\n")
  invisible(x)
}

#' @rdname ckm_elbow
#' @param x A `ckm_elbow` result.
#' @param which The panels to draw: `"inertia"` (the elbow, knee marked),
#'   `"silhouette"` (the best width marked) and `"gap"` (with `gap > 0`:
#'   the gap with its standard errors, the choice marked). Both go side by side on a
#'   device showing one panel; in a layout set with `par(mfrow = )` or
#'   `layout()` they fill the next panels, and the layout is left as it
#'   was.
#' @export
plot.ckm_elbow <- function(x, which = c("inertia", "silhouette", "gap"), ...) {
  ecall <- sys.call()
  if (!is.character(which) || !length(which) || anyNA(which) ||
      !all(which %in% c("inertia", "silhouette", "gap"))) {
    abort(sprintf("`which` must be some of \"inertia\", \"silhouette\" and \"gap\", not %s.",
                  describe(which)), ecall)
  }
  has_sil <- !is.null(x$silhouette) && any(!is.na(x$silhouette))
  which <- intersect(c("inertia", "silhouette", "gap"), which)
  if (!has_sil) which <- setdiff(which, "silhouette")
  if (is.null(x$gap)) which <- setdiff(which, "gap")
  # the panels side by side on a device of one panel; in a layout the user
  # has set (par(mfrow) or layout()), the panels go where it puts them
  if (length(which) >= 2L && all(graphics::par("mfrow") == 1L)) {
    op <- graphics::par(mfrow = c(1L, length(which)))
    on.exit(graphics::par(op))
  }
  if ("inertia" %in% which) {
    kk <- attr(x, "k_knee")
    log_y <- attr(x, "curve") == "log" && all(x$inertia > 0)
    # on a log axis spanning several decades R labels 1, 2 and 5 times each
    # power of ten, and the labels run into each other: label powers only
    decades <- if (log_y) seq(ceiling(log10(min(x$inertia))), floor(log10(max(x$inertia)))) else NULL
    own_axis <- length(decades) >= 2L && is.null(list(...)$yaxt)
    if (own_axis) {
      graphics::plot(x$k, x$inertia, type = "b", pch = 19, xlab = "k", ylab = "inertia (log scale)",
                     main = "Elbow", log = "y", yaxt = "n", ...)
      graphics::axis(2, at = 10^decades, labels = parse(text = paste0("10^", decades)), las = 1)
    } else {
      graphics::plot(x$k, x$inertia, type = "b", pch = 19, xlab = "k",
                     ylab = if (log_y) "inertia (log scale)" else "inertia",
                     main = "Elbow", log = if (log_y) "y" else "", ...)
    }
    if (!is.na(kk)) {
      graphics::points(kk, x$inertia[x$k == kk], pch = 1, cex = 2.5, col = "red", lwd = 2)
      graphics::abline(v = kk, lty = 2, col = "red")
    }
  }
  if ("silhouette" %in% which) {
    ks <- attr(x, "k_silhouette")
    graphics::plot(x$k, x$silhouette, type = "b", pch = 19, xlab = "k",
                   ylab = "mean silhouette width", main = "Silhouette", ...)
    if (!is.na(ks)) {
      graphics::points(ks, x$silhouette[x$k == ks], pch = 1, cex = 2.5, col = "blue", lwd = 2)
      graphics::abline(v = ks, lty = 2, col = "blue")
    }
  }
  if ("gap" %in% which) {
    g <- structure(data.frame(k = x$k, gap = x$gap, SE.sim = x$gap_se), k_gap = attr(x, "k_gap"))
    plot_gap(g, ...)
  }
  invisible(x)
}

# conditioning.R: the data of a fit in the core's coordinates, and back.
# Every fitting function goes the same way (the pipeline):
#   checks (checks.R) -> scale = TRUE (column_scaling(), apply_scaling())
#   -> fit_data(): conditioning of far-off or extreme data, weights scaled
#   -> fit_moments(): total sum of squares, weight, the tolerance in units
#   -> starts (starts.R, engine.R) -> fit_result(): the object, in the
#   units of the data given.
# Every method that takes new data goes the other way with fit_space() (the
# fit's columns and scaling) and fit_coordinates() (its conditioning too).

# ---- scale = TRUE -----------------------------------------------------

# Each column's mean and standard deviation (as scale() forms them), kept
# in the fit so that predict(), plot() and the silhouette put new data in
# the same units. A column beyond 2^+-400 in magnitude is scaled by a power
# of two (exact) for its sum of squares, which would overflow or underflow.
# One column at a time: no copy of X. A constant column cannot be scaled.
column_scaling <- function(X, call) {
  center <- colMeans(X)
  m <- max(nrow(X) - 1L, 1L)
  sds <- vapply(seq_len(ncol(X)), function(j) {
    v <- X[, j] - center[[j]]
    e <- scale_exponent(max(abs(v)))
    if (e != 0L) v <- times_pow2(v, -e)
    times_pow2(sqrt(sum(v * v) / m), e)
  }, double(1))
  names(sds) <- names(center)
  flat <- which(!(sds > 0) | !is.finite(sds))
  if (length(flat)) {
    nm <- colnames(X)
    abort(sprintf("`scale = TRUE` needs columns that vary; %s %s constant.",
                  if (is.null(nm)) paste("column", flat[1L]) else paste0("`", nm[flat[1L]], "`"),
                  "is"), call)
  }
  list(center = center, scale = sds)
}

# (X - center) / scale, column by column, in one new matrix.
apply_scaling <- function(X, scaling) {
  Y <- .Call(ffi_standardize, X, as.double(scaling$center), as.double(scaling$scale))
  dimnames(Y) <- dimnames(X)
  Y
}

# Centres (or any rows) of a scaled fit back in the units of the data.
unapply_scaling <- function(C, scaling) {
  if (is.null(scaling)) return(C)
  sweep(sweep(C, 2L, scaling$scale, "*"), 2L, scaling$center, "+")
}

# Data a method receives for a fit, in the fit's space: the fit's columns
# (by name where both sides have names; a data frame may have others, not
# numeric ones included), scaled as the fitted data were.
fit_space <- function(object, data, call, arg) {
  cn <- colnames(object$centers)
  df <- is.data.frame(data)
  if (df && inherits(object$terms, "terms")) {
    # a formula fit: its terms evaluated on the new data, as lm() does
    data <- formula_frame(object$terms, data, call, arg)
  } else if (df && !identical(names(data), cn) && names_usable(cn) &&
             all(cn %in% names(data))) {
    # data[cn], without the cost of `[.data.frame` on a small call
    rn <- .row_names_info(data, 0L)
    data <- .subset(data, cn)
    attr(data, "row.names") <- rn
    class(data) <- "data.frame"
  }
  X <- as_data_matrix(data, arg, call)
  X <- match_columns(X, object$centers, call, arg)
  if (!is.null(object$scaling)) {
    X <- apply_scaling(X, check_scaling(object, call))
  }
  X
}

# New data and the centres of a fit in the coordinates the fit was made
# in: its columns, scaled (fit_space()) and conditioned as its data were.
# list(X, centers (double, k x d), e (the power of two of the conditioning,
# which scales distances by 2^-2e), tot.withinss (the fit's, in these
# coordinates)). `object` must have passed check_fit_object().
fit_coordinates <- function(object, newdata, call, arg = "newdata") {
  X <- fit_space(object, newdata, call, arg)
  centers <- object$centers
  if (!is.double(centers)) storage.mode(centers) <- "double"
  tw <- object$tot.withinss
  cond <- object$conditioning
  e <- 0L
  if (is.list(cond) && (!is.null(cond$shift) || cond$e != 0)) {
    # a fit of far-off or extreme data: new points in the fit's
    # coordinates, and its centres and sums as fitted (unless they were
    # edited since)
    e <- as.integer(cond$e)
    X <- .Call(ffi_affine, X, if (!is.null(cond$shift)) as.double(cond$shift), e)
    cc <- cond$centers
    centers <- if (is.matrix(cc) && is.double(cc) && identical(dim(cc), dim(centers)) &&
                   identical(unname(uncondition_centers(cc, cond)), unname(centers))) {
      cc
    } else {
      condition_centers(centers, cond)
    }
    # the sum as fitted where it agrees with the fit's (in data units it
    # may have overflowed or underflowed: then it is the only one)
    ctw <- cond$tot.withinss
    ok <- is.numeric(ctw) && length(ctw) == 1L && is.finite(ctw) && ctw >= 0
    tw <- if (ok && (!(is.finite(tw) && tw > 0) ||
                     isTRUE(all.equal(times_pow2(ctw, 2L * e), as.double(tw))))) {
      ctw
    } else if (is.numeric(tw) && length(tw) == 1L) {
      times_pow2(tw, -2L * e)
    } else tw
  }
  list(X = X, centers = centers, e = e, tot.withinss = tw)
}

# ---- the pipeline -----------------------------------------------------

# The data of a fit as the core gets it: X conditioned (condition_data()),
# starting centres (a matrix, or anything else left as it is) in the same
# coordinates, weights beyond 2^+-64 scaled by a power of two (exact: the
# centres do not change, sums of squares scale back), so that subnormal
# or huge weights neither underflow nor overflow in the sums.
# ranges: the column ranges conditioning is decided on (over all
# processes, in a fit over processes).
fit_data <- function(X, weights = NULL, init = NULL, ranges = NULL) {
  cond <- if (is.null(ranges)) condition_data(X) else condition_data(X, ranges)
  if (is.matrix(init)) init <- condition_centers(init, cond)
  wexp <- 0L
  if (!is.null(weights)) {
    wexp <- scale_exponent(max(weights), limit = 64)
    if (wexp != 0L) weights <- times_pow2(weights, -wexp)
  }
  list(X = cond$X, weights = weights, init = init, cond = cond, wexp = wexp)
}

# The moments of the core's data (data_moments()) and the tolerance in its
# units: tol times the mean of the columns' variances, as scikit-learn's.
fit_moments <- function(X, weights, tol, threads, call, comm = NULL) {
  mom <- data_moments(X, weights, threads, comm)
  if (!is.finite(mom$totss)) check_status(status_code("nonfinite"), call, !is.null(weights))
  mom$tol_abs <- as.double(tol) * mom$totss / (mom$weight * ncol(X))
  mom
}

# The object of a fit (class c("ckm", "kmeans")): the fields of
# stats::kmeans() and ckm's own, from the core's result `z` (in the
# core's coordinates; fit_result() puts it in the data's units).
new_ckm <- function(z, X, totss, init_method, n_init, algorithm, threads,
                    weights = NULL) {
  k <- nrow(z$centers)
  centers <- z$centers
  dimnames(centers) <- list(seq_len(k), colnames(X))
  start <- z$start
  dimnames(start) <- dimnames(centers)
  cluster <- z$cluster
  if (!is.null(rn <- rownames(X))) names(cluster) <- rn
  tot <- sum(z$wss)
  fit <- list(
    cluster = cluster,
    centers = centers,
    totss = totss,
    withinss = z$wss,
    tot.withinss = tot,
    betweenss = totss - tot,
    size = z$size,
    iter = z$iter,
    # stats::kmeans' codes: 2 not converged, 4 the quick-transfer limit
    ifault = if (isTRUE(z$qtran_limit)) 4L else if (z$converged) 0L else 2L,
    inertia = tot,
    converged = z$converged,
    n_iter = z$iter,
    trace = z$trace,
    init = init_method,
    init_centers = start,
    n_init = n_init,
    algorithm = algorithm,
    threads = threads,
    relocated = z$relocated,
    transfers = if (identical(algorithm, "hartigan")) z$transfers,
    weight = if (!is.null(weights)) cluster_weights(weights, cluster, k)
  )
  class(fit) <- c("ckm", "kmeans")
  fit
}

# The result of the core's best start as a fit, in the units of the data
# given (X_in: the data as the user gave it, or as scale = TRUE left it).
fit_result <- function(best, X_in, data, totss, init_method, n_init, algorithm,
                       threads, weights = data$weights) {
  fit <- new_ckm(best, X_in, totss, init_method, n_init, algorithm, threads, weights)
  unscale_fit(fit, data$cond, data$wexp)
}

# The total sum of squares, total weight and column means of X, once per
# X (over all processes of `comm`): list(totss, weight, moments (c(totss,
# means), what ffi_fit takes)).
data_moments <- function(X, weights, threads, comm = NULL) {
  v <- .Call(ffi_totss, X, weights, threads, comm)
  d <- ncol(X)
  list(totss = v[[1L]], weight = v[[d + 2L]], moments = v[seq_len(d + 1L)])
}

# Conditioning of the data (see the Numerical range section of ?ckm_fit).
# A column whose values lie far from the origin compared with their spread
# (the largest magnitude more than 2^20 times the range) is shifted by its
# midrange: the subtraction is exact there, and the sums and squares that follow
# keep the digits of the spread instead of those of the offset. Then, if the
# largest magnitude is beyond 2^+-400, everything is multiplied by a power of
# two (exact). Returns list(X, shift (NULL or one value per column, 0 for
# the columns left alone), e (the exponent; 0: none)). With neither, X is
# returned as it is: no copy, and the fit is exactly that of the data given.
condition_data <- function(X, ranges = .Call(ffi_col_ranges, X)) {
  r <- ranges
  spread <- r[2L, ] - r[1L, ]
  # ordinary data, at once: no magnitude beyond 2^20 times the smallest
  # spread (so no column is far), none beyond 2^+-400
  m <- max(abs(r))
  if (m < 2^401 && (m >= 2^-400 || m == 0) && m <= 2^20 * min(spread[spread > 0], Inf)) {
    return(list(X = X, shift = NULL, e = 0L))
  }
  mag <- pmax(abs(r[1L, ]), abs(r[2L, ]))
  far <- spread > 0 & mag > 2^20 * spread
  shift <- NULL
  if (any(far)) {
    # the midrange: within a factor two of every value of such a column,
    # so the subtraction is exact (Sterbenz); and a function of the
    # column's range alone, so a fit over processes finds the same shift
    shift <- ifelse(far, r[1L, ] / 2 + r[2L, ] / 2, 0)
    mag <- ifelse(far, pmax(abs(r[1L, ] - shift), abs(r[2L, ] - shift)), mag)
  }
  e <- scale_exponent(max(mag))
  if (is.null(shift) && e == 0L) return(list(X = X, shift = NULL, e = 0L))
  Y <- .Call(ffi_affine, X, shift, e)
  dimnames(Y) <- dimnames(X)
  list(X = Y, shift = shift, e = e)
}

# Centres (k x d) into the conditioned coordinates, and back.
condition_centers <- function(C, cond) {
  if (!is.null(cond$shift)) C <- sweep(C, 2L, cond$shift)
  if (cond$e != 0L) C <- times_pow2(C, -cond$e)
  C
}
uncondition_centers <- function(C, cond) {
  if (cond$e != 0L) C <- times_pow2(C, cond$e)
  if (!is.null(cond$shift)) C <- sweep(C, 2L, cond$shift, "+")
  C
}

# The fit of conditioned data, in the units of the data given: centres
# moved and scaled back, sums of squares scaled by 2^(2e) (and by the
# weights' power of two). A fit of shifted data keeps what predict() needs
# to assign new points in the same coordinates.
unscale_fit <- function(fit, cond, wexp = 0L) {
  tw <- times_pow2(fit$tot.withinss, wexp)
  ss <- 2L * cond$e + wexp
  if (ss != 0L) {
    for (f in c("totss", "withinss", "tot.withinss", "betweenss", "inertia", "trace")) {
      fit[[f]] <- times_pow2(fit[[f]], ss)
    }
  }
  if (wexp != 0L && !is.null(fit$weight)) fit$weight <- times_pow2(fit$weight, wexp)
  if (!is.null(cond$shift) || cond$e != 0L) {
    cc <- fit$centers
    fit$centers <- uncondition_centers(cc, cond)
    fit$init_centers <- uncondition_centers(fit$init_centers, cond)
    # the centres and the within sum of squares as fitted: predict() works
    # in these coordinates, where neither overflows nor underflows
    fit$conditioning <- list(shift = cond$shift, e = cond$e, centers = cc,
                             tot.withinss = tw)
  }
  fit
}


# Powers of two that bring extreme data into the range where squares
# neither overflow nor underflow. Scaling by 2^e is exact, so a fit of the
# scaled data makes exactly the same moves; the exponent is 0 (no copy, no
# change) unless the largest magnitude is beyond 2^+-limit (400: about
# 1e+-120; weights use 64).
scale_exponent <- function(m, limit = 400) {
  if (!is.finite(m) || m == 0) return(0L)
  e <- floor(log2(m))
  if (e > limit || e < -limit) as.integer(e) else 0L
}

# x * 2^e, exactly, for any e in the double range (2^e itself may not be).
times_pow2 <- function(x, e) {
  h <- e %/% 2L
  x * 2^h * 2^(e - h)
}

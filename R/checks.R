# Argument checks. Every message names the argument; C receives only what
# passed these checks, already coerced to the storage it expects.

abort <- function(msg, call = NULL, class = NULL) {
  stop(errorCondition(msg, class = c(class, "ckm_error"), call = call))
}

# Warnings in the same voice: the function named at the start of the
# message, no call (it would repeat the name), class "ckm_warning" so that
# callers can catch ckm's warnings alone.
warn <- function(msg, class = NULL) {
  warning(warningCondition(msg, class = c(class, "ckm_warning")))
}

is_whole <- function(x) {
  is.numeric(x) && length(x) == 1L && !is.na(x) && is.finite(x) && x == round(x)
}

describe <- function(x) {
  if (is.null(x)) return("NULL")
  if (is.matrix(x)) {
    return(sprintf("a %d x %d %s matrix", nrow(x), ncol(x), typeof(x)))
  }
  if (is.array(x) && length(dim(x)) > 2L) {
    return(sprintf("a %s %s array", paste(dim(x), collapse = " x "), typeof(x)))
  }
  if (is.numeric(x) || is.logical(x) || is.character(x)) {
    if (length(x) == 1L) {
      return(if (is.character(x)) encodeString(x, quote = "\"") else format(x))
    }
    return(sprintf("%s %s vector of length %d",
                   if (typeof(x) == "integer") "an" else "a", typeof(x), length(x)))
  }
  sprintf("an object of class <%s>", paste(class(x), collapse = "/"))
}

# A whole number >= min, returned as integer.
check_count <- function(x, arg, min = 1L, call = NULL) {
  if (!is_whole(x) || x < min || x > .Machine$integer.max) {
    abort(sprintf("`%s` must be a whole number of at least %d, not %s.",
                  arg, min, describe(x)), call)
  }
  as.integer(x)
}

check_flag <- function(x, arg, call = NULL) {
  if (!is.logical(x) || length(x) != 1L || is.na(x)) {
    abort(sprintf("`%s` must be TRUE or FALSE, not %s.", arg, describe(x)), call)
  }
  x
}

# work: about the flops of one pass of the call (n k d for a fit). A small
# call runs on one thread (small_threads()); the machine's load is read only
# for calls big enough to run a region on more than one thread.
check_threads <- function(threads, call = NULL, work = Inf) {
  if (!is.null(threads)) threads <- check_count(threads, "threads", call = call)
  if (work < small_threads_work) return(1L)
  resolve_threads(threads, work)
}

# One of `choices`; the whole vector (a signature default such as
# c("auto", "lloyd")) means the first when `default_ok`.
check_choice <- function(x, choices, arg, call = NULL, default_ok = FALSE) {
  if (!is.character(x) || length(x) < 1L || anyNA(x)) {
    abort(sprintf("`%s` must be one of %s, not %s.", arg,
                  paste0("\"", choices, "\"", collapse = ", "), describe(x)), call)
  }
  if (default_ok && identical(x, choices)) return(choices[[1L]])
  if (length(x) != 1L || !(x %in% choices)) {
    abort(sprintf("`%s` must be one of %s, not %s.", arg,
                  paste0("\"", choices, "\"", collapse = ", "), describe(x)), call)
  }
  x
}

# bit64's integer64 keeps its integers in the bits of doubles: read as
# doubles they are nonsense (1 reads as 4.9e-324). Converted through bit64's
# own as.double() (its namespace is loaded wherever such values exist);
# integers beyond 2^53 have no exact double, and are an error.
from_integer64 <- function(x, arg, call) {
  if (!inherits(x, "integer64")) return(x)
  if (!requireNamespace("bit64", quietly = TRUE)) {
    abort(sprintf("`%s` is bit64::integer64 and bit64 is not installed to convert it; convert it with as.numeric().",
                  arg), call)
  }
  v <- suppressWarnings(as.double(x)) # bit64 warns of lost precision; checked next
  if (any(abs(v) > 2^53, na.rm = TRUE)) {
    abort(sprintf("`%s` holds integer64 values beyond 2^53, which doubles cannot represent exactly.",
                  arg), call)
  }
  attributes(v) <- attributes(unclass(x))
  v
}

# X as a double matrix, with its dimnames, or an error naming `arg`.
# Classed numbers: integer64 is converted; classes whose is.numeric() is
# FALSE (Date, POSIXct, difftime, factor) are refused; other numeric classes
# (such as units) are taken as their numbers.
as_data_matrix <- function(X, arg = "X", call = NULL) {
  # the common cases first, cheaply: a double matrix with no class, and a
  # data frame of plain numeric columns
  if (is.double(X) && is.matrix(X) && !is.object(X)) return(finite_rows(X, arg, call))
  if (is.data.frame(X) && length(X) > 0L && plain_numeric_columns(X)) {
    rn <- if (.row_names_info(X) > 0L) row.names(X) else NULL
    X <- matrix(as.double(unlist(X, use.names = FALSE)), nrow(X), length(X),
                dimnames = list(rn, names(X)))
    return(finite_rows(X, arg, call))
  }
  if (inherits(X, "dist")) {
    abort(sprintf("`%s` is a dist object (distances between rows), and k-means needs the rows' coordinates. To cluster from distances use k-medoids: ckm_kmedoids(%s, k); to take the n x n distances as coordinates, as stats::kmeans() does, give as.matrix(%s).",
                  arg, arg, arg), call)
  }
  X <- from_integer64(X, arg, call)
  if (is.data.frame(X)) {
    for (j in seq_along(X)) {
      X[[j]] <- from_integer64(X[[j]], sprintf("%s$%s", arg, names(X)[j]), call)
    }
  }
  if (is.numeric(X) && length(dim(X)) == 1L) {
    # a 1-d array (from table() or array()): a vector, as stats::kmeans takes it
    nm <- dimnames(X)[[1L]]
    X <- as.vector(X)
    names(X) <- nm
  }
  if (is.data.frame(X)) {
    bad <- !vapply(X, function(col) is.numeric(col) && is.null(dim(col)), logical(1))
    if (any(bad)) {
      abort(sprintf("`%s` must have only numeric columns; not numeric: %s.", arg,
                    paste0("`", names(X)[bad], "`", collapse = ", ")), call)
    }
    rn <- if (.row_names_info(X) > 0L) row.names(X) else NULL
    X <- if (ncol(X) > 0L) as.matrix(X) else matrix(numeric(), nrow(X), 0L)
    rownames(X) <- rn
  } else if (is.numeric(X) && is.null(dim(X))) {
    if (length(X) > .Machine$integer.max) {
      abort(sprintf("`%s` is a vector of %.0f values, more rows than R allows (2^31 - 1); give a matrix with several columns.",
                    arg, length(X)), call)
    }
    nm <- names(X)
    X <- matrix(X, ncol = 1L)
    if (!is.null(nm)) rownames(X) <- nm
  } else if (!is.matrix(X) || !is.numeric(X)) {
    abort(sprintf("`%s` must be a numeric matrix, vector or data frame, not %s.",
                  arg, describe(X)), call)
  }
  if (storage.mode(X) != "double") storage.mode(X) <- "double"
  finite_rows(X, arg, call)
}

# Columns that are double or integer vectors with no attributes (no class,
# no dim): their numbers are what they are.
plain_numeric_columns <- function(X) {
  for (col in X) {
    if (!(is.double(col) || is.integer(col)) || !is.null(attributes(col))) return(FALSE)
  }
  TRUE
}

# X (a double matrix with rows and columns) if it holds no NA, NaN or
# infinite value; else an error naming the first.
finite_rows <- function(X, arg, call) {
  if (nrow(X) == 0L || ncol(X) == 0L) {
    abort(sprintf("`%s` must have at least one row and one column, not %d x %d.",
                  arg, nrow(X), ncol(X)), call)
  }
  bad <- .Call(ffi_first_nonfinite, X)
  if (bad > 0) {
    i <- (bad - 1) %% nrow(X) + 1
    j <- (bad - 1) %/% nrow(X) + 1
    abort(sprintf("`%s` must not contain NA, NaN or infinite values (found %s at row %.0f, column %.0f).",
                  arg, format(X[[bad]]), i, j), call)
  }
  X
}

# Can these column names be matched by name? (none missing, empty or repeated)
names_usable <- function(nm) {
  !is.null(nm) && !anyNA(nm) && all(nzchar(nm)) && !anyDuplicated(nm)
}

# The columns of `newdata` in the order of the fitted centres: by name when
# both sides have usable names, else by position.
match_columns <- function(newdata, centers, call, arg = "newdata") {
  cn <- colnames(centers)
  nn <- colnames(newdata)
  # the common case at once: the fit's own column names, in its order
  if (!is.null(nn) && identical(nn, cn)) return(newdata)
  d <- ncol(centers)
  if (names_usable(cn) && !is.null(nn)) {
    if (!names_usable(nn)) {
      bad <- nn[is.na(nn) | !nzchar(nn) | duplicated(nn)][[1L]]
      abort(sprintf("`%s` has a column name that is %s, so its columns cannot be matched to the fitted ones by name.",
                    arg, if (is.na(bad)) "NA" else if (!nzchar(bad)) "empty"
                         else sprintf("repeated (`%s`)", bad)), call)
    }
    missing_cols <- setdiff(cn, nn)
    if (length(missing_cols)) {
      abort(sprintf("`%s` lacks column%s %s of the fitted data.", arg,
                    if (length(missing_cols) == 1L) "" else "s",
                    paste0("`", missing_cols, "`", collapse = ", ")), call)
    }
    return(newdata[, cn, drop = FALSE])
  }
  if (ncol(newdata) != d) {
    abort(sprintf("`%s` must have %d column%s, as the fitted data had, not %d.",
                  arg, d, if (d == 1L) "" else "s", ncol(newdata)), call)
  }
  newdata
}

# A fit passed to a method: the fields the method reads must be what a fit
# makes (a user may have edited them). `fields`: which to check.
check_fit_object <- function(object, call, arg = "object",
                             fields = c("centers", "cluster")) {
  if (!is.list(object)) {
    abort(sprintf("`%s` must be a fit (a list), not %s.", arg, describe(object)), call)
  }
  C <- object$centers
  if (!is.matrix(C) || !is.numeric(C) || nrow(C) < 1L || ncol(C) < 1L) {
    abort(sprintf("`%s$centers` must be a numeric matrix with at least one row and one column, not %s.",
                  arg, describe(C)), call)
  }
  if (!all(is.finite(C))) {
    abort(sprintf("`%s$centers` must not contain NA, NaN or infinite values.", arg), call)
  }
  k <- nrow(C)
  if ("cluster" %in% fields) {
    cl <- object$cluster
    if (!is.numeric(cl) || !is.null(dim(cl)) || length(cl) < 1L || anyNA(cl) ||
        any(cl != round(cl)) || any(cl < 1) || any(cl > k)) {
      abort(sprintf("`%s$cluster` must be a vector of cluster numbers between 1 and nrow(%s$centers) = %d.",
                    arg, arg, k), call)
    }
  }
  cond <- object$conditioning
  if (!is.null(cond)) {
    d <- ncol(C)
    ok <- is.list(cond) &&
      (is.null(cond$shift) || (is.numeric(cond$shift) && length(cond$shift) == d &&
                                 all(is.finite(cond$shift)))) &&
      is.numeric(cond$e) && length(cond$e) == 1L && is_whole(cond$e) && abs(cond$e) <= 1100
    if (!ok) {
      abort(sprintf("`%s$conditioning` must be NULL or a list of `shift` (NULL or %d finite numbers) and a whole power of two `e`; it was edited or is not ckm's.",
                    arg, d), call)
    }
  }
  check_scaling(object, call)
  if ("size" %in% fields) {
    for (f in c("size", "withinss")) {
      v <- object[[f]]
      if (!is.numeric(v) || length(v) != k || anyNA(v)) {
        abort(sprintf("`%s$%s` must have one number per centre (%d), not %s.",
                      arg, f, k, describe(v)), call)
      }
    }
  }
  invisible(object)
}

# A fit's `scaling` (scale = TRUE): NULL, or d finite centres and d
# positive scales. Returns it.
check_scaling <- function(object, call) {
  sc <- object$scaling
  if (is.null(sc)) return(NULL)
  d <- ncol(object$centers)
  ok <- is.list(sc) && is.numeric(sc$center) && is.numeric(sc$scale) &&
    length(sc$center) == d && length(sc$scale) == d && all(is.finite(sc$center)) &&
    all(is.finite(sc$scale)) && all(sc$scale > 0)
  if (!ok) {
    abort(sprintf("The fit's `scaling` must be NULL or a list of %d finite `center` and %d positive `scale` values.",
                  d, d), call)
  }
  sc
}

check_k <- function(k, n, call) {
  if (!is_whole(k) || k < 1 || k > n) {
    abort(sprintf("`k` must be a whole number between 1 and nrow(X) = %d, not %s.",
                  n, describe(k)), call)
  }
  as.integer(k)
}

# The algorithms a fit may ask for.
algorithms <- c("auto", "lloyd", "hamerly", "yinyang", "hartigan", "hartigan-wong")

# Restarts: by default default_n_init() (R/starts.R); exactly 1 from a
# matrix of centres.
check_n_init <- function(n_init, init_method, call, n, d, k) {
  if (is.null(n_init)) return(default_n_init(init_method, n, d, k))
  n_init <- check_count(n_init, "n_init", call = call)
  if (init_method == "matrix" && n_init != 1L) {
    abort(sprintf("`n_init` must be 1 when `init` is a matrix of centres, not %d.", n_init), call)
  }
  n_init
}

check_tol <- function(tol, call) {
  if (!is.numeric(tol) || length(tol) != 1L || is.na(tol) || !is.finite(tol) || tol < 0) {
    abort(sprintf("`tol` must be a single number of at least 0, not %s.", describe(tol)), call)
  }
  as.double(tol)
}

# n: the rows available (nrow(X); in a fit over processes, all of them)
check_init_matrix <- function(init, X, k, call, n = nrow(X)) {
  init <- from_integer64(init, "init", call)
  if (is.data.frame(init)) {
    if (!all(vapply(init, is.numeric, logical(1)))) {
      abort("`init` must be a numeric matrix of starting centres.", call)
    }
    init <- as.matrix(init)
  }
  if (!is.numeric(init)) {
    abort(sprintf("`init` must be \"auto\", \"kmeans++\", \"greedy-kmeans++\", \"kmeans||\", \"random\" or a numeric matrix, not %s.",
                  describe(init)), call)
  }
  if (ncol(init) != ncol(X)) {
    abort(sprintf("`init` must have ncol(X) = %d columns, not %d.", ncol(X), ncol(init)), call)
  }
  if (nrow(init) < 1L || nrow(init) > n) {
    abort(sprintf("`init` must have between 1 and nrow(X) = %s rows, not %d.",
                  format(n), nrow(init)), call)
  }
  if (!missing(k) && !is.null(k)) {
    if (!is_whole(k) || k != nrow(init)) {
      abort(sprintf("`k` (%s) must equal nrow(init) = %d when `init` is a matrix.",
                    describe(k), nrow(init)), call)
    }
  }
  storage.mode(init) <- "double"
  if (!all(is.finite(init))) {
    abort("`init` must not contain NA, NaN or infinite values.", call)
  }
  if (anyDuplicated(init)) {
    abort(sprintf("`init` must have distinct rows; row %d repeats an earlier row.",
                  anyDuplicated(init)), call)
  }
  dimnames(init) <- NULL
  init
}

# The core's status codes, by name, from the C side (one table for both).
status_table <- function() {
  if (is.null(the$status)) the$status <- .Call(ffi_status_table)
  the$status
}

status_code <- function(name) {
  codes <- status_table()
  codes[[name]]
}

check_status <- function(status, call, weighted = FALSE) {
  if (status == 0L) return(invisible())
  codes <- status_table()
  what <- names(codes)[match(status, codes)]
  switch(if (is.na(what)) "unknown" else what,
    ok = invisible(),
    nonfinite = if (weighted) {
      abort("Weighted sums of squares overflow: the values of `X` or `weights` are too large; rescale them.", call)
    } else {
      abort("Squared distances overflow: the values of `X` are too large to cluster; rescale `X`.", call)
    },
    distinct = abort("`k` is larger than the number of distinct rows of `X`.", call),
    interrupted = abort("The fit was interrupted.", call),
    comm = abort("A collective operation between processes failed.", call),
    abort(sprintf("internal error: C core returned status %d.", status), call)
  )
}

init_methods <- c("auto", "kmeans++", "greedy-kmeans++", "random", "kmeans||")

# `init` and `k` of a fit: list(init (the checked matrix, or the method),
# k (checked), method ("matrix" or one of init_methods)). k is NULL when the
# caller's was missing.
resolve_init <- function(init, X, k, call, methods = init_methods) {
  if (is.matrix(init) || is.data.frame(init)) {
    init <- check_init_matrix(init, X, k, call)
    return(list(init = init, k = check_k(nrow(init), nrow(X), call), method = "matrix"))
  }
  if (is.null(k)) {
    abort("`k` is missing: give the number of clusters, or starting centres as a matrix `init`.", call)
  }
  method <- check_choice(init, methods, "init", call)
  list(init = method, k = check_k(k, nrow(X), call), method = method)
}

check_min_size <- function(min_size, n, k, call) {
  if (is.null(min_size)) return(NULL)
  if (!is_whole(min_size) || min_size < 1 || min_size * k > n) {
    abort(sprintf("`min_size` must be a whole number between 1 and nrow(X) / k = %s, not %s.",
                  format(n %/% k), describe(min_size)), call)
  }
  as.integer(min_size)
}

check_weights <- function(weights, n, call) {
  if (is.null(weights)) return(NULL)
  weights <- from_integer64(weights, "weights", call)
  if (!is.numeric(weights) || !is.null(dim(weights)) || length(weights) != n) {
    abort(sprintf("`weights` must be a numeric vector of length nrow(X) = %d, not %s.",
                  n, describe(weights)), call)
  }
  bad <- which(is.na(weights) | !is.finite(weights) | weights <= 0)
  if (length(bad)) {
    abort(sprintf("`weights` must be positive and finite; weights[%d] is %s. Drop rows of weight zero.",
                  bad[[1L]], format(weights[[bad[[1L]]]])), call)
  }
  storage.mode(weights) <- "double"
  attributes(weights) <- NULL
  weights
}

# Total weight of each of the k clusters.
cluster_weights <- function(weights, cluster, k) {
  out <- numeric(k)
  s <- rowsum(weights, cluster, reorder = TRUE)
  out[as.integer(rownames(s))] <- s[, 1L]
  out
}

# After a fit that relocated and did not converge: were there fewer
# distinct rows than clusters? (Then relocation goes round in circles.)
# unique() of a large X takes seconds: the first 4k rows usually settle it.
check_distinct_rows <- function(X, k, call) {
  m <- min(nrow(X), 4 * k)
  if (nrow(unique(X[seq_len(m), , drop = FALSE])) >= k) return(invisible())
  distinct <- nrow(unique(X))
  if (distinct < k) {
    abort(sprintf("`k` = %d is larger than the number of distinct rows of `X` (%d): some clusters must stay empty.",
                  k, distinct), call)
  }
}

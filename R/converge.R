# Watching a fit converge: the state after each Lloyd iteration from one
# start, drawn as a grid of panels beside the inertia trace.

#' Watch k-means converge, one iteration per panel
#'
#' Runs k-means from one start and keeps the state after each of the first
#' `iterations` iterations: the labels of that iteration's assignment and
#' the centres it moved to. `plot()` draws one panel per iteration (the
#' start first), points coloured by cluster, each centre with an arrow from
#' where it was, and the inertia trace in the last panel. Useful for small
#' two-dimensional data; with more columns the panels show the first two
#' principal components, as [plot.ckm()] does.
#'
#' The state after t iterations is the fit [ckm_fit()] returns with
#' `max_iter = t` from the same start and `tol = 0` (the core is
#' deterministic, so each is the continuation of the one before); the
#' sequence stops early when the labels stop changing.
#'
#' @param X The data, as for [ckm_fit()].
#' @param k Number of clusters (may be omitted when `init` is a matrix).
#' @param init `"random"` (the default: random starts show the most
#'   movement), `"kmeans++"`, or a k x d matrix of starting centres.
#' @param iterations The largest number of iterations to show.
#' @param algorithm,threads Passed to [ckm_fit()].
#' @return An object of class `ckm_converge`: a list with `start` (the
#'   starting centres), `fits` (the fit after 1, 2, ... iterations) and
#'   `trace` (the inertia of each). `plot()` draws it and returns it
#'   invisibly.
#' @export
#' @examples
#' set.seed(3)
#' b <- ckm_blobs(300, centers = 3, sd = 1.2)
#' cv <- ckm_converge(b$X, 3, iterations = 5, threads = 1)
#' plot(cv, b$X)
ckm_converge <- function(X, k, init = "random", iterations = 8L, algorithm = "lloyd",
                         threads = NULL) {
  ecall <- sys.call()
  X <- as_data_matrix(X, "X", ecall)
  iterations <- check_count(iterations, "iterations", call = ecall)
  threads <- check_threads(threads, ecall)
  if (is.matrix(init) || is.data.frame(init)) {
    start <- check_init_matrix(init, X, if (missing(k)) NULL else k, ecall)
  } else {
    init <- check_choice(init, c("random", "kmeans++"), "init", ecall)
    k <- check_k(k, nrow(X), ecall)
    start <- if (init == "random") seed_random(X, k, ecall) else seed_kmeanspp(X, k, threads, ecall)
  }
  # (not Hartigan and Wong's: its stages are not iterations to show)
  algorithm <- check_choice(algorithm, setdiff(algorithms, "hartigan-wong"), "algorithm", ecall)
  k <- nrow(start)
  # "auto" shows Lloyd's iterations here (made by the fastest algorithm);
  # "hartigan" adds its sweeps after them
  if (algorithm == "auto") algorithm <- choose_algorithm(nrow(X), ncol(X), k)
  engine <- fit_engine(algorithm, nrow(X), ncol(X), k, 0)

  # One run of the core, as ckm_fit(X, init = start, max_iter = iterations,
  # tol = 0) makes it, keeping the state after every iteration (the
  # snapshot hook): the fit ckm_fit() returns with max_iter = t is that
  # state, with its sums of squares, so each is built as ckm_fit() builds
  # its result.
  data <- fit_data(X, NULL, start)
  Xc <- data$X
  start_c <- data$init
  mom <- fit_moments(Xc, NULL, 0, threads, ecall)
  states <- list()
  keep <- function(iter, cluster, centers, relocated, converged) {
    states[[iter]] <<- list(cluster = cluster, centers = centers,
                            relocated = relocated, converged = converged)
  }
  z <- run_fit(Xc, start_c, NULL, iterations, 0, engine, kernel_code(), threads,
               FALSE, ecall, mom$moments, NULL, keep)
  fits <- lapply(seq_along(states), function(t) {
    st <- states[[t]]
    zt <- list(cluster = st$cluster, centers = st$centers,
               wss = .Call(ffi_wss, Xc, st$cluster, st$centers, NULL, threads),
               size = tabulate(st$cluster, k), iter = t, converged = st$converged,
               relocated = st$relocated, trace = z$trace[seq_len(t)], start = start_c)
    fit_result(zt, X, data, mom$totss, "matrix", 1L, algorithm, threads)
  })
  structure(list(start = start, fits = fits, trace = fits[[length(fits)]]$trace),
            class = "ckm_converge")
}

#' @export
print.ckm_converge <- function(x, ...) {
  last <- x$fits[[length(x$fits)]]
  cat(sprintf("k-means from one start, %d iteration%s kept%s\n", length(x$fits),
              if (length(x$fits) == 1L) "" else "s",
              if (isTRUE(last$converged)) " (converged)" else " (not yet converged)"))
  cat("Inertia by iteration:", format(x$trace, digits = 6), "\n")
  invisible(x)
}

#' @rdname ckm_converge
#' @param x A `ckm_converge` result.
#' @param data For `plot()`: the data `X` (the result does not keep it).
#' @param ... Unused.
#' @export
plot.ckm_converge <- function(x, data = NULL, ...) {
  ecall <- sys.call()
  if (is.null(data)) abort("`data` is needed to plot the steps: plot(steps, X).", ecall)
  data <- as_data_matrix(data, "data", ecall)
  first <- x$fits[[1]]
  if (nrow(data) != length(first$cluster) || ncol(data) != ncol(x$start)) {
    abort(sprintf("`data` must be the %d x %d matrix the steps were computed on.",
                  length(first$cluster), ncol(x$start)), ecall)
  }
  pl <- plane(data)
  project <- pl$project
  labs <- pl$labels
  P <- project(data)
  k <- nrow(x$start)
  col <- cluster_colours(k)
  panels <- length(x$fits) + 2L # the start, each iteration, the trace
  nc <- ceiling(sqrt(panels))
  op <- graphics::par(mfrow = c(ceiling(panels / nc), nc), mar = c(3, 3, 2, 1), mgp = c(1.8, 0.6, 0))
  on.exit(graphics::par(op))
  draw_centres <- function(C) {
    graphics::points(C[, 1], C[, 2], pch = 4, cex = 2, lwd = 4, col = "white")
    graphics::points(C[, 1], C[, 2], pch = 4, cex = 1.8, lwd = 2.5, col = "black")
  }
  prev <- project(x$start)
  graphics::plot(P[, 1], P[, 2], col = "grey60", pch = 19, cex = 0.5, xlab = labs[1],
                 ylab = labs[2], main = "start")
  draw_centres(prev)
  for (t in seq_along(x$fits)) {
    f <- x$fits[[t]]
    C <- project(f$centers)
    graphics::plot(P[, 1], P[, 2], col = col[f$cluster], pch = 19, cex = 0.5, xlab = labs[1],
                   ylab = labs[2], main = sprintf("iteration %d: %.4g", t, f$trace[t]))
    moved <- rowSums((C - prev)^2) > 0
    draw_centres(C)
    if (any(moved)) {
      # the head stops short of the new centre, so its cross does not hide it
      end <- prev + (C - prev) * 0.8
      graphics::arrows(prev[moved, 1], prev[moved, 2], end[moved, 1], end[moved, 2],
                       length = 0.08, angle = 25, lwd = 1.8)
    }
    prev <- C
  }
  graphics::plot(seq_along(x$trace), x$trace, type = "b", pch = 19, xlab = "iteration",
                 ylab = "inertia", main = "inertia")
  invisible(x)
}

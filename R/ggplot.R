# ggplot2 views of ckm results: autoplot() methods and the data frames they
# draw (fortify()), for users who build their own plots. ggplot2 is in
# Suggests; the methods are registered when ggplot2 is loaded (NAMESPACE's
# S3method(ggplot2::autoplot, ...)). Base-graphics plot() methods remain for
# installs without it.

need_ggplot2 <- function(call) {
  if (!requireNamespace("ggplot2", quietly = TRUE)) {
    abort("This needs the ggplot2 package: install.packages(\"ggplot2\").", call)
  }
}

#' ggplot2 plots of ckm results
#'
#' `autoplot()` methods for the objects ckm returns, and `fortify()` for a
#' fit: the data frame the cluster plot draws, for plots of your own. They
#' need ggplot2 (base-graphics [plot()] methods draw the same without it).
#'
#' * A fit ([ckm_fit()]): the points coloured by cluster with the centres
#'   marked, in the plane of the first two columns or, with more columns,
#'   of the first two principal components (`what = "clusters"`, needs
#'   `data`); or the inertia after each iteration (`what = "trace"`).
#' * An elbow ([ckm_elbow()]): inertia against k with the knee marked, and
#'   the mean silhouette with its best k marked, one facet each.
#' * A convergence run ([ckm_converge()]): one facet per iteration, centres
#'   with a segment from where they were.
#' * A silhouette ([ckm_silhouette()]): each point's width, sorted within
#'   its cluster, the mean as a dashed line.
#' * A gap statistic ([ckm_gap()]): the gap against k with one standard
#'   error either side, the chosen k marked.
#'
#' @param object A `ckm` fit, `ckm_elbow`, `ckm_converge`,
#'   `ckm_silhouette` or `ckm_gap` result.
#' @param model A `ckm` fit.
#' @param data The data the model was fitted to (the fit keeps no copy).
#' @param what For a fit: `"clusters"` or `"trace"`.
#' @param ... Unused.
#' @return `autoplot()`: a ggplot object. `fortify()`: a data frame with the
#'   columns of `data`, `.cluster` (a factor), `.distance` (the squared
#'   distance to the point's centre), and `.x`, `.y` (the point in the
#'   plotting plane).
#' @name ckm_autoplot
#' @examples
#' if (requireNamespace("ggplot2", quietly = TRUE)) {
#'   library(ggplot2)
#'   fit <- ckm_fit(iris[, 1:4], 3, threads = 1)
#'   autoplot(fit, iris[, 1:4])
#'   head(fortify(fit, iris[, 1:4]))
#'   autoplot(ckm_elbow(iris[, 1:4], k = 1:6, threads = 1))
#'   autoplot(ckm_silhouette(iris[, 1:4], fit, threads = 1))
#' }
NULL

#' @rdname ckm_autoplot
#' @exportS3Method ggplot2::fortify
fortify.ckm <- function(model, data, ...) {
  ecall <- sys.call()
  check_fit_object(model, ecall, "model")
  if (missing(data) || is.null(data)) abort("`data` is needed: fortify(fit, X).", ecall)
  X <- fit_space(model, data, ecall, "data")
  if (nrow(X) != length(model$cluster)) {
    abort(sprintf("`data` must have the %d rows the model was fitted to, not %d.",
                  length(model$cluster), nrow(X)), ecall)
  }
  P <- plane(X)$project(X)
  out <- if (is.data.frame(data)) data else as.data.frame(as_data_matrix(data, "data", ecall))
  C <- model$centers[model$cluster, , drop = FALSE]
  out$.cluster <- factor(model$cluster, levels = seq_len(nrow(model$centers)))
  out$.distance <- rowSums((X - C)^2)
  out$.x <- P[, 1]
  out$.y <- P[, 2]
  out
}

#' @rdname ckm_autoplot
#' @exportS3Method ggplot2::autoplot
autoplot.ckm <- function(object, data = NULL, what = c("clusters", "trace"), ...) {
  ecall <- sys.call()
  need_ggplot2(ecall)
  what <- check_choice(what, c("clusters", "trace"), "what", ecall, default_ok = TRUE)
  .data <- ggplot2::.data
  if (what == "trace") {
    tr <- data.frame(iteration = seq_along(object$trace), inertia = object$trace)
    return(ggplot2::ggplot(tr, ggplot2::aes(.data$iteration, .data$inertia)) +
             ggplot2::geom_line() + ggplot2::geom_point() +
             ggplot2::labs(title = sprintf("Inertia by iteration (%s)", object$algorithm)))
  }
  if (is.null(data)) abort("`data` is needed to plot the clusters: autoplot(fit, X).", ecall)
  pts <- fortify.ckm(object, data)
  pl <- plane(fit_space(object, data, ecall, "data"))
  C <- pl$project(object$centers)
  cen <- data.frame(.x = C[, 1], .y = C[, 2], .cluster = factor(seq_len(nrow(C))))
  ggplot2::ggplot(pts, ggplot2::aes(.data$.x, .data$.y, colour = .data$.cluster)) +
    ggplot2::geom_point(size = 1, alpha = 0.8) +
    ggplot2::geom_point(data = cen, shape = 4, size = 5, stroke = 2, colour = "black") +
    ggplot2::labs(x = pl$labels[1], y = pl$labels[2], colour = "cluster")
}

#' @rdname ckm_autoplot
#' @exportS3Method ggplot2::autoplot
autoplot.ckm_elbow <- function(object, ...) {
  need_ggplot2(sys.call())
  .data <- ggplot2::.data
  panels <- c(inertia = "inertia", silhouette = "mean silhouette width", gap = "gap statistic")
  long <- data.frame(k = object$k, value = object$inertia, panel = panels[["inertia"]])
  marks <- data.frame(k = attr(object, "k_knee"), panel = panels[["inertia"]])
  if (!is.null(object$silhouette) && any(!is.na(object$silhouette))) {
    long <- rbind(long, data.frame(k = object$k, value = object$silhouette,
                                   panel = panels[["silhouette"]]))
    marks <- rbind(marks, data.frame(k = attr(object, "k_silhouette"), panel = panels[["silhouette"]]))
  }
  if (!is.null(object$gap)) {
    long <- rbind(long, data.frame(k = object$k, value = object$gap, panel = panels[["gap"]]))
    marks <- rbind(marks, data.frame(k = attr(object, "k_gap"), panel = panels[["gap"]]))
  }
  long$panel <- factor(long$panel, panels)
  marks <- marks[!is.na(marks$k), , drop = FALSE]
  marks$value <- long$value[match(paste(marks$k, marks$panel), paste(long$k, long$panel))]
  marks$panel <- factor(marks$panel, panels)
  p <- ggplot2::ggplot(long[!is.na(long$value), ], ggplot2::aes(.data$k, .data$value)) +
    ggplot2::geom_line() + ggplot2::geom_point() +
    ggplot2::geom_vline(data = marks, ggplot2::aes(xintercept = .data$k), linetype = 2, colour = "red") +
    ggplot2::geom_point(data = marks, shape = 1, size = 6, stroke = 1.2, colour = "red") +
    ggplot2::facet_wrap(ggplot2::vars(.data$panel), scales = "free_y") +
    ggplot2::labs(x = "k", y = NULL, title = if (is.null(object$gap)) {
      "Choosing k: the knee and the best silhouette"
    } else "Choosing k: the knee, the best silhouette and the gap")
  if (!is.null(object$gap)) {
    bars <- data.frame(k = object$k, lo = object$gap - object$gap_se, hi = object$gap + object$gap_se,
                       panel = factor(panels[["gap"]], panels))
    p <- p + ggplot2::geom_errorbar(data = bars, ggplot2::aes(x = .data$k, ymin = .data$lo, ymax = .data$hi),
                                    inherit.aes = FALSE, width = 0.2)
  }
  if (attr(object, "curve") == "log" && all(object$inertia > 0)) {
    p <- p + ggplot2::labs(subtitle = "knee found on the log of the inertia")
  }
  p
}

#' @rdname ckm_autoplot
#' @exportS3Method ggplot2::autoplot
autoplot.ckm_converge <- function(object, data = NULL, ...) {
  ecall <- sys.call()
  need_ggplot2(ecall)
  .data <- ggplot2::.data
  if (is.null(data)) abort("`data` is needed to plot the steps: autoplot(steps, X).", ecall)
  X <- as_data_matrix(data, "data", ecall)
  if (nrow(X) != length(object$fits[[1]]$cluster) || ncol(X) != ncol(object$start)) {
    abort(sprintf("`data` must be the %d x %d matrix the steps were computed on.",
                  length(object$fits[[1]]$cluster), ncol(object$start)), ecall)
  }
  pl <- plane(X)
  P <- pl$project(X)
  steps <- length(object$fits)
  title <- function(t) if (t == 0) "start" else sprintf("iteration %d: %.4g", t, object$trace[t])
  lev <- vapply(0:steps, title, "")
  pts <- do.call(rbind, lapply(0:steps, function(t) {
    data.frame(.x = P[, 1], .y = P[, 2], step = lev[t + 1],
               .cluster = if (t == 0) NA_character_ else as.character(object$fits[[t]]$cluster))
  }))
  centres <- c(list(object$start), lapply(object$fits, `[[`, "centers"))
  moves <- do.call(rbind, lapply(0:steps, function(t) {
    now <- pl$project(centres[[t + 1]])
    before <- pl$project(centres[[max(t, 1)]])
    data.frame(.x = now[, 1], .y = now[, 2], .xend = before[, 1], .yend = before[, 2], step = lev[t + 1])
  }))
  pts$step <- factor(pts$step, lev)
  moves$step <- factor(moves$step, lev)
  ggplot2::ggplot(pts, ggplot2::aes(.data$.x, .data$.y)) +
    ggplot2::geom_point(ggplot2::aes(colour = .data$.cluster), size = 0.6, show.legend = FALSE) +
    ggplot2::geom_segment(data = moves, ggplot2::aes(x = .data$.xend, y = .data$.yend,
                                                     xend = .data$.x, yend = .data$.y),
                          arrow = ggplot2::arrow(length = ggplot2::unit(0.08, "inches"))) +
    ggplot2::geom_point(data = moves, shape = 4, size = 3, stroke = 1.5) +
    ggplot2::facet_wrap(ggplot2::vars(.data$step)) +
    ggplot2::labs(x = pl$labels[1], y = pl$labels[2])
}

#' @rdname ckm_autoplot
#' @exportS3Method ggplot2::autoplot
autoplot.ckm_silhouette <- function(object, ...) {
  need_ggplot2(sys.call())
  .data <- ggplot2::.data
  label <- object$levels[object$cluster]
  lev <- sort(unique(label))
  ord <- order(match(label, lev), -object$width)
  df <- data.frame(rank = seq_along(ord), width = object$width[ord],
                   cluster = factor(label[ord], lev))
  ggplot2::ggplot(df, ggplot2::aes(.data$rank, .data$width, fill = .data$cluster)) +
    ggplot2::geom_col(width = 1) +
    ggplot2::geom_hline(yintercept = object$mean, linetype = 2) +
    ggplot2::labs(x = "points, sorted within cluster", y = "silhouette width",
                  title = sprintf("Silhouette (%s): mean %.3f", object$method, object$mean))
}

#' @rdname ckm_autoplot
#' @exportS3Method ggplot2::autoplot
autoplot.ckm_gap <- function(object, ...) {
  need_ggplot2(sys.call())
  .data <- ggplot2::.data
  df <- data.frame(k = object$k, gap = object$gap, lo = object$gap - object$SE.sim,
                   hi = object$gap + object$SE.sim)
  kg <- attr(object, "k_gap")
  ggplot2::ggplot(df, ggplot2::aes(.data$k, .data$gap)) +
    ggplot2::geom_errorbar(ggplot2::aes(ymin = .data$lo, ymax = .data$hi), width = 0.2) +
    ggplot2::geom_line() + ggplot2::geom_point() +
    ggplot2::geom_vline(xintercept = kg, linetype = 2, colour = "darkgreen") +
    ggplot2::labs(x = "k", y = "Gap(k)", title = "Gap statistic",
                  subtitle = sprintf("k = %d chosen (%s); bars: one standard error", kg,
                                     attr(object, "method")))
}

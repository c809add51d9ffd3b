# ckm as an engine of tidyclust's k_means(): registered when tidyclust is
# loaded (tidyclust is in Suggests, never required), the way tidyclust
# registers its own "stats" and "ClusterR" engines (through modelenv).
#
#   k_means(num_clusters = 3) |> set_engine("ckm", init = "random", n_init = 5)

register_tidyclust_engine <- function(...) {
  if (!requireNamespace("modelenv", quietly = TRUE)) return(invisible(FALSE))
  if ("ckm" %in% modelenv::get_model_env()$k_means$engine) return(invisible(TRUE))
  modelenv::set_model_engine("k_means", "partition", "ckm")
  modelenv::set_dependency(model = "k_means", mode = "partition", eng = "ckm", pkg = "ckm")
  modelenv::set_fit(
    model = "k_means", eng = "ckm", mode = "partition",
    value = list(interface = "matrix", data = c(x = "data"), protect = c("data", "k"),
                 func = c(pkg = "ckm", fun = ".ckm_fit_tidyclust"), defaults = list())
  )
  modelenv::set_encoding(
    model = "k_means", eng = "ckm", mode = "partition",
    options = list(predictor_indicators = "traditional", compute_intercept = TRUE,
                   remove_intercept = TRUE, allow_sparse_x = FALSE)
  )
  modelenv::set_model_arg(
    model = "k_means", eng = "ckm", exposed = "num_clusters", original = "k",
    func = list(pkg = "dials", fun = "num_clusters"), has_submodel = FALSE
  )
  modelenv::set_pred(
    model = "k_means", eng = "ckm", mode = "partition", type = "cluster",
    value = list(pre = NULL, post = NULL, func = c(pkg = "ckm", fun = ".ckm_predict_tidyclust"),
                 args = list(object = quote(object$fit), new_data = quote(new_data)))
  )
  invisible(TRUE)
}

#' tidyclust engine functions
#'
#' The fit and predict functions behind `set_engine("ckm")` for
#' tidyclust's `k_means()`; call them through tidyclust, not directly. The
#' fit is [ckm_fit()] with its clusters numbered in order of first
#' appearance, as tidyclust's other engines number theirs; engine arguments
#' (`init`, `n_init`, `max_iter`, `tol`, `algorithm`, `threads`, `scale`,
#' ...) go to [ckm_fit()].
#'
#' @param data The predictors, a matrix.
#' @param k The number of clusters (tidyclust's `num_clusters`).
#' @param ... Engine arguments, passed to [ckm_fit()].
#' @param object A fit made by `.ckm_fit_tidyclust()`.
#' @param new_data New observations.
#' @param prefix,labels Cluster names: `prefix` followed by the number, or
#'   `labels`.
#' @return `.ckm_fit_tidyclust()`: a `ckm` fit. `.ckm_predict_tidyclust()`:
#'   a factor of cluster names.
#' @keywords internal
#' @export
.ckm_fit_tidyclust <- function(data, k = NULL, ...) {
  ecall <- sys.call()
  if (is.null(k)) abort("`num_clusters` must be set to fit a k-means model.", ecall)
  fit <- ckm_fit(data, k, ...)
  fit <- number_by_appearance(fit)
  attr(fit, "training_data") <- data
  fit
}

#' @rdname dot-ckm_fit_tidyclust
#' @export
.ckm_predict_tidyclust <- function(object, new_data, prefix = "Cluster_", labels = NULL) {
  k <- nrow(object$centers)
  names <- if (is.null(labels)) paste0(prefix, seq_len(k)) else labels[seq_len(k)]
  factor(unname(predict(object, new_data)), levels = seq_len(k), labels = names)
}

# Clusters renumbered so that cluster 1 is that of the first row, 2 the next
# new one, and so on; every per-cluster field follows.
number_by_appearance <- function(fit) {
  seen <- unique(fit$cluster)
  k <- nrow(fit$centers)
  old <- c(seen, setdiff(seq_len(k), seen)) # empty clusters (none, normally) last
  fit$cluster[] <- match(fit$cluster, old)
  fit$centers <- fit$centers[old, , drop = FALSE]
  rownames(fit$centers) <- seq_len(k)
  fit$withinss <- fit$withinss[old]
  fit$size <- fit$size[old]
  if (!is.null(fit$weight)) fit$weight <- fit$weight[old]
  if (is.list(fit$conditioning) && is.matrix(fit$conditioning$centers)) {
    fit$conditioning$centers <- fit$conditioning$centers[old, , drop = FALSE]
  }
  fit
}

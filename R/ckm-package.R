#' ckm: fast exact k-means clustering in C with OpenMP
#'
#' [ckm_fit()] fits k-means with a C core, k-means++ or random seeding,
#' restarts and empty-cluster relocation, and returns a `kmeans` object.
#' The number of threads is set by [ckm_threads()]; results do not depend on
#' it.
#'
#' @keywords internal
#' @useDynLib ckm, .registration = TRUE
#' @importFrom stats fitted predict
"_PACKAGE"

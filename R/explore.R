#' Explore k-means in the browser
#'
#' Starts a Shiny app that shows k-means at work: choose a data set (blobs,
#' moons, rings, unequal sizes, stretched blobs, your own data or an
#' uploaded CSV and its columns), k, the seeding and the algorithm, then
#' step through Lloyd's iterations or animate them, with the inertia after
#' each iteration beside the points. Reproduce the classic failures (two
#' starting centres in one blob, moons, rings) and download the labels. A
#' second tab draws the elbow and the mean silhouette over a range of k
#' ([ckm_elbow()]); a third shows benchmark results (runtime, memory, CPU
#' time and quality by method): the package's stored grid, an uploaded CSV,
#' or a small benchmark run on the spot against [stats::kmeans()].
#'
#' The states the app steps through are those of [ckm_converge()]: for
#' generated data, `set.seed(seed)`, then the generator, then
#' `ckm_converge(X, k, init, iterations, algorithm)`; for other data,
#' `set.seed(seed)` before `ckm_converge()`.
#'
#' @param data Optional data to explore (a numeric matrix or data frame),
#'   offered as "your data".
#' @param port,host,launch.browser Passed to [shiny::runApp()].
#' @return Nothing; runs until the app is stopped.
#' @export
#' @examples
#' if (interactive() && requireNamespace("shiny", quietly = TRUE)) {
#'   ckm_explore()
#'   ckm_explore(iris[, 1:4])
#' }
ckm_explore <- function(data = NULL, port = getOption("shiny.port"), host = "127.0.0.1",
                        launch.browser = interactive()) {
  ecall <- sys.call()
  if (!requireNamespace("shiny", quietly = TRUE)) {
    abort("ckm_explore() needs the shiny package: install.packages(\"shiny\").", ecall)
  }
  if (!is.null(data)) data <- as_data_matrix(data, "data", ecall) # also rejects NA, NaN, Inf
  app_dir <- system.file("explorer", package = "ckm")
  if (!nzchar(app_dir)) abort("The explorer app is missing from the installed ckm.", ecall)
  shiny::shinyOptions(ckm.data = data)
  shiny::runApp(app_dir, port = port, host = host, launch.browser = launch.browser)
}

# The explorer app's server, driven without a browser (shiny::testServer);
# tools/browser drives it in a real one.

explorer_dir <- function() system.file("explorer", package = "ckm")

test_that("the explorer steps through ckm_converge()'s states", {
  skip_if_not_installed("shiny")
  shiny::testServer(explorer_dir(), {
    session$setInputs(dataset = "blobs", n = 300, k = 4, init = "random", algorithm = "lloyd",
                      seed = 4, max_iter = 30, speed = 100, scale = TRUE)
    # the reference: the documented recipe, with the package's public functions
    set.seed(4)
    d <- ckm_blobs(300, centers = 3, sd = 1)
    ref <- ckm_converge(d$X, 4, init = "random", iterations = 30)
    expect_identical(run()$cv$start, ref$start)
    expect_identical(last(), length(ref$fits))
    expect_identical(step(), 0L)
    for (t in seq_along(ref$fits)) {
      session$setInputs(step = t)
      expect_identical(step(), t)
      expect_match(output$status$html, sprintf('data-inertia="%s"', sprintf("%.17g", ref$trace[t])),
                   fixed = TRUE)
    }
    session$setInputs(step = length(ref$fits) + 1L) # past the end: stays at the end
    expect_identical(step(), length(ref$fits))
    session$setInputs(back = 1)
    expect_identical(step(), length(ref$fits) - 1L)
    session$setInputs(reset = 1)
    expect_identical(step(), 0L)
    session$setInputs(end = 1)
    expect_identical(step(), length(ref$fits))
    # changing k (only) redraws the start right after the data again
    session$setInputs(k = 3, init = "kmeans++")
    set.seed(4)
    d <- ckm_blobs(300, centers = 3, sd = 1)
    ref3 <- ckm_converge(d$X, 3, init = "kmeans++", iterations = 30)
    expect_identical(step(), 0L)
    expect_identical(run()$cv$trace, ref3$trace)
  })
})

test_that("the explorer reads an uploaded CSV, its chosen columns, and offers the labels", {
  skip_if_not_installed("shiny")
  csv <- withr::local_tempfile(fileext = ".csv")
  utils::write.csv(iris, csv, row.names = FALSE)
  shiny::testServer(explorer_dir(), {
    session$setInputs(dataset = "upload a CSV", n = 400, k = 3, init = "kmeans++",
                      algorithm = "hamerly", seed = 9, max_iter = 50, speed = 100, scale = TRUE,
                      csv = list(datapath = csv, name = "iris.csv"))
    session$setInputs(columns = c("Petal.Length", "Petal.Width"))
    set.seed(9)
    ref <- ckm_converge(scale(as.matrix(iris[, c("Petal.Length", "Petal.Width")])), 3,
                        init = "kmeans++", iterations = 50, algorithm = "hamerly")
    expect_identical(run()$cv$trace, ref$trace)
    session$setInputs(end = 1)
    labels <- utils::read.csv(output$labels)
    expect_identical(labels$cluster, ref$fits[[length(ref$fits)]]$cluster)
    expect_named(labels, c("Petal.Length", "Petal.Width", "cluster"))
  })
})

test_that("the explorer's elbow tab is ckm_elbow() on the chosen data", {
  skip_if_not_installed("shiny")
  shiny::testServer(explorer_dir(), {
    session$setInputs(dataset = "blobs", n = 300, k = 3, init = "random", algorithm = "lloyd",
                      seed = 2, max_iter = 30, speed = 100, scale = TRUE,
                      k_range = c(1, 8), elbow_starts = 2, run_elbow = 1)
    set.seed(2)
    d <- ckm_blobs(300, centers = 3, sd = 1)
    set.seed(2)
    ref <- ckm_elbow(d$X, k = 1:8, n_init = 2)
    el <- elbow()
    expect_identical(el$k, 1:8)
    expect_identical(el$inertia, ref$inertia)
    expect_identical(el$silhouette, ref$silhouette)
    expect_match(output$elbow_status$html, sprintf('data-k-knee="%d"', attr(ref, "k_knee")), fixed = TRUE)
  })
})

test_that("the explorer's benchmark tab reads the stored results and runs its own", {
  skip_if_not_installed("shiny")
  shiny::testServer(explorer_dir(), {
    session$setInputs(bench_file = "grid.csv", seed = 1)
    expect_true(all(c("method", "median_s", "peak_mb") %in% names(bench_data())))
    session$setInputs(bn = 2000, bd = 4, bk = 5, run_bench = 1)
    b <- bench_data()
    expect_setequal(b$method, c("ckm auto", "ckm lloyd", "stats Lloyd", "stats Hartigan-Wong"))
    expect_true(all(b$median_s >= 0 & b$cpu_s >= 0 & b$peak_mb >= 0))
    # same start, same algorithm: ckm's Lloyd and stats' Lloyd agree on the truth
    expect_identical(b$ARI[b$method == "ckm lloyd"], b$ARI[b$method == "stats Lloyd"])
    # choosing stored results again shows them
    session$setInputs(bench_file = "grid.csv")
    expect_true("median_s" %in% names(bench_data()) && nrow(bench_data()) > 4L)
  })
})

test_that("ckm_explore() checks its data", {
  skip_if_not_installed("shiny")
  expect_snapshot(error = TRUE, {
    ckm_explore(data.frame(a = c(1, NA, 3)))
    ckm_explore("not data")
  })
})

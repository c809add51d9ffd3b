# Progress bars: quiet unless asked for (non-interactive sessions), on
# stderr when asked for, and never a change in any result.

stderr_of <- function(expr) {
  value <- NULL
  text <- utils::capture.output(value <- expr, type = "message")
  list(value = value, text = paste(text, collapse = "\n"))
}

calls <- list(
  fit = function(X) { set.seed(1); ckm_fit(X, 6, n_init = 4, threads = 2)[c("cluster", "centers", "trace")] },
  silhouette = function(X) ckm_silhouette(X[1:3000, ], rep(1:3, 1000), threads = 2)[c("width", "neighbor")],
  minibatch = function(X) { set.seed(2); ckm_minibatch(X, 6, threads = 2)[c("cluster", "centers", "trace")] },
  elbow = function(X) { set.seed(3); e <- ckm_elbow(X[1:2000, ], 1:4, threads = 2); unclass(e)[names(e)] }
)

test_that("progress is silent by default outside interactive sessions", {
  skip_if(interactive())
  withr::local_options(ckm.progress = NULL, ckm.progress_after = 0)
  set.seed(9)
  X <- matrix(rnorm(20000 * 3), ncol = 3)
  for (nm in names(calls)) {
    expect_identical(stderr_of(calls[[nm]](X))$text, "", label = nm)
  }
})

test_that("progress bars report on stderr and change no result", {
  set.seed(9)
  X <- matrix(rnorm(20000 * 3), ncol = 3)
  labels <- c(fit = "ckm_fit(): 4 starts", silhouette = "ckm_silhouette(): 3,000 points",
              minibatch = "ckm_minibatch(): up to", elbow = "ckm_elbow(): k = 1..4")
  for (nm in names(calls)) {
    quiet <- withr::with_options(list(ckm.progress = FALSE), stderr_of(calls[[nm]](X)))
    loud <- withr::with_options(list(ckm.progress = TRUE, ckm.progress_after = 0),
                                stderr_of(calls[[nm]](X)))
    expect_identical(quiet$text, "", label = nm)
    expect_match(loud$text, labels[[nm]], fixed = TRUE, label = nm)
    expect_match(loud$text, "100%", fixed = TRUE, label = nm)
    expect_match(loud$text, "s elapsed, (about [0-9.]+ (s|min)|none) left", label = nm)
    expect_identical(loud$value, quiet$value, label = nm)
  }
  # a bar appears only once the work has lasted ckm.progress_after seconds
  late <- withr::with_options(list(ckm.progress = TRUE, ckm.progress_after = 3600),
                              stderr_of(calls$fit(X)))
  expect_identical(late$text, "")
})

test_that("the bar shows the time spent and an estimate of the time left", {
  withr::local_options(ckm.progress = TRUE, ckm.progress_after = 0)
  p <- ckm:::progress_bar("work")
  out <- utils::capture.output(type = "message", {
    p$update(0.25)
    Sys.sleep(0.15)
    p$update(0.5)
    p$done()
  })
  text <- paste(out, collapse = "\n")
  expect_match(text, "work", fixed = TRUE)
  expect_match(text, " 25%", fixed = TRUE)
  expect_match(text, "100%  [0-9.]+ s elapsed, none left")
  # at half way after t seconds, about t seconds are left
  half <- regmatches(text, regexpr(" 50%  [0-9.]+ s elapsed, about [0-9.]+ s left", text))
  expect_length(half, 1L)
  nums <- as.numeric(regmatches(half, gregexpr("[0-9]+\\.[0-9]+", half))[[1]])
  expect_equal(nums[[1]], nums[[2]], tolerance = 0.11)
  expect_identical(ckm:::format_seconds(3.21), "3.2 s")
  expect_identical(ckm:::format_seconds(42.4), "42 s")
  expect_identical(ckm:::format_seconds(185), "3 min 05 s")
  expect_identical(ckm:::format_seconds(3725), "1 h 02 min")
})

# ckm as a tidyclust engine: tidyclust's own verbs on a ckm fit, against
# ckm_fit() from the same seed and stats::kmeans from the same start.

local_tidyclust <- function(env = parent.frame()) {
  # some of tidyclust's dependencies ask for the time zone on load, which
  # warns on machines without systemd when TZ is unset
  if (!nzchar(Sys.getenv("TZ"))) withr::local_envvar(TZ = "UTC", .local_envir = env)
  skip_if_not_installed("tidyclust")
  suppressPackageStartupMessages(requireNamespace("tidyclust", quietly = TRUE))
}

test_that("set_engine('ckm') fits, predicts and extracts like ckm_fit()", {
  local_tidyclust()
  spec <- tidyclust::set_engine(tidyclust::k_means(num_clusters = 3), "ckm", n_init = 5, threads = 2)
  set.seed(10)
  tc <- tidyclust::fit(spec, ~ ., data = iris[, 1:4])
  set.seed(10)
  ref <- ckm_fit(as.matrix(iris[, 1:4]), 3, n_init = 5, threads = 2)
  expect_s3_class(tc$fit, "ckm")
  # the same partition, clusters numbered by first appearance
  expect_identical(ckm_ari(tc$fit$cluster, ref$cluster), 1)
  expect_identical(unname(tc$fit$cluster[1]), 1L)
  expect_identical(unique(unname(tc$fit$cluster)), 1:3)
  expect_equal(tc$fit$tot.withinss, ref$tot.withinss)
  assign <- tidyclust::extract_cluster_assignment(tc)
  expect_identical(as.integer(assign$.cluster), unname(tc$fit$cluster))
  expect_identical(levels(assign$.cluster), paste0("Cluster_", 1:3))
  cen <- tidyclust::extract_centroids(tc)
  expect_equal(unname(as.matrix(cen[, -1])), unname(tc$fit$centers))
  # predict(): the nearest centre, in plain R
  new <- iris[c(3, 70, 140), 1:4]
  nearest <- apply(as.matrix(new), 1, function(x) which.min(colSums((t(tc$fit$centers) - x)^2)))
  pred <- predict(tc, new)
  expect_identical(as.integer(pred$.pred_cluster), unname(nearest))
  # the within-cluster sums tidyclust computes are the fit's
  expect_equal(tidyclust::sse_within_total(tc)$.estimate, ref$tot.withinss)
})

test_that("the engine's arguments reach ckm_fit(), and equal stats::kmeans from a start", {
  local_tidyclust()
  start <- as.matrix(iris[c(1, 51, 101), 1:4])
  spec <- tidyclust::set_engine(tidyclust::k_means(num_clusters = 3), "ckm",
                                init = start, tol = 0, algorithm = "yinyang")
  tc <- tidyclust::fit(spec, ~ ., data = iris[, 1:4])
  ref <- kmeans(iris[, 1:4], start, algorithm = "Lloyd", iter.max = 300)
  expect_identical(ckm_ari(tc$fit$cluster, ref$cluster), 1)
  expect_equal(tc$fit$tot.withinss, ref$tot.withinss)
  expect_identical(tc$fit$algorithm, "yinyang")
})

test_that("tune_cluster() tunes num_clusters with the ckm engine", {
  local_tidyclust()
  skip_if_not_installed("tune")
  skip_if_not_installed("rsample")
  skip_if_not_installed("dials")
  spec <- tidyclust::set_engine(tidyclust::k_means(num_clusters = tune::tune()), "ckm", n_init = 3, threads = 2)
  b <- ckm_blobs(300, centers = rbind(c(0, 0), c(10, 0), c(0, 10)), sd = 1)
  df <- data.frame(b$X)
  set.seed(4)
  folds <- rsample::vfold_cv(df, v = 3)
  res <- tidyclust::tune_cluster(spec, ~ ., resamples = folds,
                                 grid = data.frame(num_clusters = 1:5),
                                 metrics = tidyclust::cluster_metric_set(tidyclust::sse_within_total))
  m <- tune::collect_metrics(res)
  expect_identical(sort(m$num_clusters), 1:5)
  # within-cluster SS falls with k; the big drop ends at the true k
  sse <- m$mean[order(m$num_clusters)]
  expect_true(all(diff(sse) < 0))
  expect_identical(ckm_knee(1:5, sse), 3L)
})

test_that("the engine asks for num_clusters", {
  local_tidyclust()
  expect_snapshot(error = TRUE, .ckm_fit_tidyclust(as.matrix(iris[, 1:4])))
})

test_that("the engine is there once ckm's namespace is loaded, attached or not, in either order", {
  skip_without_timeout()
  skip_if_not_installed("tidyclust")
  code <- function(first) c(
    'Sys.setenv(TZ = "UTC")',
    first,
    'spec <- tidyclust::set_engine(tidyclust::k_means(num_clusters = 3), "ckm")',
    'set.seed(1); f <- tidyclust::fit(spec, ~ ., data = iris[, 1:4])',
    'cat(class(f$fit)[[1]], "ckm" %in% search(), "\\n")'
  )
  # ckm loaded (not attached) before tidyclust: it registers when tidyclust loads
  res <- run_r_script(code('loadNamespace("ckm"); suppressPackageStartupMessages(loadNamespace("tidyclust"))'))
  expect_script_line(res, "ckm FALSE ")
  # tidyclust first, then ckm (as `ckm::` anywhere does)
  res <- run_r_script(code('suppressPackageStartupMessages(loadNamespace("tidyclust")); loadNamespace("ckm")'))
  expect_script_line(res, "ckm FALSE ")
})

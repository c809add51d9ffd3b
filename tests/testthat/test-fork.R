# A forked child of a process that has run a threaded region must not hang
# (GNU OpenMP's pool does not survive fork): ckm drops to one thread there.
# Each case runs in its own Rscript under `timeout`: without the fix the
# child waits forever and the test fails on the timeout.

fork_prelude <- c(
  "library(ckm); library(parallel)",
  # n k d above 2^22, so that the fits run on two threads
  "set.seed(1); X <- matrix(rnorm(60000 * 8), ncol = 8)",
  "C0 <- X[c(1, 15001, 30001, 45001, 2, 3, 4, 5, 6, 7), ]",
  # the parent runs threaded regions first: that is what breaks the child
  "ref <- ckm_fit(X, init = C0, tol = 0, threads = 2)",
  "stopifnot(ref$threads == 2L)"
)

test_that("ckm in mclapply workers after a threaded call returns, with the parent's result", {
  skip_without_timeout()
  skip_if(parallel::detectCores() < 2L, "one core")
  res <- run_r_script(c(fork_prelude,
    "out <- mclapply(1:4, function(i) {",
    "  f <- ckm_fit(X, init = C0, tol = 0, threads = 2)",
    "  c(identical(f$cluster, ref$cluster), identical(f$centers, ref$centers),",
    "    f$threads == 1L, ckm_threads() == 1L)",
    "}, mc.cores = 2)",
    "stopifnot(all(vapply(out, is.logical, NA)))",
    "cat('ok', all(unlist(out)), '\\n')"
  ), env = c(OMP_THREAD_LIMIT = "2"))
  expect_script_line(res, "ok TRUE ")
})

test_that("every threaded entry point works in a forked child", {
  skip_without_timeout()
  skip_if(parallel::detectCores() < 2L, "one core")
  res <- run_r_script(c(fork_prelude,
    "calls <- list(",
    "  lloyd = function() ckm_fit(X, init = C0, tol = 0, algorithm = 'lloyd', threads = 2)$centers,",
    "  hamerly = function() ckm_fit(X, init = C0, tol = 0, algorithm = 'hamerly', threads = 2)$centers,",
    "  yinyang = function() ckm_fit(X, init = C0, tol = 0, algorithm = 'yinyang', threads = 2)$centers,",
    "  seeding = function() { set.seed(2); ckm_fit(X, 64, max_iter = 1, threads = 2)$init_centers },",
    "  greedy = function() { set.seed(2); ckm_fit(X, 16, init = 'greedy-kmeans++', max_iter = 1, threads = 2)$init_centers },",
    "  predict = function() predict(ref, X, threads = 2),",
    "  prob = function() predict(ref, X[1:2000, ], type = 'prob', threads = 2),",
    "  minibatch = function() { set.seed(3); ckm_minibatch(X, 10, threads = 2)$centers },",
    "  kmedians = function() { set.seed(3); ckm_kmedians(X, 5, threads = 2)$centers },",
    "  silhouette = function() ckm_silhouette(X[1:3000, ], ref$cluster[1:3000], threads = 2)$mean,",
    "  simplified = function() ckm_silhouette(X, ref, method = 'simplified', threads = 2)$mean,",
    "  elbow = function() { set.seed(4); ckm_elbow(X[1:4000, ], 1:4, threads = 2)$table }",
    ")",
    "here <- lapply(calls, function(f) f())",
    "there <- mclapply(names(calls), function(nm) calls[[nm]](), mc.cores = 2)",
    "same <- mapply(identical, here, there)",
    "print(same)",
    "cat('ok', all(same), '\\n')"
  ), seconds = 120, env = c(OMP_THREAD_LIMIT = "2"))
  expect_script_line(res, "ok TRUE ")
})

test_that("a fork cluster and future's multicore plan work after a threaded call", {
  skip_without_timeout()
  skip_if(parallel::detectCores() < 2L, "one core")
  res <- run_r_script(c(fork_prelude,
    "cl <- makeForkCluster(2)",
    "out <- parLapply(cl, 1:2, function(i) ckm_fit(X, init = C0, tol = 0, threads = 2)$centers)",
    "stopCluster(cl)",
    "cat('fork', all(vapply(out, identical, NA, ref$centers)), '\\n')",
    "if (requireNamespace('future', quietly = TRUE) && future::supportsMulticore()) {",
    "  future::plan(future::multicore, workers = 2)",
    "  fs <- lapply(1:2, function(i) future::future(ckm_fit(X, init = C0, tol = 0, threads = 2)$centers))",
    "  out <- future::value(fs)",
    "  cat('future', all(vapply(out, identical, NA, ref$centers)), '\\n')",
    "} else cat('future skipped\\n')"
  ), seconds = 120, env = c(OMP_THREAD_LIMIT = "2"))
  expect_script_line(res, "fork TRUE ")
  if (requireNamespace("future", quietly = TRUE)) {
    expect_true(any(res$output == "future TRUE "), info = paste(res$output, collapse = "\n"))
  }
})

test_that("socket cluster workers are not forked and keep their threads", {
  skip_without_timeout()
  skip_if(parallel::detectCores() < 2L, "one core")
  res <- run_r_script(c(fork_prelude,
    "cl <- makePSOCKcluster(2)",
    "clusterCall(cl, function(lib) .libPaths(lib), .libPaths())",
    "clusterEvalQ(cl, options(ckm.load_aware = FALSE))",
    "clusterEvalQ(cl, library(ckm))",
    "clusterExport(cl, c('X', 'C0'))",
    "out <- parLapply(cl, 1:2, function(i) {",
    "  f <- ckm_fit(X, init = C0, tol = 0, threads = 2); list(f$centers, f$threads) })",
    "stopCluster(cl)",
    "cat('psock', all(vapply(out, function(o) identical(o[[1]], ref$centers), NA)),",
    "    all(vapply(out, function(o) o[[2]] == 2L, NA)), '\\n')"
  ), seconds = 120, env = c(OMP_THREAD_LIMIT = "2"))
  expect_script_line(res, "psock TRUE TRUE ")
})

test_that("the threads report names the forked child as the cap", {
  skip_without_timeout()
  res <- run_r_script(c(
    "library(ckm); library(parallel)",
    "invisible(ckm_fit(iris[, 1:4], 3, threads = 2))",
    "job <- mcparallel(capture.output(ckm_threads(verbose = TRUE)))",
    "out <- mccollect(job)[[1]]",
    "writeLines(out)"
  ), env = c(OMP_THREAD_LIMIT = "2"))
  expect_script_line(res, "threads used: 1")
  expect_true(any(grepl("capped by a forked child", res$output)), info = paste(res$output, collapse = "\n"))
})

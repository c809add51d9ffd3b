# CRAN: never more than two threads in tests.
if (!nzchar(Sys.getenv("OMP_THREAD_LIMIT"))) {
  Sys.setenv(OMP_THREAD_LIMIT = "2")
  withr::defer(Sys.unsetenv("OMP_THREAD_LIMIT"), teardown_env())
}

# The tests compare one and two threads: use the count asked for, whatever
# else the machine is running (test-threads.R tests the load-aware cap).
withr::local_options(ckm.load_aware = FALSE, .local_envir = teardown_env())

# CRAN: never more than two threads in tests.
if (!nzchar(Sys.getenv("OMP_THREAD_LIMIT"))) {
  Sys.setenv(OMP_THREAD_LIMIT = "2")
  withr::defer(Sys.unsetenv("OMP_THREAD_LIMIT"), teardown_env())
}

# Run R code in a fresh Rscript process under `timeout`, so that a hang
# (the failure these tests look for) fails the test instead of the suite.
# Returns list(status, output); status 124 means the time ran out.
run_r_script <- function(code, seconds = 60, env = character()) {
  script <- tempfile(fileext = ".R")
  on.exit(unlink(script))
  lib <- paste(deparse(.libPaths()), collapse = "")
  # the thread counts asked for, whatever the load (as in setup.R)
  writeLines(c(sprintf(".libPaths(%s)", lib), "options(ckm.load_aware = FALSE)", code), script)
  rscript <- file.path(R.home("bin"), "Rscript")
  out <- suppressWarnings(system2(
    "timeout", c("-k", "5", seconds, shQuote(rscript), "--vanilla", shQuote(script)),
    stdout = TRUE, stderr = TRUE,
    env = if (length(env)) paste0(names(env), "=", env) else character()
  ))
  list(status = attr(out, "status") %||% 0L, output = out)
}

# The script ran to its end (no timeout, no error) and printed `line`.
expect_script_line <- function(res, line) {
  out <- paste(res$output, collapse = "\n")
  expect_identical(res$status, 0L, info = out)
  expect_true(any(res$output == line), info = out)
}

skip_without_timeout <- function() {
  skip_on_os("windows")
  skip_if(!nzchar(Sys.which("timeout")), "no `timeout` command")
}

`%||%` <- function(x, y) if (is.null(x)) y else x

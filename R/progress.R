# Progress for long work: restarts (ckm_fit(n_init = )), the elbow over k,
# the exact silhouette and mini-batch. A text bar on stderr
# (utils::txtProgressBar), drawn only once the work has run for
# `ckm.progress_after` seconds (default 1), so that quick calls print
# nothing. On by default in interactive sessions only; options(ckm.progress
# = FALSE) silences it, TRUE turns it on anywhere.
progress_bar <- function(label) {
  if (!isTRUE(getOption("ckm.progress", interactive()))) return(NULL)
  after <- getOption("ckm.progress_after", 1)
  start <- proc.time()[["elapsed"]]
  bar <- NULL
  update <- function(done) {
    if (is.null(bar)) {
      if (proc.time()[["elapsed"]] - start < after) return(invisible())
      cat(label, "\n", sep = "", file = stderr())
      bar <<- utils::txtProgressBar(min = 0, max = 1, style = 3, file = stderr())
    }
    utils::setTxtProgressBar(bar, done)
    invisible()
  }
  done <- function() {
    if (!is.null(bar)) {
      utils::setTxtProgressBar(bar, 1)
      close(bar)
    }
  }
  list(update = update, done = done)
}

# The function the C core calls with the share done (NULL: no bar)
progress_fn <- function(p) if (is.null(p)) NULL else p$update
progress_update <- function(p, done) if (!is.null(p)) p$update(done)
progress_done <- function(p) if (!is.null(p)) p$done()

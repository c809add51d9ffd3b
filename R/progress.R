# Progress for long work: restarts (ckm_fit(n_init = )), the elbow over k,
# the exact silhouette and mini-batch. A one-line bar on stderr with the
# share done, the time spent and an estimate of the time left, drawn only
# once the work has run for `ckm.progress_after` seconds (default 1), so
# that quick calls print nothing, and redrawn at most ten times a second.
# On by default in interactive sessions only; options(ckm.progress = FALSE)
# silences it, TRUE turns it on anywhere.
progress_bar <- function(label) {
  if (!isTRUE(getOption("ckm.progress", interactive()))) return(NULL)
  after <- getOption("ckm.progress_after", 1)
  start <- proc.time()[["elapsed"]]
  shown <- FALSE
  last <- -Inf
  draw <- function(done, now) {
    spent <- now - start
    left <- if (done > 0 && done < 1) spent * (1 - done) / done else 0
    width <- 30L
    full <- as.integer(round(width * done))
    cat(sprintf("\r|%s%s| %3d%%  %s elapsed, %s left ",
                strrep("=", full), strrep(" ", width - full), as.integer(floor(100 * done)),
                format_seconds(spent), if (done < 1) paste("about", format_seconds(left)) else "none"),
        file = stderr())
    last <<- now
  }
  update <- function(done) {
    now <- proc.time()[["elapsed"]]
    if (!shown) {
      if (now - start < after) return(invisible())
      cat(label, "\n", sep = "", file = stderr())
      shown <<- TRUE
    }
    if (now - last >= 0.1) draw(min(max(done, 0), 1), now)
    invisible()
  }
  done <- function() {
    if (shown) {
      draw(1, proc.time()[["elapsed"]])
      cat("\n", file = stderr())
    }
  }
  list(update = update, done = done)
}

# "0.4 s", "12 s", "3 min 05 s", "1 h 02 min"
format_seconds <- function(x) {
  if (x < 10) return(sprintf("%.1f s", x))
  if (x < 60) return(sprintf("%d s", as.integer(round(x))))
  if (x < 3600) return(sprintf("%d min %02d s", as.integer(x %/% 60), as.integer(round(x %% 60))))
  sprintf("%d h %02d min", as.integer(x %/% 3600), as.integer(round((x %% 3600) / 60)))
}

# The function the C core calls with the share done (NULL: no bar)
progress_fn <- function(p) if (is.null(p)) NULL else p$update
progress_update <- function(p, done) if (!is.null(p)) p$update(done)
progress_done <- function(p) if (!is.null(p)) p$done()

# Shared by the scripts of bench/: where their results go, the machine they
# ran on (named in every table and CSV), and the thread counts they ask
# for, whatever the machine's load (the load governor would otherwise cap a
# run that follows a long single-threaded one). Sourced by each script:
#   source(file.path(dirname(sub("^--file=", "", grep("^--file=", commandArgs(), value = TRUE)[1])), "common.R"))
options(ckm.load_aware = FALSE)
out_dir <- if (dir.exists("bench/results")) "bench/results" else "."
cpu_model <- function() {
  l <- grep("^model name", readLines("/proc/cpuinfo", warn = FALSE), value = TRUE)
  if (length(l)) trimws(sub(".*:", "", l[[1L]])) else R.version$platform
}
machine <- sprintf("%s, %d cores, R %s", cpu_model(), parallel::detectCores(), getRversion())

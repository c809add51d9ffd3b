# How "auto" chooses: every algorithm on every shape of bench.R's three
# grids, both to convergence from the same start (tol = 0, as the grid) and
# as a default call (k-means++, tol = 1e-4), with what "auto" picks and its
# time over the best algorithm's (the target is at most 1.15).
#
#   Rscript bench/auto.R [--reps=3] [--quick] [--modes=both|default|converge]
#
# Prints a table and writes bench/results/auto.csv. Same data and starts as
# bench.R (blobs, sd 2, the same seeds). Lloyd's default call is skipped
# where it would take over a minute (it is never the best there).
suppressPackageStartupMessages(library(ckm))
options(width = 200)
args <- commandArgs(trailingOnly = TRUE)
opt <- function(name, default) {
  hit <- grep(paste0("^--", name, "(=|$)"), args, value = TRUE)
  if (!length(hit)) return(default)
  if (!grepl("=", hit[[1]])) return(TRUE)
  sub("^[^=]*=", "", hit[[1]])
}
reps <- as.integer(opt("reps", 3))
modes <- switch(opt("modes", "both"), default = "default call", converge = "tol = 0, same start",
                c("tol = 0, same start", "default call"))
quick <- isTRUE(opt("quick", FALSE))
threads <- 2L

shapes <- data.frame(
  grid = c(rep("grid", 4), rep("grid2", 6), rep("issue", 4)),
  row = c(1:4, 1:6, 1:4),
  n = c(100000, 50000, 1000000, 200000, 394000, 88000, 140000, 54000, 885000, 41000,
        120000, 40000, 800000, 80000),
  d = c(16, 64, 8, 2, 7, 49, 23, 5, 30, 57, 20, 48, 6, 16),
  k = c(32, 256, 16, 1000, 141, 46, 45, 139, 522, 214, 40, 200, 12, 30),
  max_iter = c(300, 300, 300, 30, 300, 300, 300, 300, 30, 300, 300, 300, 300, 300))
if (quick) shapes$n <- shapes$n / 20

blobs <- function(n, d, k, seed, sd = 2) {
  set.seed(seed)
  centres <- matrix(runif(k * d, -10, 10), k, d)
  y <- sample.int(k, n, replace = TRUE)
  centres[y, , drop = FALSE] + matrix(rnorm(n * d, sd = sd), n, d)
}
med_time <- function(f) median(vapply(seq_len(reps), function(r) system.time(f(r))[["elapsed"]], 0))

cpu_model <- sub(".*: ", "", grep("model name", readLines("/proc/cpuinfo"), value = TRUE)[1])
cat(sprintf("ckm auto: %s, %d threads, median of %d runs; CPU: %s; kernel: %s\n\n",
            format(Sys.time(), "%Y-%m-%d %H:%M"), threads, reps, cpu_model, ckm:::kernel_name()))
algs <- c("lloyd", "hamerly", "yinyang")
out <- list()
for (r in seq_len(nrow(shapes))) {
  sh <- shapes[r, ]
  seed <- if (sh$grid == "grid") sh$row else match(sh$grid, c("grid", "grid2", "issue")) * 100 + sh$row
  X <- blobs(sh$n, sh$d, sh$k, seed = seed)
  set.seed(100 + seed)
  C0 <- X[sample.int(sh$n, sh$k), , drop = FALSE]
  for (mode in modes) {
    times <- setNames(rep(NA_real_, 3), algs)
    iter <- NA
    for (a in algs) {
      if (mode == "default call" && a == "lloyd" && 2 * sh$n * sh$k * sh$d * 100 / 5e10 > 60) next
      times[[a]] <- med_time(function(i) {
        f <- if (mode == "default call") {
          set.seed(i); suppressWarnings(ckm_fit(X, sh$k, algorithm = a, threads = threads))
        } else {
          suppressWarnings(ckm_fit(X, init = C0, tol = 0, max_iter = sh$max_iter, algorithm = a, threads = threads))
        }
        iter <<- f$iter
      })
    }
    pick <- ckm:::choose_algorithm(sh$n, sh$d, sh$k, if (mode == "default call") 1e-4 else 0)
    best <- names(which.min(times))
    out[[length(out) + 1]] <- data.frame(sh, mode = mode, iter = iter, lloyd_s = times[["lloyd"]],
      hamerly_s = times[["hamerly"]], yinyang_s = times[["yinyang"]], auto = pick, best = best,
      auto_over_best = round(times[[pick]] / min(times, na.rm = TRUE), 2))
    print(out[[length(out)]], row.names = FALSE)
  }
}
tab <- do.call(rbind, out)
cat("\n== auto's pick over the best algorithm\n")
print(tab, row.names = FALSE)
for (m in unique(tab$mode)) cat(sprintf("\nworst auto / best, %s: %.2f\n", m, max(tab$auto_over_best[tab$mode == m])))
dir.create(file.path("bench", "results"), showWarnings = FALSE)
write.csv(cbind(tab, cpu = cpu_model, kernel = ckm:::kernel_name()), file.path("bench", "results", "auto.csv"),
          row.names = FALSE)

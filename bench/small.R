# The first comparison a user makes: set.seed(s); ckm_fit(X, k) beside
# set.seed(s); kmeans(X, k), default arguments on both sides, on real data
# sets from R packages (and scikit-learn's wine and digits where python3
# has scikit-learn), seed by seed; then the CPU time of such calls and of
# the small calls around them (predict, ARI, NMI, silhouette) against their
# references.
#
# Usage: Rscript bench/small.R [--seeds 20] [--reps 300] [--quick]
# Writes bench/results/small.csv (one row per data set and seed),
# bench/results/small-summary.csv (per data set) and
# bench/results/small-overhead.csv (CPU per call), and prints the tables.
suppressPackageStartupMessages(library(ckm))
args <- commandArgs(trailingOnly = TRUE)
opt <- function(name, default) {
  i <- match(paste0("--", name), args)
  if (is.na(i)) default else as.numeric(args[[i + 1L]])
}
seeds <- seq_len(opt("seeds", 20))
reps <- opt("reps", 300)
out_dir <- if (dir.exists("bench/results")) "bench/results" else "."
options(ckm.progress = FALSE)

cpu_model <- function() {
  l <- grep("^model name", readLines("/proc/cpuinfo", warn = FALSE), value = TRUE)
  if (length(l)) trimws(sub(".*:", "", l[[1L]])) else R.version$platform
}

# ---- the data sets: X, k, and the classes where the data have them -------
sets <- list()
add <- function(name, X, k, truth = NULL) {
  X <- as.matrix(X)
  storage.mode(X) <- "double"
  ok <- stats::complete.cases(X)
  sets[[name]] <<- list(X = X[ok, , drop = FALSE], k = k,
                        truth = if (!is.null(truth)) as.integer(as.factor(truth[ok])))
}
add("iris", iris[, 1:4], 3, iris$Species)
add("USArrests", USArrests, 4)
add("faithful", faithful, 2)
add("swiss", swiss, 3)
add("mtcars", mtcars, 3)
add("quakes", quakes[, 1:4], 4)
add("attitude", attitude, 3)
add("state.x77", state.x77, 4)
add("trees", trees, 3)
add("rock", rock, 3)
if (requireNamespace("MASS", quietly = TRUE)) {
  add("crabs", MASS::crabs[, 4:8], 4, paste(MASS::crabs$sp, MASS::crabs$sex))
  add("glass", MASS::fgl[, 1:9], 6, MASS::fgl$type)
  add("geyser", MASS::geyser, 3)
  add("Pima.tr", MASS::Pima.tr[, 1:7], 2, MASS::Pima.tr$type)
  add("Boston", MASS::Boston, 4)
}
if (requireNamespace("mclust", quietly = TRUE)) {
  e <- new.env()
  utils::data("thyroid", "banknote", "diabetes", "wdbc", package = "mclust", envir = e)
  add("thyroid", e$thyroid[, -1], 3, e$thyroid$Diagnosis)
  add("banknote", e$banknote[, -1], 2, e$banknote$Status)
  add("diabetes", e$diabetes[, -1], 3, e$diabetes$class)
  add("wdbc", e$wdbc[, -(1:2)], 2, e$wdbc$Diagnosis)
}
if (requireNamespace("cluster", quietly = TRUE)) {
  add("ruspini", cluster::ruspini, 4)
  add("agriculture", cluster::agriculture, 2)
  add("xclara", cluster::xclara, 3)
}
# scikit-learn's copies of the UCI wine and digits data (shipped with it)
py <- Sys.which(c("/usr/bin/python3", "python3"))
py <- py[nzchar(py)][1L]
if (!is.na(py)) {
  f <- tempfile(fileext = ".csv")
  for (nm in c("wine", "digits")) {
    code <- sprintf("from sklearn.datasets import load_%s as L; import numpy as np; d = L(); np.savetxt('%s', np.column_stack([d.target, d.data]), delimiter=',')", nm, f)
    if (system2(py, c("-c", shQuote(code)), stdout = FALSE, stderr = FALSE) == 0) {
      D <- as.matrix(utils::read.csv(f, header = FALSE))
      add(nm, D[, -1], if (nm == "wine") 3 else 10, D[, 1])
    }
  }
}

ari <- function(a, b) if (is.null(b)) NA_real_ else ckm_ari(a, b)

# CPU time (user + system) of one call, in microseconds: the median of
# `rounds` loops of `reps` calls, taking turns with the other calls timed
# beside it.
cpu_us <- function(calls, reps, rounds = 5L) {
  res <- matrix(NA_real_, rounds, length(calls), dimnames = list(NULL, names(calls)))
  for (r in seq_len(rounds)) {
    for (j in sample(seq_along(calls))) {
      f <- calls[[j]]
      t <- system.time(for (i in seq_len(reps)) f())
      res[r, j] <- 1e6 * (t[["user.self"]] + t[["sys.self"]]) / reps
    }
  }
  apply(res, 2, stats::median)
}

# ---- seed by seed --------------------------------------------------------
rows <- list()
for (nm in names(sets)) {
  s <- sets[[nm]]
  for (seed in seeds) {
    set.seed(seed)
    a <- suppressWarnings(stats::kmeans(s$X, s$k))
    set.seed(seed)
    b <- ckm_fit(s$X, s$k)
    set.seed(seed)
    b2 <- ckm_fit(s$X, s$k, n_init = 2)
    rows[[length(rows) + 1L]] <- data.frame(
      data = nm, n = nrow(s$X), d = ncol(s$X), k = s$k, seed = seed,
      kmeans_inertia = a$tot.withinss, ckm_inertia = b$tot.withinss,
      ratio = b$tot.withinss / a$tot.withinss,
      ratio_n_init2 = b2$tot.withinss / a$tot.withinss,
      kmeans_ari = ari(a$cluster, s$truth), ckm_ari = ari(b$cluster, s$truth),
      ckm_algorithm = b$algorithm, ckm_n_init = b$n_init)
  }
}
per_seed <- do.call(rbind, rows)

# ---- CPU per call ---------------------------------------------------------
cpu <- list()
for (nm in names(sets)) {
  s <- sets[[nm]]
  r <- if (nrow(s$X) * s$k * ncol(s$X) > 1e6) max(5, reps %/% 30) else reps
  t <- cpu_us(list(kmeans = function() stats::kmeans(s$X, s$k),
                   ckm = function() ckm_fit(s$X, s$k),
                   ckm_n_init2 = function() ckm_fit(s$X, s$k, n_init = 2)), r)
  cpu[[nm]] <- t
}
tol <- 1e-9 # relative: equal inertia up to rounding counts as equal
summary_tab <- do.call(rbind, lapply(split(per_seed, per_seed$data), function(p) {
  data.frame(data = p$data[1], n = p$n[1], d = p$d[1], k = p$k[1], seeds = nrow(p),
             ckm_worse = sum(p$ratio > 1 + tol), ckm_better = sum(p$ratio < 1 - tol),
             worst_ratio = max(p$ratio), median_ratio = stats::median(p$ratio),
             kmeans_ari = mean(p$kmeans_ari), ckm_ari = mean(p$ckm_ari),
             kmeans_cpu_us = cpu[[p$data[1]]][["kmeans"]], ckm_cpu_us = cpu[[p$data[1]]][["ckm"]],
             ckm_algorithm = p$ckm_algorithm[1], ckm_n_init = p$ckm_n_init[1],
             n_init2_worse = sum(p$ratio_n_init2 > 1 + tol),
             n_init2_better = sum(p$ratio_n_init2 < 1 - tol),
             n_init2_cpu_us = cpu[[p$data[1]]][["ckm_n_init2"]])
}))
summary_tab <- summary_tab[order(summary_tab$n * summary_tab$d * summary_tab$k), ]
summary_tab$cpu_ratio <- summary_tab$ckm_cpu_us / summary_tab$kmeans_cpu_us
summary_tab$n_init2_cpu_ratio <- summary_tab$n_init2_cpu_us / summary_tab$kmeans_cpu_us

# ---- small calls around a fit ---------------------------------------------
X <- as.matrix(iris[, 1:4])
fit <- ckm_fit(X, 3)
truth <- as.integer(iris$Species)
C <- fit$centers
nearest_r <- function() {
  max.col(-(outer(rowSums(X^2), rep(1, 3)) - 2 * X %*% t(C) +
              outer(rep(1, 150), rowSums(C^2))), ties.method = "first")
}
calls <- list(predict = function() predict(fit, X), plain_r_nearest = nearest_r,
              ckm_ari = function() ckm_ari(fit$cluster, truth),
              ckm_nmi = function() ckm_nmi(fit$cluster, truth),
              ckm_silhouette = function() ckm_silhouette(X, fit$cluster))
if (requireNamespace("mclust", quietly = TRUE)) {
  calls$mclust_ari <- function() mclust::adjustedRandIndex(fit$cluster, truth)
}
if (requireNamespace("aricode", quietly = TRUE)) {
  calls$aricode_nmi <- function() aricode::NMI(fit$cluster, truth)
}
if (requireNamespace("cluster", quietly = TRUE)) {
  calls$cluster_silhouette <- function() cluster::silhouette(fit$cluster, stats::dist(X))
}
small <- cpu_us(calls, reps * 3)
overhead <- data.frame(call = names(small), cpu_us = unname(small))

machine <- sprintf("%s, %d cores, R %s", cpu_model(), parallel::detectCores(),
                   getRversion())
per_seed$cpu <- machine
summary_tab$cpu <- machine
overhead$cpu <- machine
utils::write.csv(per_seed, file.path(out_dir, "small.csv"), row.names = FALSE)
utils::write.csv(summary_tab, file.path(out_dir, "small-summary.csv"), row.names = FALSE)
utils::write.csv(overhead, file.path(out_dir, "small-overhead.csv"), row.names = FALSE)

cat("Machine:", machine, "\n")
cat(sprintf("set.seed(s); ckm_fit(X, k) against set.seed(s); kmeans(X, k), seeds %d-%d\n",
            min(seeds), max(seeds)))
print(format(summary_tab[, c("data", "n", "d", "k", "ckm_worse", "ckm_better", "worst_ratio",
                             "kmeans_ari", "ckm_ari", "kmeans_cpu_us", "ckm_cpu_us", "cpu_ratio",
                             "n_init2_worse", "n_init2_better", "n_init2_cpu_ratio")],
             digits = 4), row.names = FALSE)
cat(sprintf("\nworse in %d of %d (data set, seed) pairs (%.1f%%); worst ratio %.4f; better in %d\n",
            sum(per_seed$ratio > 1 + tol), nrow(per_seed), 100 * mean(per_seed$ratio > 1 + tol),
            max(per_seed$ratio), sum(per_seed$ratio < 1 - tol)))
cat(sprintf("with n_init = 2: worse in %d, better in %d; CPU ratio %.2f to %.2f\n",
            sum(per_seed$ratio_n_init2 > 1 + tol), sum(per_seed$ratio_n_init2 < 1 - tol),
            min(summary_tab$n_init2_cpu_ratio), max(summary_tab$n_init2_cpu_ratio)))
cat("\nCPU per call on iris (microseconds, medians):\n")
print(format(overhead[, 1:2], digits = 4), row.names = FALSE)

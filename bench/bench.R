# ckm benchmark: exact k-means from the same start, side by side in one run.
#
#   Rscript bench/bench.R [--reps=3] [--quick] [--no-peers] [--python=PATH]
#                         [--grids=grid,grid2,issue] [--no-extras] [--defaults-only]
#
# For each row of the grid (blobs with sd 2, fixed seeds) every method starts
# from the same k rows of X and runs to convergence (tol = 0) or max_iter:
# ckm (each algorithm, 2 threads), stats::kmeans (Lloyd, Hartigan-Wong,
# MacQueen), ClusterR when installed, and scikit-learn and FAISS through
# python3 when installed (see bench/README.md). Times are medians of --reps
# runs (one run when a run takes over 20 s). Peak memory is the peak of R's
# heap above its level before the call (gc "max used"; ckm's C workspace
# comes from R_alloc and is counted) or, for Python, tracemalloc's peak.
# Then: k-means++ seeding alone as k grows; 1 vs 2 threads on the largest
# fit; the default calls ckm_fit(X, k) and stats::kmeans(X, k).
# Tables are printed and written to bench/results/*.csv.
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
quick <- isTRUE(opt("quick", FALSE))
peers <- !isTRUE(opt("no-peers", FALSE))
python <- opt("python", if (file.exists("/usr/bin/python3")) "/usr/bin/python3" else Sys.which("python3"))
threads <- 2L
out_dir <- file.path("bench", "results")
dir.create(out_dir, showWarnings = FALSE, recursive = TRUE)
peers_py <- file.path("bench", "peers.py")

grids <- list(
  # the grid: four shapes picked by hand (one per regime)
  grid = data.frame(
    n = c(100000, 50000, 1000000, 200000),
    d = c(16, 64, 8, 2),
    k = c(32, 256, 16, 1000),
    max_iter = c(300, 300, 300, 30)
  ),
  # the second grid: six shapes drawn once at random and kept, by
  #   set.seed(13); n <- round(exp(runif(6, log(4e4), log(1e6))), -3)
  #   d <- sample(2:64, 6); k <- round(exp(runif(6, log(8), log(1000))))
  # (n log-uniform in 40k..1M, d uniform in 2..64, k log-uniform in 8..1000).
  # The 885,000 x 30, k = 522 row costs 28 GFLOP per Lloyd iteration: it is
  # capped at 30 iterations, as the grid's k = 1,000 row.
  grid2 = data.frame(
    n = c(394000, 88000, 140000, 54000, 885000, 41000),
    d = c(7, 49, 23, 5, 30, 57),
    k = c(141, 46, 45, 139, 522, 214),
    max_iter = c(300, 300, 300, 300, 30, 300)
  ),
  # the shapes measured in issue 13 (not in either grid)
  issue = data.frame(
    n = c(120000, 40000, 800000, 80000),
    d = c(20, 48, 6, 16),
    k = c(40, 200, 12, 30),
    max_iter = c(300, 300, 300, 300)
  )
)
which_grids <- strsplit(opt("grids", "grid,grid2,issue"), ",")[[1]]
extras <- !isTRUE(opt("no-extras", FALSE))
defaults_only <- isTRUE(opt("defaults-only", FALSE)) # only the default calls
grids <- grids[names(grids) %in% which_grids]
if (quick) grids <- lapply(grids, function(g) transform(g, n = n / 20))
grid <- grids[[1]]

blobs <- function(n, d, k, seed, sd = 2) {
  set.seed(seed)
  centres <- matrix(runif(k * d, -10, 10), k, d)
  y <- sample.int(k, n, replace = TRUE)
  X <- centres[y, , drop = FALSE] + matrix(rnorm(n * d, sd = sd), n, d)
  attr(X, "truth") <- y
  X
}
truth <- function(X) attr(X, "truth")

# time f() reps times (once if it is slow): median wall and CPU seconds of
# this process (all its threads); peak R heap above the start (MB)
measure <- function(f, reps) {
  times <- cpus <- numeric(); res <- NULL; peak <- 0
  for (r in seq_len(reps)) {
    res <- NULL
    invisible(gc())
    g0 <- gc(reset = TRUE)
    p0 <- proc.time()
    res <- f()
    p1 <- proc.time() - p0
    times <- c(times, p1[["elapsed"]])
    cpus <- c(cpus, p1[["user.self"]] + p1[["sys.self"]])
    g1 <- gc()
    peak <- max(peak, sum(g1[, 6]) - sum(g0[, 2]))
    if (times[length(times)] > 20) break
  }
  list(time = median(times), cpu = median(cpus), runs = length(times), res = res, peak = peak)
}

# the same for several calls, taking turns run by run
measure_turns <- function(fs, reps) {
  out <- lapply(fs, function(f) list(times = numeric(), cpus = numeric(), res = NULL, peak = 0))
  for (r in seq_len(reps)) {
    for (q in seq_along(fs)) {
      if (length(out[[q]]$times) && max(out[[q]]$times) > 20) next
      out[[q]]$res <- NULL
      invisible(gc())
      g0 <- gc(reset = TRUE)
      p0 <- proc.time()
      res <- fs[[q]]()
      p1 <- proc.time() - p0
      g1 <- gc()
      out[[q]]$res <- res
      out[[q]]$times <- c(out[[q]]$times, p1[["elapsed"]])
      out[[q]]$cpus <- c(out[[q]]$cpus, p1[["user.self"]] + p1[["sys.self"]])
      out[[q]]$peak <- max(out[[q]]$peak, sum(g1[, 6]) - sum(g0[, 2]))
    }
  }
  lapply(out, function(o) list(time = median(o$times), cpu = median(o$cpus), runs = length(o$times),
                               res = o$res, peak = o$peak))
}

row_of <- function(label, m, iter, inertia, ari) {
  data.frame(method = label, runs = m$runs, median_s = m$time, cpu_s = m$cpu, iter = iter,
             inertia = inertia, peak_mb = round(m$peak, 1), ari = round(ari, 6))
}

cpu_model <- sub(".*: ", "", grep("model name", readLines("/proc/cpuinfo"), value = TRUE)[1])
cat(sprintf("ckm benchmark: %s, %d threads, median of %d runs%s\n",
            format(Sys.time(), "%Y-%m-%d %H:%M"), threads, reps, if (quick) " (quick grid)" else ""))
cat(sprintf("CPU: %s; cores: %d; ckm kernel: %s\n", cpu_model, parallel::detectCores(), ckm:::kernel_name()))

# the machine's dgemm (OpenBLAS through numpy), for ckm's GFLOP/s to compare with
dgemm <- NA_real_
if (peers && nzchar(python)) {
  dg <- tryCatch(system2(python, c("-c", shQuote(paste(
    "import numpy as np, time",
    "from threadpoolctl import threadpool_limits",
    "a = np.random.rand(4000, 4000)",
    "l = threadpool_limits(limits=2); a @ a",
    "ts = []",
    "exec('for r in range(3):\\n t = time.perf_counter(); a @ a; ts.append(time.perf_counter() - t)')",
    "print(2 * 4000**3 / sorted(ts)[1] / 1e9)", sep = "; "))), stdout = TRUE, stderr = FALSE),
    error = function(e) NA_character_, warning = function(w) NA_character_)
  dgemm <- suppressWarnings(as.numeric(dg[length(dg)]))
}
cat(sprintf("OpenBLAS dgemm (numpy, 2 threads, median of 3): %s GFLOP/s\n\n",
            if (is.na(dgemm)) "not measured" else format(round(dgemm, 1))))

tmp <- tempfile("ckm-bench-")
dir.create(tmp)
summaries <- list()
if (!defaults_only) {
for (gname in names(grids)) {
grid <- grids[[gname]]
all_rows <- list()
for (g in seq_len(nrow(grid))) {
  n <- grid$n[g]; d <- grid$d[g]; k <- grid$k[g]; max_iter <- grid$max_iter[g]
  # the first grid keeps its seeds; the others get their own
  seed <- if (gname == "grid") g else match(gname, c("grid", "grid2", "issue")) * 100 + g
  X <- blobs(n, d, k, seed = seed)
  y <- truth(X)
  set.seed(100 + seed)
  C0 <- X[sample.int(n, k), , drop = FALSE]
  rows <- list()
  fit_ckm <- function(alg, th = threads) {
    suppressWarnings(ckm_fit(X, init = C0, tol = 0, max_iter = max_iter, algorithm = alg, threads = th))
  }
  iters_lloyd <- NA
  # ckm's four calls take turns, run by run (auto, lloyd, hamerly, yinyang,
  # auto, ...), so that a slow spell of the machine hits them alike
  ck_algs <- c("auto", "lloyd", "hamerly", "yinyang")
  ms <- measure_turns(lapply(ck_algs, function(alg) function() fit_ckm(alg)), reps)
  for (a in seq_along(ck_algs)) {
    alg <- ck_algs[a]
    m <- ms[[a]]
    label <- if (alg == "auto") sprintf("ckm auto (%s)", m$res$algorithm) else paste("ckm", alg)
    rows[[length(rows) + 1]] <- row_of(label, m, m$res$iter, m$res$tot.withinss, ckm_ari(y, m$res$cluster))
    if (alg == "lloyd") {
      iters_lloyd <- m$res$iter
      lloyd_s <- m$time
      gflops <- 2 * n * k * d * m$res$iter / m$time / 1e9
    }
  }
  # stats::kmeans runs at about 1 GFLOP/s: Lloyd always (skipped when it
  # would take over three minutes), the others on the first grid only
  stats_algs <- if (gname == "grid") c("Lloyd", "Hartigan-Wong", "MacQueen") else "Lloyd"
  for (alg in stats_algs) {
    if (2 * n * k * d * iters_lloyd / 1e9 > 180) {
      cat(sprintf("  (stats %s skipped on %s x %d, k = %d: about %.0f s)\n", alg, format(n, big.mark = ","),
                  d, k, 2 * n * k * d * iters_lloyd / 1e9))
      next
    }
    m <- measure(function() suppressWarnings(kmeans(X, C0, iter.max = max_iter, algorithm = alg)), reps)
    rows[[length(rows) + 1]] <- row_of(paste("stats", alg), m, m$res$iter, m$res$tot.withinss,
                                       ckm_ari(y, m$res$cluster))
  }
  if (gname == "grid" && requireNamespace("ClusterR", quietly = TRUE)) {
    # KMeans_arma returns centres only: its inertia is that of the nearest
    # of them. KMeans_rcpp wants tol > 0 (the smallest positive double is
    # as strict as 0 here); its within SS is the sum of WCSS_per_cluster.
    # Neither reports its iterations.
    m <- tryCatch(measure(function() ClusterR::KMeans_arma(X, k, n_iter = max_iter, seed_mode = "keep_existing",
                                                           CENTROIDS = C0), reps), error = function(e) NULL)
    if (!is.null(m)) {
      cl <- ClusterR::predict_KMeans(X, m$res)
      rows[[length(rows) + 1]] <- row_of("ClusterR KMeans_arma", m, NA,
                                         sum((X - unclass(m$res)[cl, , drop = FALSE])^2), ckm_ari(y, cl))
    }
    # KMeans_rcpp slows down sharply with k: 21.7 s on the quick grid's
    # 2,500 x 64, k = 256 row (ckm: 0.02 s), so it runs only for k <= 64.
    m <- if (k > 64) NULL else tryCatch(measure(function() ClusterR::KMeans_rcpp(X, k, num_init = 1, max_iters = max_iter, CENTROIDS = C0,
                                                           tol = .Machine$double.xmin), reps), error = function(e) NULL)
    if (!is.null(m)) {
      rows[[length(rows) + 1]] <- row_of("ClusterR KMeans_rcpp", m, NA, sum(m$res$WCSS_per_cluster),
                                         ckm_ari(y, m$res$clusters))
    }
  }
  if (peers && nzchar(python)) {
    writeBin(as.vector(X), file.path(tmp, "X.bin"), size = 8)
    writeBin(as.vector(C0), file.path(tmp, "C0.bin"), size = 8)
    writeBin(as.integer(y), file.path(tmp, "y.bin"), size = 4)
    int_args <- format(c(n, d, k, max_iter, iters_lloyd, reps, threads), scientific = FALSE, trim = TRUE)
    out <- tryCatch(system2(python, c(peers_py, tmp, int_args),
                            stdout = TRUE, stderr = FALSE),
                    error = function(e) character(), warning = function(w) character())
    for (line in grep(",", out, value = TRUE)) {
      f <- strsplit(line, ",")[[1]]
      rows[[length(rows) + 1]] <- data.frame(method = f[1], runs = as.integer(f[2]),
        median_s = as.numeric(f[3]), cpu_s = as.numeric(f[4]), iter = as.integer(f[5]),
        inertia = as.numeric(f[6]), peak_mb = as.numeric(f[7]), ari = as.numeric(f[8]))
    }
  }
  tab <- do.call(rbind, rows)
  auto_t <- tab$median_s[startsWith(tab$method, "ckm auto")]
  tab$auto_speedup <- round(tab$median_s / auto_t, 2)
  tab$rel_inertia <- signif(tab$inertia / tab$inertia[tab$method == "ckm lloyd"] - 1, 3)
  cat(sprintf("== %s: n = %s, d = %d, k = %d, max_iter = %d; X is %.0f MB; ckm Lloyd %.1f GFLOP/s%s\n",
              gname, format(n, big.mark = ","), d, k, max_iter, n * d * 8 / 2^20, gflops,
              if (is.na(dgemm)) "" else sprintf(" (%.0f%% of dgemm)", 100 * gflops / dgemm)))
  print(transform(tab, median_s = round(median_s, 3), cpu_s = round(cpu_s, 3), inertia = signif(inertia, 10)),
        row.names = FALSE)
  cat("\n")
  all_rows[[g]] <- cbind(grid = gname, n = n, d = d, k = k, max_iter = max_iter, tab,
                         ckm_lloyd_gflops = round(gflops, 2), dgemm_gflops = round(dgemm, 1),
                         cpu = cpu_model, kernel = ckm:::kernel_name())
  # one summary line: auto against ckm's best algorithm, scikit-learn's best
  # of lloyd/elkan and stats' Lloyd
  ck <- tab[tab$method %in% c("ckm lloyd", "ckm hamerly", "ckm yinyang"), ]
  sk <- tab[tab$method %in% c("sklearn lloyd", "sklearn elkan"), ]
  stl <- tab$median_s[tab$method == "stats Lloyd"]
  summaries[[length(summaries) + 1]] <- data.frame(
    grid = gname, n = n, d = d, k = k, max_iter = max_iter, iter = tab$iter[1],
    auto = sub("ckm auto \\((.*)\\)", "\\1", tab$method[1]), auto_s = auto_t,
    best = sub("ckm ", "", ck$method[which.min(ck$median_s)]), best_s = min(ck$median_s),
    auto_over_best = round(auto_t / min(ck$median_s), 2),
    sklearn_best = if (nrow(sk)) sub("sklearn ", "", sk$method[which.min(sk$median_s)]) else NA,
    sklearn_s = if (nrow(sk)) min(sk$median_s) else NA,
    sklearn_over_auto = if (nrow(sk)) round(min(sk$median_s) / auto_t, 2) else NA,
    stats_lloyd_over_auto = if (length(stl)) round(stl / auto_t, 1) else NA,
    lloyd_gflops = round(gflops, 1), lloyd_of_dgemm = round(gflops / dgemm, 2))
}
grid_tab <- do.call(rbind, all_rows)
write.csv(grid_tab, file.path(out_dir, paste0(gname, ".csv")), row.names = FALSE)
}
summary_tab <- do.call(rbind, summaries)
cat("== summary: auto against ckm's best algorithm, scikit-learn's best of lloyd/elkan and stats' Lloyd (from the same start)\n")
print(summary_tab, row.names = FALSE)
cat("\n")
write.csv(cbind(summary_tab, cpu = cpu_model, kernel = ckm:::kernel_name(), dgemm_gflops = round(dgemm, 1)),
          file.path(out_dir, "grid-summary.csv"), row.names = FALSE)
}  # !defaults_only
if (!extras) {
  unlink(tmp, recursive = TRUE)
  quit(save = "no")
}
grid <- grids[["grid"]]
if (is.null(grid)) grid <- grids[[1]]

if (!defaults_only) {
# ---- 1 vs 2 threads on the largest single fit (auto) ----
big <- which.max(grid$n)
X <- blobs(grid$n[big], grid$d[big], grid$k[big], seed = big)
set.seed(100 + big)
C0 <- X[sample.int(nrow(X), grid$k[big]), , drop = FALSE]
sc <- lapply(1:2, function(th) {
  m <- measure(function() suppressWarnings(ckm_fit(X, init = C0, tol = 0, max_iter = grid$max_iter[big], threads = th)), reps)
  data.frame(threads = th, algorithm = m$res$algorithm, median_s = m$time, iter = m$res$iter,
             inertia = m$res$tot.withinss, peak_mb = round(m$peak, 1))
})
sc <- do.call(rbind, sc)
sc$speedup <- round(sc$median_s[1] / sc$median_s, 2)
sc$identical_to_1_thread <- c(TRUE, identical(sc$inertia[2], sc$inertia[1]))
cat(sprintf("== scaling: n = %s, d = %d, k = %d (X is %.0f MB)\n", format(nrow(X), big.mark = ","),
            ncol(X), grid$k[big], object.size(X) / 2^20))
print(transform(sc, median_s = round(median_s, 3)), row.names = FALSE)
cat("\n")
write.csv(sc, file.path(out_dir, "scaling.csv"), row.names = FALSE)

# ---- k-means++ seeding alone, as k grows ----
Xs <- blobs(if (quick) 20000 else 100000, 16, 64, seed = 7)
seed_rows <- list()
for (k in c(16, 64, 256, 1024)) {
  for (th in 1:2) {
    m <- measure(function() { set.seed(1); ckm:::seed_kmeanspp(Xs, k, th, NULL) }, reps)
    seed_rows[[length(seed_rows) + 1]] <- data.frame(method = "ckm k-means++", k = k, threads = th,
                                                    median_s = m$time)
  }
  if (peers && nzchar(python)) {
    writeBin(as.vector(Xs), file.path(tmp, "X.bin"), size = 8)
    int_args <- format(c(nrow(Xs), ncol(Xs), k, reps, threads), scientific = FALSE, trim = TRUE)
    out <- tryCatch(system2(python, c(peers_py, "seed", tmp, int_args),
                            stdout = TRUE, stderr = FALSE), error = function(e) character(),
                    warning = function(w) character())
    for (line in grep(",", out, value = TRUE)) {
      f <- strsplit(line, ",")[[1]]
      seed_rows[[length(seed_rows) + 1]] <- data.frame(method = f[1], k = k, threads = threads,
                                                      median_s = as.numeric(f[3]))
    }
  }
}
seed_tab <- do.call(rbind, seed_rows)
cat(sprintf("== k-means++ seeding alone: n = %s, d = 16\n", format(nrow(Xs), big.mark = ",")))
print(transform(seed_tab, median_s = round(median_s, 4)), row.names = FALSE)
cat("\n")
write.csv(seed_tab, file.path(out_dir, "seeding.csv"), row.names = FALSE)

}  # !defaults_only
# ---- the default calls, end to end ----
# the grid's shapes and 80,000 x 16, k = 30 (issue 13's)
def_grid <- rbind(grid[, c("n", "d", "k")], data.frame(n = if (quick) 4000 else 80000, d = 16, k = 30))
# each pair of calls from the same seed, for seeds 1..def_seeds; medians
def_seeds <- if (quick) 3L else 5L
def_rows <- list()
for (g in seq_len(nrow(def_grid))) {
  X <- blobs(def_grid$n[g], def_grid$d[g], def_grid$k[g], seed = g)
  y <- truth(X)
  k <- def_grid$k[g]
  per_seed <- lapply(seq_len(def_seeds), function(s) {
    ms <- measure_turns(list(
      function() { set.seed(s); suppressWarnings(ckm_fit(X, k, threads = threads)) },
      function() { set.seed(s); suppressWarnings(kmeans(X, k)) }), 1L)
    data.frame(ckm_s = ms[[1]]$time, ckm_cpu_s = ms[[1]]$cpu, ckm_algorithm = ms[[1]]$res$algorithm,
               ckm_iter = ms[[1]]$res$iter, ckm_inertia = ms[[1]]$res$tot.withinss,
               ckm_ari = ckm_ari(y, ms[[1]]$res$cluster), ckm_peak_mb = ms[[1]]$peak,
               stats_s = ms[[2]]$time, stats_cpu_s = ms[[2]]$cpu, stats_iter = ms[[2]]$res$iter,
               stats_inertia = ms[[2]]$res$tot.withinss, stats_ari = ckm_ari(y, ms[[2]]$res$cluster),
               stats_peak_mb = ms[[2]]$peak)
  })
  ps <- do.call(rbind, per_seed)
  num <- vapply(ps, is.numeric, TRUE)
  med <- as.data.frame(lapply(ps[num], median))
  def_rows[[g]] <- cbind(data.frame(n = def_grid$n[g], d = def_grid$d[g], k = k, seeds = def_seeds,
                                    ckm_algorithm = ps$ckm_algorithm[1]), med,
                         speedup_per_seed_min = round(min(ps$stats_s / ps$ckm_s), 1),
                         inertia_ratio_per_seed_max = round(max(ps$ckm_inertia / ps$stats_inertia), 4))
}
def_tab <- do.call(rbind, def_rows)
def_tab$speedup <- round(def_tab$stats_s / def_tab$ckm_s, 1)
def_tab$inertia_ratio <- round(def_tab$ckm_inertia / def_tab$stats_inertia, 4)
cat(sprintf("== default calls: ckm_fit(X, k) vs stats::kmeans(X, k) (random start, Hartigan-Wong, iter.max 10), the same seed for both, medians over seeds 1..%d\n", def_seeds))
print(transform(def_tab, ckm_s = round(ckm_s, 3), stats_s = round(stats_s, 3), ckm_cpu_s = round(ckm_cpu_s, 3),
                stats_cpu_s = round(stats_cpu_s, 3)), row.names = FALSE)
write.csv(def_tab, file.path(out_dir, "default.csv"), row.names = FALSE)
unlink(tmp, recursive = TRUE)

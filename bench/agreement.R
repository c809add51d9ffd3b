# Agreement of ckm's metrics with independent implementations, over many
# random labelings: the largest absolute difference of each.
#
#   Rscript bench/agreement.R
#
# References, each where installed: mclust::adjustedRandIndex, aricode
# (ARI, NMI "max", "min", "sqrt", "sum", "joint"), scikit-learn through
# python3 (adjusted_rand_score, normalized_mutual_info_score with each
# average_method), cluster::silhouette. Writes bench/results/agreement.csv.
suppressPackageStartupMessages(library(ckm))
ckm_threads(2)
options(width = 200)
out_dir <- file.path("bench", "results")
dir.create(out_dir, showWarnings = FALSE, recursive = TRUE)
set.seed(20261123)
pairs <- 500
labelings <- lapply(seq_len(pairs), function(i) {
  n <- sample(c(10, 100, 1000, 10000), 1)
  x <- sample.int(sample(2:20, 1), n, replace = TRUE)
  y <- ifelse(runif(n) < runif(1), x, sample.int(sample(2:20, 1), n, replace = TRUE))
  list(x = x, y = y)
})
rows <- list()
add <- function(metric, reference, diffs) {
  rows[[length(rows) + 1]] <<- data.frame(metric = metric, reference = reference,
                                           cases = length(diffs), max_abs_diff = max(abs(diffs)))
}
ari <- vapply(labelings, function(l) ckm_ari(l$x, l$y), numeric(1))
nmi <- sapply(c("arithmetic", "geometric", "max", "min", "joint"), function(v) {
  vapply(labelings, function(l) ckm_nmi(l$x, l$y, v), numeric(1))
})
if (requireNamespace("mclust", quietly = TRUE)) {
  add("ARI", "mclust::adjustedRandIndex",
      ari - vapply(labelings, function(l) mclust::adjustedRandIndex(l$x, l$y), numeric(1)))
}
if (requireNamespace("aricode", quietly = TRUE)) {
  add("ARI", "aricode::ARI", ari - vapply(labelings, function(l) aricode::ARI(l$x, l$y), numeric(1)))
  for (v in c(arithmetic = "sum", geometric = "sqrt", max = "max", min = "min", joint = "joint")) {
    nm <- names(which(c(arithmetic = "sum", geometric = "sqrt", max = "max", min = "min", joint = "joint") == v))
    add(paste0("NMI ", nm), paste0("aricode::NMI(variant = \"", v, "\")"),
        nmi[, nm] - vapply(labelings, function(l) aricode::NMI(l$x, l$y, v), numeric(1)))
  }
}
py <- if (file.exists("/usr/bin/python3")) "/usr/bin/python3" else Sys.which("python3")
if (nzchar(py) && suppressWarnings(system2(py, c("-c", shQuote("import sklearn")), stdout = FALSE, stderr = FALSE)) == 0) {
  dir <- tempfile(); dir.create(dir)
  for (i in seq_along(labelings)) {
    write.table(cbind(labelings[[i]]$x, labelings[[i]]$y), file.path(dir, sprintf("%04d.txt", i)),
                row.names = FALSE, col.names = FALSE)
  }
  code <- paste(
    "import sys, glob, numpy as np",
    "from sklearn.metrics import adjusted_rand_score as ari, normalized_mutual_info_score as nmi",
    "for f in sorted(glob.glob(sys.argv[1] + '/*.txt')):",
    "    a = np.loadtxt(f, dtype=int, ndmin=2)",
    "    x, y = a[:, 0], a[:, 1]",
    "    print(repr(ari(x, y)), *[repr(nmi(x, y, average_method=m)) for m in ('arithmetic', 'geometric', 'max', 'min')])",
    sep = "\n")
  res <- system2(py, c("-c", shQuote(code), dir), stdout = TRUE)
  sk <- do.call(rbind, lapply(strsplit(res, " "), as.numeric))
  add("ARI", "sklearn adjusted_rand_score", ari - sk[, 1])
  for (j in 1:4) {
    v <- c("arithmetic", "geometric", "max", "min")[j]
    add(paste0("NMI ", v), sprintf("sklearn normalized_mutual_info_score(average_method = \"%s\")", v),
        nmi[, v] - sk[, j + 1])
  }
}
if (requireNamespace("cluster", quietly = TRUE)) {
  diffs <- unlist(lapply(1:20, function(i) {
    n <- sample(c(50, 500, 2000), 1); d <- sample(1:10, 1); k <- sample(2:8, 1)
    X <- matrix(rnorm(n * d), n, d) + matrix(rnorm(k * d, sd = 3), k, d)[sample.int(k, n, TRUE), ]
    cl <- ckm_fit(X, k)$cluster
    ckm_silhouette(X, cl)$width - cluster::silhouette(cl, dist(X))[, "sil_width"]
  }))
  add("silhouette widths (20 fits)", "cluster::silhouette", diffs)
}
tab <- do.call(rbind, rows)
print(tab, row.names = FALSE)
write.csv(tab, file.path(out_dir, "agreement.csv"), row.names = FALSE)

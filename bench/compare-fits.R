# Two builds of ckm, the same fits: are the results bit-identical? For a
# change that must not move a single bit (a restructuring of the pipeline
# or of the core). Each build runs in its own R process and saves its
# results; this script compares them field by field with identical().
# Usage: Rscript bench/compare-fits.R OLD_LIB NEW_LIB
#   (R CMD INSTALL -l OLD_LIB <old checkout>; NEW_LIB may be "" for the
#   default library). Writes bench/results/compare-fits.csv.
source(file.path(dirname(sub("^--file=", "", grep("^--file=", commandArgs(), value = TRUE)[1])), "common.R"))
args <- commandArgs(trailingOnly = TRUE)
libs <- c(old = args[[1]], new = args[[2]])
child <- '
a <- commandArgs(TRUE); lib <- a[1]; out <- a[2]
if (nzchar(lib)) .libPaths(c(lib, .libPaths()))
suppressMessages(library(ckm)); options(ckm.load_aware = FALSE)
res <- list()
keep <- function(name, expr) res[[name]] <<- tryCatch(expr, error = function(e) conditionMessage(e))
blob <- function(n, d, k, seed) {
  set.seed(seed); C <- matrix(runif(k * d, -20, 20), k, d)
  C[sample.int(k, n, TRUE), , drop = FALSE] + matrix(rnorm(n * d, sd = 2), n)
}
# (conditioning$tot.withinss: a member added with the pipeline of issue 22)
strip <- function(f) { f$threads <- NULL; if (is.list(f$conditioning)) f$conditioning$tot.withinss <- NULL; unclass(f) }
# the bench grid (bench/bench.R shapes, smaller n), every algorithm from one
# start, the default call, 1 and 2 threads
grid <- list(c(20000, 2, 8), c(20000, 8, 16), c(10000, 16, 32), c(5000, 64, 256),
             c(20000, 2, 1000), c(4000, 16, 16), c(300, 4, 3))
for (g in grid) {
  X <- blob(g[1], g[2], g[3], 1); k <- g[3]; S <- X[seq(1, g[1], length.out = k), ]
  for (alg in c("lloyd", "hamerly", "yinyang", "hartigan"))
    keep(sprintf("%s %s", paste(g, collapse = "x"), alg),
         strip(ckm_fit(X, init = S, tol = 0, max_iter = 60, algorithm = alg, threads = 1)))
  for (th in 1:2) keep(sprintf("%s default t%d", paste(g, collapse = "x"), th),
                       { set.seed(2); strip(ckm_fit(X, k, threads = th)) })
}
# real data, defaults and each entry point
sets <- list(iris = as.matrix(iris[, 1:4]), faithful = as.matrix(faithful),
             USArrests = as.matrix(USArrests), quakes = as.matrix(quakes))
for (nm in names(sets)) for (k in 2:5) {
  X <- sets[[nm]]
  keep(paste(nm, k, "default"), { set.seed(k); strip(ckm_fit(X, k, threads = 1)) })
  keep(paste(nm, k, "scale"), { set.seed(k); strip(ckm_fit(X, k, scale = TRUE, threads = 1)) })
  keep(paste(nm, k, "weights"), { set.seed(k); strip(ckm_fit(X, k, weights = rep(1:3, length.out = nrow(X)), threads = 2)) })
  keep(paste(nm, k, "minibatch"), { set.seed(k); strip(ckm_minibatch(X, k, batch_size = 64, threads = 1)) })
  keep(paste(nm, k, "minibatch weights"), { set.seed(k); strip(ckm_minibatch(X, k, batch_size = 64, weights = rep(1:3, length.out = nrow(X)), tol = 1e-3, threads = 1)) })
  keep(paste(nm, k, "kmedians"), { set.seed(k); strip(ckm_kmedians(X, k, threads = 1)) })
  keep(paste(nm, k, "converge"), { set.seed(k); lapply(ckm_converge(X, k, iterations = 5)$fits, strip) })
  keep(paste(nm, k, "predict"), { set.seed(k); f <- ckm_fit(X, k, threads = 1)
    list(predict(f, X + 0.1), predict(f, X + 0.1, type = "prob")) })
  keep(paste(nm, k, "predict scaled"), { set.seed(k); f <- ckm_fit(X, k, scale = TRUE, threads = 1)
    list(predict(f, X + 0.1), predict(f, X + 0.1, type = "prob")) })
  # conditioned data: far from the origin, extreme magnitudes
  keep(paste(nm, k, "far"), { set.seed(k); strip(ckm_fit(1e9 + X, k, threads = 1)) })
  keep(paste(nm, k, "tiny"), { set.seed(k); strip(ckm_fit(X * 1e-155, k, threads = 1)) })
  keep(paste(nm, k, "huge predict"), { set.seed(k); f <- ckm_fit(X * 2^500, k, threads = 1)
    list(strip(f), predict(f, X * 2^500)) })
}
saveRDS(res, out)
'
script <- tempfile(fileext = ".R")
writeLines(child, script)
rs <- file.path(R.home("bin"), "Rscript")
files <- c(old = tempfile(fileext = ".rds"), new = tempfile(fileext = ".rds"))
for (b in names(libs)) {
  status <- system2(rs, c(script, shQuote(libs[[b]]), files[[b]]))
  if (status != 0) stop("the ", b, " build failed")
}
old <- readRDS(files[["old"]])
new <- readRDS(files[["new"]])
rows <- lapply(names(old), function(nm) {
  o <- old[[nm]]; n <- new[[nm]]
  fields <- if (is.list(o) && !is.null(names(o))) union(names(o), names(n)) else ""
  differ <- if (identical(fields, "")) (if (identical(o, n)) character() else "value") else
    fields[!vapply(fields, function(f) identical(o[[f]], n[[f]]), logical(1))]
  data.frame(fit = nm, identical = !length(differ), differ = paste(differ, collapse = " "))
})
tab <- do.call(rbind, rows)
cat(sprintf("%s; %d fits; identical: %d; differ: %d\n", machine, nrow(tab),
            sum(tab$identical), sum(!tab$identical)))
if (any(!tab$identical)) print(tab[!tab$identical, ], row.names = FALSE)
utils::write.csv(tab, file.path(out_dir, "compare-fits.csv"), row.names = FALSE)

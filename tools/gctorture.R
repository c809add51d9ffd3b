# PROTECT discipline of the .Call glue, checked dynamically (what rchk
# checks statically): every entry point runs on tiny data under
# gctorture(), which collects garbage at every allocation, so an
# unprotected object in src/glue.c or src/ffi_*.c would be freed and reused at once. The
# results must equal those of the same calls without torture.
#
#   Rscript tools/gctorture.R          (make gctorture)
suppressMessages(library(ckm))
options(ckm.threads = 2L, ckm.load_aware = FALSE) # the same thread count in every run
set.seed(1)
X <- rbind(matrix(rnorm(40), 20), matrix(rnorm(40, 6), 20))
rownames(X) <- paste0("r", 1:40)
w <- runif(40, 0.5, 2)
calls <- list(
  fit = function() { set.seed(2); ckm_fit(X, 3, algorithm = "lloyd") },
  # the default: restarts in the core (a given first start, k-means++ ones)
  # and Hartigan's transfers, with the trace of the kept start
  default = function() { set.seed(2); ckm_fit(X, 3, n_init = 4) },
  macqueen = function() { set.seed(2); ckm_kmeans(X, 3, algorithm = "MacQueen", nstart = 2) },
  drop_in = function() { set.seed(2); ckm_kmeans(X, 3) },
  hartigan = function() { set.seed(2); ckm_fit(X, 3, init = "kmeans++", n_init = 3, algorithm = "hartigan", weights = w) },
  hamerly = function() { set.seed(2); ckm_fit(X, 3, algorithm = "hamerly", weights = w) },
  yinyang = function() { set.seed(2); ckm_fit(X, 3, algorithm = "yinyang", init = "greedy-kmeans++") },
  min_size = function() { set.seed(2); suppressWarnings(ckm_fit(X, 4, min_size = 5)) },
  minibatch = function() { set.seed(3); ckm_minibatch(X, 3, batch_size = 8) },
  kmedians = function() { set.seed(4); ckm_kmedians(X, 3) },
  kmedoids = function() {
    set.seed(4)
    list(ckm_kmedoids(X, 3, n_init = 2), ckm_kmedoids(dist(X), 2, init = "build"),
         ckm_silhouette(dist(X), rep(1:2, each = 20))$width)
  },
  gap = function() { set.seed(4); ckm_gap(X, 1:3, B = 3) },
  spectral = function() {
    set.seed(4)
    list(ckm_spectral(X, 2, n_neighbors = 5), .Call(ckm:::ffi_knn, X, 4L, 2L, NULL),
         .Call(ckm:::ffi_components, 5L, c(1L, 3L), c(2L, 4L)))
  },
  predict = function() { f <- ckm_fit(X, init = X[c(1, 25), ]); list(predict(f, X), predict(f, X, type = "prob")) },
  metrics = function() list(ckm_ari(rep(1:2, 20), rep(1:4, 10)), ckm_nmi(rep(1:2, 20), rep(1:4, 10), "max")),
  silhouette = function() { f <- ckm_fit(X, init = X[c(1, 25), ]); list(ckm_silhouette(X, f$cluster), ckm_silhouette(X, f, method = "simplified")) },
  errors = function() tryCatch(ckm_fit(matrix(rep(1, 10)), 2), error = conditionMessage),
  # the collectives' glue (C calling R's allreduce and allgather) with a
  # second, empty process; the snapshot hook of ckm_converge(); k-means||
  collectives = function() {
    cc <- list(rank = 0L, size = 2L, row0 = 0, n_global = nrow(X),
               allreduce = function(x, op) x,
               allgather = function(x) c(x, rep(-1, length(x))),
               allgather_obj = function(obj) list(obj))
    mom <- ckm:::data_moments(X, NULL, 2L, cc)
    set.seed(5)
    start <- ckm:::seed_kmeanspp(X, 3, 2L, NULL, trials = 3L, comm = cc)
    z <- ckm:::run_fit(X, rbind(start[1:2, ], c(50, 50)), NULL, 20L, 0, list(code = 2L, hartigan = FALSE), 0L, 2L, FALSE,
                       NULL, mom$moments, cc)
    list(mom, start, z$centers, z$cluster, z$relocated)
  },
  converge = function() ckm_converge(X, init = X[c(1, 2, 25), ], iterations = 4)$fits,
  kmeans_parallel = function() { set.seed(6); ckm_fit(X, 3, init = "kmeans||")$centers },
  # data far from the origin and at extreme magnitudes: the conditioned copy
  conditioned = function() {
    set.seed(1); a <- ckm_fit(X + 1e12, 2)
    set.seed(1); b <- ckm_fit(X * 1e-170, 2)
    list(a$centers, b$centers, predict(a, X + 1e12))
  }
)
bad <- character()
for (nm in names(calls)) {
  plain <- calls[[nm]]()
  gctorture(TRUE)
  tortured <- calls[[nm]]()
  gctorture(FALSE)
  if (!identical(plain, tortured)) bad <- c(bad, nm)
}
if (length(bad)) {
  cat("gctorture: results differ under gctorture for:", paste(bad, collapse = ", "), "\n")
  quit(status = 1)
}
cat(sprintf("gctorture: %d entry points give the same results under gctorture\n", length(calls)))

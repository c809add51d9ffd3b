# A representative workload for tools/valgrind.sh: every entry point of the
# C code on small data (valgrind runs R about 30x slower), including the
# paths that end in an R error after scratch memory was taken (those free
# it through R_alloc's reset on the long jump), and OpenMP with 2 threads.
library(ckm)
set.seed(1)
b <- ckm_blobs(1500, centers = 20, d = 4, sd = 1)
X <- b$X
w <- runif(nrow(X), 0.5, 2)
for (alg in c("lloyd", "hamerly", "yinyang")) {
  for (kernel in c("auto", "plain")) {
    options(ckm.kernel = kernel)
    f <- ckm_fit(X, 20, algorithm = alg, threads = 2)
    f <- ckm_fit(X, 20, algorithm = alg, weights = w, init = "greedy-kmeans++", threads = 2)
    f <- ckm_fit(X, 20, algorithm = alg, init = "random", n_init = 2, tol = 1e-3, threads = 1)
  }
}
options(ckm.kernel = NULL)
# the default (restarts in the core, Hartigan's transfers) and Hartigan
# alone, weighted
f <- ckm_fit(X, 20, n_init = 3)
f <- ckm_fit(X, 20, init = "kmeans++", algorithm = "hartigan", weights = w)
f <- ckm_kmeans(X, 5, algorithm = "MacQueen", nstart = 2)
f <- ckm_kmeans(X, 5)
# Hartigan and Wong's algorithm, and its fallback where a cluster starts
# empty
f <- ckm_fit(X, init = X[1:20, ], algorithm = "hartigan-wong", max_iter = 3)
f <- ckm_fit(X, init = rbind(X[1:19, ], c(1e4, 1e4, 0, 0)), algorithm = "hartigan-wong")
# empty clusters and relocation
start <- rbind(X[1:18, ], c(1e4, 1e4, 0, 0), c(-1e4, 1e4, 0, 0))
f <- ckm_fit(X, init = start, threads = 2)
f <- ckm_fit(X, 20, min_size = 40, threads = 2)
# a fit of 9 blocks of centre sums: the passes form and add them (at
# least 4 blocks per thread), with weights and a relocation
Xb <- ckm_blobs(70000, centers = 12, d = 3, sd = 2)$X
wb <- runif(nrow(Xb), 0.5, 2)
for (alg in c("lloyd", "hamerly", "yinyang")) {
  f9 <- suppressWarnings(ckm_fit(Xb, init = Xb[1:12, ], algorithm = alg, max_iter = 6, threads = 2))
  f9 <- suppressWarnings(ckm_fit(Xb, init = rbind(Xb[1:11, ], c(1e4, 1e4, 1e4)), weights = wb,
                                 algorithm = alg, max_iter = 6, threads = 1))
}
p <- predict(f, X[1:200, ], type = "prob")
cl <- predict(f, X[1:200, ])
mb <- ckm_minibatch(X, 20, batch_size = 100, threads = 2)
mb <- ckm_minibatch(X, 20, batch_size = 100, weights = w, init = "random", threads = 1)
km <- ckm_kmedians(X, 5, threads = 2)
km <- predict(km, X[1:10, ])
a <- ckm_ari(f$cluster, b$y)
a <- ckm_nmi(f$cluster, b$y, variant = "joint")
s <- ckm_silhouette(X[1:400, ], f$cluster[1:400], threads = 2)
s <- ckm_silhouette(X, f, method = "simplified", threads = 2)
e <- ckm_elbow(X[1:600, ], k = 1:6, threads = 2)
cv <- ckm_converge(X[1:300, 1:2], 4, iterations = 4)
img <- array(runif(30 * 20 * 3), c(30, 20, 3))
q <- ckm_quantize(img, 4)
# extreme data: the conditioned (shifted or scaled) copy
f1 <- ckm_fit(matrix(c(-1e200, 1e200, 0, 1), ncol = 1), 2)
f2 <- ckm_fit(matrix(1:10, ncol = 1), 2, weights = rep(1e307, 10))
f3 <- ckm_fit(X[1:300, ] + 1e12, 3)
p3 <- predict(f3, X[1:10, ] + 1e12, type = "prob")
f4 <- ckm_kmedians(matrix(c(-1e308, 1e308, 0, 1), ncol = 1), init = matrix(c(0, 1)))
# k-medoids, the gap statistic, spectral clustering
set.seed(8)
km <- ckm_kmedoids(X[1:300, ], 4)
kd <- ckm_kmedoids(dist(X[1:200, ]), 3, swap = "steepest", init = "build")
gp <- ckm_gap(X[1:300, ], 1:4, B = 5, threads = 2)
mo <- ckm_moons(800, noise = 0.1) # a connected graph: its eigenvectors from eigen()
sp <- ckm_spectral(mo$X, 2, threads = 2)
# errors raised after C scratch was allocated
for (expr in list(
  quote(ckm_fit(rbind(X[1:3, ], X[1:3, ]), 4)),
  quote(ckm_fit(X[rep(1:3, 5), ], init = X[1:4, ] + 0.01)),
  quote(ckm_kmedians(X[rep(1:3, 5), ], init = X[1:4, ] + 0.01)),
  quote(ckm_minibatch(rbind(X[1:3, ], X[1:3, ]), 4)),
  quote(ckm_kmedoids(X[rep(1:3, 5), ], 4)),
  quote(ckm_gap(X[rep(1:3, 5), ], 1:4, B = 2))
)) {
  r <- tryCatch(eval(expr), error = function(e) conditionMessage(e))
  stopifnot(is.character(r))
}
cat("valgrind cases: done\n")

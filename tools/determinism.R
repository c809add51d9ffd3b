# Results that must not depend on how many threads run them: written to an
# RDS file by each configuration of tools/determinism.sh and compared.
#   Rscript tools/determinism.R OUT.rds
suppressMessages(library(ckm))
options(ckm.load_aware = FALSE) # the configured thread count, whatever the load
out <- commandArgs(trailingOnly = TRUE)[[1]]
caps <- ckm:::omp_caps()
set.seed(1)
b <- ckm_blobs(60000, centers = 80, d = 6, sd = 1.5)
X <- b$X
w <- runif(nrow(X), 0.5, 2)
drop_threads <- function(f) { f$threads <- NULL; f }
res <- list()
for (alg in c("lloyd", "hamerly", "yinyang")) {
  set.seed(2); res[[alg]] <- drop_threads(ckm_fit(X, 80, algorithm = alg, tol = 0))
  set.seed(3); res[[paste0(alg, "_weighted")]] <-
    drop_threads(ckm_fit(X, 80, algorithm = alg, weights = w, init = "greedy-kmeans++"))
}
# 140,000 rows: 17 blocks of centre sums, at least 4 a thread up to 4
# threads, so the passes form the sums themselves (src/update.c)
set.seed(13)
big <- ckm_blobs(140000, centers = 12, d = 3, sd = 2)$X
wb <- runif(nrow(big), 0.5, 2)
S <- big[seq(1, nrow(big), length.out = 12), ]
used <- NA_integer_
for (alg in c("lloyd", "hamerly", "yinyang")) {
  f <- ckm_fit(big, init = S, algorithm = alg, tol = 0)
  used <- f$threads
  res[[paste0(alg, "_blocks")]] <- drop_threads(f)
  res[[paste0(alg, "_blocks_weighted")]] <-
    drop_threads(ckm_fit(big, init = S, algorithm = alg, tol = 0, weights = wb))
}
set.seed(7); res$hartigan <- drop_threads(ckm_fit(X, 80, init = "kmeans++", algorithm = "hartigan",
                                                  n_init = 2, weights = w))
set.seed(8); res$default_small <- drop_threads(ckm_fit(X[1:3000, ], 6))
set.seed(4); res$minibatch <- drop_threads(ckm_minibatch(X, 80))
set.seed(5); res$kmedians <- ckm_kmedians(X, 10)
res$silhouette <- ckm_silhouette(X[1:5000, ], res$lloyd$cluster[1:5000])
res$simplified <- ckm_silhouette(X, res$lloyd, method = "simplified")
res$prob <- predict(res$lloyd, X[1:2000, ], type = "prob")
set.seed(9); res$kmedoids <- ckm_kmedoids(X[1:4000, ], 12)
set.seed(10); res$gap <- ckm_gap(X[1:20000, ], 1:10, B = 8) # the sets on the threads
set.seed(11); res$gap_hamerly <- ckm_gap(X[1:5000, ], 1:6, B = 6, algorithm = "hamerly")
set.seed(12); mm <- ckm_moons(6000, noise = 0.1); res$spectral <- ckm_spectral(mm$X, 2)[c("cluster", "eigenvalues")]
set.seed(6); e <- ckm_elbow(X[1:20000, ], k = 2:12); e$threads <- NULL
res$elbow <- e$table
saveRDS(res, out)
cat(sprintf("determinism: %s: OpenMP %s, threads %d (a 140,000-row fit ran on %d) -> %s\n",
            Sys.getenv("CKM_CONFIG"), if (caps$openmp) "on" else "off",
            ckm_threads(), used, basename(out)))

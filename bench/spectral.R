# ckm_spectral() against kernlab::specc() on moons and rings (noise as in
# the agreement vignette), n = 400 and 1,000: ARI and time side by side;
# then ckm alone at
# n = 20,000 (specc builds an n x n kernel matrix: 3 GB there).
#
# Usage: Rscript bench/spectral.R [--seeds 5]
# Writes bench/results/spectral.csv.
suppressPackageStartupMessages(library(ckm))
source(file.path(dirname(sub("^--file=", "", grep("^--file=", commandArgs(), value = TRUE)[1])), "common.R"))
args <- commandArgs(trailingOnly = TRUE)
seeds <- if ("--seeds" %in% args) as.integer(args[[match("--seeds", args) + 1L]]) else 3L
cat("machine:", machine, "\n")
make <- list(
  moons = function(n) { m <- ckm_moons(n, noise = 0.06); list(X = m$X, y = m$y) },
  rings = function(n) { cc <- ckm_circles(n, noise = 0.04, factor = 0.5); list(X = cc$X, y = cc$y) }
)
rows <- list()
for (nm in names(make)) for (n in c(400L, 1000L)) for (s in seq_len(seeds)) {
  set.seed(s); D <- make[[nm]](n)
  t1 <- system.time(a <- ckm_spectral(D$X, 2))[["elapsed"]]
  set.seed(s); t2 <- system.time(sp <- tryCatch(kernlab::specc(D$X, 2), error = function(e) NULL))[["elapsed"]]
  t3 <- system.time(km <- ckm_fit(D$X, 2))[["elapsed"]]
  rows[[length(rows) + 1L]] <- data.frame(data = nm, n = n, seed = s,
    ckm_ari = ckm_ari(a$cluster, D$y), specc_ari = if (is.null(sp)) NA else ckm_ari(sp@.Data, D$y),
    kmeans_ari = ckm_ari(km$cluster, D$y), ckm_s = t1, specc_s = t2)
}
for (nm in names(make)) {
  set.seed(1); D <- make[[nm]](20000L)
  t1 <- system.time(a <- ckm_spectral(D$X, 2))[["elapsed"]]
  rows[[length(rows) + 1L]] <- data.frame(data = nm, n = 20000L, seed = 1L, ckm_ari = ckm_ari(a$cluster, D$y),
    specc_ari = NA, kmeans_ari = NA, ckm_s = t1, specc_s = NA)
}
# a graph that does not fall apart: moons with more noise touch, so the
# eigensolver has to separate eigenvalues 1 and 0.99997
set.seed(1); mm <- ckm_moons(20000L, noise = 0.1)
t1 <- system.time(a <- ckm_spectral(mm$X, 2))[["elapsed"]]
rows[[length(rows) + 1L]] <- data.frame(data = "moons, noise 0.1", n = 20000L, seed = 1L,
  ckm_ari = ckm_ari(a$cluster, mm$y), specc_ari = NA, kmeans_ari = ckm_ari(ckm_fit(mm$X, 2)$cluster, mm$y),
  ckm_s = t1, specc_s = NA)
res <- do.call(rbind, rows)
res$cpu <- machine
write.csv(res, file.path(out_dir, "spectral.csv"), row.names = FALSE)
agg <- aggregate(cbind(ckm_ari, specc_ari, kmeans_ari, ckm_s, specc_s) ~ data + n,
                 data = transform(res, specc_ari = ifelse(is.na(specc_ari), -1, specc_ari),
                                  specc_s = ifelse(is.na(specc_s), -1, specc_s),
                                  kmeans_ari = ifelse(is.na(kmeans_ari), -1, kmeans_ari)),
                 FUN = median)
print(agg, digits = 3, row.names = FALSE)
cat("(medians over seeds; -1: not run)\n")

# Spectral clustering (Ng, Jordan and Weiss 2002) on a sparse k-nearest-
# neighbour graph: neighbours exact, in C (src/knn.c); the eigenvectors
# from RSpectra or irlba (Suggests), or base eigen() for small n.

#' Spectral clustering
#'
#' Clusters the rows of `X` by the recipe of Ng, Jordan and Weiss (2002):
#' a similarity graph, the leading eigenvectors of its normalised
#' affinity, rows scaled to unit length, then k-means ([ckm_fit()]) on
#' those rows. Clusters that are connected but not convex (two moons, a
#' ring around a disc), which k-means cannot separate, become compact
#' groups in the eigenvectors.
#'
#' The graph: each row joined to its `n_neighbors` nearest rows (exact
#' Euclidean neighbours, found in C with the blocked distance kernel of the
#' k-means passes, in O(n^2 d) time and O(n m) memory), with Gaussian
#' weights exp(-d^2 / (s_i s_j)) where s_i is the distance of row i to its
#' 7th nearest neighbour (the local scaling of Zelnik-Manor and Perona
#' 2004; fewer neighbours: the farthest), or exp(-d^2 / (2 sigma^2)) for a
#' chosen `sigma`; an edge of either end's list is kept (the symmetric
#' kNN graph). The affinity D^(-1/2) W D^(-1/2) (D: the degrees) has
#' eigenvalue 1 once per connected component, with a known eigenvector
#' (D^(1/2) on the component, 0 elsewhere): those are taken as they are,
#' and the other eigenvectors of the `k` largest come from
#' `RSpectra::eigs_sym()` (Lanczos), else `irlba::partial_eigen()` (less
#' accurate where eigenvalues lie close together), both sparse, or `eigen()` on the dense matrix for up to 1,000 rows
#' (`eigensolver` to choose), in the space orthogonal to the components'.
#' A graph of exactly k components needs no solver.
#'
#' A graph with more connected components than `k` has no k-way answer
#' (several eigenvectors of eigenvalue 1 per cluster): that is an error,
#' asking for more neighbours.
#'
#' @param X A numeric matrix or data frame (rows are observations).
#' @param k Number of clusters.
#' @param n_neighbors Neighbours of each row in the graph; `NULL`: 10 (or
#'   nrow(X) - 1 for fewer rows).
#' @param sigma `NULL` (local scaling) or a positive bandwidth.
#' @param eigensolver `"auto"` (eigen() up to 1,000 rows, else RSpectra,
#'   else irlba), `"rspectra"`, `"irlba"` or `"eigen"`.
#' @param n_init Starts of the k-means on the eigenvectors.
#' @param threads Number of threads, or `NULL` for [ckm_threads()].
#' @return An object of class `ckm_spectral`: a list with `cluster`,
#'   `size`, `centers` (the clusters' means in `X`), `eigenvalues` (the
#'   k largest of the normalised affinity), `embedding` (the n x k rows
#'   k-means was run on), `kmeans` (that fit), `components` (of the graph),
#'   `n_neighbors`, `sigma` and `eigensolver`. `plot(fit, X)` draws the
#'   clusters.
#' @references Ng, A. Y., Jordan, M. I. and Weiss, Y. (2002). On spectral
#'   clustering: analysis and an algorithm. Advances in Neural Information
#'   Processing Systems 14, 849-856.
#'
#'   Zelnik-Manor, L. and Perona, P. (2004). Self-tuning spectral
#'   clustering. Advances in Neural Information Processing Systems 17,
#'   1601-1608.
#' @seealso `kernlab::specc()`, a dense implementation; [ckm_fit()].
#' @export
#' @examples
#' set.seed(1)
#' m <- ckm_moons(400, noise = 0.06)
#' sp <- ckm_spectral(m$X, 2, threads = 1)
#' table(sp$cluster, m$y)
#' ckm_ari(sp$cluster, m$y)
#' ckm_ari(ckm_fit(m$X, 2, threads = 1)$cluster, m$y) # k-means cuts the moons
ckm_spectral <- function(X, k, n_neighbors = NULL, sigma = NULL,
                         eigensolver = c("auto", "rspectra", "irlba", "eigen"),
                         n_init = 10L, threads = NULL) {
  ecall <- sys.call()
  X <- as_data_matrix(X, "X", ecall)
  n <- nrow(X)
  if (n < 3L) abort(sprintf("`X` must have at least 3 rows for a graph, not %d.", n), ecall)
  k <- check_k(k, n, ecall)
  if (k >= n) abort(sprintf("`k` must be below nrow(X) = %d for spectral clustering, not %d.", n, k), ecall)
  if (is.null(n_neighbors)) n_neighbors <- min(10L, n - 1L)
  if (!is_whole(n_neighbors) || n_neighbors < 1 || n_neighbors >= n) {
    abort(sprintf("`n_neighbors` must be a whole number between 1 and nrow(X) - 1 = %d, not %s.",
                  n - 1L, describe(n_neighbors)), ecall)
  }
  m <- as.integer(n_neighbors)
  if (!is.null(sigma) && (!is.numeric(sigma) || length(sigma) != 1L || is.na(sigma) ||
                          !is.finite(sigma) || sigma <= 0)) {
    abort(sprintf("`sigma` must be NULL (local scaling) or a positive number, not %s.",
                  describe(sigma)), ecall)
  }
  eigensolver <- check_choice(eigensolver, c("auto", "rspectra", "irlba", "eigen"), "eigensolver",
                              ecall, default_ok = TRUE)
  n_init <- check_count(n_init, "n_init", call = ecall)
  threads <- check_threads(threads, ecall, work = as.double(n) * n * ncol(X))

  # distances are taken between rows: centred and scaled by a power of two
  # first (exact for the scaling), so far-off or extreme data neither
  # loses digits nor overflows; sigma moves with the scale
  Xc <- sweep(X, 2L, colMeans(X))
  e <- scale_exponent(max(abs(range(Xc))))
  if (e != 0L) Xc <- times_pow2(Xc, -e)
  sig <- if (is.null(sigma)) NULL else times_pow2(sigma, -e)

  bar <- progress_bar(sprintf("ckm_spectral(): neighbours of %s rows", format(n, big.mark = ",")))
  nb <- .Call(ffi_knn, Xc, m, threads, progress_fn(bar))
  progress_done(bar)
  check_status(nb$status, ecall)
  idx <- nb$index # m x n: column i holds row i's neighbours
  d2 <- nb$dist2
  if (!all(is.finite(d2))) abort("Squared distances overflow: rescale `X`.", ecall)

  # Gaussian weights, local scale: the distance to the 7th neighbour
  from <- rep(seq_len(n), each = m)
  to <- as.vector(idx)
  dd <- as.vector(d2)
  if (is.null(sig)) {
    s <- sqrt(d2[min(7L, m), ])
    pos <- s[s > 0]
    s[s == 0] <- if (length(pos)) min(pos) else 1 # repeated rows
    w <- exp(-dd / (s[from] * s[to]))
  } else {
    w <- exp(-dd / (2 * sig^2))
  }
  # the symmetric kNN graph: an edge of either list, its larger weight
  a <- pmin(from, to)
  b <- pmax(from, to)
  key <- (a - 1) * as.double(n) + b
  o <- order(key, -w)
  keep <- o[!duplicated(key[o])]
  a <- a[keep]
  b <- b[keep]
  w <- w[keep]
  if (any(w <= 0)) {
    abort("Some neighbours' weights underflow to 0 with this `sigma`: give a larger `sigma` or NULL.", ecall)
  }
  comp <- .Call(ffi_components, n, a, b)
  n_comp <- max(comp)
  if (n_comp > k) {
    abort(sprintf("The %d-nearest-neighbour graph has %d connected components, more than `k` = %d: no %d-way cut is defined; raise `n_neighbors`.",
                  m, n_comp, k, k), ecall)
  }
  deg <- as.vector(rowsum(c(w, w), c(a, b), reorder = TRUE))
  wn <- w / sqrt(deg[a] * deg[b]) # D^-1/2 W D^-1/2
  V0 <- if (n_comp > 1L) {
    vapply(seq_len(n_comp), function(c) {
      v <- ifelse(comp == c, sqrt(deg), 0)
      v / sqrt(sum(v^2))
    }, numeric(n))
  } else matrix(0, n, 0L)
  ev <- leading_eigen(a, b, wn, n, k, eigensolver, V0, ecall)
  U <- ev$vectors
  len <- sqrt(rowSums(U^2))
  U <- U / ifelse(len > 0, len, 1)
  fit <- ckm_fit(U, k, n_init = n_init, threads = threads)
  cluster <- fit$cluster
  if (!is.null(rownames(X))) names(cluster) <- rownames(X)
  size <- tabulate(cluster, k)
  centers <- rowsum(X, factor(cluster, levels = seq_len(k)), reorder = TRUE) / pmax(size, 1L)
  dimnames(centers) <- list(seq_len(k), colnames(X))
  structure(list(
    cluster = cluster, size = size, centers = centers, eigenvalues = ev$values,
    embedding = U, kmeans = fit, components = n_comp, n_neighbors = m,
    sigma = if (is.null(sigma)) "local" else sigma, eigensolver = ev$solver
  ), class = "ckm_spectral")
}

# The k largest eigenpairs of the normalised affinity M (entries wn at
# (a, b) and (b, a), a < b; zero diagonal). Each connected component c
# gives eigenvalue 1 with the known eigenvector D^(1/2) 1_c (V0, one column
# per component): these are taken as they are, and the solver looks for
# the other k - ncol(V0) in the space orthogonal to them, on
# M + I - 2 V0 V0' (eigenvalues in [0, 2], V0's moved to 0), where no
# eigenvalue is repeated because of the components: Lanczos converges
# slowly on repeated eigenvalues, and a graph of k components needs no
# solver at all.
leading_eigen <- function(a, b, wn, n, k, solver, V0, call) {
  kk <- k - ncol(V0)
  if (kk == 0L) return(list(values = rep(1, k), vectors = V0, solver = "components"))
  has <- function(p) requireNamespace(p, quietly = TRUE)
  if (solver == "auto") {
    # RSpectra first: its eigenvalues agree with eigen()'s to 1e-12 where
    # irlba's were off by 7e-4 (blobs with near-repeated eigenvalues), which
    # moved 1% of the points (tests/testthat/test-spectral.R)
    solver <- if (n <= 1000L) "eigen" else if (has("RSpectra")) "rspectra" else if (has("irlba")) "irlba" else "eigen"
  }
  if (solver %in% c("rspectra", "irlba")) {
    if (!has(if (solver == "rspectra") "RSpectra" else "irlba") || !has("Matrix")) {
      abort(sprintf("eigensolver = \"%s\" needs the %s and Matrix packages: install.packages(\"%s\").",
                    solver, if (solver == "rspectra") "RSpectra" else "irlba",
                    if (solver == "rspectra") "RSpectra" else "irlba"), call)
    }
    M <- Matrix::sparseMatrix(i = c(a, b, seq_len(n)), j = c(b, a, seq_len(n)),
                              x = c(wn, wn, rep(1, n)), dims = c(n, n))
  }
  deflate <- ncol(V0) > 0L
  if (solver == "eigen") {
    if (n > 20000L) {
      abort(sprintf("eigen() on %s rows needs a dense %s x %s matrix: install RSpectra or irlba for the sparse solvers.",
                    format(n), format(n), format(n)), call)
    }
    M <- diag(1, n)
    M[cbind(a, b)] <- wn
    M[cbind(b, a)] <- wn
    if (deflate) M <- M - 2 * tcrossprod(V0)
    e <- eigen(M, symmetric = TRUE)
    vals <- e$values[seq_len(kk)]
    vecs <- e$vectors[, seq_len(kk), drop = FALSE]
  } else if (solver == "rspectra") {
    op <- if (deflate) {
      function(x, args) as.vector(M %*% x) - 2 * as.vector(V0 %*% crossprod(V0, x))
    } else {
      function(x, args) as.vector(M %*% x)
    }
    e <- tryCatch(RSpectra::eigs_sym(op, kk, n = n, which = "LA",
                                     opts = list(maxitr = 5000, tol = 1e-7,
                                                 ncv = min(n, max(2L * kk + 1L, 30L)))),
                  warning = function(w) NULL, error = function(err) NULL)
    if (is.null(e) || e$nconv < kk) {
      abort(sprintf("The eigensolver (RSpectra) did not converge to %d eigenvectors; try eigensolver = \"irlba\" or \"eigen\", or more `n_neighbors`.", k),
            call)
    }
    vals <- e$values
    vecs <- e$vectors
  } else {
    e <- tryCatch(irlba::partial_eigen(M, k, symmetric = TRUE, maxit = 5000),
                  warning = function(w) NULL, error = function(err) NULL)
    if (is.null(e)) {
      abort(sprintf("The eigensolver (irlba) did not converge to %d eigenvectors; try eigensolver = \"rspectra\" or \"eigen\", or more `n_neighbors`.", k),
            call)
    }
    vecs <- e$vectors
    if (deflate) {
      # off the components' vectors, then the kk of largest Rayleigh quotient
      vecs <- qr.Q(qr(vecs - V0 %*% crossprod(V0, vecs)))
      rq <- colSums(vecs * as.matrix(M %*% vecs))
      o <- order(rq, decreasing = TRUE)[seq_len(kk)]
      vecs <- vecs[, o, drop = FALSE]
      vals <- rq[o]
    } else {
      vals <- e$values
    }
  }
  list(values = c(rep(1, ncol(V0)), vals - 1), vectors = cbind(V0, vecs), solver = solver)
}

#' @export
print.ckm_spectral <- function(x, digits = max(3L, getOption("digits") - 3L), ...) {
  k <- length(x$size)
  cat(sprintf("Spectral clustering: %d clusters of %s points (%d-nearest-neighbour graph, %s scale, %d component%s; %s)\n",
              k, format(sum(x$size)), x$n_neighbors,
              if (identical(x$sigma, "local")) "local" else paste("sigma", format(x$sigma, digits = digits)),
              x$components, if (x$components == 1L) "" else "s", x$eigensolver))
  cat("Sizes:", format(utils::head(x$size, 20L)), if (k > 20L) "..." else "", "\n")
  cat("Eigenvalues of the normalised affinity:", format(utils::head(x$eigenvalues, 10L), digits = digits), "\n")
  invisible(x)
}

#' @rdname ckm_spectral
#' @param x A `ckm_spectral` fit.
#' @param data The data the fit was made from.
#' @param col Colours of the clusters.
#' @param ... Passed to [plot()].
#' @export
plot.ckm_spectral <- function(x, data = NULL, col = NULL, ...) {
  plot.ckm(x, data, what = "clusters", col = col, ...)
}

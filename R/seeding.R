# seeding.R: starting centres, the R side of src/seeding.c. Every draw
# comes from R's RNG (set.seed() works; ckm never sets a seed), on the
# calling thread.

# Candidates per centre of greedy k-means++: 2 + log(k), as scikit-learn.
greedy_trials <- function(k) 2L + as.integer(floor(log(k)))

# k distinct rows, uniformly (in proportion to `weights`, when given).
# Drawing rows and checking them is cheap; only when the draw repeats a row
# do we pay for unique(X) (with weights, for a draw one row at a time that
# leaves out the rows equal to those already drawn).
seed_random <- function(X, k, call, weights = NULL) {
  if (!is.null(weights)) return(seed_random_weighted(X, k, call, weights))
  C <- X[sample.int(nrow(X), k), , drop = FALSE]
  if (.Call(ffi_rows_repeat, C)) {
    U <- unique(X)
    if (nrow(U) < k) {
      abort(sprintf("`k` = %d is larger than the number of distinct rows of `X` (%d).",
                    k, nrow(U)), call)
    }
    C <- U[sample.int(nrow(U), k), , drop = FALSE]
  }
  dimnames(C) <- NULL
  C
}

seed_random_weighted <- function(X, k, call, weights) {
  rows <- sample.int(nrow(X), k, prob = weights)
  C <- X[rows, , drop = FALSE]
  if (anyDuplicated(C)) {
    distinct <- nrow(unique(X))
    if (distinct < k) {
      abort(sprintf("`k` = %d is larger than the number of distinct rows of `X` (%d).",
                    k, distinct), call)
    }
    p <- weights
    C <- matrix(0, k, ncol(X))
    for (j in seq_len(k)) {
      i <- sample.int(nrow(X), 1L, prob = p)
      C[j, ] <- X[i, ]
      p[colSums(t(X) == X[i, ]) == ncol(X)] <- 0
    }
  }
  dimnames(C) <- NULL
  C
}

# trials > 1: greedy k-means++, the best of `trials` D^2 draws per centre.
# With `comm` (a fit over processes, R/mpi.R), X is this process's rows
# and the draw is over all rows: the same centres on every process.
seed_kmeanspp <- function(X, k, threads, call, weights = NULL, trials = 1L,
                          comm = NULL) {
  s <- .Call(ffi_kmeanspp, X, k, weights, as.integer(trials), threads, kernel_code(), comm)
  if (s$status == status_code("distinct")) distinct_error(X, k, call, comm)
  check_status(s$status, call, !is.null(weights))
  s$centers
}

# Rows of X by global index (0-based), from the processes that hold them
# (comm: the core's view, with allgather_obj; NULL: one process).
fetch_rows <- function(X, idx, comm) {
  if (is.null(comm)) {
    C <- X[idx + 1, , drop = FALSE]
    dimnames(C) <- NULL
    return(C)
  }
  mine <- idx >= comm$row0 & idx < comm$row0 + nrow(X)
  parts <- comm$allgather_obj(list(which(mine), X[idx[mine] - comm$row0 + 1, , drop = FALSE]))
  C <- matrix(0, length(idx), ncol(X))
  for (p in parts) if (length(p[[1L]])) C[p[[1L]], ] <- p[[2L]]
  C
}

# Rows of X whose flag is set, from all processes, in global row order.
gather_flagged <- function(X, pick, comm) {
  rows <- X[pick, , drop = FALSE]
  dimnames(rows) <- NULL
  if (is.null(comm)) return(rows)
  do.call(rbind, comm$allgather_obj(rows))
}

# k-means|| (Bahmani, Moseley, Vattani, Kumar and Vassilvitskii, "Scalable
# k-means++", VLDB 2012; Spark MLlib's default): one row uniformly (in
# proportion to `weights`), then `rounds` rounds in which every row is
# drawn independently with probability min(1, l w D^2 / psi), psi the
# current cost; the candidates are weighted by the (weight of the) rows
# nearest to them, and weighted k-means++ on them gives the k centres. A
# few passes over X instead of k. The per-row deviates are a function of
# (a key from R's RNG, the global row), so every split of the rows over
# processes draws the same rows.
seed_kmeans_parallel <- function(X, k, threads, call, weights = NULL,
                                 comm = NULL, rounds = 5L, l = 2 * k) {
  n <- nrow(X)
  N <- if (is.null(comm)) n else comm$n_global
  row0 <- if (is.null(comm)) 0 else comm$row0
  kernel <- kernel_code()
  total <- function(v) .Call(ffi_vector_total, as.double(v), comm)
  nearest <- function(C) .Call(ffi_assign, X, C, kernel, threads)

  if (is.null(weights)) {
    first <- min(N - 1, floor(stats::runif(1L) * N))
  } else {
    # in proportion to the weights: the first row whose cumulative weight
    # passes u * total (cumulated within this process, after the others')
    u <- stats::runif(1L) * total(weights)
    first <- min(N - 1, findInterval(u, c(0, cumsum(weights)), left.open = FALSE) - 1 + row0)
  }
  C <- fetch_rows(X, first, comm)
  D <- nearest(C)$dist
  for (r in seq_len(rounds)) {
    psi <- total(if (is.null(weights)) D else weights * D)
    if (!(psi > 0)) break
    key <- floor(stats::runif(2L) * 2^32)
    u <- .Call(ffi_row_uniforms, as.double(n), as.double(row0), key)
    p <- l * (if (is.null(weights)) D else weights * D) / psi
    new <- gather_flagged(X, u < p, comm)
    if (nrow(new) == 0L) next
    C <- rbind(C, new)
    D <- pmin(D, nearest(new)$dist)
  }
  a <- nearest(C)
  w <- if (is.null(weights)) tabulate(a$cluster, nrow(C)) else
    vapply(split(weights, factor(a$cluster, levels = seq_len(nrow(C)))), sum, double(1))
  if (!is.null(comm)) w <- comm$allreduce(as.double(w), 0L)
  keep <- w > 0
  C <- C[keep, , drop = FALSE]
  w <- as.double(w[keep])
  if (nrow(unique(C)) < k) {
    # too few distinct candidates (small or repetitive data): k-means++
    return(seed_kmeanspp(X, k, threads, call, weights, comm = comm))
  }
  # recluster the weighted candidates (as Spark does): greedy k-means++ on
  # them, then Lloyd's iterations on them (cheap: about l * rounds rows)
  start <- seed_kmeanspp(C, k, threads, call, weights = w, trials = greedy_trials(k))
  z <- run_fit(C, start, w, 30L, 0, fit_engine("lloyd", nrow(C), ncol(C), k, 0), kernel,
               1L, FALSE, call)
  z$centers
}

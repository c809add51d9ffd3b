# mpi.R: k-means over processes (SPMD: every process runs the same script
# on its own block of rows, as under mpirun), through a small communicator
# adapter. The C core reduces every global quantity through the adapter's
# allreduce and allgather (src/reduce.c); the sums are exact until one
# final rounding (src/rsum.h), so the fit is bit-identical to ckm_fit() of
# all rows in one process.

#' Communicators for fits over several processes
#'
#' `ckm_fit_mpi()` talks to the other processes through a small adapter:
#' a list with the process's `rank` (0-based) and the number of processes
#' `size`, and the collective operations `allreduce(x, op)` (elementwise sum
#' or maximum of a double vector over all processes), `allgather(x)` (the
#' double vectors of all processes, of equal length, concatenated by rank),
#' `allgather_obj(obj)` and `bcast_obj(obj, root)` (any R object), and the
#' point-to-point `send_obj(obj, dest)` and `recv_obj(source)`.
#'
#' `ckm_comm_rmpi()` builds it on the package \pkg{Rmpi} (in Suggests; on
#' Debian `r-cran-rmpi` with `openmpi-bin`), in a script started with
#' `mpirun -np N Rscript script.R`. `ckm_comm_serial()` is the adapter of a
#' single process (every operation is the identity): `ckm_fit_mpi()` with it
#' is `ckm_fit()`. Another MPI binding (pbdMPI, where it installs) serves
#' by building the same list.
#'
#' @param comm The Rmpi communicator number (0: `MPI_COMM_WORLD`, all
#'   processes started by `mpirun`).
#' @return A list of class `ckm_comm`.
#' @seealso [ckm_fit_mpi()], and `vignette("cluster", package = "ckm")`.
#' @examples
#' comm <- ckm_comm_serial()
#' comm$size
#' comm$allreduce(c(1, 2), "sum")
#' @export
ckm_comm_serial <- function() {
  structure(list(
    rank = 0L, size = 1L, backend = "serial",
    allreduce = function(x, op = c("sum", "max")) x,
    allgather = function(x) x,
    allgather_obj = function(obj) list(obj),
    bcast_obj = function(obj, root = 0L) obj,
    send_obj = function(obj, dest) stop("a single process has no one to send to"),
    recv_obj = function(source) stop("a single process has no one to receive from")
  ), class = "ckm_comm")
}

#' @rdname ckm_comm_serial
#' @export
ckm_comm_rmpi <- function(comm = 0L) {
  if (!requireNamespace("Rmpi", quietly = TRUE)) {
    abort("`ckm_comm_rmpi()` needs the Rmpi package (install.packages(\"Rmpi\"), or Debian's r-cran-rmpi).",
          sys.call())
  }
  mpi <- asNamespace("Rmpi")
  size <- mpi$mpi.comm.size(comm)
  if (size < 1L) {
    abort("`comm` is not an open MPI communicator; start the script with mpirun.", sys.call())
  }
  rank <- mpi$mpi.comm.rank(comm)
  ops <- c("sum", "max")
  structure(list(
    rank = as.integer(rank), size = as.integer(size), backend = "Rmpi",
    allreduce = function(x, op = c("sum", "max")) {
      op <- match.arg(op, ops)
      mpi$mpi.allreduce(as.double(x), type = 2L, op = op, comm = comm)
    },
    allgather = function(x) {
      x <- as.double(x)
      mpi$mpi.allgather(x, type = 2L, rdata = double(length(x) * size), comm = comm)
    },
    allgather_obj = function(obj) {
      # as Rmpi's mpi.allgather.Robj(), without its sapply() (which
      # simplifies lists of lists) and its gc()
      bytes <- serialize(obj, NULL)
      counts <- mpi$mpi.allgather(length(bytes), type = 1L, rdata = integer(size), comm = comm)
      all <- mpi$mpi.allgatherv(bytes, type = 4L, rdata = raw(sum(counts)),
                                rcounts = counts, comm = comm)
      ends <- cumsum(counts)
      lapply(seq_len(size), function(r) unserialize(all[seq.int(ends[r] - counts[r] + 1, length.out = counts[r])]))
    },
    bcast_obj = function(obj, root = 0L) {
      # as Rmpi's mpi.bcast.Robj(), which returns nothing on the root
      bytes <- if (rank == root) serialize(obj, NULL) else raw(0)
      len <- mpi$mpi.bcast(length(bytes), type = 1L, rank = root, comm = comm)
      if (rank != root) bytes <- raw(len)
      unserialize(mpi$mpi.bcast(bytes, type = 4L, rank = root, comm = comm))
    },
    send_obj = function(obj, dest) mpi$mpi.send.Robj(obj, dest = dest, tag = 7L, comm = comm),
    recv_obj = function(source) mpi$mpi.recv.Robj(source = source, tag = 7L, comm = comm)
  ), class = "ckm_comm")
}

#' @export
print.ckm_comm <- function(x, ...) {
  cat(sprintf("<ckm_comm> %s: rank %d of %d\n", x$backend, x$rank, x$size))
  invisible(x)
}

check_comm <- function(comm, call) {
  ok <- inherits(comm, "ckm_comm") &&
    all(c("rank", "size", "allreduce", "allgather", "allgather_obj",
          "bcast_obj", "send_obj", "recv_obj") %in% names(comm)) &&
    is_whole(comm$size) && comm$size >= 1 && is_whole(comm$rank) &&
    comm$rank >= 0 && comm$rank < comm$size
  if (!ok) {
    abort(sprintf("`comm` must be a communicator from ckm_comm_rmpi() or ckm_comm_serial(), not %s.",
                  describe(comm)), call)
  }
  comm
}

# The C core's view of a communicator: rank, size, the global index of this
# process's first row, the global row count, and the two collectives on
# doubles (op as the core's code: 0 sum, 1 max).
core_comm <- function(comm, row0, n_global) {
  ops <- c("sum", "max")
  list(rank = comm$rank, size = comm$size, row0 = as.double(row0),
       n_global = as.double(n_global),
       allreduce = function(x, op) comm$allreduce(x, ops[[op + 1L]]),
       allgather = function(x) comm$allgather(x),
       allgather_obj = comm$allgather_obj)
}

# Every process checks its own arguments; then all learn whether any
# failed, and all stop with the first failure's message (naming its rank),
# so an error on one process is an error on every one, never a deadlock.
agree_or_abort <- function(comm, local, call) {
  all <- comm$allgather_obj(local)
  bad <- which(!vapply(all, function(a) is.null(a$error), logical(1)))
  if (length(bad)) {
    r <- bad[[1L]]
    msg <- all[[r]]$error
    if (comm$size > 1L) msg <- sprintf("On rank %d: %s", r - 1L, msg)
    abort(msg, call)
  }
  all
}

#' k-means over several processes, each holding a block of rows
#'
#' The SPMD form of [ckm_fit()]: every process of an MPI job (started with
#' `mpirun -np N Rscript script.R`) calls `ckm_fit_mpi()` with its own rows
#' `X` (the same columns everywhere; the rows of rank 0 first, then those of
#' rank 1, and so on), and every process gets the same centres, sums of
#' squares, sizes, iterations and trace, with `cluster` for its own rows.
#' Nothing is gathered on one process: each iteration exchanges the k x d
#' centre sums and a few numbers.
#'
#' The result is bit-identical to `ckm_fit(rbind(X_0, X_1, ...), ...)` with
#' the same arguments, for any number of processes, any split of the rows
#' and any thread count: every sum of the fit is formed in index order
#' within fixed blocks of global rows and the block sums are added exactly
#' (binned summation after Demmel and Nguyen), so the order in which
#' processes contribute cannot change a bit. With `init = "kmeans++"` and
#' the same `set.seed()` on every process, the seeding draws the same rows
#' as in one process. `init = "kmeans||"` (Bahmani et al. 2012, Spark's
#' default) replaces the k sequential passes of k-means++ by a few rounds
#' of oversampling; it is also available in one process (see [ckm_fit()]'s
#' `init`).
#'
#' Rows are rebalanced once so that each process holds whole blocks of
#' `ckm_sum_block(k)` rows (at most one block moves between neighbours),
#' and the labels of moved rows are sent back at the end. Empty clusters
#' take the globally farthest points, as in one process; Hamerly's and
#' Yinyang's bounds stay on each process.
#'
#' Argument errors, NA in the rows of one process, or processes that
#' disagree on the number of columns, `k`, `init` or the options give the
#' same error on every process.
#'
#' @inheritParams ckm_fit
#' @param X This process's rows: a numeric matrix or data frame (the same
#'   columns on every process; at least one row).
#' @param init `"auto"` (default: as in [ckm_fit()], decided from the
#'   rows of all processes), `"kmeans++"`, `"greedy-kmeans++"`, `"kmeans||"`,
#'   `"random"`, or a k x d matrix of starting centres (the same on every
#'   process). Hartigan's transfers (`algorithm = "hartigan"`, and the
#'   default on small problems) take turns over the processes in rank
#'   order, so they make the moves of one process too. On a small problem
#'   the default's first start is refined by those transfers alone, as
#'   `ckm_fit(algorithm = "hartigan")` refines it: [ckm_fit()]'s default
#'   runs Hartigan and Wong's algorithm first, one sequence of stages over
#'   all the rows.
#' @param algorithm `"auto"`, `"lloyd"`, `"hamerly"`, `"yinyang"` or
#'   `"hartigan"`, as in [ckm_fit()] (not `"hartigan-wong"`).
#' @param comm A communicator: [ckm_comm_rmpi()] (default) or
#'   [ckm_comm_serial()].
#' @return On every process, an object of class `c("ckm_mpi", "ckm",
#'   "kmeans")` as from [ckm_fit()], with `cluster` for this process's rows,
#'   plus `rank`, `size`, `n_global` and `rows` (this process's global row
#'   range). `predict()` works on it.
#' @seealso [ckm_read_rows()] to read each process's rows of a file,
#'   `vignette("cluster", package = "ckm")` for a complete example.
#' @examples
#' # one process: the same as ckm_fit()
#' X <- as.matrix(iris[, 1:4])
#' set.seed(1)
#' f <- ckm_fit_mpi(X, 3, comm = ckm_comm_serial(), threads = 1)
#' set.seed(1)
#' identical(f$centers, ckm_fit(X, 3, threads = 1)$centers)
#' \dontrun{
#' # script.R, run with: mpirun -np 4 Rscript script.R
#' library(ckm)
#' comm <- ckm_comm_rmpi()
#' rows <- ckm_split_rows(1e6, comm)
#' X <- ckm_read_rows("data.bin", rows, ncol = 16)
#' set.seed(42)
#' fit <- ckm_fit_mpi(X, 64, comm = comm)
#' Rmpi::mpi.quit()
#' }
#' @export
ckm_fit_mpi <- function(X, k, init = "auto", n_init = NULL, max_iter = 300L,
                        tol = 1e-4,
                        algorithm = c("auto", "lloyd", "hamerly", "yinyang", "hartigan"),
                        threads = NULL, comm = ckm_comm_rmpi(), verbose = FALSE) {
  ecall <- sys.call()
  comm <- check_comm(comm, ecall)

  # local checks; their outcome is shared before anyone goes on
  local <- tryCatch({
    X <- as_data_matrix(X, "X", ecall)
    init_matrix <- is.matrix(init) || is.data.frame(init)
    if (init_matrix) {
      init <- check_init_matrix(init, X, if (!missing(k)) k, ecall, n = Inf)
      k <- nrow(init)
      method <- "matrix"
    } else {
      if (missing(k)) abort("`k` is missing: give the number of clusters, or starting centres as a matrix `init`.", ecall)
      method <- check_choice(init, init_methods, "init", ecall)
      k <- check_count(k, "k", call = ecall)
    }
    if (!is.null(n_init)) n_init <- check_n_init(n_init, method, ecall)
    max_iter <- check_count(max_iter, "max_iter", call = ecall)
    tol <- check_tol(tol, ecall)
    # (not Hartigan and Wong's: one sequence of stages over all rows)
    algorithm <- check_choice(algorithm, setdiff(algorithms, "hartigan-wong"), "algorithm",
                              ecall, default_ok = TRUE)
    threads <- check_threads(threads, ecall)
    verbose <- check_flag(verbose, "verbose", ecall)
    list(error = NULL, n = nrow(X), d = ncol(X), cn = colnames(X), k = k, method = method,
         init = if (init_matrix) init, n_init = n_init, max_iter = max_iter,
         tol = tol, algorithm = algorithm, blocked = blocked_kernel())
  }, ckm_error = function(e) list(error = conditionMessage(e)))
  all <- agree_or_abort(comm, local, ecall)

  # the processes must agree on everything but their rows
  for (f in c("d", "k", "method", "init", "n_init", "max_iter", "tol", "algorithm")) {
    same <- vapply(all, function(a) identical(a[[f]], all[[1L]][[f]]), logical(1))
    if (!all(same)) {
      r <- which(!same)[[1L]] - 1L
      what <- switch(f, d = "the number of columns of `X`", init = "the starting centres `init`",
                     method = "`init`", sprintf("`%s`", f))
      abort(sprintf("The processes disagree on %s: rank %d differs from rank 0.", what, r), ecall)
    }
  }
  X <- agree_on_columns(X, all, ecall)
  sizes <- vapply(all, function(a) as.double(a$n), double(1))
  N <- sum(sizes)
  rank <- comm$rank
  a0 <- c(0, cumsum(sizes))              # global first rows, 0-based
  d <- local$d
  method <- resolve_auto_init(local$method, N, d, k)
  n_init <- if (is.null(local$n_init)) default_n_init(method, N, d, k) else local$n_init
  if (k > N) {
    abort(sprintf("`k` = %d is larger than the number of rows over all processes (%s).",
                  k, format(N)), ecall)
  }
  # "auto" must pick the same algorithm everywhere: the blocked kernel's
  # rule only when every process runs it
  blocked <- all(vapply(all, function(a) isTRUE(a$blocked), logical(1)))
  engine <- fit_engine(algorithm, N, d, k, local$tol, blocked, method)
  algorithm <- engine$name
  # Hartigan and Wong's algorithm visits all rows in one sequence of
  # stages: over processes the default's first start is refined by
  # Hartigan's sweeps, which take turns, as ckm_fit(algorithm = "hartigan")
  # refines it
  if (identical(engine$hartigan, hartigan_modes[["wong_sweep"]])) {
    engine$hartigan <- hartigan_modes[["first"]]
  }

  # conditioning from the global column ranges, as ckm_fit() decides it
  r <- .Call(ffi_col_ranges, X)
  lo <- -comm$allreduce(-r[1L, ], "max")
  hi <- comm$allreduce(r[2L, ], "max")
  data <- fit_data(X, NULL, if (method == "matrix") init, rbind(lo, hi, deparse.level = 0))
  Xc <- data$X
  if (method == "matrix") init <- data$init

  # whole blocks on each process
  B <- .Call(ffi_sum_block, k)
  s0 <- pmin(N, ceiling(a0 / B) * B)
  s0[1L] <- 0
  s0[length(s0)] <- N
  Xw <- rebalance_rows(Xc, comm, a0, s0)
  cc <- core_comm(comm, s0[rank + 1L], N)

  mom <- fit_moments(Xw, NULL, local$tol, threads, ecall, cc)
  best <- run_starts(Xw, k, method, init, n_init, NULL, local$max_iter, mom$tol_abs,
                     engine, threads, verbose, mom$moments, ecall, comm = cc,
                     seed_random_fn = function() seed_random_mpi(Xw, k, cc, N, ecall))
  if (!best$converged) {
    warn(sprintf("ckm_fit_mpi(): did not converge in %d iterations; increase `max_iter`.", local$max_iter))
  }
  best$cluster <- return_labels(best$cluster, comm, a0, s0)

  fit <- fit_result(best, X, data, mom$totss, method, n_init, algorithm, threads)
  fit$rank <- rank
  fit$size_comm <- comm$size
  fit$n_global <- N
  fit$rows <- c(a0[rank + 1L], a0[rank + 2L])
  class(fit) <- c("ckm_mpi", class(fit))
  fit
}

# Column names: where every process names its columns (usably), all must
# name the same columns; each process's are then put in rank 0's order (as
# predict() matches columns by name). A process whose columns have no names
# is taken by position. Else the same error on every process.
agree_on_columns <- function(X, all, call) {
  names_of <- lapply(all, `[[`, "cn")
  if (!all(vapply(names_of, names_usable, logical(1)))) return(X)
  ref <- names_of[[1L]]
  for (r in seq_along(names_of)[-1L]) {
    if (!setequal(names_of[[r]], ref)) {
      abort(sprintf("The processes disagree on the column names of `X`: rank %d has %s, rank 0 has %s.",
                    r - 1L, paste0("`", names_of[[r]], "`", collapse = ", "),
                    paste0("`", ref, "`", collapse = ", ")), call)
    }
  }
  if (identical(colnames(X), ref)) X else X[, ref, drop = FALSE]
}

# Row blocks: process r holds global rows [a[r], a[r+1]) and works on
# [s[r], s[r+1]) (whole blocks). The rows [a[q], min(a[q+1], s[q])) at the
# head of process q belong to the process whose working range holds them.
# Rows move to lower ranks and labels come back to higher ones only, so the
# blocking sends cannot wait on each other in a cycle.

# The rows at the head of this process's block that another one works on
# (0-based, half-open), and the rank that works on them.
head_of <- function(a, s, rank) {
  p <- length(a) - 1L
  from <- a[rank + 1L]
  to <- min(a[rank + 2L], s[rank + 1L])
  owner <- if (to > from) max(which(s[seq_len(p)] <= from & s[seq_len(p)] < s[-1L])) - 1L
  list(from = from, to = to, owner = owner)
}

# The higher ranks whose heads fall in this process's working range.
heads_in_range <- function(a, s, rank) {
  p <- length(a) - 1L
  out <- list()
  if (s[rank + 1L] >= s[rank + 2L]) return(out)
  for (q in seq.int(rank + 1L, length.out = p - rank - 1L)) {
    h <- head_of(a, s, q)
    if (h$from >= s[rank + 2L]) break
    if (h$to > h$from) out[[length(out) + 1L]] <- c(rank = q, from = h$from, to = h$to)
  }
  out
}

rebalance_rows <- function(X, comm, a, s) {
  if (comm$size == 1L) return(X)
  h <- head_of(a, s, comm$rank)
  n_head <- h$to - h$from
  if (n_head > 0) comm$send_obj(X[seq_len(n_head), , drop = FALSE], h$owner)
  parts <- list(if (n_head > 0) X[-seq_len(n_head), , drop = FALSE] else X)
  for (q in heads_in_range(a, s, comm$rank)) parts[[length(parts) + 1L]] <- comm$recv_obj(q[["rank"]])
  out <- do.call(rbind, parts)
  storage.mode(out) <- "double"
  out
}

# The labels of the working rows back to the processes that hold them.
return_labels <- function(cl, comm, a, s) {
  if (comm$size == 1L) return(cl)
  w0 <- s[comm$rank + 1L]
  for (q in heads_in_range(a, s, comm$rank)) {
    comm$send_obj(cl[(q[["from"]] - w0 + 1):(q[["to"]] - w0)], q[["rank"]])
  }
  h <- head_of(a, s, comm$rank)
  my1 <- a[comm$rank + 2L]
  own <- if (my1 > w0) cl[seq_len(my1 - w0)] else integer() # my rows past my head
  if (h$to > h$from) c(comm$recv_obj(h$owner), own) else own
}

# Random starting rows, drawn over all rows (the same draw as ckm_fit()'s
# in one process) and fetched from the processes that hold them.
# When the draw repeats a row, one process draws again from unique(X) (as
# stats::kmeans does); here that needs all rows, gathered (in global order)
# where they are few (at most small_work values: the default's small
# problems), else an error.
seed_random_mpi <- function(X, k, comm, N, call) {
  C <- fetch_rows(X, sample.int(N, k) - 1, comm)
  if (!.Call(ffi_rows_repeat, C)) return(C)
  if (N * ncol(X) > small_work) {
    abort("`init = \"random\"` drew equal rows; use `init = \"kmeans++\"` for data with repeated rows.", call)
  }
  U <- unique(do.call(rbind, comm$allgather_obj(X)))
  if (nrow(U) < k) {
    abort(sprintf("`k` = %d is larger than the number of distinct rows over all processes (%d).",
                  k, nrow(U)), call)
  }
  C <- U[sample.int(nrow(U), k), , drop = FALSE]
  dimnames(C) <- NULL
  C
}

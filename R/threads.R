# The one place that decides how many threads ckm uses.
#
# A fit asks resolve_threads(threads): the argument if given, else the
# default set by ckm_threads(n), else option "ckm.threads", else the
# environment (CKM_NUM_THREADS, then OMP_NUM_THREADS), else every core.
# The answer is then capped by OMP_THREAD_LIMIT (read at call time), the
# OpenMP runtime's thread limit, the number of cores, under
# R CMD check (_R_CHECK_LIMIT_CORES_ set) by 2, and to 1 in a forked child
# (src/threads.c: the C side enforces that too, whatever it is passed), and
# by the cores that other processes are not using right now (option
# ckm.load_aware, on by default). The C code receives the
# count and passes it to num_threads() on each parallel region; it never
# changes OpenMP's global state.

the <- new.env(parent = emptyenv())
the$threads <- NULL

omp_caps <- function() {
  caps <- .Call(ffi_omp_caps)
  list(openmp = caps[[1L]] == 1L, max_threads = caps[[2L]],
       thread_limit = caps[[3L]], procs = caps[[4L]], forked = caps[[5L]] == 1L)
}

env_count <- function(name) {
  v <- Sys.getenv(name, "")
  if (!nzchar(v) || !grepl("^[[:space:]]*[0-9]{1,9}[[:space:]]*$", v)) return(NA_integer_)
  v <- as.integer(v)
  if (v >= 1L) v else NA_integer_
}

threads_request <- function() {
  if (!is.null(the$threads)) {
    return(list(n = the$threads, from = "ckm_threads()"))
  }
  opt <- getOption("ckm.threads")
  if (!is.null(opt)) {
    return(list(n = check_count(opt, "options(ckm.threads)"), from = "option ckm.threads"))
  }
  env <- Sys.getenv(c("CKM_NUM_THREADS", "OMP_NUM_THREADS"), "")
  for (var in names(env)[nzchar(env)]) {
    v <- env_count(var)
    if (!is.na(v)) return(list(n = v, from = var))
  }
  list(n = NA_integer_, from = "all cores")
}

threads_cap <- function(n, work = Inf) {
  caps <- omp_caps()
  if (!caps$openmp) {
    return(list(n = 1L, why = "ckm was built without OpenMP"))
  }
  limits <- c(
    "the cores" = caps$procs,
    "a forked child (OpenMP's threads do not survive fork)" = if (caps$forked) 1L else NA_integer_,
    "OpenMP's thread limit" = caps$thread_limit,
    "OMP_THREAD_LIMIT" = env_count("OMP_THREAD_LIMIT"),
    "R CMD check" = if (nzchar(Sys.getenv("_R_CHECK_LIMIT_CORES_")) &&
                          !identical(toupper(Sys.getenv("_R_CHECK_LIMIT_CORES_")), "FALSE")) 2L else NA_integer_
  )
  limits[[load_why]] <- if (work >= load_work) idle_cores(caps$procs, n) else NA_integer_
  limits <- limits[!is.na(limits) & limits >= 1L]
  if (is.na(n)) n <- caps$procs
  why <- character()
  before <- n # the count the other limits allow
  for (nm in names(limits)) {
    if (limits[[nm]] < n) {
      if (nm == load_why) before <- n
      n <- limits[[nm]]
      why <- nm
    }
  }
  list(n = max(1L, as.integer(n)), why = why, before = before)
}

# Cores not taken by runnable tasks of other processes at this moment
# (src/threads.c: ckm_runnable_others), when more than one thread is asked
# for and option ckm.load_aware is not FALSE; NA when unknown or off.
idle_cores <- function(procs, n) {
  if (!is.na(n) && n <= 1L) return(NA_integer_)
  aware <- getOption("ckm.load_aware", TRUE)
  if (!isTRUE(aware) && !isFALSE(aware)) {
    abort(sprintf("`options(ckm.load_aware)` must be TRUE or FALSE, not %s.", describe(aware)))
  }
  if (!aware) return(NA_integer_)
  others <- .Call(ffi_runnable_others)
  if (others < 0L) return(NA_integer_)
  max(1L, as.integer(procs) - others)
}

resolve_threads <- function(threads = NULL, work = Inf) {
  n <- if (is.null(threads)) threads_request()$n else threads
  cap <- threads_cap(n, work)
  if (identical(cap$why, load_why) && !isTRUE(the$load_told)) {
    # once a session: fewer threads than asked, for a reason outside R
    the$load_told <- TRUE
    message(sprintf(paste0("ckm: %d of %d threads, as other processes are using the other cores ",
                           "right now (options(ckm.load_aware = FALSE) uses them all; said once ",
                           "a session)."), cap$n, cap$before))
  }
  cap$n
}

load_why <- "the cores other processes are using"

# The work (n k d) below which a call runs on one thread. After each
# parallel region the OpenMP runtime keeps its other threads spinning for
# a while (GNU OpenMP: about 10 ms of a core on a 2-core AMD EPYC,
# bench/small.R), waiting for the next region; a fit of a small problem
# takes about that long in all, so a second thread would double its CPU
# time to save little of its wall time. The same bits either way.
small_threads_work <- 2^22

# The flops per pass below which a call does not read the machine's load:
# its parallel regions run on one thread anyway (src/threads.c: a team
# needs 40,000 flops a thread), and reading /proc costs more than the call.
load_work <- 1e6

#' Number of threads ckm uses
#'
#' `ckm_threads()` reports how many threads a fit uses when its `threads`
#' argument is `NULL`; `ckm_threads(n)` sets that default for the session and
#' returns the previous value invisibly. `ckm_threads(NULL)` goes back to the
#' automatic choice.
#'
#' The automatic choice is, in order: option `ckm.threads`, then the
#' environment variables `CKM_NUM_THREADS` and `OMP_NUM_THREADS`, then every
#' core. Whatever is asked for is capped by `OMP_THREAD_LIMIT` (read each
#' time), the OpenMP runtime's thread limit and the number of cores, and by 2
#' under `R CMD check` (when `_R_CHECK_LIMIT_CORES_` is set). Without OpenMP
#' at build time ckm runs on one thread. Results never depend on the number
#' of threads: a fit with one thread is bit-identical to a fit with two.
#'
#' A fit of a small problem (n k d below 2^22) runs on one thread whatever
#' is asked: after each parallel region the OpenMP runtime keeps the other
#' threads spinning for a while (about 10 ms of a core with GNU OpenMP), so
#' a second thread would double the CPU time of such a fit and save little
#' of its time. Its `threads` field then says 1.
#'
#' On a busy machine ckm leaves alone the cores that other processes are
#' using: each call counts the runnable tasks of other processes at that
#' moment (Linux, from `/proc/loadavg`) and uses at most the cores that
#' remain, and at least one. When another process keeps one of two cores
#' busy, a second thread would share that core in half time slices and
#' every parallel step would wait for it, so a fit on two threads could run
#' slower than on one. `options(ckm.load_aware = FALSE)` turns this off
#' (the count asked for is then used whatever the load), as for a
#' benchmark; `ckm_threads(verbose = TRUE)` says when it applied, and the
#' first call of a session that it holds to fewer threads says so in a
#' message.
#'
#' In a forked child (workers of [parallel::mclapply()], `future`'s
#' multicore plan, [parallel::makeForkCluster()]) ckm always uses one
#' thread. The OpenMP runtime's thread pool does not survive `fork()`: a
#' parallel region in the child of a process that has already used threads
#' would wait forever for pool threads that are not there. ckm registers a
#' `pthread_atfork()` handler when it is loaded, so every ckm call in a
#' child runs serially (with the same results) instead of hanging. To use
#' both cores across workers, give each worker its share of the rows or of
#' the restarts; socket clusters ([parallel::makePSOCKcluster()]) start
#' fresh processes and may use threads.
#'
#' @param n Number of threads, a whole number of at least 1, or `NULL` to
#'   return to the automatic choice. Leave it missing to query.
#' @param verbose If `TRUE`, print how the count was reached, and the
#'   widest distance kernel the CPU runs (`"avx512"`, `"avx2"` or `"plain"`;
#'   see Kernels in [ckm_fit()]).
#' @return The number of threads in use: visibly when querying, invisibly (the
#'   previous value) when setting.
#' @export
#' @examples
#' ckm_threads()
#' old <- ckm_threads(1)
#' ckm_threads()
#' ckm_threads(old)
ckm_threads <- function(n, verbose = FALSE) {
  if (!missing(n)) {
    old <- resolve_threads()
    the$threads <- if (is.null(n)) NULL else check_count(n, "n")
    return(invisible(old))
  }
  req <- threads_request()
  cap <- threads_cap(req$n)
  if (isTRUE(verbose)) {
    caps <- omp_caps()
    cat(sprintf("OpenMP: %s; cores: %d; OpenMP thread limit: %d\n",
                if (caps$openmp) "yes" else "no", caps$procs, caps$thread_limit))
    cat(sprintf("requested: %s (from %s)\n",
                if (is.na(req$n)) "all cores" else req$n, req$from))
    if (length(cap$why)) cat(sprintf("capped by %s\n", cap$why))
    cat(sprintf("threads used: %d\n", cap$n))
    cat(sprintf("distance kernel: %s\n", kernel_name()))
  }
  cap$n
}

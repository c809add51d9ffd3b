# starts.R: what a fit runs, and its starts. ckm_fit() and ckm_fit_mpi()
# both decide the engine (fit_engine()) and the number of starts
# (default_n_init()) from the same global shape, and both run their starts
# through run_starts(), so a fit over processes makes the choices and the
# moves of a fit of all rows in one.

# The work of one start, n k d, up to which the default (init = "auto")
# makes kmeans(X, k)'s random start and a k-means++ one, both refined by
# Hartigan's transfers (see "Defaults" in ?ckm_fit and bench/small.R,
# which measured the choice).
small_work <- 2^22

# The engine of a fit: the passes' algorithm (its code in the core), and
# whether Hartigan's transfers refine the partition. "auto" is Hartigan's
# transfers when the starts are the default recipe for a small problem
# (init = "auto", see resolve_auto_init()), else the fastest of the exact
# algorithms (choose_algorithm()), which all make Lloyd's moves: from
# centres or a seeding the user chose, "auto" keeps Lloyd's moves.
# With Hartigan's transfers the passes' algorithm makes only the first
# assignment, which every algorithm makes with every distance: Lloyd's.
fit_engine <- function(algorithm, n, d, k, tol, blocked = NULL, init = "auto") {
  hartigan <- algorithm == "hartigan" || (algorithm == "auto" && init == "auto" && k > 1L)
  passes <- if (algorithm %in% c("auto", "hartigan")) {
    choose_algorithm(n, d, k, tol, if (is.null(blocked)) blocked_kernel() else blocked)
  } else algorithm
  # Hartigan's refinement: Lloyd's passes before it (the first assignment,
  # or all of them for the starts after the first) by the fastest exact
  # algorithm, which all make the same moves
  if (hartigan) {
    return(list(name = "hartigan", code = match(passes, c("lloyd", "hamerly", "yinyang")) - 1L,
                hartigan = TRUE))
  }
  list(name = passes, code = match(passes, c("lloyd", "hamerly", "yinyang")) - 1L,
       hartigan = FALSE)
}

# Starts by default: 10 random starts (as scikit-learn's n_init = "auto"),
# one k-means++ start, and for init = "auto" on a small problem the random
# start stats::kmeans(X, k) would draw and `auto_extra` k-means++ starts
# (bench/small.R measured the choice).
default_n_init <- function(method, n, d, k) {
  switch(method, random = 10L, auto = 1L + auto_extra, 1L)
}
auto_extra <- 1L

# init = "auto": on a small problem (n k d at most small_work) the starts
# above ("auto"), else one k-means++ start.
resolve_auto_init <- function(method, n, d, k) {
  if (method != "auto") return(method)
  if (as.double(n) * k * d <= small_work) "auto" else "kmeans++"
}

# One run of the C core from `start`; the inertia and start added.
# snapshot: NULL, or an R function(iter, cluster, centers, relocated,
# converged) called after each iteration (ckm_converge()).
run_fit <- function(X, start, weights, max_iter, tol_abs, engine, kernel,
                    threads, verbose, call, moments = NULL, comm = NULL,
                    snapshot = NULL) {
  z <- .Call(ffi_fit, X, start, weights, max_iter, tol_abs, engine$code, kernel,
             threads, verbose, moments, comm, snapshot, engine$hartigan)
  check_status(z$status, call, !is.null(weights))
  z$inertia <- sum(z$wss)
  z$start <- start
  z
}

# n_init starts, the one of lowest inertia kept (the first of equals). The
# k-means++ seedings run in the core, all starts in one call; the others
# (given centres, random rows, k-means||) are drawn here, one per start.
# seed_random: a function() drawing a random start (one process or many).
run_starts <- function(X, k, method, init, n_init, weights, max_iter, tol_abs,
                       engine, threads, verbose, moments, call, comm = NULL,
                       seed_random_fn = function() seed_random(X, k, call, weights)) {
  kernel <- kernel_code()
  # a bar only where the starts could take a while (it shows after 1 s)
  bar <- if (n_init > 1L && as.double(nrow(X)) * k * ncol(X) * n_init > 1e5) {
    progress_bar(sprintf("%s(): %d starts", as.character(call[[1L]])[[1L]], n_init))
  }
  on.exit(progress_done(bar), add = TRUE)
  if (method %in% c("auto", "kmeans++", "greedy-kmeans++")) {
    trials <- if (method == "greedy-kmeans++") greedy_trials(k) else 1L
    # "auto": the first start is the random draw of stats::kmeans(X, k)
    first <- if (method == "auto") seed_random_fn()
    z <- .Call(ffi_fit_starts, X, k, first, trials, n_init, weights, max_iter, tol_abs,
               engine$code, kernel, threads, verbose && is_main(comm), moments, comm,
               engine$hartigan, progress_fn(bar))
    fit <- z$fit
    if (fit$status == status_code("distinct")) distinct_error(X, k, call, comm)
    check_status(fit$status, call, !is.null(weights))
    fit$inertia <- sum(fit$wss)
    fit$start <- z$start
    return(fit)
  }
  best <- NULL
  for (r in seq_len(n_init)) {
    start <- switch(method,
      matrix = init,
      random = seed_random_fn(),
      "kmeans||" = seed_kmeans_parallel(X, k, threads, call, weights, comm = comm)
    )
    z <- run_fit(X, start, weights, max_iter, tol_abs, engine, kernel, threads,
                 verbose && is_main(comm), call, moments, comm)
    if (verbose && is_main(comm)) {
      cat(sprintf("start %d of %d: inertia %.10g after %d iterations%s\n", r, n_init,
                  z$inertia, z$iter, if (z$converged) "" else " (not converged)"))
    }
    if (is.null(best) || z$inertia < best$inertia) best <- z
    progress_update(bar, r / n_init)
  }
  best
}

is_main <- function(comm) is.null(comm) || comm$rank == 0L

distinct_error <- function(X, k, call, comm = NULL) {
  if (!is.null(comm)) {
    # the same words on every process (each sees only its own rows)
    abort(sprintf("`k` = %d is larger than the number of distinct rows over all processes.", k), call)
  }
  abort(sprintf("`k` = %d is larger than the number of distinct rows of `X` (%d).",
                k, nrow(unique(X))), call)
}

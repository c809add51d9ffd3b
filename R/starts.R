# starts.R: the starts of a fit. ckm_fit(), ckm_fit_mpi() and the other
# fitting functions run their starts through run_starts() (or one start
# through run_fit()), so a fit over processes makes the moves of a fit of
# all rows in one. What the starts run is decided in engine.R.

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

# engine.R: what a fit runs, decided from the global shape of the problem
# (n, d, k), the tolerance and the CPU, so that ckm_fit() and ckm_fit_mpi()
# make the same choices: the starts (resolve_auto_init(), default_n_init()),
# the algorithm of the passes (choose_algorithm()), Hartigan's refinement
# (fit_engine()) and the assignment kernel (kernel_code()). Every choice
# changes only the time, never the result (see the tests in
# test-algorithms.R and test-kernels.R).

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
  passes <- if (algorithm %in% c("auto", "hartigan", "hartigan-wong")) {
    choose_algorithm(n, d, k, tol, if (is.null(blocked)) blocked_kernel() else blocked)
  } else algorithm
  # Hartigan's refinement: Lloyd's passes before it (the first assignment,
  # or all of them for the starts after the first) by the fastest exact
  # algorithm, which all make the same moves
  if (algorithm == "hartigan-wong") {
    # Hartigan and Wong's algorithm from each start, as stats::kmeans runs
    # it; where it cannot run (k = 1, k = n, or an empty cluster after its
    # first assignment, where stats::kmeans stops), Hartigan's sweeps
    return(list(name = "hartigan-wong", code = match(passes, c("lloyd", "hamerly", "yinyang")) - 1L,
                hartigan = hartigan_modes[["wong"]]))
  }
  if (hartigan) {
    # the default's starts: the first (kmeans(X, k)'s draw) by Hartigan and
    # Wong's algorithm, as stats::kmeans runs it, then Hartigan's sweeps;
    # the others by the passes, then the sweeps (src/starts.c)
    mode <- if (algorithm == "auto") hartigan_modes[["wong_sweep"]] else hartigan_modes[["first"]]
    return(list(name = "hartigan", code = match(passes, c("lloyd", "hamerly", "yinyang")) - 1L,
                hartigan = mode))
  }
  list(name = passes, code = match(passes, c("lloyd", "hamerly", "yinyang")) - 1L,
       hartigan = FALSE)
}

# The core's modes of Hartigan's refinement (enum ckm_hartigan_mode).
hartigan_modes <- c(none = 0L, first = 1L, after = 2L, wong = 3L, wong_sweep = 4L)

# Starts by default: 10 random starts (as scikit-learn's n_init = "auto"),
# one k-means++ start, and for init = "auto" on a small problem the random
# start stats::kmeans(X, k) would draw, run by Hartigan and Wong's
# algorithm and Hartigan's sweeps, and `auto_extra` k-means++ starts. None:
# on the real data sets of bench/small.R one start costs 0.8 to 1.0 times
# the CPU of kmeans(X, k), and a second 1.0 to 1.6 times (n_init = 2 asks
# for it).
default_n_init <- function(method, n, d, k) {
  switch(method, random = 10L, auto = 1L + auto_extra, 1L)
}
auto_extra <- 0L

# init = "auto": on a small problem (n k d at most small_work) the starts
# above ("auto"), else one k-means++ start.
resolve_auto_init <- function(method, n, d, k) {
  if (method != "auto") return(method)
  if (as.double(n) * k * d <= small_work) "auto" else "kmeans++"
}

# The algorithm "auto" picks, from the shape of the problem, the tolerance
# and whether the CPU runs a blocked kernel. Measured with bench/bench.R and
# bench/auto.R on the grid, the second grid (drawn at random) and the shapes
# of issue 13 (see bench/README.md), 2 threads, both to convergence from
# the same start (tol = 0) and as default calls (k-means++, tol = 1e-4):
# - "hamerly" in general: one bound per point and half the distance to the
#   nearest other centre settle most points; with a blocked kernel and
#   k >= 32 the points it cannot settle go through that kernel together,
#   which made it the fastest on every such shape measured, up to d = 64
#   (2.4x faster than Lloyd at 50,000 x 64, k = 256) and k = 1,000 (1.35x
#   faster than Yinyang at d = 2), in default calls as in runs to
#   convergence.
# - "yinyang" for k < 32 with tol = 0: the long tail of iterations where
#   few points move is cheaper with its bounds (1.35x faster than Hamerly
#   on 1,000,000 x 8, k = 16, 136 iterations; 1.36x on 800,000 x 6,
#   k = 12).
# - "lloyd" for k < 32 with tol > 0 and k d <= 128 where the CPU has AVX2:
#   a default call stops while many points still move, and a pass of the
#   plain kernel's AVX2 build over so few centres costs less than the
#   bounds' bookkeeping (default calls, medians of 5 seeds: 800,000 x 6,
#   k = 12, 0.25 s against Hamerly's 0.34; 200,000 x 3, k = 24, 0.19
#   against 0.24 at 32 to 91 iterations; 1,000,000 x 8, k = 16, 0.32
#   against 0.35); from k d = 144 Hamerly was faster (1.2x to 2x).
# - without a blocked kernel, k >= 32 keeps the rule measured before the
#   blocked kernel served the bounds: "lloyd" when d >= 32 and k >= 64,
#   "yinyang" when k >= 64, else "hamerly".
# Yinyang keeps n x k/10 bounds: not when they would pass 1 GiB.
# All algorithms give the same result, so the rule changes only the time.
choose_algorithm <- function(n, d, k, tol = 0, blocked = blocked_kernel()) {
  yinyang_fits <- as.double(n) * max(1L, k %/% 10L) * 8 <= 2^30
  if (k < 32L) {
    if (tol == 0) return(if (yinyang_fits) "yinyang" else "hamerly")
    return(if (blocked && as.double(k) * d <= 128) "lloyd" else "hamerly")
  }
  if (blocked && as.double(k) * d >= 128) return("hamerly")
  if (d >= 32L && k >= 64L) return("lloyd")
  if (k >= 64L && yinyang_fits) return("yinyang")
  "hamerly"
}

# Which assignment kernel. options(ckm.kernel =): "auto" (the default: the
# widest blocked kernel this CPU runs, AVX-512F or AVX2/FMA, else the plain
# one), "plain" (the portable kernel), "avx2" or "avx512" (that blocked
# kernel, an error where the CPU lacks it), or "avx512-emulated" (the
# AVX-512 kernel's code with each 8-lane register emulated by two AVX2
# registers: slower, for testing that code on machines without AVX-512),
# or "plain-avx2" / "plain-avx512" (that build of the plain kernel alone,
# no blocked kernel: for benchmarks).
# All give identical results; the option exists so that tests and
# benchmarks can compare them.
kernel_codes <- c(auto = 0L, plain = 1L, avx2 = 2L, avx512 = 3L, "avx512-emulated" = 4L,
                  "plain-avx2" = 5L, "plain-avx512" = 6L)

kernel_code <- function() {
  k <- getOption("ckm.kernel")
  if (is.null(k) || identical(k, "auto")) return(0L)
  if (!is.character(k) || length(k) != 1L || is.na(k) || !k %in% names(kernel_codes)) {
    abort(sprintf("`options(ckm.kernel)` must be one of %s, not %s.",
                  paste0("\"", names(kernel_codes), "\"", collapse = ", "), describe(k)))
  }
  code <- kernel_codes[[k]]
  # the ISA a code needs: plain-avx2 that of avx2, plain-avx512 that of avx512
  need <- switch(as.character(code), "5" = 2L, "6" = 3L, code)
  if (code >= 2L && .Call(ffi_kernel_isa, need) == 0L) {
    abort(sprintf("`options(ckm.kernel = \"%s\")`: this CPU does not run the %s kernel (it runs %s).",
                  k, k, kernel_name()))
  }
  code
}

# Will fits here run a blocked kernel? (the CPU has one, and
# options(ckm.kernel) does not ask for the plain one)
blocked_kernel <- function() {
  kernel_code() != kernel_codes[["plain"]] && cpu_isa() != 0L
}

# The blocked kernel "auto" runs on this CPU: "avx512", "avx2" or "plain".
kernel_name <- function() {
  isa <- cpu_isa()
  if (isa == 0L) "plain" else names(kernel_codes)[match(isa, kernel_codes)]
}

# The blocked kernel's code for this CPU (0: none), asked of the C side
# once per session (the CPU does not change; a forked worker has its
# parent's).
cpu_isa <- function() {
  if (is.null(the$isa)) the$isa <- .Call(ffi_kernel_isa, 0L)
  the$isa
}

#' k-means clustering with a C/OpenMP core
#'
#' Fits k-means in C: Lloyd's algorithm and its exact accelerations,
#' Hartigan's single-point transfers, k-means++ or random seeding,
#' restarts, and relocation of empty clusters. The result is a `kmeans`
#' object (class `c("ckm", "kmeans")`) with the fields of [stats::kmeans()],
#' so code and packages written for `kmeans` results accept it.
#'
#' @section Defaults:
#' `ckm_fit(X, k)` with the default `init = "auto"` and `algorithm =
#' "auto"` depends on the size of the problem. On a small one (n k d at
#' most 2^22, about four million: every data set of a few thousand rows)
#' it starts from the k rows [stats::kmeans()] would draw at random with the
#' same seed (the same `sample.int()` call), runs Hartigan and Wong's
#' algorithm as `kmeans(X, k)` runs it (the same moves, bit for bit, with
#' up to `max_iter` iterations where `kmeans()` stops at 10) and then
#' Hartigan's sweeps until no single transfer lowers the inertia. So
#' `set.seed(s); ckm_fit(X, k)` ends where `set.seed(s); kmeans(X, k)` ends
#' or lower, seed by seed, at about the CPU time of `kmeans(X, k)` or less
#' (`bench/small.R` and `vignette("agreement")` give the counts and times
#' on real data sets). `n_init = 2` or more adds starts from k-means++
#' seedings, each run to convergence by Lloyd's passes and then refined by
#' Hartigan's transfers, and keeps the lowest: often lower still, at more
#' CPU time. Small problems run on one thread (see
#' [ckm_threads()]). [ckm_fit_mpi()] cannot run Hartigan and Wong's
#' sequence of stages over processes: its default refines the first start
#' by Hartigan's sweeps alone, as `algorithm = "hartigan"` does.
#'
#' On a larger problem the default is one k-means++ start run by the
#' fastest exact algorithm (see `algorithm`), as many times faster than
#' `stats::kmeans()` as `bench/` shows. Any other `init` (a method or
#' centres) keeps `algorithm = "auto"` to Lloyd's moves, so from given
#' centres `ckm_fit()` returns the partition of
#' `stats::kmeans(X, centers, algorithm = "Lloyd")`.
#'
#' @section Hartigan's transfers:
#' `algorithm = "hartigan"` assigns each point to its nearest starting
#' centre, moves the centres to the means, and then sweeps over the points
#' in order: a point x (weight w) of cluster a (total weight W_a, centre
#' c_a) moves to the cluster b that minimises W_b / (W_b + w) ||x - c_b||^2
#' when that is below W_a / (W_a - w) ||x - c_a||^2, and both centres move
#' at once (Hartigan and Wong 1979; Telgarsky and Vattani 2010). Each such
#' transfer lowers the inertia. As in Hartigan-Wong the centres follow the
#' transfers and are set to the exact means of the partition when a sweep
#' moves no point; sweeps go on until one that starts from the exact means
#' moves none, and every sweep that moves a point counts as an iteration.
#' No point of the result is nearer another centre than its own, and no
#' single transfer can lower its inertia: it is a local minimum of Lloyd's
#' algorithm too, and often a lower one (Lloyd's algorithm cannot move a
#' point between a large cluster and a small one that it lies between).
#' From the same start it ends where `stats::kmeans(X, start)`
#' (Hartigan-Wong) ends in most cases, and otherwise sometimes lower,
#' sometimes higher (`bench/hartigan.R`). Points whose cluster and
#' candidate clusters have not changed since their last visit are not
#' tested again (Hartigan and Wong's live sets), and bounds on the
#' distances to the own centre, the nearest other one and the rest, kept
#' against snapshots of the centres, pass over most of the others without
#' reading their rows; neither changes a move. The sweeps are sequential:
#' they run on one thread (the same bits for any thread count), which
#' makes `algorithm = "hartigan"` slower than Lloyd's algorithm on large
#' data.
#'
#' @section Algorithm:
#' Each iteration assigns every point to its nearest centre (squared
#' Euclidean distance, ties to the lowest-numbered centre) and moves every
#' centre to the mean of its points. The fit stops when no label changes, or
#' when the total squared shift of the centres is at most `tol` times the
#' mean per-column variance of `X` (the convention of scikit-learn), or after
#' `max_iter` iterations. When it stops on the shift, one more assignment
#' makes the labels those of the final centres (so `predict()` on `X` returns
#' them), which are then within the tolerance of the cluster means. With `tol = 0` and the same
#' starting centres, the fit makes exactly the moves of
#' `stats::kmeans(X, init, algorithm = "Lloyd")` and returns the same
#' partition, as long as no cluster becomes empty (where stats gives up).
#'
#' A cluster that loses all its points is given the point farthest from its
#' own centre (the next empty cluster the next farthest, and so on, as
#' scikit-learn does); the number of such relocations is reported in
#' `relocated`.
#'
#' @section Minimum cluster size:
#' k-means has no notion of a smallest cluster, and a few outlying points
#' often end up with a centre of their own. `min_size` is a heuristic for
#' that case, not part of the k-means objective: after the fit (the best of
#' the `n_init` starts), while some cluster has fewer than `min_size` points,
#' the centre of the smallest cluster is dropped, the largest cluster (of
#' those whose points are not all equal) is cut in two by the hyperplane through its mean orthogonal to its first
#' principal axis, the means of the two halves become two centres, and the
#' fit runs again from these k centres. At most k such splits are made; if a
#' cluster is still too small after them (a small group far from the rest
#' comes back to its own centre), the fit warns. The result reports `splits`
#' and `min_size`, and `init_centers` is the start of the last run. Its
#' inertia is usually higher than that of the unconstrained fit: the small
#' cluster's points join a larger one. Sizes count rows, whatever the
#' weights.
#'
#' @section Memory:
#' `X` is used in place, never copied when it is already a double matrix
#' (see Numerical range for the one exception); matrices of 2^31 or more
#' elements (long vectors) work. Besides `X`, a fit takes one double and two
#' ints per row (Lloyd; the second int holds the labels the centre sums were
#' last formed from, so that only changed clusters are summed again; and the
#' partial centre sums at every 16 k rows, at most a sixteenth of `X`, so
#' that a block is summed again only from its first change on), two
#' doubles more per row for Hamerly, and one double per row and group of
#' about ten centres more for Yinyang; never an n x k distance matrix. k-means++ seeding takes one double per row, given back
#' before the fit starts. Working memory is freed as soon as the C code
#' returns, also on an error or an interrupt. Measured (`bench/memory.R`,
#' 30,000,000 x 8, 1.8 GB, k = 16): Hamerly peaks at 1.63 times the data,
#' X included; Lloyd at 1.38 times (the checkpoints 0.06 of that). A 134,217,728 x 16 matrix
#' (16 GiB) was fitted in 19 GiB in all (see `bench/huge.R`).
#'
#' @section Numerical range:
#' Squared distances lose their precision when the data lie far from the
#' origin compared with their spread (the digits of the offset crowd out
#' those of the differences) and when they are so large or small that their
#' squares overflow or underflow. A column whose largest magnitude is more
#' than 2^20 times its range is therefore shifted by its midrange (an exact
#' subtraction there), and data whose largest magnitude lies beyond
#' 2^400 or 2^-400 is multiplied by a power of two (exact). The fit then
#' runs on that copy of `X`, and its centres and sums of squares are
#' returned in the units of `X`; `predict()` assigns new points in the
#' fit's coordinates (component `conditioning`). Ordinary data meets
#' neither test and is used exactly as given, so the fit remains that of
#' [stats::kmeans()]. Weights whose largest value lies beyond 2^64 or 2^-64
#' are scaled by a power of two the same way.
#'
#' @section Reproducibility:
#' Random numbers come from R's generator, so [set.seed()] reproduces a fit.
#' Every sum in the C code runs in an order fixed by the data, so results are
#' bit-identical whatever the number of threads.
#'
#' @section Kernels:
#' The distances are computed by one of several kernels, chosen at run
#' time; all give the same results bit for bit. The plain kernel computes
#' exact distances for blocks of 8 or 16 points and 4 centres held in
#' registers (built for AVX-512F or AVX2 where the CPU has it, without
#' fused multiply-adds; else one centre at a time, for any x86-64). With
#' many centres (k >= 64 and k d >= 12,288 on AVX-512, 8,192 on AVX2) a
#' blocked kernel screens the centres with a small matrix
#' product held in registers (AVX-512F where the CPU has it, else AVX2 and
#' FMA), certifies each winner against the rounding of that product,
#' recomputes exactly the rare points too close to call, and always
#' recomputes the winner's distance exactly. Hamerly's algorithm sends the
#' points its bounds cannot settle through the blocked kernel together from
#' k = 32. `options(ckm.kernel =)` overrides the choice, for comparisons:
#' `"auto"` (the default), `"plain"` (the plain kernel built for any
#' x86-64), `"avx2"` or `"avx512"` (that blocked kernel wherever it serves,
#' an error where the CPU lacks it) and `"avx512-emulated"` (the AVX-512
#' kernel's code with each 8-lane register emulated by two AVX2 ones:
#' slow, for testing that code on machines without AVX-512) and
#' `"plain-avx2"` or `"plain-avx512"` (that build of the plain kernel
#' alone, for benchmarks).
#'
#' @param X A numeric matrix, a numeric vector (one column) or a data frame
#'   of numeric columns; one row per observation. Integers are converted,
#'   and so are `bit64::integer64` values (exactly, up to 2^53). Dates,
#'   times and `difftime`s are refused (convert them to numbers in the units
#'   you mean); other classed numbers, such as `units`, are taken as their
#'   numbers. Missing and infinite values are errors.
#' @param k Number of clusters, between 1 and the number of distinct rows of
#'   `X`. May be omitted when `init` is a matrix.
#' @param init How to choose the starting centres: `"auto"` (the default:
#'   see Defaults), `"kmeans++"` (D^2
#'   sampling, Arthur and Vassilvitskii 2007), `"greedy-kmeans++"` (each
#'   centre the best of 2 + log(k) rows drawn by D^2 sampling, the one that
#'   leaves the smallest inertia; scikit-learn's k-means++; slower to seed,
#'   usually a better start), `"kmeans||"` (Bahmani et al. 2012, Spark's
#'   default: five rounds that each draw about 2k rows independently by
#'   D^2, then weighted k-means++ on those candidates; a few passes over `X`
#'   instead of k, for large k), `"random"` (k distinct rows drawn
#'   uniformly), or a numeric k x d matrix of starting centres, used as
#'   given (cluster j starts at row j).
#' @param n_init Number of starts; the fit with the lowest inertia is kept.
#'   `NULL` means 1 for `init = "auto"` on a small problem (see Defaults;
#'   more add k-means++ starts),
#'   1 for the k-means++ seedings, 10 for random starts (as scikit-learn's
#'   `n_init = "auto"`); it must be 1 when `init` is a matrix.
#' @param max_iter Maximum number of iterations of each start.
#' @param tol Relative tolerance on the centre shift (see Algorithm); `0`
#'   stops only when the labels stop changing.
#' @param algorithm `"auto"` (the default) is `"hartigan"` for the default
#'   `init = "auto"` on a small problem (see Defaults); otherwise it picks
#'   one of Lloyd's exact algorithms from n, d, k and `tol`: with k < 32, `"yinyang"` when `tol = 0` (if its bounds,
#'   n x k/10 doubles, fit in 1 GiB), else `"lloyd"` when k d <= 128 on a
#'   CPU with AVX2 and `"hamerly"` otherwise; with k >= 32,
#'   `"hamerly"` where the CPU runs a blocked kernel (AVX2 or AVX-512, see
#'   Kernels), and elsewhere `"lloyd"` when d >= 32 and k >= 64,
#'   `"yinyang"` when k >= 64, else `"hamerly"`. The rule comes from the
#'   benchmark in `bench/`. `"lloyd"` computes every distance at
#'   every iteration, with a blocked, vectorised kernel. `"hamerly"`
#'   (Hamerly 2010) keeps one lower bound per point and skips the points
#'   that cannot change cluster; those it cannot skip go through the blocked
#'   kernel together. `"yinyang"` (Ding et al. 2015) keeps a bound per point
#'   and group of about ten centres. These three give the same result, bit
#'   for bit, from the same start. `"hartigan"` refines the first
#'   assignment by Hartigan's transfers (see that section): a different,
#'   usually lower, local minimum. `"hartigan-wong"` is Hartigan and Wong's
#'   algorithm (AS 136), the one `stats::kmeans()` runs by default: from the
#'   same start, its partition and iterations, and its centres bit for bit
#'   up to 8192 rows (beyond, ckm sums the centres in blocks: the last bits
#'   may differ). It runs on one thread and takes no `weights`; where it
#'   cannot run (k = 1, or a cluster empty after the first assignment,
#'   where `stats::kmeans()` stops with an error) Hartigan's transfers run
#'   instead. Its quick-transfer stage stops after 50 steps per row, as in
#'   `stats::kmeans()` (with a warning).
#' @param weights `NULL`, or a vector of `nrow(X)` positive, finite
#'   observation weights. Each centre is then the weighted mean of its
#'   points, the inertia, `withinss` and `totss` are weighted sums of squares,
#'   k-means++ draws the first centre with probability proportional to the
#'   weights and the next ones to weight times D^2, and random starts draw
#'   rows in proportion to the weights. An integer weight w gives the fit of
#'   the data with that row repeated w times. Rows of weight zero are not
#'   allowed: drop them.
#' @param min_size `NULL`, or the smallest cluster size to accept (see
#'   Minimum cluster size).
#' @param threads Number of threads, or `NULL` for [ckm_threads()].
#' @param verbose If `TRUE`, print one line per start and per iteration
#'   (inertia and the number of labels that changed).
#' @param data With a one-sided formula as `X` (`~ a + b`, `~ .`,
#'   `~ log(a) + b`), the data frame its terms come from; they must be
#'   numeric. `predict()`, `plot()` and the silhouette then take a data
#'   frame with those columns (and any others).
#' @param scale If `TRUE`, each column is centred on its mean and divided by
#'   its standard deviation before fitting (columns in different units
#'   otherwise weigh by their spread: the first mistake of k-means users).
#'   The means and standard deviations are kept in the fit (`scaling`) and
#'   applied to the data given to `predict()`, `plot()`, `fortify()` and
#'   [ckm_silhouette()]. The centres, sums of squares and `init_centers` are
#'   in the scaled units; starting centres given as `init` are in the units
#'   of the data.
#'
#' @return An object of class `c("ckm", "kmeans")`: a list with the
#'   components of [stats::kmeans()], `cluster`, `centers`, `totss`,
#'   `withinss`, `tot.withinss`, `betweenss`, `size`, `iter` and `ifault`
#'   (0, or 2 when the kept start did not converge in `max_iter`
#'   iterations, or 4 when Hartigan and Wong's quick-transfer stage reached
#'   its limit of steps, as in [stats::kmeans()]), and in addition
#'   \item{inertia}{the within-cluster sum of squares, `tot.withinss`;}
#'   \item{converged}{whether the kept start converged;}
#'   \item{n_iter}{the iterations (assignment passes) of the kept start;}
#'   \item{trace}{the inertia after each assignment of the kept start;}
#'   \item{init, init_centers}{the seeding method and the starting centres
#'     of the kept start;}
#'   \item{n_init, algorithm, threads}{as used;}
#'   \item{relocated}{the number of empty-cluster relocations in the kept
#'     start;}
#'   \item{transfers}{with `algorithm = "hartigan"`, the number of points
#'     Hartigan's sweeps moved;}
#'   \item{weight}{with `weights`, the total weight of each cluster;}
#'   \item{min_size, splits}{with `min_size`, the threshold and the number
#'     of splits made;}
#'   \item{scaling}{with `scale = TRUE`, the `center` and `scale` of each
#'     column;}
#'   \item{conditioning}{for data far from the origin or of extreme
#'     magnitude only (see Numerical range): the column shifts, the power
#'     of two and the centres in the fitted coordinates.}
#'
#' @references
#' Lloyd, S. P. (1982). Least squares quantization in PCM. IEEE Transactions
#' on Information Theory, 28(2), 129-137.
#'
#' Arthur, D. and Vassilvitskii, S. (2007). k-means++: the advantages of
#' careful seeding. Proceedings of the 18th ACM-SIAM Symposium on Discrete
#' Algorithms, 1027-1035.
#'
#' Hartigan, J. A. and Wong, M. A. (1979). Algorithm AS 136: a k-means
#' clustering algorithm. Applied Statistics, 28(1), 100-108.
#'
#' Telgarsky, M. and Vattani, A. (2010). Hartigan's method: k-means
#' clustering without Voronoi. Proceedings of the 13th International
#' Conference on Artificial Intelligence and Statistics, 820-827.
#'
#' @seealso [predict.ckm()], [ckm_threads()], [stats::kmeans()].
#' @export
#' @examples
#' set.seed(1)
#' fit <- ckm_fit(iris[, 1:4], 3, threads = 1)
#' fit
#' table(fit$cluster, iris$Species)
#'
#' # a formula, and columns on one scale
#' fit_f <- ckm_fit(~ Sepal.Length + Petal.Width, data = iris, k = 3, scale = TRUE,
#'                  threads = 1)
#' head(predict(fit_f, iris))
#'
#' # the default beside kmeans(X, k) with the same seed
#' set.seed(2); ckm_fit(iris[, 1:4], 3)$tot.withinss
#' set.seed(2); kmeans(iris[, 1:4], 3)$tot.withinss
#'
#' # the same moves as stats::kmeans from the same start
#' start <- as.matrix(iris[c(1, 51, 101), 1:4])
#' a <- ckm_fit(iris[, 1:4], init = start, algorithm = "lloyd", tol = 0, threads = 1)
#' b <- kmeans(iris[, 1:4], start, algorithm = "Lloyd", iter.max = 300)
#' all.equal(unname(a$cluster), unname(b$cluster))
#'
#' # weights: a row of weight 2 counts as that row twice
#' w <- rep(1:2, length.out = 150)
#' fw <- ckm_fit(iris[, 1:4], init = start, weights = w, tol = 0, threads = 1)
#' fr <- ckm_fit(iris[rep(1:150, w), 1:4], init = start, tol = 0, threads = 1)
#' all.equal(fw$centers, fr$centers)
#'
#' # min_size: three outliers get no centre of their own
#' X <- rbind(as.matrix(iris[, 3:4]), c(8, 3.5), c(8.3, 3.5), c(8, 3.8))
#' ckm_fit(X, init = X[c(1, 51, 101, 151), ], threads = 1)$size
#' ckm_fit(X, init = X[c(1, 51, 101, 151), ], min_size = 10, threads = 1)$size
ckm_fit <- function(X, k, init = "auto", n_init = NULL, max_iter = 300L,
                    tol = 1e-4,
                    algorithm = c("auto", "lloyd", "hamerly", "yinyang", "hartigan",
                                  "hartigan-wong"),
                    weights = NULL, min_size = NULL, threads = NULL,
                    verbose = FALSE, data = NULL, scale = FALSE) {
  ecall <- sys.call()
  terms <- NULL
  if (inherits(X, "formula")) {
    X <- formula_data(X, data, ecall)
    terms <- attr(X, "terms")
    attr(X, "terms") <- NULL
  } else if (!is.null(data)) {
    abort("`data` is for a formula `X` (e.g. `ckm_fit(~ a + b, data = df, k = 3)`); give the data as `X` otherwise.", ecall)
  }
  X <- as_data_matrix(X, "X", ecall)
  n <- nrow(X)
  d <- ncol(X)
  scale <- check_flag(scale, "scale", ecall)
  scaling <- NULL
  if (scale) {
    scaling <- column_scaling(X, ecall)
    X <- apply_scaling(X, scaling)
  }

  start <- resolve_init(init, X, if (!missing(k)) k, ecall)
  init <- start$init
  # starting centres are given in the units of the data
  if (!is.null(scaling) && start$method == "matrix") init <- apply_scaling(init, scaling)
  k <- start$k
  init_method <- start$method
  init_matrix <- init_method == "matrix"

  init_method <- resolve_auto_init(init_method, n, d, k)
  n_init <- check_n_init(n_init, init_method, ecall, n, d, k)
  max_iter <- check_count(max_iter, "max_iter", call = ecall)
  tol <- check_tol(tol, ecall)
  algorithm <- check_choice(algorithm, algorithms, "algorithm", ecall, default_ok = TRUE)
  engine <- fit_engine(algorithm, n, d, k, tol, init = init_method)
  algorithm <- engine$name
  weights <- check_weights(weights, n, ecall)
  if (!is.null(weights) && algorithm == "hartigan-wong") {
    abort("`algorithm = \"hartigan-wong\"` takes no `weights` (Hartigan and Wong's algorithm has none); use `algorithm = \"hartigan\"` for Hartigan's transfers with weights.", ecall)
  }
  min_size <- check_min_size(min_size, n, k, ecall)
  threads <- check_threads(threads, ecall, work = as.double(n) * k * d)
  verbose <- check_flag(verbose, "verbose", ecall)

  # Far from the origin, or at extreme magnitudes, squared distances lose
  # their precision: such X is moved to the origin and scaled by a power of
  # two (see Numerical range); ordinary data is used as it is. Extreme
  # weights are scaled by a power of two. (R/conditioning.R)
  data <- fit_data(X, weights, if (init_matrix) init)
  if (init_matrix) init <- data$init
  mom <- fit_moments(data$X, data$weights, tol, threads, ecall)
  X_in <- X
  X <- data$X
  weights <- data$weights
  totss <- mom$totss
  tol_abs <- mom$tol_abs

  best <- run_starts(X, k, init_method, init, n_init, weights, max_iter, tol_abs,
                     engine, threads, verbose, mom$moments, ecall)

  splits <- NULL
  if (!is.null(min_size)) {
    kernel <- kernel_code()
    best <- grow_small_clusters(best, X, weights, min_size, function(start) {
      run_fit(X, start, weights, max_iter, tol_abs, engine, kernel, threads,
              verbose, ecall, mom$moments)
    })
    splits <- best$splits
  }

  if (isTRUE(best$qtran_limit)) {
    warn(sprintf("ckm_fit(): Hartigan and Wong's quick-transfer stage reached its limit of %s steps (50 per row, as in stats::kmeans()); the fit is where it stopped. `algorithm = \"hartigan\"` has no such limit.",
                 format(min(50 * n, .Machine$integer.max), big.mark = ",", scientific = FALSE)))
  } else if (!best$converged) {
    if (best$relocated > 0) check_distinct_rows(X, k, ecall)
    warn(sprintf("ckm_fit(): did not converge in %d iterations; increase `max_iter`.", max_iter))
  }
  fit <- fit_result(best, X_in, data, totss, init_method, n_init, algorithm, threads)
  if (!is.null(min_size)) {
    fit$min_size <- min_size
    fit$splits <- splits
  }
  fit$scaling <- scaling
  fit$terms <- terms
  fit
}

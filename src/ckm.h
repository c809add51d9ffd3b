/*
 * ckm.h: the numeric core of ckm.
 *
 * Nothing here includes an R header. The core works on raw pointers,
 * column-major data (x[i + n * j], as R stores a matrix), 0-based labels and
 * status codes; the glue (glue.c and the ffi_*.c entry points) is the only
 * code that knows about SEXPs. This is
 * the same split as base R's kmeans.c or the standalone nmath library: the
 * core can be compiled, tested, fuzzed and sanitised without R.
 *
 * The core never allocates. Callers hand it a workspace whose size it
 * reports (ckm_*_workspace); the R glue takes a small one from R_alloc and
 * a large one from malloc under R_UnwindProtect (glue_run() in glue.c), so
 * a user interrupt (which long-jumps out of a hook) frees everything.
 * Randomness and interrupt checks come through the hooks, always called
 * from the calling thread and never inside a parallel region.
 */
#ifndef CKM_H
#define CKM_H

#include <stddef.h>

/* Row counts and row indices. Signed, so loops over them may count down,
 * and wide enough for any R vector; products n * d are formed in size_t. */
typedef ptrdiff_t ckm_idx;

enum ckm_status {
  CKM_OK = 0,
  CKM_ERR_DISTINCT = 1,  /* fewer distinct rows than centres requested */
  CKM_ERR_NONFINITE = 2, /* a squared distance overflowed to Inf */
  CKM_INTERRUPTED = 3,   /* a hook asked to stop */
  CKM_ERR_COMM = 4       /* a collective operation of ckm_comm failed */
};
/* R reads these codes and their meaning from ckm_status_table() (ffi_data.c
 * hands it over), so the two sides cannot drift apart. */

/* Collective operations of a fit spread over several processes (SPMD, one
 * block of rows each, as under MPI). Every process calls the core with the
 * same arguments except its rows; every quantity that needs all rows
 * (centre sums, counts, inertia, sums of squares, the farthest points, the
 * seeding draws) passes through these two calls, always in the same order
 * on every process. NULL (or size 1): one process, and nothing is called. */
enum ckm_op { CKM_OP_SUM = 0, CKM_OP_MAX = 1 };

typedef struct ckm_comm {
  int rank, size;        /* this process, and how many there are */
  ckm_idx row0;          /* global index of this process's first row; the
                            rows of the processes are consecutive blocks,
                            rank 0 first */
  ckm_idx n_global;      /* rows over all processes */
  void *ctx;
  /* buf (len doubles) := the op over all processes, elementwise, in place.
   * Only exact operations pass through it (MAX, and SUM of values whose
   * sum is exact), so any reduction order gives the same bits. */
  int (*allreduce)(void *ctx, double *buf, size_t len, int op);
  /* recv (size * len doubles) := every process's send, rank by rank */
  int (*allgather)(void *ctx, const double *send, size_t len, double *recv);
} ckm_comm;

enum ckm_algorithm {
  CKM_LLOYD = 0,   /* every distance, every iteration */
  CKM_HAMERLY = 1, /* one lower bound per point (Hamerly 2010) */
  CKM_YINYANG = 2  /* one lower bound per point and group of centres
                      (Ding et al. 2015) */
};

enum ckm_kernel {
  CKM_KERNEL_AUTO = 0,   /* the widest blocked kernel the CPU runs */
  CKM_KERNEL_PLAIN = 1,  /* the portable kernel (same results) */
  CKM_KERNEL_AVX2 = 2,   /* the AVX2/FMA blocked kernel, where the CPU has it */
  CKM_KERNEL_AVX512 = 3, /* the AVX-512F blocked kernel, where the CPU has it */
  CKM_KERNEL_AVX512_EMULATED = 4, /* the same code, each 8-lane register
                                     emulated by two AVX2 ones: for tests */
  CKM_KERNEL_PLAIN_AVX2 = 5, /* the plain kernel only, its AVX2 build */
  CKM_KERNEL_PLAIN_AVX512 = 6 /* the plain kernel only, its AVX-512F build */
};

enum ckm_hartigan_mode {
  CKM_HARTIGAN_NONE = 0,
  CKM_HARTIGAN_FIRST = 1, /* after the first assignment pass, instead of the
                             algorithm's further passes (as Hartigan and
                             Wong's algorithm) */
  CKM_HARTIGAN_AFTER = 2, /* after the algorithm's passes have converged */
  CKM_HARTIGAN_WONG = 3,  /* Hartigan and Wong's algorithm (AS 136,
                             hartwong.c) from the start, as stats::kmeans */
  CKM_HARTIGAN_WONG_SWEEP = 4 /* the same, then Hartigan's sweeps */
};

typedef struct ckm_hooks {
  void *ctx;
  /* uniform deviate in [0, 1); required by the seeding routines. */
  double (*unif)(void *ctx);
  /* called between iterations with the 1-based iteration, the inertia of
   * the assignment just made and the number of labels that changed.
   * Nonzero return stops the fit with CKM_INTERRUPTED. May be NULL. */
  int (*iteration)(void *ctx, int iter, double inertia, ckm_idx changed);
  /* called now and then in long loops (seeding); nonzero stops. May be NULL. */
  int (*poll)(void *ctx);
  /* mini-batch: called after each step with its 0-based index and the
   * smoothed batch inertia (the trace), so the caller can keep it without
   * sizing a buffer by the step limit. May be NULL. */
  void (*record)(void *ctx, long step, double value);
  /* long single calls (exact silhouette, mini-batch): called now and then,
   * on the calling thread outside any parallel region, with the share of
   * the work done, in [0, 1]. May be NULL. */
  void (*progress)(void *ctx, double done);
  /* ckm_fit_run: called after each iteration (its centre update made) with
   * the 1-based iteration, the labels of its assignment, the centres after
   * it (k x d, column-major), the relocations so far and whether it
   * changed no label; a fit stopped there (max_iter = iter, tol = 0) would
   * return just these. So one run can show every step (ckm_converge()).
   * May be NULL. */
  void (*snapshot)(void *ctx, int iter, const int *labels,
                   const double *centers, ckm_idx relocated, int converged);
  /* ckm_fit_starts: called after each start (1-based) with its inertia,
   * iterations and convergence, and whether it is the best so far (the
   * one kept: the iteration hook's values since the last call are its
   * trace). May be NULL. */
  void (*start_done)(void *ctx, int start, double inertia, int n_iter,
                     int converged, int kept);
} ckm_hooks;

typedef struct ckm_options {
  int max_iter;      /* >= 1 */
  double tol;        /* absolute bound on the total squared centre shift; 0 = labels only */
  int algorithm;     /* enum ckm_algorithm */
  int kernel;        /* enum ckm_kernel */
  int nthreads;      /* upper bound on the threads of any parallel region, >= 1 */
  const double *weights; /* n positive observation weights, or NULL for 1 each */
  const ckm_comm *comm;  /* other processes holding other rows, or NULL */
  double totss;          /* the total sum of squares, and */
  const double *colmean; /* the d column means (weighted with weights), of
                            all rows: from ckm_totss(), once per X. NULL:
                            the fit computes them itself */
  int hartigan;          /* enum ckm_hartigan_mode: Hartigan's single-
                            point transfers (hartigan.c), or none */
} ckm_options;

typedef struct ckm_info {
  int n_iter;        /* assignment passes made */
  int converged;     /* 1 when labels stopped changing or the shift fell below tol */
  ckm_idx relocated; /* empty clusters given a new centre, summed over iterations */
  int passes;        /* Hartigan sweeps that moved a point (counted in n_iter) */
  ckm_idx transfers; /* points Hartigan's sweeps moved, in all */
  int qtran_limit;   /* Hartigan and Wong's quick-transfer stage stopped at
                        its limit of steps (CKM_HARTIGAN_WONG) */
} ckm_info;

/* ---- kmeans.c ---------------------------------------------------------- */

/* Bytes of workspace ckm_fit_run needs. */
size_t ckm_fit_workspace(ckm_idx n, int d, int k, const ckm_options *opt);

/*
 * k-means from the k x d centres in `centers` (column-major,
 * overwritten with the final centres). On return `labels` (length n) holds
 * 0-based labels, `wss` (length k) the within-cluster sums of squares
 * (weighted, when opt->weights is set: each centre is then the weighted
 * mean of its points and every inertia a weighted sum),
 * `size` (length k) the cluster sizes and `trace` (length max_iter) the
 * inertia of each assignment pass. `work` must hold ckm_fit_workspace()
 * bytes, aligned for double. Every algorithm makes the same assignments
 * as Lloyd's (the bounds only skip distances that cannot change a label),
 * so labels, centres, iterations and inertia agree bit for bit.
 * With opt->hartigan, the partition of the first assignment pass
 * (CKM_HARTIGAN_FIRST) or of the last (CKM_HARTIGAN_AFTER) is refined by
 * Hartigan's transfers (hartigan.c), sweep after sweep until one moves no
 * point; each sweep that moved a point counts as an iteration (so the
 * passes and the sweeps are at most max_iter, and trace has room), and is
 * followed by the exact means of the new partition. With
 * CKM_HARTIGAN_WONG(_SWEEP), one process and no weights, Hartigan and
 * Wong's algorithm (hartwong.c) replaces the passes (its iterations are
 * the first ones), followed (_SWEEP) by the sweeps; where it cannot run
 * (k < 2, k >= n, a cluster empty after its first assignment) the fit is
 * CKM_HARTIGAN_FIRST's.
 */
int ckm_fit_run(const double *x, ckm_idx n, int d, int k, double *centers,
                int *labels, double *wss, ckm_idx *size, double *trace,
                const ckm_options *opt, const ckm_hooks *hooks, void *work,
                ckm_info *info);

/* ---- starts.c ---------------------------------------------------------- */

/* Bytes of workspace ckm_fit_starts needs: what one start needs (seeding
 * and fit share it) and one more partition. */
size_t ckm_fit_starts_workspace(ckm_idx n, int d, int k, int trials,
                                const ckm_options *opt);

/*
 * n_init starts, each seeded by ckm_kmeanspp(trials) and run by
 * ckm_fit_run; the start of lowest inertia (the first of equals) is
 * returned as ckm_fit_run returns one, with its starting centres in
 * `start` (k x d) and its info. `first` (k x d, or NULL): the centres of
 * the first start, given instead of drawn; with first and
 * CKM_HARTIGAN_FIRST, the other starts refine by CKM_HARTIGAN_AFTER (the
 * given start follows Hartigan and Wong; the drawn ones converge with the
 * algorithm's faster passes first). The hooks' unif draws the seedings, in
 * the order of the starts; start_done reports each start.
 */
int ckm_fit_starts(const double *x, ckm_idx n, int d, int k, int trials,
                   int n_init, const double *first, double *centers,
                   double *start, int *labels,
                   double *wss, ckm_idx *size, const ckm_options *opt,
                   const ckm_hooks *hooks, void *work, ckm_info *info);

/* Within-cluster sums of squares (weighted with weights, NULL: none) of
 * the partition `labels` about `centers`, summed as ckm_fit_run sums its
 * own (so bit-identical to them). work: ckm_wss_workspace() bytes. */
size_t ckm_wss_workspace(ckm_idx n, int d, int k);
void ckm_wss(const double *x, ckm_idx n, int d, int k, const int *labels,
             const double *centers, const double *weights, int nthreads,
             void *work, double *wss);

/* The same from the squared distances already known (dist, n), summed the
 * same way. work: ckm_wss_workspace(0, 1, k) bytes. */
void ckm_wss_of_dist(ckm_idx n, int k, const int *labels, const double *dist,
                     const double *weights, void *work, double *wss);

/* Nearest centre (0-based, lowest index on ties) and its squared distance
 * for each of n points; `dist` may be NULL. hooks (may be NULL): polled
 * between blocks of points (CKM_INTERRUPTED when a poll says stop); the
 * same for ckm_soft_assign. `work` must hold
 * ckm_assign_workspace() bytes. */
size_t ckm_assign_workspace(ckm_idx n, int d, int k, int nthreads);
int ckm_assign(const double *x, ckm_idx n, int d, const double *centers, int k,
               int *labels, double *dist, int nthreads, int kernel,
               const ckm_hooks *hooks, void *work);

/* Soft assignment: for each point i and centre j,
 *   prob[i + n * j] = exp(-beta * d2_ij) / sum_l exp(-beta * d2_il),
 * with exact squared distances; computed as exp(-beta * (d2_ij - min_l d2_il))
 * so the largest term is 1 and nothing underflows to 0/0. `prob` is n x k,
 * column-major. `work` must hold k * d doubles. */
int ckm_soft_assign(const double *x, ckm_idx n, int d, const double *centers,
                    int k, double beta, double *prob, int nthreads,
                    const ckm_hooks *hooks, void *work);

/* Index of the first value that is NA, NaN or +-Inf, or -1 if none. */
ckm_idx ckm_first_nonfinite(const double *x, size_t len);

/* Does a row of x (n x d, column-major) equal an earlier one? O(n^2 d):
 * for a handful of rows (starting centres). */
int ckm_rows_repeat(const double *x, ckm_idx n, int d);

/* Smallest and largest value of each column of x (n x d, column-major). */
void ckm_col_ranges(const double *x, ckm_idx n, int d, double *lo, double *hi);

/* out = (x - shift[column]) * 2^-e, column-major n x d; shift may be NULL
 * (no shift). Multiplying by a power of two is exact, and so is the
 * subtraction where |x| is within a factor two of the shift (Sterbenz):
 * data far from the origin is moved to it without losing a bit. */
void ckm_affine(const double *x, ckm_idx n, int d, const double *shift,
                int e, double *out);

/* out = (x - center[column]) / scale[column], column-major n x d: what
 * R's sweep(sweep(x, 2, center), 2, scale, "/") makes, in one pass and
 * one new matrix (scale = TRUE). */
void ckm_standardize(const double *x, ckm_idx n, int d, const double *center,
                     const double *scale, double *out);

/* Total sum of squares about the column means; with weights (NULL: none),
 * sum_i w_i ||x_i - m||^2 about the weighted means. The means go to
 * `mean` (d values) and the total weight to *wtotal (n without weights);
 * both may be NULL. Reproducible sums (rsum.h): the same bits for any
 * split of the rows over threads or over the processes of comm (NULL:
 * one). work: ckm_totss_workspace() bytes. */
size_t ckm_totss_workspace(int d);
double ckm_totss(const double *x, ckm_idx n, int d, const double *weights,
                 int nthreads, const ckm_comm *comm, double *mean,
                 double *wtotal, void *work);

/* Rows per block of the centre sums: every such sum is formed in index
 * order within fixed blocks of global rows (block b: rows [b B, (b+1) B))
 * and the block sums are added exactly (rsum.h). Processes of a ckm_comm
 * must each hold whole blocks (except the last). A function of k alone. */
ckm_idx ckm_sum_block(int k);

/* ---- macqueen.c -------------------------------------------------------- */

/*
 * MacQueen's k-means from the k x d centres in `centers` (column-major,
 * overwritten): the nearest-centre partition and its means, then passes in
 * which each point moves at once to its nearest centre, the two centres
 * updated by the running mean, until a pass moves none (at most max_iter
 * passes). labels 0-based; size and wss (k each) of the final partition;
 * *n_iter the passes made plus one, so max_iter + 1 when the last still
 * moved points (as stats::kmeans counts). Sequential. The hooks' poll is
 * called between passes (may be NULL).
 */
int ckm_macqueen(const double *x, ckm_idx n, int d, int k, double *centers,
                 int max_iter, int *labels, ckm_idx *size, double *wss,
                 int *n_iter, const ckm_hooks *hooks);

/* ---- minibatch.c ------------------------------------------------------- */

typedef struct ckm_minibatch_options {
  int batch_size;          /* rows per step, 1..n */
  long max_steps;          /* >= 1 */
  int max_no_improvement;  /* stop after this many steps without a lower
                              smoothed batch inertia; 0: never */
  double tol;              /* stop when a step moves the centres by at most
                              this (total squared shift); 0: never */
  double reassignment_ratio; /* in [0, 1): centres below this fraction of
                                the heaviest are moved; 0: never */
  int kernel;              /* enum ckm_kernel */
  int nthreads;            /* >= 1 */
  const double *weights;   /* n positive weights, or NULL */
} ckm_minibatch_options;

typedef struct ckm_minibatch_info {
  long n_steps;        /* steps made */
  int converged;       /* 1 when a stopping rule fired before max_steps */
  ckm_idx reassigned;  /* centres moved to batch rows, in all */
} ckm_minibatch_info;

size_t ckm_minibatch_workspace(ckm_idx n, int d, int k,
                               const ckm_minibatch_options *opt);

/*
 * Mini-batch k-means from the k x d centres in `centers` (column-major,
 * overwritten). counts (k): the weight each centre absorbed. trace
 * (max_steps): the mean batch inertia of step 1, then its exponentially
 * weighted average with weight 2 b / (n + 1) per step. The unif hook
 * draws the batches. Approximate: the centres are not the means of the
 * final partition; callers assign X to them afterwards.
 */
int ckm_minibatch(const double *x, ckm_idx n, int d, int k, double *centers,
                  double *counts, double *trace,
                  const ckm_minibatch_options *opt, const ckm_hooks *hooks,
                  void *work, ckm_minibatch_info *info);

/* ---- seeding.c --------------------------------------------------------- */

size_t ckm_kmeanspp_workspace(ckm_idx n, int d, int k, int trials, int nranks);

/*
 * k-means++ seeding (Arthur and Vassilvitskii 2007): the first centre
 * uniformly, each next one with probability proportional to D(x)^2, the
 * squared distance to the nearest centre already chosen. With weights
 * (NULL: none) the first is drawn with probability proportional to w and
 * the next ones to w D(x)^2, as if row i appeared w_i times. With
 * trials > 1 (at most 64), the greedy variant (Arthur and Vassilvitskii
 * 2007, section 6; scikit-learn's default with 2 + log k trials): each next
 * centre is the best of `trials` rows drawn that way, the one that leaves
 * the smallest sum of (weighted) D^2. Writes the k x d
 * centres (column-major) and the 0-based rows chosen. Returns
 * CKM_ERR_DISTINCT when every remaining weight is zero and no row differs
 * from the chosen centres (fewer than k distinct rows). With comm (NULL:
 * one process), the rows are those of all processes (chosen: global
 * indices) and every process gets the same centres as one process holding
 * all rows, given the same deviates.
 */
int ckm_kmeanspp(const double *x, ckm_idx n, int d, int k,
                 const double *weights, int trials, double *centers,
                 ckm_idx *chosen, int nthreads, int kernel,
                 const ckm_hooks *hooks, const ckm_comm *comm, void *work);

/* k-means|| (Bahmani et al. 2012) draws each row independently: u[i] in
 * [0, 1) for global rows row0 .. row0 + n - 1, a function of (key, global
 * row) only (SplitMix64), so the draw does not depend on the split. */
void ckm_row_uniforms(ckm_idx n, ckm_idx row0, unsigned long long key,
                      double *u);

/* ---- reduce.c ---------------------------------------------------------- */

/* sum(v) over all processes: in index order within tiles of CKM_TILE
 * global rows (each process starts at a tile boundary), then exactly, then
 * rounded once. *status (may be NULL): CKM_ERR_COMM on a failed collective. */
double ckm_vector_total(const double *v, ckm_idx n, const ckm_comm *comm,
                        int *status);

/* ---- metrics.c --------------------------------------------------------- */

enum ckm_nmi_variant {
  CKM_NMI_ARITHMETIC = 0,
  CKM_NMI_GEOMETRIC = 1,
  CKM_NMI_MAX = 2,
  CKM_NMI_MIN = 3,
  CKM_NMI_JOINT = 4
};

/* Workspace bytes for ckm_ari / ckm_nmi. */
size_t ckm_contingency_workspace(ckm_idx n, int ra, int rb);

/* Adjusted Rand index (Hubert and Arabie 1985) of two labelings, 0-based
 * labels a < ra and b < rb. 1 when both are trivial the same way (0/0). */
double ckm_ari(const int *a, const int *b, ckm_idx n, int ra, int rb,
               void *work);

/* Normalised mutual information, normalised by the arithmetic, geometric,
 * max or min of the two entropies, or by the joint entropy. */
double ckm_nmi(const int *a, const int *b, ckm_idx n, int ra, int rb,
               int variant, void *work);

/* Silhouette widths (Euclidean), O(n^2 d) time, O(k + d) memory per thread.
 * cl: 0-based clusters < k; size: their sizes; neighbor: 0-based nearest
 * other cluster (-1 if none). work: ckm_silhouette_workspace() bytes. */
size_t ckm_silhouette_workspace(int d, int k, int nthreads);
int ckm_silhouette(const double *x, ckm_idx n, int d, const int *cl, int k,
                   const ckm_idx *size, double *width, int *neighbor,
                   int nthreads, const ckm_hooks *hooks, double *work);

/* Simplified silhouette from the centres (k x d, column-major). */
void ckm_silhouette_simplified(const double *x, ckm_idx n, int d,
                               const int *cl, const double *centers, int k,
                               double *width, int *neighbor, int nthreads);

/* ---- kmedians.c -------------------------------------------------------- */

/* Nearest centre in L1 distance (0-based, lowest index on ties) and that
 * distance, for each of n points. `work` must hold k * d doubles. */
void ckm_l1_assign(const double *x, ckm_idx n, int d, const double *centers,
                   int k, int *labels, double *dist, int nthreads, void *work);

typedef struct ckm_kmedians_info {
  int n_iter;         /* assignment passes made */
  int converged;      /* 1 when the last pass changed no label */
  ckm_idx relocated;  /* points moved into empty clusters */
} ckm_kmedians_info;

size_t ckm_kmedians_workspace(ckm_idx n, int d, int k, int nthreads);

/* k-medians: assign each point to the nearest centre in L1 distance, move
 * each centre to the coordinate-wise median of its points (the mean of the
 * two middle values for an even count, as R's median()), until no label
 * changes or max_iter passes. An empty cluster takes the point farthest
 * from its centre among clusters of two or more points (ties: lowest row).
 * centers: k x d column-major, the start in, the result out. trace: the
 * total L1 distance after each pass (max_iter values). wss: per cluster,
 * the L1 distances to the final centres. */
int ckm_kmedians(const double *x, ckm_idx n, int d, int k, double *centers,
                 int max_iter, int *labels, double *dist, double *wss,
                 ckm_idx *size, double *trace, ckm_kmedians_info *info,
                 int nthreads, const ckm_hooks *hooks, void *work);

/* ---- kmedoids.c -------------------------------------------------------- */

enum ckm_metric {
  CKM_METRIC_EUCLIDEAN = 0, /* computed from the rows of x */
  CKM_METRIC_MANHATTAN = 1, /* computed from the rows of x */
  CKM_METRIC_DIST = 2       /* read from packed, R's dist layout */
};

/* The dissimilarities of n objects: the rows of x (n x d, column-major)
 * with a metric, or packed (n (n - 1) / 2 values: for rows i < j, 0-based,
 * the value at i (2n - i - 1) / 2 + j - i - 1, as R's dist stores them). */
typedef struct ckm_dissim {
  const double *x;
  const double *packed;
  ckm_idx n;
  int d;
  int metric; /* enum ckm_metric */
} ckm_dissim;

enum ckm_kmedoids_init {
  CKM_KMEDOIDS_GIVEN = 0,    /* the medoids passed in */
  CKM_KMEDOIDS_BUILD = 1,    /* PAM's BUILD (deterministic) */
  CKM_KMEDOIDS_PLUSPLUS = 2  /* k-medoids++: D^1 sampling with the unif hook */
};

typedef struct ckm_kmedoids_info {
  int passes;     /* passes over the candidates (the last may be partial) */
  long swaps;     /* swaps made */
  int converged;  /* 1 when no swap lowers the cost */
} ckm_kmedoids_info;

size_t ckm_kmedoids_workspace(ckm_idx n, int d, int k, int nthreads);

/*
 * k-medoids by FasterPAM (Schubert and Rousseeuw 2021) from the start
 * `init` asks for (medoids: k 0-based rows, in with CKM_KMEDOIDS_GIVEN,
 * always out), until no swap of a medoid and a non-medoid lowers the cost
 * or max_passes passes over the candidates: eager swaps (FasterPAM: the
 * best swap of each candidate made at once when it lowers the cost) or,
 * with steepest, PAM's rule (each pass evaluates every candidate and makes
 * only the best swap of all, at the cost of FastPAM1: one pass is O(n^2)
 * where PAM's is O(k n^2)). labels (n): the 0-based slot
 * of each point's nearest medoid (ties: the lower slot); dist (n): that
 * distance; *cost: their sum. Never stores the n x n dissimilarities; the
 * same bits for any nthreads. CKM_ERR_DISTINCT when BUILD or k-medoids++
 * finds every row at distance 0 from a medoid (fewer distinct rows than
 * k); CKM_ERR_NONFINITE when a distance overflows; CKM_INTERRUPTED when
 * the poll hook says stop.
 */
int ckm_kmedoids(const ckm_dissim *D, int k, int init, int steepest,
                 ckm_idx *medoids, int max_passes, int *labels, double *dist, double *cost,
                 int nthreads, const ckm_hooks *hooks, void *work,
                 ckm_kmedoids_info *info);

/* ---- gap.c ------------------------------------------------------------- */

/* Bytes of workspace ckm_gap needs (kmax: the largest k; p: the columns of
 * the box): scratch for the data's fits and one more per thread. */
size_t ckm_gap_workspace(ckm_idx n, int d, int kmax, int p, const ckm_options *opt);

/*
 * The fits of the gap statistic: logw[i] = log W of x for k = ks[i] (the
 * best of n_init k-means++ starts by ckm_fit_starts with opt, seeded from
 * the unif hook), then B reference sets, each drawn uniformly over the box
 * [lo, hi] (p columns) and, when rot is not NULL, rotated back as
 * u rot' + mu (rot: d x p, column-major; mu: d values), with
 * ref[b + B i] its log W for k = ks[i] (n_init_ref starts). Each set has
 * a stream of its own (SplitMix64 from a key drawn from the unif hook, in
 * order), so the sets are fitted on up to opt->nthreads threads, each fit
 * on one, with the same result for any number. Polls and progress between
 * batches of sets, on the calling thread. At most 64 threads.
 */
int ckm_gap(const double *x, ckm_idx n, int d, const int *ks, int K, int B,
            int n_init, int n_init_ref, const double *lo, const double *hi,
            const double *rot, const double *mu, int p, const ckm_options *opt,
            const ckm_hooks *hooks, void *work, double *logw, double *ref);

/* ---- knn.c ------------------------------------------------------------- */

size_t ckm_knn_workspace(int d, int nthreads);

/* The m nearest other rows of each row of x (n x d, column-major; m < n):
 * index[i m + r] (0-based) and dist2[i m + r] its squared distance,
 * r = 0 the nearest (ties: the lower row). Exact; the same for any
 * nthreads. Polls between blocks of rows (CKM_INTERRUPTED). */
int ckm_knn(const double *x, ckm_idx n, int d, int m, int *index, double *dist2,
            int nthreads, const ckm_hooks *hooks, void *work);

/* Connected components of the graph on n vertices with the given edges
 * (0-based ends): label[i] in 0 .. count - 1, numbered in the order of
 * their lowest vertex; returns count. */
int ckm_components(ckm_idx n, const int *from, const int *to, size_t n_edges,
                   int *label);

/* ---- threads.c --------------------------------------------------------- */

/* Threads for a region doing about `work` flops, at most `nthreads`.
 * Small regions run serially: starting a team costs more than they do.
 * Always 1 in a forked child (see threads.c). */
int ckm_team(int nthreads, double work);

/* Runnable tasks of other processes right now (Linux), or -1. */
int ckm_runnable_others(void);

/* Registers the fork handler; called once when the library is loaded. */
void ckm_threads_init(void);

/* What the OpenMP runtime allows: 0/1 compiled with OpenMP, then
 * omp_get_max_threads(), omp_get_thread_limit(), omp_get_num_procs()
 * (1, 1, 1 without OpenMP), then 1 in a forked child, else 0. */
void ckm_omp_caps(int caps[5]);

#endif

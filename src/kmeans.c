/*
 * kmeans.c: the fit's driver: assignment passes (Lloyd's in assign.c, the
 * bound-based ones in bounds.c), the centre update (update.c), the trace,
 * the stopping rules, and the total sum of squares.
 *
 * Determinism. Every floating-point sum has an order fixed by the global
 * row index, never by the thread count or by how rows are split over
 * processes: distances are per point; the inertia of a pass is summed per
 * fixed tile of CKM_TILE points, and centre sums per fixed block of rows,
 * in index order, and those partial sums are added exactly (rsum.h) and
 * rounded once. So 1 and 2 threads, or 1 and 4 processes, give
 * bit-identical results; and when X fits in one block the centres are
 * bit-identical to those of stats::kmeans(algorithm = "Lloyd"), which sums
 * the points of a cluster in index order.
 */
#include <math.h>
#include <string.h>

#include "ckm.h"
#include "ckm_omp.h"
#include "internal.h"
#include "kernels.h"

/* Exact squared distance of every point to its centre in `cen` (column-
 * major), into s->dist, and the inertia summed tile by tile as a Lloyd
 * pass sums it. */
static double exact_dist_all(ckm_state *s, const double *cen)
{
  const ckm_idx n = s->n, ntiles = ckm_ntiles(n);
  const int d = s->d, k = s->k;
  const int nt = ckm_team(s->nthreads, 3.0 * (double) n * d);
  CKM_PARALLEL(nt, parallel for num_threads(nt) schedule(dynamic, ckm_chunk(ntiles, nt)),
  for (ckm_idx t = 0; t < ntiles; t++) {
    ckm_idx i0 = t * CKM_TILE;
    int len = (int) (n - i0 < CKM_TILE ? n - i0 : CKM_TILE);
    double *dist = s->dist + i0;
    const int *lab = s->labels + i0;
    for (int q = 0; q < len; q++)
      dist[q] = 0.0;
    for (int c = 0; c < d; c++) {
      const double *xc = s->x + (size_t) c * (size_t) n + (size_t) i0;
      const double *cc = cen + (size_t) k * c;
      for (int q = 0; q < len; q++) {
        double df = xc[q] - cc[lab[q]];
        dist[q] += df * df;
      }
    }
    double sum = 0.0;
    if (s->w) {
      const double *w = s->w + i0;
      for (int q = 0; q < len; q++)
        sum += w[q] * dist[q];
    } else {
      for (int q = 0; q < len; q++)
        sum += dist[q];
    }
    s->tile_sums[t] = sum;
  });
  (void) nt;
  return ckm_tile_total(s->comm, s->tile_sums, ntiles, &s->status);
}

/* The weighted inertia of the last assignment, sum_i w_i dist_i, summed
 * tile by tile from the exact distances in s->dist (which a full pass has
 * just written). */
static double weighted_inertia(ckm_state *s)
{
  const ckm_idx n = s->n, ntiles = ckm_ntiles(n);
  for (ckm_idx t = 0; t < ntiles; t++) {
    const ckm_idx i0 = t * CKM_TILE, i1 = i0 + CKM_TILE < n ? i0 + CKM_TILE : n;
    double ts = 0.0;
    for (ckm_idx i = i0; i < i1; i++)
      ts += s->w[i] * s->dist[i];
    s->tile_sums[t] = ts;
  }
  return ckm_tile_total(s->comm, s->tile_sums, ntiles, &s->status);
}

/* New centres = means of the clusters, relocating empty clusters first.
 * Returns the number of relocations. The bound-based algorithms do not keep
 * every point's distance up to date; `refresh` makes them exact (against
 * the centres of the last assignment, s->old) before a relocation, so the
 * same points move as in Lloyd's algorithm. */
static ckm_idx update_centres(ckm_state *s, int refresh)
{
  if (ckm_cluster_sums(s))
    return 0;
  ckm_idx moved = 0;
  for (int j = 0; j < s->k; j++) {
    if (s->counts[j] == 0) {
      if (refresh)
        exact_dist_all(s, s->old);
      moved = ckm_relocate(s);
      /* sum again from the new labels, so each mean is still a sum over
       * its members in the fixed order */
      if (!s->status)
        ckm_cluster_sums(s);
      break;
    }
  }
  ckm_divide(s);
  return moved;
}

/* The inertia of the last assignment (labels against the old centres),
 * from the cluster means just computed: the total sum of squares less the
 * between-cluster part, plus what the old centres add:
 *   sum_j [ W_j + n_j ||m_j - c_j||^2 ],  sum_j W_j = T - sum_j n_j ||m_j - mu||^2.
 * The bound-based algorithms use it for the trace, so they need not touch
 * every point each pass; it equals Lloyd's trace up to rounding. With
 * weights, n_j is the cluster's total weight and T, mu are weighted. */
static double inertia_from_means(const ckm_state *s, double totss,
                                 const double *mu)
{
  const int k = s->k, d = s->d;
  double between = 0.0, extra = 0.0;
  for (int j = 0; j < k; j++) {
    double b = 0.0, e = 0.0;
    for (int c = 0; c < d; c++) {
      double m = s->centers[j + (size_t) k * c];
      double db = m - mu[c], de = m - s->old[j + (size_t) k * c];
      b += db * db;
      e += de * de;
    }
    const double nj = s->w ? s->wsum[j] : (double) s->counts[j];
    between += nj * b;
    extra += nj * e;
  }
  double w = totss - between;
  return (w > 0.0 ? w : 0.0) + extra;
}

/* ---- the algorithms' steps ------------------------------------------------ */

/* What distinguishes the algorithms: the first assignment pass, the later
 * ones, and what follows a centre update. Lloyd's passes compute every
 * distance (`exact`), so they give the inertia; the bound-based ones skip
 * distances and get the trace from the means (inertia_from_means). Every
 * algorithm makes Lloyd's assignments, so the driver may switch to Lloyd's
 * steps at any iteration. */
typedef struct ckm_steps {
  int exact;
  ckm_idx (*first)(ckm_state *s, double *inertia);
  ckm_idx (*pass)(ckm_state *s, double *inertia);
  void (*after_update)(ckm_state *s, ckm_idx moved);
} ckm_steps;

static ckm_idx lloyd_pass(ckm_state *s, double *inertia)
{
  ckm_transpose_centres(s->centers, s->k, s->d, s->ct);
  return ckm_assign_pass(s, NULL, inertia);
}

static ckm_idx hamerly_first(ckm_state *s, double *inertia)
{
  return ckm_bounds_first(s, CKM_HAMERLY, inertia);
}

static ckm_idx hamerly_pass(ckm_state *s, double *inertia)
{
  (void) inertia;
  return ckm_bounds_pass(s, CKM_HAMERLY);
}

static void hamerly_after(ckm_state *s, ckm_idx moved)
{
  ckm_bounds_after_update(s, CKM_HAMERLY, moved);
}

static ckm_idx yinyang_first(ckm_state *s, double *inertia)
{
  return ckm_bounds_first(s, CKM_YINYANG, inertia);
}

static ckm_idx yinyang_pass(ckm_state *s, double *inertia)
{
  (void) inertia;
  return ckm_bounds_pass(s, CKM_YINYANG);
}

static void yinyang_after(ckm_state *s, ckm_idx moved)
{
  ckm_bounds_after_update(s, CKM_YINYANG, moved);
}

static const ckm_steps steps_of[3] = {
  {1, lloyd_pass, lloyd_pass, NULL},            /* CKM_LLOYD */
  {0, hamerly_first, hamerly_pass, hamerly_after}, /* CKM_HAMERLY */
  {0, yinyang_first, yinyang_pass, yinyang_after}  /* CKM_YINYANG */
};

/* ---- the fit ------------------------------------------------------------ */

size_t ckm_fit_workspace(ckm_idx n, int d, int k, const ckm_options *opt)
{
  size_t kd = (size_t) k * (size_t) d;
  int nt = opt->nthreads < 1 ? 1 : opt->nthreads;
  size_t bytes = carved(sizeof(double) * kd) * 2 +     /* ct, old */
                 carved(sizeof(double) * (size_t) n) +  /* dist */
                 carved(sizeof(double) * (size_t) ckm_ntiles(n)) +
                 carved(sizeof(double) * (size_t) k) +  /* heap keys */
                 carved(sizeof(ckm_idx) * (size_t) k) + /* heap rows */
                 carved(sizeof(double) * (size_t) d) +  /* column means */
                 carved(sizeof(double) * (size_t) k) +  /* cluster weights */
                 carved(sizeof(ckm_fast)) +
                 carved(ckm_totss_workspace(d)) +
                 ckm_update_workspace(n, d, k, nt,
                                      opt->comm ? opt->comm->size : 1);
  if (ckm_use_fast(opt->kernel, k, d))
    bytes += carved(sizeof(double) * ckm_fast_shared_doubles(d, k)) +
             carved(sizeof(double) * ckm_fast_thread_doubles(d) * (size_t) nt);
  bytes += ckm_bounds_workspace(n, d, k, opt->algorithm, nt);
  if (opt->hartigan)
    bytes += carved(sizeof(ckm_hartigan)) +
             ckm_hartigan_workspace(n, d, k, opt->comm ? opt->comm->size : 1);
  return bytes;
}

/* After iteration `it`: its inertia into the trace, the iteration hook
 * (nonzero: stop), the snapshot of the state. */
static int report_iteration(const ckm_state *s, const ckm_hooks *hooks,
                            double *trace, int it, double inertia,
                            ckm_idx changed, ckm_idx relocated, int converged)
{
  if (trace)
    trace[it - 1] = inertia;
  if (hooks && hooks->iteration &&
      hooks->iteration(hooks->ctx, it, inertia, changed))
    return 1;
  if (hooks && hooks->snapshot)
    hooks->snapshot(hooks->ctx, it, s->labels, s->centers, relocated, converged);
  return 0;
}

/* Centres of the rows of ct (k rows of d) into column-major out. */
static void untranspose(const double *ct, int k, int d, double *out)
{
  for (int j = 0; j < k; j++)
    for (int c = 0; c < d; c++)
      out[j + (size_t) k * c] = ct[(size_t) j * d + c];
}

/* The exact means of the partition in s->labels (s->centers, their rows
 * in s->ct) after sweeps that moved the centres by each transfer; the
 * clusters whose centre changed are marked for the bounds (hartigan.c).
 * Returns a status. */
static int hartigan_means(ckm_state *s, ckm_hartigan *h)
{
  const int k = s->k, d = s->d;
  const size_t kd = (size_t) k * (size_t) d;
  untranspose(s->ct, k, d, s->old);
  if (ckm_cluster_sums(s))
    return s->status;
  ckm_divide(s);
  for (size_t q = 0; q < kd; q++)
    if (!isfinite(s->centers[q]))
      return CKM_ERR_NONFINITE;
  ckm_hartigan_resync(h, s, s->old);
  ckm_transpose_centres(s->centers, k, d, s->ct);
  return CKM_OK;
}

/* Hartigan's refinement of the partition in s->labels (hartigan.c): the
 * exact means, then sweeps of transfers (each moving the two centres it
 * changes) until a sweep moves no point; then the exact means again, and
 * sweeps until one that starts from the exact means moves none, or the
 * iterations reach max_iter. The trace is the inertia at the start less
 * the fall of each transfer. */
static int refine_hartigan(ckm_state *s, ckm_hartigan *h,
                           const ckm_options *opt, const ckm_hooks *hooks,
                           double *trace, ckm_info *info, double totss)
{
  const int k = s->k, d = s->d;
  const size_t kd = (size_t) k * (size_t) d;
  if (ckm_cluster_sums(s))
    return s->status;
  for (int j = 0; j < k; j++)
    if (s->counts[j] == 0)
      return CKM_OK; /* not a partition into k clusters: left as it is */
  ckm_divide(s);
  ckm_hartigan_reset(h, s);
  ckm_transpose_centres(s->centers, k, d, s->ct);
  memcpy(s->old, s->centers, sizeof(double) * kd);
  double inertia = inertia_from_means(s, totss, s->colmean);
  int exact = 1; /* s->ct holds the exact means of the partition */
  info->converged = 0;
  while (info->n_iter < opt->max_iter) {
    ckm_idx moved = ckm_hartigan_sweep(h, s);
    if (s->stopped)
      return CKM_INTERRUPTED;
    if (s->status)
      return s->status;
    if (moved == 0) {
      if (exact) {
        info->converged = 1;
        return CKM_OK;
      }
      const int st = hartigan_means(s, h);
      if (st)
        return st;
      exact = 1;
      continue;
    }
    exact = 0;
    info->passes++;
    info->transfers += moved;
    const int it = ++info->n_iter;
    inertia -= h->gain;
    if (hooks && hooks->snapshot) {
      /* the state ckm_fit() returns with max_iter = it: the exact means */
      if (ckm_cluster_sums(s))
        return s->status;
      ckm_divide(s);
    }
    if (report_iteration(s, hooks, trace, it, inertia > 0.0 ? inertia : 0.0,
                         moved, info->relocated, 0))
      return CKM_INTERRUPTED;
  }
  /* sweeps still moved points at max_iter: the means of the partition */
  return exact ? CKM_OK : hartigan_means(s, h);
}

/* Within-cluster sums of squares of the final partition, each summed over
 * its points in index order. s->dist receives the per-point distances. */
static void final_wss(ckm_state *s, const double *centers, double *wss)
{
  exact_dist_all(s, centers);
  ckm_cluster_wss(s, wss);
}

/* Cluster sizes over all processes, into counts (k). */
static void global_sizes(ckm_state *s, ckm_idx *counts)
{
  double *c = s->upack; /* has room for k */
  for (int j = 0; j < s->k; j++)
    c[j] = 0.0;
  for (ckm_idx i = 0; i < s->n; i++)
    c[s->labels[i]] += 1.0;
  int st = ckm_allreduce(s->comm, c, (size_t) s->k, CKM_OP_SUM);
  if (st)
    s->status = st;
  for (int j = 0; j < s->k; j++)
    counts[j] = (ckm_idx) c[j];
}

/* Does some cluster have no point (over all processes)? counts: k. */
static int any_empty(ckm_state *s, ckm_idx *counts)
{
  global_sizes(s, counts);
  for (int j = 0; j < s->k; j++)
    if (counts[j] == 0)
      return 1;
  return 0;
}

int ckm_fit_run(const double *x, ckm_idx n, int d, int k, double *centers,
                int *labels, double *wss, ckm_idx *size, double *trace,
                const ckm_options *opt, const ckm_hooks *hooks, void *work,
                ckm_info *info)
{
  const size_t kd = (size_t) k * (size_t) d;
  int alg = opt->algorithm;
  carver cv = {(char *) work};
  ckm_state st = {0};
  ckm_state *s = &st;
  s->x = x;
  s->n = n;
  s->d = d;
  s->k = k;
  s->nthreads = opt->nthreads < 1 ? 1 : opt->nthreads;
  s->centers = centers;
  s->labels = labels;
  s->counts = size;
  s->ct = carve(&cv, sizeof(double) * kd);
  s->old = carve(&cv, sizeof(double) * kd);
  s->dist = carve(&cv, sizeof(double) * (size_t) n);
  s->tile_sums = carve(&cv, sizeof(double) * (size_t) ckm_ntiles(n));
  s->hd = carve(&cv, sizeof(double) * (size_t) k);
  s->hi = carve(&cv, sizeof(ckm_idx) * (size_t) k);
  s->colmean = carve(&cv, sizeof(double) * (size_t) d);
  s->wsum = carve(&cv, sizeof(double) * (size_t) k);
  s->w = opt->weights;
  s->hooks = hooks;
  s->comm = opt->comm && opt->comm->size > 1 ? opt->comm : NULL;
  double *colmean_work = carve(&cv, ckm_totss_workspace(d));
  ckm_update_carve(s, &cv, 1);
  ckm_fast *fast = carve(&cv, sizeof(ckm_fast));
  if (ckm_use_fast(opt->kernel, k, d)) {
    double *shared = carve(&cv, sizeof(double) * ckm_fast_shared_doubles(d, k));
    double *scratch = carve(&cv, sizeof(double) * ckm_fast_thread_doubles(d) *
                                     (size_t) s->nthreads);
    ckm_fast_prepare(fast, x, n, d, opt->kernel, shared, scratch);
    s->fast = fast;
    s->fast_full = ckm_fast_full(opt->kernel, k, d);
  }
  s->wide = ckm_plain_wide(opt->kernel);
  ckm_bounds_carve(s, &cv, alg);
  ckm_hartigan *hart = NULL;
  if (opt->hartigan) {
    hart = carve(&cv, sizeof(ckm_hartigan));
    ckm_hartigan_carve(hart, &cv, n, d, k, s->comm ? s->comm->size : 1);
  }

  info->n_iter = 0;
  info->converged = 0;
  info->relocated = 0;
  info->passes = 0;
  info->transfers = 0;
  for (ckm_idx i = 0; i < n; i++)
    labels[i] = -1;
  ckm_transpose_centres(centers, k, d, s->ct);

  /* for the trace of the bound-based algorithms: given once per X, or
   * computed here */
  double totss = 0.0;
  if (alg != CKM_LLOYD || hart) {
    if (opt->colmean) {
      totss = opt->totss;
      memcpy(s->colmean, opt->colmean, sizeof(double) * (size_t) d);
    } else {
      totss = ckm_totss(x, n, d, s->w, s->nthreads, s->comm, s->colmean,
                        NULL, colmean_work);
    }
  }

  const ckm_steps *step = &steps_of[alg];
  for (int it = 1; it <= opt->max_iter; it++) {
    double inertia = NAN;
    ckm_idx changed = it == 1 ? step->first(s, &inertia) : step->pass(s, &inertia);
    if (s->stopped)
      return CKM_INTERRUPTED;
    changed = ckm_count_total(s->comm, changed, &s->status);
    if (s->w && (step->exact || it == 1))
      inertia = weighted_inertia(s);
    if (s->status)
      return s->status;
    if (it == 1 && !isfinite(inertia))
      return CKM_ERR_NONFINITE;
    info->n_iter = it;

    ckm_idx moved = 0;
    if (changed > 0) {
      memcpy(s->old, centers, sizeof(double) * kd);
      moved = update_centres(s, !step->exact);
      if (s->status)
        return s->status;
      info->relocated += moved;
      /* means of finite values are finite, unless a sum overflowed
       * (values near DBL_MAX): stop rather than go on with Inf/NaN */
      for (size_t q = 0; q < kd; q++)
        if (!isfinite(centers[q]))
          return CKM_ERR_NONFINITE;
      if (!step->exact && it > 1)
        inertia = moved > 0 ? exact_dist_all(s, s->old)
                            : inertia_from_means(s, totss, s->colmean);
    } else if (!step->exact && it > 1) {
      inertia = exact_dist_all(s, centers);
    }
    if (report_iteration(s, hooks, trace, it, inertia, changed, info->relocated,
                         changed == 0))
      return CKM_INTERRUPTED;
    if (changed == 0) {
      info->converged = 1;
      break;
    }
    /* Hartigan's sweeps start from the first assignment's means, as
     * Hartigan and Wong's algorithm does: refining the fixed point Lloyd's
     * passes would reach instead ends in worse minima more often (one in
     * eight starts on real data sets, up to 1.8 times the inertia of
     * stats::kmeans from the same start; bench/small.R) */
    if (hart && opt->hartigan == CKM_HARTIGAN_FIRST)
      break;
    if (step->after_update)
      step->after_update(s, moved);

    if (opt->tol > 0 && moved == 0) {
      double shift = 0.0;
      for (size_t q = 0; q < kd; q++) {
        double df = centers[q] - s->old[q];
        shift += df * df;
      }
      if (shift <= opt->tol) {
        /* Converged on the shift. One more assignment, as scikit-learn
         * does, so that every label is the nearest of the returned
         * centres (predict() on the data gives the labels back); the
         * centres stay, within the tolerance of the means. */
        ckm_transpose_centres(centers, k, d, s->ct);
        ckm_idx moved_last = ckm_assign_pass(s, NULL, &inertia);
        if (s->stopped)
          return CKM_INTERRUPTED;
        moved_last = ckm_count_total(s->comm, moved_last, &s->status);
        if (s->w)
          inertia = weighted_inertia(s);
        if (s->status)
          return s->status;
        if (!any_empty(s, size)) {
          info->converged = 1;
          break;
        }
        /* That assignment left a cluster empty: the centres are not a
         * k-means answer after all. Count the pass as the next iteration,
         * relocate and update as any iteration does, and go on with plain
         * Lloyd passes (the bounds are stale after a full pass; every
         * algorithm makes Lloyd's moves, so the path is the same). */
        if (it == opt->max_iter)
          break;
        it++;
        info->n_iter = it;
        if (trace)
          trace[it - 1] = inertia;
        if (hooks && hooks->iteration &&
            hooks->iteration(hooks->ctx, it, inertia, moved_last))
          return CKM_INTERRUPTED;
        memcpy(s->old, centers, sizeof(double) * kd);
        info->relocated += update_centres(s, 0);
        if (s->status)
          return s->status;
        for (size_t q = 0; q < kd; q++)
          if (!isfinite(centers[q]))
            return CKM_ERR_NONFINITE;
        step = &steps_of[CKM_LLOYD];
      }
    }
  }

  if (hart && k > 1) {
    /* The sweeps are sequential and the passes between them (sums, O(n d))
     * short: on more threads the others would only spin-wait through
     * each sweep, burning a core for nothing. One thread, same bits. */
    const int nt = s->nthreads;
    s->nthreads = 1;
    int st = refine_hartigan(s, hart, opt, hooks, trace, info, totss);
    s->nthreads = nt;
    if (st)
      return st;
  }
  final_wss(s, centers, wss);
  global_sizes(s, size);
  return s->status;
}

size_t ckm_wss_workspace(ckm_idx n, int d, int k)
{
  return carved(sizeof(double) * (size_t) n) +
         carved(sizeof(double) * (size_t) ckm_ntiles(n)) +
         ckm_update_workspace(0, d, k, 1, 1);
}

void ckm_wss(const double *x, ckm_idx n, int d, int k, const int *labels,
             const double *centers, const double *weights, int nthreads,
             void *work, double *wss)
{
  carver cv = {(char *) work};
  ckm_state st = {0};
  st.x = x;
  st.n = n;
  st.d = d;
  st.k = k;
  st.nthreads = nthreads < 1 ? 1 : nthreads;
  st.labels = (int *) labels;
  st.w = weights;
  st.dist = carve(&cv, sizeof(double) * (size_t) n);
  st.tile_sums = carve(&cv, sizeof(double) * (size_t) ckm_ntiles(n));
  ckm_update_carve(&st, &cv, 0);
  exact_dist_all(&st, centers);
  ckm_cluster_wss(&st, wss);
}

void ckm_wss_of_dist(ckm_idx n, int k, const int *labels, const double *dist,
                     const double *weights, void *work, double *wss)
{
  carver cv = {(char *) work};
  ckm_state st = {0};
  st.n = n;
  st.d = 1;
  st.k = k;
  st.nthreads = 1;
  st.labels = (int *) labels;
  st.w = weights;
  st.dist = (double *) dist;
  ckm_update_carve(&st, &cv, 0);
  ckm_cluster_wss(&st, wss);
}

/* ---- input scan -------------------------------------------------------- */

ckm_idx ckm_first_nonfinite(const double *x, size_t len)
{
  for (size_t i = 0; i < len; i++)
    if (!isfinite(x[i]))
      return (ckm_idx) i;
  return -1;
}

int ckm_rows_repeat(const double *x, ckm_idx n, int d)
{
  for (ckm_idx i = 1; i < n; i++)
    for (ckm_idx j = 0; j < i; j++) {
      int c = 0;
      while (c < d && x[i + (size_t) c * (size_t) n] == x[j + (size_t) c * (size_t) n])
        c++;
      if (c == d)
        return 1;
    }
  return 0;
}

void ckm_col_ranges(const double *x, ckm_idx n, int d, double *lo, double *hi)
{
  for (int c = 0; c < d; c++) {
    const double *xc = x + (size_t) c * (size_t) n;
    double a = xc[0], b = xc[0];
    for (ckm_idx i = 1; i < n; i++) {
      a = xc[i] < a ? xc[i] : a;
      b = xc[i] > b ? xc[i] : b;
    }
    lo[c] = a;
    hi[c] = b;
  }
}

void ckm_affine(const double *x, ckm_idx n, int d, const double *shift,
                int e, double *out)
{
  for (int c = 0; c < d; c++) {
    const double *xc = x + (size_t) c * (size_t) n;
    double *oc = out + (size_t) c * (size_t) n;
    const double m = shift ? shift[c] : 0.0;
    for (ckm_idx i = 0; i < n; i++)
      oc[i] = ldexp(xc[i] - m, -e);
  }
}

/* ---- total sum of squares ---------------------------------------------- */

size_t ckm_totss_workspace(int d)
{
  return sizeof(ckm_rsum) * ((size_t) d + 1) +
         sizeof(double) * CKM_RSUM_K * ((size_t) d + 1) + 64;
}

/* Per tile and column, in index order: sum of (w_i) x_i, or of
 * (w_i) (x_i - m_c)^2 when m is set; each added into acc[c]. Tiles are
 * global (every process starts at a tile boundary). */
static void column_tile_sums(const double *x, ckm_idx n, int d,
                             const double *w, const double *m, ckm_rsum *acc,
                             int nthreads)
{
  const int nt = ckm_team(nthreads < d ? nthreads : d, 3.0 * (double) n * d);
  (void) nt;
  CKM_PARALLEL(nt, parallel for num_threads(nt) schedule(dynamic, 1),
  for (int c = 0; c < d; c++) {
    const double *xc = x + (size_t) c * (size_t) n;
    for (ckm_idx i0 = 0; i0 < n; i0 += CKM_TILE) {
      const ckm_idx i1 = i0 + CKM_TILE < n ? i0 + CKM_TILE : n;
      double s = 0.0;
      if (m) {
        const double mc = m[c];
        if (w) {
          for (ckm_idx i = i0; i < i1; i++) {
            double df = xc[i] - mc;
            s += w[i] * (df * df);
          }
        } else {
          for (ckm_idx i = i0; i < i1; i++) {
            double df = xc[i] - mc;
            s += df * df;
          }
        }
      } else if (w) {
        for (ckm_idx i = i0; i < i1; i++)
          s += w[i] * xc[i];
      } else {
        for (ckm_idx i = i0; i < i1; i++)
          s += xc[i];
      }
      ckm_rsum_add(acc + c, s);
    }
  });
}

double ckm_totss(const double *x, ckm_idx n, int d, const double *w,
                 int nthreads, const ckm_comm *comm, double *mean,
                 double *wtotal, void *work)
{
  char *p = (char *) work;
  ckm_rsum *acc = (ckm_rsum *) p;
  double *pack = (double *) (p + sizeof(ckm_rsum) * ((size_t) d + 1));
  const ckm_idx N = comm && comm->size > 1 ? comm->n_global : n;

  /* total weight, then the column means */
  for (int c = 0; c <= d; c++)
    ckm_rsum_zero(acc + c);
  if (w)
    for (ckm_idx i0 = 0; i0 < n; i0 += CKM_TILE) {
      const ckm_idx i1 = i0 + CKM_TILE < n ? i0 + CKM_TILE : n;
      double s = 0.0;
      for (ckm_idx i = i0; i < i1; i++)
        s += w[i];
      ckm_rsum_add(acc + d, s);
    }
  column_tile_sums(x, n, d, w, NULL, acc, nthreads);
  if (ckm_rsum_allreduce(comm, acc, (size_t) d + 1, pack))
    return NAN;
  const double wt = w ? ckm_rsum_value(acc + d) : (double) N;
  double *m = pack; /* d values; pack is free again */
  for (int c = 0; c < d; c++)
    m[c] = ckm_rsum_value(acc + c) / wt;
  if (mean)
    memcpy(mean, m, sizeof(double) * (size_t) d);
  if (wtotal)
    *wtotal = wt;

  /* the sums of squares about them, per column, added in column order */
  double *mcopy = pack + d; /* pack holds K (d + 1) >= 2 d doubles */
  memcpy(mcopy, m, sizeof(double) * (size_t) d);
  for (int c = 0; c < d; c++)
    ckm_rsum_zero(acc + c);
  column_tile_sums(x, n, d, w, mcopy, acc, nthreads);
  if (ckm_rsum_allreduce(comm, acc, (size_t) d, pack))
    return NAN;
  double total = 0.0;
  for (int c = 0; c < d; c++)
    total += ckm_rsum_value(acc + c);
  return total;
}

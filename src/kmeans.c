/*
 * kmeans.c: the fit's driver: the assignment passes of one algorithm's
 * step record (Lloyd's in assign.c, Hamerly's in hamerly.c, Yinyang's in
 * yinyang.c), the centre update (update.c), the trace, the stopping rules,
 * Hartigan's refinement (hartigan.c) and the within sums of squares.
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
 * same points move as in Lloyd's algorithm, and *before gets the inertia
 * of that assignment (Lloyd's pass gives its own: the trace is the same). */
static ckm_idx update_centres(ckm_state *s, int refresh, double *before)
{
  if (ckm_cluster_sums(s))
    return 0;
  ckm_idx moved = 0;
  for (int j = 0; j < s->k; j++) {
    if (s->counts[j] == 0) {
      if (refresh)
        *before = exact_dist_all(s, s->old);
      moved = ckm_update_relocate(s);
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

/* The algorithms of the passes, by their code (enum ckm_algorithm). */
static const ckm_algo *const algos[] = {
  &ckm_lloyd_algo,   /* CKM_LLOYD */
  &ckm_hamerly_algo, /* CKM_HAMERLY */
  &ckm_yinyang_algo  /* CKM_YINYANG */
};

/* ---- the fit ------------------------------------------------------------ */

/* Does the fit start with Hartigan and Wong's algorithm? (one process, no
 * weights: the published algorithm has neither) */
static int hartigan_wong(const ckm_options *opt)
{
  return (opt->hartigan == CKM_HARTIGAN_WONG ||
          opt->hartigan == CKM_HARTIGAN_WONG_SWEEP) &&
         !opt->weights && !(opt->comm && opt->comm->size > 1);
}

size_t ckm_fit_workspace(ckm_idx n, int d, int k, const ckm_options *opt)
{
  size_t kd = (size_t) k * (size_t) d;
  int nt = opt->nthreads < 1 ? 1 : opt->nthreads;
  size_t bytes = carved(sizeof(double) * kd) * 2 +     /* ct, old */
                 carved(sizeof(double) * (size_t) n) +  /* dist */
                 carved(sizeof(double) * (size_t) ckm_ntiles(n)) +
                 carved(sizeof(double) * (size_t) d) +  /* column means */
                 carved(sizeof(double) * (size_t) k) +  /* cluster weights */
                 carved(sizeof(ckm_fast)) +
                 carved(ckm_totss_workspace(d)) +
                 ckm_update_workspace(n, d, k, nt,
                                      opt->comm ? opt->comm->size : 1);
  if (ckm_use_fast(opt->kernel, k, d))
    bytes += carved(sizeof(double) * ckm_fast_shared_doubles(d, k)) +
             carved(sizeof(double) * ckm_fast_thread_doubles(d) * (size_t) nt);
  if (algos[opt->algorithm]->workspace)
    bytes += algos[opt->algorithm]->workspace(n, d, k, nt);
  if (opt->hartigan)
    bytes += carved(sizeof(ckm_hartigan)) +
             ckm_hartigan_workspace(n, d, k, opt->comm ? opt->comm->size : 1);
  if (hartigan_wong(opt))
    bytes += ckm_hartigan_wong_workspace(n, k, opt->max_iter);
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
  ckm_transpose_centres(s->centers, k, d, s->ct);
  info->converged = 0;
  if (!s->comm && !ckm_hartigan_any_move(h, s)) {
    /* no transfer lowers the inertia of these means: done */
    info->converged = 1;
    return CKM_OK;
  }
  if (ckm_hartigan_reset(h, s))
    return CKM_INTERRUPTED;
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

/* Does some cluster have no point (over all processes)? counts: k. */
static int any_empty(ckm_state *s, ckm_idx *counts)
{
  ckm_global_sizes(s, counts);
  for (int j = 0; j < s->k; j++)
    if (counts[j] == 0)
      return 1;
  return 0;
}

/* The state of a fit carved out of its workspace (sized by
 * ckm_fit_workspace()): the driver's arrays, the centre update's, the
 * blocked kernel's, the algorithm's private state and Hartigan's. */
static ckm_hartigan *fit_state(ckm_state *s, const double *x, ckm_idx n, int d,
                               int k, double *centers, int *labels,
                               ckm_idx *size, const ckm_options *opt,
                               const ckm_hooks *hooks, void *work,
                               double **colmean_work)
{
  const size_t kd = (size_t) k * (size_t) d;
  carver cv = {(char *) work};
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
  s->colmean = carve(&cv, sizeof(double) * (size_t) d);
  s->wsum = carve(&cv, sizeof(double) * (size_t) k);
  s->w = opt->weights;
  s->hooks = hooks;
  s->comm = opt->comm && opt->comm->size > 1 ? opt->comm : NULL;
  *colmean_work = carve(&cv, ckm_totss_workspace(d));
  ckm_update_carve(s, &cv, 1, s->nthreads);
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
  if (algos[opt->algorithm]->carve)
    algos[opt->algorithm]->carve(s, &cv);
  ckm_hartigan *hart = NULL;
  if (opt->hartigan) {
    hart = carve(&cv, sizeof(ckm_hartigan));
    ckm_hartigan_carve(hart, &cv, n, d, k, s->comm ? s->comm->size : 1);
  }
  s->hw_work = hartigan_wong(opt)
                  ? carve(&cv, ckm_hartigan_wong_workspace(n, k, opt->max_iter))
                  : NULL;
  return hart;
}

/* Has the centres' squared move in the last update fallen to the
 * tolerance? */
static int shift_converged(const ckm_state *s, double tol)
{
  const size_t kd = (size_t) s->k * (size_t) s->d;
  double shift = 0.0;
  for (size_t q = 0; q < kd; q++) {
    double df = s->centers[q] - s->old[q];
    shift += df * df;
  }
  return shift <= tol;
}

int ckm_fit_run(const double *x, ckm_idx n, int d, int k, double *centers,
                int *labels, double *wss, ckm_idx *size, double *trace,
                const ckm_options *opt, const ckm_hooks *hooks, void *work,
                ckm_info *info)
{
  const size_t kd = (size_t) k * (size_t) d;
  ckm_state st = {0};
  ckm_state *s = &st;
  double *colmean_work;
  ckm_hartigan *hart = fit_state(s, x, n, d, k, centers, labels, size, opt,
                                 hooks, work, &colmean_work);
  const ckm_algo *step = algos[opt->algorithm];

  memset(info, 0, sizeof *info);
  for (ckm_idx i = 0; i < n; i++)
    labels[i] = -1;
  ckm_transpose_centres(centers, k, d, s->ct);

  /* for the trace of the bound-based algorithms: given once per X, or
   * computed here */
  double totss = 0.0;
  if (!step->exact || hart) {
    if (opt->colmean) {
      totss = opt->totss;
      memcpy(s->colmean, opt->colmean, sizeof(double) * (size_t) d);
    } else {
      totss = ckm_totss(x, n, d, s->w, s->nthreads, s->comm, s->colmean,
                        NULL, colmean_work);
    }
  }

  /* Hartigan and Wong's algorithm in place of the passes, where it runs
   * (it needs 2 <= k < n and a first assignment that leaves no cluster
   * empty; else Hartigan's sweeps from the first pass instead) */
  int hmode = opt->hartigan, passes = 1;
  if (!s->hw_work && (hmode == CKM_HARTIGAN_WONG || hmode == CKM_HARTIGAN_WONG_SWEEP))
    hmode = CKM_HARTIGAN_FIRST; /* weights, or over processes */
  if (s->hw_work) {
    memcpy(s->old, centers, sizeof(double) * kd);
    int hw_iter = 0;
    double *hw_trace = NULL;
    const int hs = ckm_hartigan_wong(x, n, d, k, centers, labels, opt->max_iter,
                                     hooks, s->hw_work, &hw_iter, &hw_trace);
    if (hs == CKM_INTERRUPTED)
      return CKM_INTERRUPTED;
    if (hs == CKM_HW_NOT_RUN || hs == CKM_HW_EMPTY) {
      memcpy(centers, s->old, sizeof(double) * kd);
      for (ckm_idx i = 0; i < n; i++)
        labels[i] = -1;
      hmode = CKM_HARTIGAN_FIRST;
    } else {
      /* its partition, and the exact means of it (stats::kmeans' bits) */
      passes = 0;
      info->n_iter = hw_iter;
      info->converged = hs == CKM_OK;
      info->qtran_limit = hs == CKM_HW_MAX_QTRAN;
      if (ckm_cluster_sums(s))
        return s->status;
      ckm_divide(s);
      for (int it = 1; it <= hw_iter; it++)
        if (report_iteration(s, hooks, trace, it, hw_trace[it - 1], 0, 0,
                             it == hw_iter && info->converged))
          return CKM_INTERRUPTED;
    }
  }

  /* final: the centres converged on the shift (tol > 0), and this pass is
   * one more assignment, as scikit-learn makes, so that every label is the
   * nearest of the returned centres (predict() on the data gives the
   * labels back); the centres stay, within the tolerance of the means. It
   * is an iteration only if it leaves a cluster empty (then the centres
   * are not a k-means answer after all: relocate and go on). */
  int final = 0;
  /* s->dist holds every point's exact distance to its centre (the last
   * pass of a bound algorithm computes them): final_wss() need not again */
  int dist_fresh = 0;
  for (int it = 1; passes && (it <= opt->max_iter || final); it++) {
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
    if (final) {
      if (!any_empty(s, size)) {
        info->converged = 1;
        break;
      }
      if (it > opt->max_iter)
        break;
      final = 0;
    }
    info->n_iter = it;

    ckm_idx moved = 0;
    if (changed > 0) {
      memcpy(s->old, centers, sizeof(double) * kd);
      double before = NAN;
      moved = update_centres(s, !step->exact, &before);
      if (s->status)
        return s->status;
      info->relocated += moved;
      /* means of finite values are finite, unless a sum overflowed
       * (values near DBL_MAX): stop rather than go on with Inf/NaN */
      for (size_t q = 0; q < kd; q++)
        if (!isfinite(centers[q]))
          return CKM_ERR_NONFINITE;
      if (!step->exact && it > 1)
        inertia = moved > 0 ? before : inertia_from_means(s, totss, s->colmean);
    } else if (!step->exact && it > 1) {
      inertia = exact_dist_all(s, centers);
      dist_fresh = 1;
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
    if (hart && hmode == CKM_HARTIGAN_FIRST && k > 1)
      break;
    if (step->after_update)
      step->after_update(s, moved);
    if (opt->tol > 0 && moved == 0 && shift_converged(s, opt->tol)) {
      /* the last pass is a full one (Lloyd's; the bounds would be stale
       * after it, and every algorithm makes Lloyd's moves) */
      final = 1;
      step = &ckm_lloyd_algo;
    }
  }

  if (hart && k > 1 && !(hmode == CKM_HARTIGAN_WONG && !passes)) {
    /* The sweeps are sequential and the passes between them (sums, O(n d))
     * short: on more threads the others would only spin-wait through
     * each sweep, burning a core for nothing. One thread, same bits. */
    const int nt = s->nthreads;
    s->nthreads = 1;
    int st = refine_hartigan(s, hart, opt, hooks, trace, info, totss);
    s->nthreads = nt;
    if (st)
      return st;
    dist_fresh = 0;
  }
  if (dist_fresh)
    ckm_cluster_wss(s, wss);
  else
    final_wss(s, centers, wss);
  ckm_global_sizes(s, size);
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
  ckm_update_carve(&st, &cv, 0, 1);
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
  ckm_update_carve(&st, &cv, 0, 1);
  ckm_cluster_wss(&st, wss);
}

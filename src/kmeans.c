/*
 * kmeans.c: Lloyd's algorithm, the assignment kernel, the deterministic
 * centre update and empty-cluster relocation.
 *
 * Determinism. Every floating-point sum here has an order fixed by the data,
 * never by the thread count: distances are per point; the inertia of a pass
 * is summed per fixed tile of CKM_TILE points and then over the tiles in
 * order; centre sums run over the points in index order, one column per
 * task (each thread owns whole columns, as FAISS has each thread own a range
 * of centres). So 1 and 2 threads give bit-identical results, and the
 * centres are bit-identical to those of stats::kmeans(algorithm = "Lloyd"),
 * which also sums the points of a cluster in index order.
 */
#include <math.h>
#include <string.h>

#include "ckm.h"
#include "ckm_omp.h"
#include "internal.h"
#include "kernels.h"

/* ---- centre update ----------------------------------------------------- */

/* Cluster sizes, and per-cluster column sums into sums (k x d, column-major).
 * Every sum adds its cluster's points in index order, starting from 0 (the
 * order of stats::kmeans, so the means are bit-identical to its). The
 * points are the outer loop and a block of columns the inner one: the sums
 * of different columns are independent chains of additions, so they overlap
 * even when consecutive points share a cluster (sorted data), where a loop
 * over one column at a time waits on each addition in turn. Threads take
 * contiguous blocks of columns. */
#define CKM_SUM_COLS 16

static void sum_columns(const double *x, ckm_idx n, int k, const int *labels,
                        int c0, int c1, double *sums)
{
  for (int cb = c0; cb < c1; cb += CKM_SUM_COLS) {
    const int w = c1 - cb < CKM_SUM_COLS ? c1 - cb : CKM_SUM_COLS;
    const double *xc[CKM_SUM_COLS];
    double *sc[CKM_SUM_COLS];
    for (int c = 0; c < w; c++) {
      xc[c] = x + (size_t) (cb + c) * (size_t) n;
      sc[c] = sums + (size_t) k * (size_t) (cb + c);
      for (int j = 0; j < k; j++)
        sc[c][j] = 0.0;
    }
    if (w == 1) {
      for (ckm_idx i = 0; i < n; i++)
        sc[0][labels[i]] += xc[0][i];
    } else if (w == 2) {
      for (ckm_idx i = 0; i < n; i++) {
        const int j = labels[i];
        sc[0][j] += xc[0][i];
        sc[1][j] += xc[1][i];
      }
    } else {
      for (ckm_idx i = 0; i < n; i++) {
        const int j = labels[i];
        for (int c = 0; c < w; c++)
          sc[c][j] += xc[c][i];
      }
    }
  }
}

/* The same with weights: sums of w_i x_i, each in index order. */
static void sum_columns_weighted(const double *x, ckm_idx n, int k,
                                 const int *labels, const double *w, int c0,
                                 int c1, double *sums)
{
  for (int c = c0; c < c1; c++) {
    const double *xc = x + (size_t) c * (size_t) n;
    double *sc = sums + (size_t) k * (size_t) c;
    for (int j = 0; j < k; j++)
      sc[j] = 0.0;
    for (ckm_idx i = 0; i < n; i++)
      sc[labels[i]] += w[i] * xc[i];
  }
}

static void sum_range(const double *x, ckm_idx n, int k, const int *labels,
                      const double *w, int c0, int c1, double *sums)
{
  if (w)
    sum_columns_weighted(x, n, k, labels, w, c0, c1, sums);
  else
    sum_columns(x, n, k, labels, c0, c1, sums);
}

/* Sizes, total weights (when w is set; wsum may then not be NULL) and
 * column sums (of w_i x_i with weights) per cluster. */
static void cluster_sums(const double *x, ckm_idx n, int d, int k,
                         const int *labels, const double *w, double *sums,
                         ckm_idx *counts, double *wsum, int nthreads)
{
  for (int j = 0; j < k; j++)
    counts[j] = 0;
  for (ckm_idx i = 0; i < n; i++)
    counts[labels[i]]++;
  if (w) {
    for (int j = 0; j < k; j++)
      wsum[j] = 0.0;
    for (ckm_idx i = 0; i < n; i++)
      wsum[labels[i]] += w[i];
  }

  const int nt = ckm_team(nthreads < d ? nthreads : d, (double) n * d);
  if (nt <= 1) {
    sum_range(x, n, k, labels, w, 0, d, sums);
    return;
  }
#ifdef _OPENMP
#pragma omp parallel num_threads(nt)
  {
    /* contiguous blocks of columns, one per thread: the widest blocks, so
     * each pass over the labels feeds as many independent sums as it can
     * (blocks taken dynamically, narrower, cost a quarter more on Hamerly
     * fits, where these sums are most of an iteration) */
    const int me = omp_get_thread_num(), team = omp_get_num_threads();
    const int c0 = (int) ((long) d * me / team), c1 = (int) ((long) d * (me + 1) / team);
    sum_range(x, n, k, labels, w, c0, c1, sums);
  }
#else
  sum_range(x, n, k, labels, w, 0, d, sums);
#endif
}

/* Is candidate (da, ia) farther than (db, ib)? Ties: the lower row first. */
static inline int farther(double da, ckm_idx ia, double db, ckm_idx ib)
{
  return da > db || (da == db && ia < ib);
}

/* Min-heap of the m farthest candidates seen so far: the nearest on top. */
static void heap_sift_down(double *hd, ckm_idx *hi, int size, int pos)
{
  for (;;) {
    int l = 2 * pos + 1, r = l + 1, m = pos;
    if (l < size && farther(hd[m], hi[m], hd[l], hi[l]))
      m = l;
    if (r < size && farther(hd[m], hi[m], hd[r], hi[r]))
      m = r;
    if (m == pos)
      return;
    double td = hd[m]; hd[m] = hd[pos]; hd[pos] = td;
    ckm_idx ti = hi[m]; hi[m] = hi[pos]; hi[pos] = ti;
    pos = m;
  }
}

static void heap_sift_up(double *hd, ckm_idx *hi, int pos)
{
  while (pos > 0) {
    int parent = (pos - 1) / 2;
    if (!farther(hd[parent], hi[parent], hd[pos], hi[pos]))
      return;
    double td = hd[parent]; hd[parent] = hd[pos]; hd[pos] = td;
    ckm_idx ti = hi[parent]; hi[parent] = hi[pos]; hi[pos] = ti;
    pos = parent;
  }
}

/*
 * Give every empty cluster a point: the points farthest from their own
 * centre (dist, from the last assignment) move to the empty clusters, the
 * farthest to the lowest-numbered empty cluster, as scikit-learn relocates
 * empty clusters. A point is taken only from a cluster that keeps at least
 * one member. Changes labels and counts; returns the number of moves.
 * hd and hi have room for k entries.
 */
static ckm_idx relocate_empty(ckm_idx n, int k, int *labels, double *dist,
                              ckm_idx *counts, double *hd, ckm_idx *hi)
{
  ckm_idx moved = 0;
  for (;;) {
    int m = 0;
    for (int j = 0; j < k; j++)
      m += counts[j] == 0;
    if (m == 0)
      return moved;

    /* the m farthest points of clusters with two or more members */
    int size = 0;
    for (ckm_idx i = 0; i < n; i++) {
      if (counts[labels[i]] < 2)
        continue;
      if (size < m) {
        hd[size] = dist[i];
        hi[size] = i;
        heap_sift_up(hd, hi, size);
        size++;
      } else if (farther(dist[i], i, hd[0], hi[0])) {
        hd[0] = dist[i];
        hi[0] = i;
        heap_sift_down(hd, hi, size, 0);
      }
    }
    if (size == 0)
      return moved; /* cannot happen while n >= k */

    /* pop nearest-first, so fill from the back to get farthest-first */
    for (int s = size; s > 1; s--) {
      double td = hd[0]; hd[0] = hd[s - 1]; hd[s - 1] = td;
      ckm_idx ti = hi[0]; hi[0] = hi[s - 1]; hi[s - 1] = ti;
      heap_sift_down(hd, hi, s - 1, 0);
    }
    /* now hd/hi are ordered nearest-last: index 0 is the farthest */
    int e = 0;
    for (int s = 0; s < size; s++) {
      while (e < k && counts[e] != 0)
        e++;
      if (e == k)
        break;
      ckm_idx i = hi[s];
      int from = labels[i];
      if (counts[from] < 2)
        continue;
      counts[from]--;
      counts[e] = 1;
      labels[i] = e;
      dist[i] = 0.0;
      moved++;
    }
  }
}

/* Exact squared distance of every point to its centre in `cen` (column-
 * major), into s->dist, and the inertia summed tile by tile as a Lloyd
 * pass sums it. */
static double exact_dist_all(ckm_state *s, const double *cen)
{
  const ckm_idx n = s->n, ntiles = ckm_ntiles(n);
  const int d = s->d, k = s->k;
  const int nt = ckm_team(s->nthreads, 3.0 * (double) n * d);
#ifdef _OPENMP
#pragma omp parallel for num_threads(nt) schedule(dynamic, ckm_chunk(ntiles, nt))
#endif
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
  }
  (void) nt;
  double sum = 0.0;
  for (ckm_idx t = 0; t < ntiles; t++)
    sum += s->tile_sums[t];
  return sum;
}

/* The weighted inertia of the last assignment, sum_i w_i dist_i, summed
 * tile by tile from the exact distances in s->dist (which a full pass has
 * just written). */
static double weighted_inertia(ckm_state *s)
{
  const ckm_idx n = s->n, ntiles = ckm_ntiles(n);
  double sum = 0.0;
  for (ckm_idx t = 0; t < ntiles; t++) {
    const ckm_idx i0 = t * CKM_TILE, i1 = i0 + CKM_TILE < n ? i0 + CKM_TILE : n;
    double ts = 0.0;
    for (ckm_idx i = i0; i < i1; i++)
      ts += s->w[i] * s->dist[i];
    sum += ts;
  }
  return sum;
}

/* New centres = means of the clusters, relocating empty clusters first.
 * Returns the number of relocations. The bound-based algorithms do not keep
 * every point's distance up to date; `refresh` makes them exact (against
 * the centres of the last assignment, s->old) before a relocation, so the
 * same points move as in Lloyd's algorithm. */
static ckm_idx update_centres(ckm_state *s, int refresh)
{
  cluster_sums(s->x, s->n, s->d, s->k, s->labels, s->w, s->centers, s->counts,
               s->wsum, s->nthreads);
  ckm_idx moved = 0;
  for (int j = 0; j < s->k; j++) {
    if (s->counts[j] == 0) {
      if (refresh)
        exact_dist_all(s, s->old);
      moved = relocate_empty(s->n, s->k, s->labels, s->dist, s->counts,
                             s->hd, s->hi);
      /* sum again from the new labels, so each mean is still an exact
       * index-order sum over its members */
      cluster_sums(s->x, s->n, s->d, s->k, s->labels, s->w, s->centers,
                   s->counts, s->wsum, s->nthreads);
      break;
    }
  }
  for (int c = 0; c < s->d; c++)
    for (int j = 0; j < s->k; j++)
      if (s->counts[j] > 0)
        s->centers[j + (size_t) s->k * c] /=
            s->w ? s->wsum[j] : (double) s->counts[j];
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

/* ---- the fit ------------------------------------------------------------ */

static double total_weight(const double *w, ckm_idx n);
static void column_means(const double *x, ckm_idx n, int d, const double *w,
                         double wt, double *mean);

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
                 carved(sizeof(ckm_fast));
  if (ckm_use_fast(opt->kernel, k, d))
    bytes += carved(sizeof(double) * ckm_fast_shared_doubles(d, k)) +
             carved(sizeof(double) * ckm_fast_thread_doubles(d) * (size_t) nt);
  bytes += ckm_bounds_workspace(n, d, k, opt->algorithm, nt);
  return bytes;
}

/* Within-cluster sums of squares of the final partition, each summed over
 * its points in index order. s->dist receives the per-point distances. */
static void final_wss(ckm_state *s, const double *centers, double *wss)
{
  exact_dist_all(s, centers);
  for (int j = 0; j < s->k; j++)
    wss[j] = 0.0;
  if (s->w) {
    for (ckm_idx i = 0; i < s->n; i++)
      wss[s->labels[i]] += s->w[i] * s->dist[i];
  } else {
    for (ckm_idx i = 0; i < s->n; i++)
      wss[s->labels[i]] += s->dist[i];
  }
}

/* Does some cluster have no point? counts: k scratch. */
static int any_empty(const int *labels, ckm_idx n, int k, ckm_idx *counts)
{
  for (int j = 0; j < k; j++)
    counts[j] = 0;
  for (ckm_idx i = 0; i < n; i++)
    counts[labels[i]]++;
  for (int j = 0; j < k; j++)
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
  ckm_fast *fast = carve(&cv, sizeof(ckm_fast));
  if (ckm_use_fast(opt->kernel, k, d)) {
    double *shared = carve(&cv, sizeof(double) * ckm_fast_shared_doubles(d, k));
    double *scratch = carve(&cv, sizeof(double) * ckm_fast_thread_doubles(d) *
                                     (size_t) s->nthreads);
    ckm_fast_prepare(fast, x, n, d, shared, scratch);
    s->fast = fast;
  }
  ckm_bounds_carve(s, &cv, alg);

  info->n_iter = 0;
  info->converged = 0;
  info->relocated = 0;
  for (ckm_idx i = 0; i < n; i++)
    labels[i] = -1;
  ckm_transpose_centres(centers, k, d, s->ct);

  /* for the trace of the bound-based algorithms */
  double totss = 0.0;
  if (alg != CKM_LLOYD) {
    totss = ckm_totss(x, n, d, s->w, s->nthreads);
    column_means(x, n, d, s->w, total_weight(s->w, n), s->colmean);
  }

  for (int it = 1; it <= opt->max_iter; it++) {
    double inertia = NAN;
    ckm_idx changed;
    if (alg == CKM_LLOYD) {
      ckm_transpose_centres(centers, k, d, s->ct);
      changed = ckm_assign_pass(s, NULL, &inertia);
    } else if (it == 1) {
      changed = ckm_bounds_first(s, alg, &inertia);
    } else {
      changed = ckm_bounds_pass(s, alg);
    }
    if (s->stopped)
      return CKM_INTERRUPTED;
    if (s->w && (alg == CKM_LLOYD || it == 1))
      inertia = weighted_inertia(s);
    if (it == 1 && !isfinite(inertia))
      return CKM_ERR_NONFINITE;
    info->n_iter = it;

    ckm_idx moved = 0;
    if (changed > 0) {
      memcpy(s->old, centers, sizeof(double) * kd);
      moved = update_centres(s, alg != CKM_LLOYD);
      info->relocated += moved;
      /* means of finite values are finite, unless a sum overflowed
       * (values near DBL_MAX): stop rather than go on with Inf/NaN */
      for (size_t q = 0; q < kd; q++)
        if (!isfinite(centers[q]))
          return CKM_ERR_NONFINITE;
      if (alg != CKM_LLOYD && it > 1)
        inertia = moved > 0 ? exact_dist_all(s, s->old)
                            : inertia_from_means(s, totss, s->colmean);
    } else if (alg != CKM_LLOYD && it > 1) {
      inertia = exact_dist_all(s, centers);
    }
    if (trace)
      trace[it - 1] = inertia;
    if (hooks && hooks->iteration &&
        hooks->iteration(hooks->ctx, it, inertia, changed))
      return CKM_INTERRUPTED;
    if (changed == 0) {
      info->converged = 1;
      break;
    }
    if (alg != CKM_LLOYD)
      ckm_bounds_after_update(s, alg, moved);

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
        if (s->w)
          inertia = weighted_inertia(s);
        if (!any_empty(labels, n, k, size)) {
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
        for (size_t q = 0; q < kd; q++)
          if (!isfinite(centers[q]))
            return CKM_ERR_NONFINITE;
        alg = CKM_LLOYD;
      }
    }
  }

  final_wss(s, centers, wss);
  for (int j = 0; j < k; j++)
    size[j] = 0;
  for (ckm_idx i = 0; i < n; i++)
    size[labels[i]]++;
  return CKM_OK;
}

/* ---- input scan -------------------------------------------------------- */

ckm_idx ckm_first_nonfinite(const double *x, size_t len)
{
  for (size_t i = 0; i < len; i++)
    if (!isfinite(x[i]))
      return (ckm_idx) i;
  return -1;
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

/* Sum of the weights (0 without them). */
static double total_weight(const double *w, ckm_idx n)
{
  double wt = 0.0;
  if (w)
    for (ckm_idx i = 0; i < n; i++)
      wt += w[i];
  return wt;
}

/* Column means, weighted when w is set (wt: their sum). */
static void column_means(const double *x, ckm_idx n, int d, const double *w,
                         double wt, double *mean)
{
  for (int c = 0; c < d; c++) {
    const double *xc = x + (size_t) c * (size_t) n;
    double m = 0.0;
    if (w) {
      for (ckm_idx i = 0; i < n; i++)
        m += w[i] * xc[i];
      mean[c] = m / wt;
    } else {
      for (ckm_idx i = 0; i < n; i++)
        m += xc[i];
      mean[c] = m / (double) n;
    }
  }
}

double ckm_totss(const double *x, ckm_idx n, int d, const double *w,
                 int nthreads)
{
  double total = 0.0;
  const double wt = total_weight(w, n);
  const int nt = ckm_team(nthreads < d ? nthreads : d, 3.0 * (double) n * d);
  (void) nt;
  /* per column: the mean, then the sum of squares about it (two passes);
   * columns are independent, and summed in column order afterwards */
  double col[64];
  for (int c0 = 0; c0 < d; c0 += 64) {
    int c1 = c0 + 64 < d ? c0 + 64 : d;
#ifdef _OPENMP
#pragma omp parallel for num_threads(nt) schedule(dynamic, 1)
#endif
    for (int c = c0; c < c1; c++) {
      const double *xc = x + (size_t) c * (size_t) n;
      double m, s = 0.0;
      column_means(xc, n, 1, w, wt, &m);
      if (w) {
        for (ckm_idx i = 0; i < n; i++) {
          double df = xc[i] - m;
          s += w[i] * (df * df);
        }
      } else {
        for (ckm_idx i = 0; i < n; i++) {
          double df = xc[i] - m;
          s += df * df;
        }
      }
      col[c - c0] = s;
    }
    for (int c = c0; c < c1; c++)
      total += col[c - c0];
  }
  return total;
}

/*
 * kmedians.c: k-medians (L1 distance, coordinate-wise medians).
 *
 * The assignment runs over tiles of points in parallel, each point against
 * every centre (exact L1 distances, strict comparison so ties go to the
 * lowest index). The update orders the points by cluster once (a counting
 * sort, so members stay in row order) and then finds each cluster's median
 * in each column by selection, one column per task with its own scratch:
 * the result does not depend on the number of threads.
 */
#include <math.h>
#include <string.h>

#include "ckm.h"
#include "ckm_omp.h"
#include "internal.h"
#include "kernels.h"

/* Nearest centre in L1 for the points of tiles [t0, t1); ct: the centres
 * transposed (k rows of d). */
static void l1_assign_tiles(const double *x, ckm_idx n, int d,
                            const double *ct, int k, int *labels, double *dist,
                            ckm_idx t0, ckm_idx t1, int nthreads)
{
  const double points = (double) ((t1 - t0) * CKM_TILE);
  const int nt = ckm_team(nthreads, 3.0 * points * k * d);
  CKM_PARALLEL(nt, parallel for num_threads(nt) schedule(dynamic, ckm_chunk((long) (t1 - t0), nt)),
  for (ckm_idx t = t0; t < t1; t++) {
    const ckm_idx i0 = t * CKM_TILE;
    const int len = (int) (n - i0 < CKM_TILE ? n - i0 : CKM_TILE);
    double best[CKM_TILE], acc[CKM_TILE];
    int lab[CKM_TILE];
    for (int q = 0; q < len; q++) {
      best[q] = INFINITY;
      lab[q] = 0;
    }
    for (int j = 0; j < k; j++) {
      const double *cj = ct + (size_t) j * d;
      for (int q = 0; q < len; q++)
        acc[q] = 0.0;
      for (int c = 0; c < d; c++) {
        const double *xc = x + (size_t) c * (size_t) n + (size_t) i0;
        const double v = cj[c];
        for (int q = 0; q < len; q++)
          acc[q] += fabs(xc[q] - v);
      }
      for (int q = 0; q < len; q++) {
        if (acc[q] < best[q]) {
          best[q] = acc[q];
          lab[q] = j;
        }
      }
    }
    for (int q = 0; q < len; q++) {
      labels[i0 + q] = lab[q];
      dist[i0 + q] = best[q];
    }
  });
  (void) nt;
}

void ckm_l1_assign(const double *x, ckm_idx n, int d, const double *centers,
                   int k, int *labels, double *dist, int nthreads, void *work)
{
  double *ct = (double *) work;
  ckm_transpose_centres(centers, k, d, ct);
  l1_assign_tiles(x, n, d, ct, k, labels, dist, 0, ckm_ntiles(n), nthreads);
}

/* The value of rank r (0-based) of v[0..m-1]; reorders v so that v[r] is
 * it, smaller ones before and larger ones after (Hoare selection). */
static double select_rank(double *v, ckm_idx m, ckm_idx r)
{
  ckm_idx lo = 0, hi = m - 1;
  while (lo < hi) {
    const double pivot = v[lo + (hi - lo) / 2];
    ckm_idx i = lo, j = hi;
    while (i <= j) {
      while (v[i] < pivot)
        i++;
      while (v[j] > pivot)
        j--;
      if (i <= j) {
        double tmp = v[i];
        v[i] = v[j];
        v[j] = tmp;
        i++;
        j--;
      }
    }
    if (r <= j)
      hi = j;
    else if (r >= i)
      lo = i;
    else
      return v[r];
  }
  return v[r];
}

static double median_of(double *v, ckm_idx m)
{
  const ckm_idx h = (m - 1) / 2;
  const double a = select_rank(v, m, h);
  if (m % 2 == 1)
    return a;
  double b = v[h + 1]; /* the smallest value above rank h */
  for (ckm_idx i = h + 2; i < m; i++)
    b = v[i] < b ? v[i] : b;
  return 0.5 * (a + b);
}

size_t ckm_kmedians_workspace(ckm_idx n, int d, int k, int nthreads)
{
  int nt = nthreads < 1 ? 1 : nthreads;
  return carved(sizeof(double) * (size_t) k * (size_t) d) +
         carved(sizeof(ckm_idx) * (size_t) n) +
         carved(sizeof(ckm_idx) * ((size_t) k + 1)) +
         carved(sizeof(double) * (size_t) n * (size_t) nt) +
         carved(sizeof(double) * (size_t) k) +      /* relocation: keys */
         carved(sizeof(ckm_idx) * (size_t) k) +     /* rows */
         carved(sizeof(double) * 6 * (size_t) k);   /* candidates */
}

/* Empty clusters take the points farthest (in L1) from their centres, as
 * in k-means: the one relocation of update.c. */
static ckm_idx relocate_empty_l1(ckm_idx n, int k, int *labels, double *dist,
                                 ckm_idx *size, double *hd, ckm_idx *hi,
                                 double *cand)
{
  const ckm_reloc_work rw = {hd, hi, cand, cand + 3 * (size_t) k};
  int status = 0; /* one process: no collective to fail */
  return ckm_relocate(n, k, labels, dist, size, NULL, &rw, &status);
}

int ckm_kmedians(const double *x, ckm_idx n, int d, int k, double *centers,
                 int max_iter, int *labels, double *dist, double *wss,
                 ckm_idx *size, double *trace, ckm_kmedians_info *info,
                 int nthreads, const ckm_hooks *hooks, void *work)
{
  carver cv = {(char *) work};
  double *ct = carve(&cv, sizeof(double) * (size_t) k * (size_t) d);
  ckm_idx *order = carve(&cv, sizeof(ckm_idx) * (size_t) n);
  ckm_idx *start = carve(&cv, sizeof(ckm_idx) * ((size_t) k + 1));
  double *scratch = carve(&cv, sizeof(double) * (size_t) n *
                                   (size_t) (nthreads < 1 ? 1 : nthreads));
  double *hd = carve(&cv, sizeof(double) * (size_t) k);
  ckm_idx *hi = carve(&cv, sizeof(ckm_idx) * (size_t) k);
  double *cand = carve(&cv, sizeof(double) * 6 * (size_t) k);
  info->n_iter = 0;
  info->converged = 0;
  info->relocated = 0;
  for (ckm_idx i = 0; i < n; i++)
    labels[i] = -1;

  for (int it = 1; it <= max_iter; it++) {
    /* assignment into scratch (n ints fit in its n doubles), then count
     * the labels that changed */
    ckm_idx changed = 0;
    int *newlab = (int *) scratch;
    /* in chunks of about 1e8 operations, with an interrupt check between
     * them, so a large pass can be stopped within a fraction of a second */
    ckm_transpose_centres(centers, k, d, ct);
    const ckm_idx ntiles = ckm_ntiles(n);
    ckm_idx chunk = (ckm_idx) (1e8 / (3.0 * CKM_TILE * (double) k * d));
    if (chunk < 1)
      chunk = 1;
    for (ckm_idx t0 = 0; t0 < ntiles; t0 += chunk) {
      if (t0 > 0 && ckm_should_stop(hooks))
        return CKM_INTERRUPTED;
      l1_assign_tiles(x, n, d, ct, k, newlab, dist, t0,
                      t0 + chunk < ntiles ? t0 + chunk : ntiles, nthreads);
    }
    for (ckm_idx i = 0; i < n; i++) {
      changed += newlab[i] != labels[i];
      labels[i] = newlab[i];
    }
    double total = 0.0;
    for (ckm_idx i = 0; i < n; i++)
      total += dist[i];
    if (trace)
      trace[it - 1] = total;
    info->n_iter = it;
    if (!isfinite(total))
      return CKM_ERR_NONFINITE; /* L1 distances overflowed */
    if (hooks && hooks->iteration && hooks->iteration(hooks->ctx, it, total, changed))
      return CKM_INTERRUPTED;
    if (changed == 0) {
      info->converged = 1;
      break;
    }

    /* sizes, empty clusters, then the order of the points by cluster */
    for (int j = 0; j < k; j++)
      size[j] = 0;
    for (ckm_idx i = 0; i < n; i++)
      size[labels[i]]++;
    info->relocated += relocate_empty_l1(n, k, labels, dist, size, hd, hi, cand);
    start[0] = 0;
    for (int j = 0; j < k; j++)
      start[j + 1] = start[j] + size[j];
    {
      ckm_idx *fill = (ckm_idx *) scratch; /* k cursors; scratch is free here */
      for (int j = 0; j < k; j++)
        fill[j] = start[j];
      for (ckm_idx i = 0; i < n; i++)
        order[fill[labels[i]]++] = i;
    }

    if (ckm_should_stop(hooks))
      return CKM_INTERRUPTED;
    /* medians, a column per task */
    const int nt = ckm_team(nthreads < d ? nthreads : d, 8.0 * (double) n);
    CKM_PARALLEL(nt, parallel for num_threads(nt) schedule(dynamic, 1),
    for (int c = 0; c < d; c++) {
      double *buf = scratch + (size_t) n * (size_t) ckm_thread_num();
      const double *xc = x + (size_t) c * (size_t) n;
      for (int j = 0; j < k; j++) {
        const ckm_idx m = start[j + 1] - start[j];
        for (ckm_idx q = 0; q < m; q++)
          buf[q] = xc[order[start[j] + q]];
        centers[j + (size_t) k * c] = median_of(buf, m);
      }
    });
    (void) nt;
  }

  /* the L1 distances to the final centres, by cluster: to the own centre,
   * which is not the nearest when the fit stopped at max_iter */
  for (int j = 0; j < k; j++) {
    wss[j] = 0.0;
    size[j] = 0;
  }
  for (ckm_idx i = 0; i < n; i++) {
    const int j = labels[i];
    size[j]++;
    double s = 0.0;
    for (int c = 0; c < d; c++)
      s += fabs(x[i + (size_t) c * (size_t) n] - centers[j + (size_t) k * c]);
    wss[j] += s;
  }
  return CKM_OK;
}

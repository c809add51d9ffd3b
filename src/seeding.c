/*
 * seeding.c: k-means++ seeding (Arthur and Vassilvitskii, "k-means++: the
 * advantages of careful seeding", SODA 2007).
 *
 * D^2 weights are kept per point; after each new centre they are lowered in
 * parallel, tile by tile, and each tile's sum is recomputed in point order.
 * The draw walks the tile sums in order and then one tile, so the chosen
 * row depends on the uniform deviate alone, not on the thread count. The
 * deviates come from the unif hook (R's RNG in the package), called on the
 * calling thread only.
 */
#include <math.h>
#include <string.h>

#include "ckm.h"
#include "ckm_omp.h"
#include "internal.h"
#include "kernels.h"

#define CKM_MAX_TRIALS 64

size_t ckm_kmeanspp_workspace(ckm_idx n, int d, int k, int trials)
{
  (void) k;
  const size_t t = (size_t) (trials < 1 ? 1 : trials);
  return sizeof(double) * ((size_t) n + (size_t) ckm_ntiles(n) * (t + 1) +
                           (size_t) d * (t + 1)) +
         64;
}

/* Greedy k-means++: the potential sum_i pw_i min(w_i, ||x_i - cand||^2)
 * for each of `trials` candidate rows (their values in cand, trials rows of
 * d), summed per tile into pot (ntiles x trials) and then over the tiles in
 * order into out. */
static void candidate_potentials(const double *x, ckm_idx n, int d,
                                 const double *cand, int trials,
                                 const double *pw, const double *w,
                                 double *pot, double *out, int nthreads)
{
  const ckm_idx ntiles = ckm_ntiles(n);
  const int nt = ckm_team(nthreads, 3.0 * (double) n * d * trials);
#ifdef _OPENMP
#pragma omp parallel for num_threads(nt) schedule(dynamic, ckm_chunk(ntiles, nt))
#endif
  for (ckm_idx t = 0; t < ntiles; t++) {
    double acc[CKM_TILE];
    const ckm_idx i0 = t * CKM_TILE;
    const int len = (int) (n - i0 < CKM_TILE ? n - i0 : CKM_TILE);
    for (int c = 0; c < trials; c++) {
      ckm_tile_dist(x, n, d, i0, len, cand + (size_t) c * d, acc);
      double s = 0.0;
      for (int q = 0; q < len; q++) {
        const double v = acc[q] < w[i0 + q] ? acc[q] : w[i0 + q];
        s += pw ? pw[i0 + q] * v : v;
      }
      pot[(size_t) t * trials + c] = s;
    }
  }
  (void) nt;
  for (int c = 0; c < trials; c++) {
    double s = 0.0;
    for (ckm_idx t = 0; t < ntiles; t++)
      s += pot[(size_t) t * trials + c];
    out[c] = s;
  }
}

/* Lower w[i] to the squared distance to centre `cen` where that is smaller
 * (or set it, when first), and recompute the tile sums of w (of pw * w with
 * observation weights pw). */
static void lower_weights(const double *x, ckm_idx n, int d, const double *cen,
                          const double *pw, double *w, double *tile_sums,
                          int first, int nthreads)
{
  const ckm_idx ntiles = ckm_ntiles(n);
  const int nt = ckm_team(nthreads, 3.0 * (double) n * d);
#ifdef _OPENMP
#pragma omp parallel for num_threads(nt) schedule(dynamic, ckm_chunk(ntiles, nt))
#endif
  for (ckm_idx t = 0; t < ntiles; t++) {
    double acc[CKM_TILE];
    ckm_idx i0 = t * CKM_TILE;
    int len = (int) (n - i0 < CKM_TILE ? n - i0 : CKM_TILE);
    ckm_tile_dist(x, n, d, i0, len, cen, acc);
    double s = 0.0;
    for (int q = 0; q < len; q++) {
      double v = first || acc[q] < w[i0 + q] ? acc[q] : w[i0 + q];
      w[i0 + q] = v;
      s += pw ? pw[i0 + q] * v : v;
    }
    tile_sums[t] = s;
  }
  (void) nt;
}

/* Does row i equal one of the first m chosen rows, value for value? */
static int row_is_chosen(const double *x, ckm_idx n, int d, ckm_idx i,
                         const ckm_idx *chosen, int m)
{
  for (int q = 0; q < m; q++) {
    int same = 1;
    for (int c = 0; c < d && same; c++)
      same = x[i + (size_t) c * n] == x[chosen[q] + (size_t) c * n];
    if (same)
      return 1;
  }
  return 0;
}

static ckm_idx draw_index(double u, ckm_idx n)
{
  ckm_idx i = (ckm_idx) (u * (double) n);
  return i >= n ? n - 1 : (i < 0 ? 0 : i);
}

/* The value of row i in a draw: a[i] * b[i], a missing factor being 1. */
static inline double draw_value(const double *a, const double *b, ckm_idx i)
{
  return (a ? a[i] : 1.0) * (b ? b[i] : 1.0);
}

/* Row drawn with probability proportional to a[i] * b[i], given the sums
 * of those values per tile (total: their sum, > 0) and a uniform u: the
 * tile where the running sum passes u * total, then the row in it. Rows of
 * value zero are never drawn. */
static ckm_idx draw_weighted(double u, const double *a, const double *b,
                             const double *tile_sums, double total, ckm_idx n)
{
  const ckm_idx ntiles = ckm_ntiles(n);
  const double r = u * total;
  double cum = 0.0;
  ckm_idx t = 0, last_t = -1, pick = -1;
  for (; t < ntiles; t++) {
    if (tile_sums[t] > 0.0) {
      last_t = t;
      if (cum + tile_sums[t] > r)
        break;
    }
    cum += tile_sums[t];
  }
  if (t == ntiles) { /* rounding: r at the very top */
    t = last_t;
    cum = total - tile_sums[t];
  }
  ckm_idx i0 = t * CKM_TILE;
  ckm_idx i1 = i0 + CKM_TILE < n ? i0 + CKM_TILE : n;
  for (ckm_idx i = i0; i < i1; i++) {
    const double v = draw_value(a, b, i);
    if (v > 0.0) {
      pick = i;
      cum += v;
      if (cum > r)
        break;
    }
  }
  return pick;
}

int ckm_kmeanspp(const double *x, ckm_idx n, int d, int k,
                 const double *pw, int trials, double *centers,
                 ckm_idx *chosen, int nthreads, const ckm_hooks *hooks,
                 void *work)
{
  const ckm_idx ntiles = ckm_ntiles(n);
  if (trials < 1)
    trials = 1;
  if (trials > CKM_MAX_TRIALS)
    trials = CKM_MAX_TRIALS;
  double *w = (double *) work;
  double *tile_sums = w + n;
  double *row = tile_sums + ntiles;
  double *cand = row + d;                        /* trials x d */
  double *pot = cand + (size_t) trials * d;      /* ntiles x trials */
  double cpot[CKM_MAX_TRIALS];

  for (int m = 0; m < k; m++) {
    ckm_idx pick = -1;
    if (m == 0 && !pw) {
      pick = draw_index(hooks->unif(hooks->ctx), n);
    } else if (m == 0) {
      /* with observation weights, the first row in proportion to them */
      double total = 0.0;
      for (ckm_idx t = 0; t < ntiles; t++) {
        const ckm_idx i0 = t * CKM_TILE, i1 = i0 + CKM_TILE < n ? i0 + CKM_TILE : n;
        double ts = 0.0;
        for (ckm_idx i = i0; i < i1; i++)
          ts += pw[i];
        tile_sums[t] = ts;
        total += ts;
      }
      pick = draw_weighted(hooks->unif(hooks->ctx), pw, NULL, tile_sums,
                           total, n);
    } else {
      if (ckm_should_stop(hooks))
        return CKM_INTERRUPTED;
      double total = 0.0;
      for (ckm_idx t = 0; t < ntiles; t++)
        total += tile_sums[t];
      if (!isfinite(total))
        return CKM_ERR_NONFINITE;
      if (total > 0.0 && trials == 1) {
        pick = draw_weighted(hooks->unif(hooks->ctx), w, pw, tile_sums, total,
                             n);
      } else if (total > 0.0) {
        /* greedy: `trials` candidates by D^2 sampling, keep the one that
         * lowers the potential most (the first, on ties) */
        ckm_idx cidx[CKM_MAX_TRIALS];
        for (int c = 0; c < trials; c++) {
          cidx[c] = draw_weighted(hooks->unif(hooks->ctx), w, pw, tile_sums,
                                  total, n);
          ckm_gather(x, n, d, cidx[c], cand + (size_t) c * d);
        }
        candidate_potentials(x, n, d, cand, trials, pw, w, pot, cpot,
                             nthreads);
        int best = 0;
        for (int c = 1; c < trials; c++)
          if (cpot[c] < cpot[best])
            best = c;
        pick = cidx[best];
      } else {
        /* Every row sits on a chosen centre (at the precision of squared
         * distances). Take, uniformly, the next row from a random start
         * that differs from every chosen centre, if there is one. */
        ckm_idx start = draw_index(hooks->unif(hooks->ctx), n);
        for (ckm_idx q = 0; q < n && pick < 0; q++) {
          ckm_idx i = (start + q) % n;
          if (!row_is_chosen(x, n, d, i, chosen, m))
            pick = i;
        }
        if (pick < 0)
          return CKM_ERR_DISTINCT;
      }
    }

    chosen[m] = pick;
    for (int c = 0; c < d; c++) {
      row[c] = x[pick + (size_t) c * n];
      centers[m + (size_t) k * c] = row[c];
    }
    if (m + 1 < k)
      lower_weights(x, n, d, row, pw, w, tile_sums, m == 0, nthreads);
  }
  return CKM_OK;
}

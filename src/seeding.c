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
#include "kernels.h"

size_t ckm_kmeanspp_workspace(ckm_idx n, int d, int k)
{
  (void) k;
  return sizeof(double) * ((size_t) n + (size_t) ckm_ntiles(n) + (size_t) d) +
         64;
}

/* Lower w[i] to the squared distance to centre `cen` where that is smaller
 * (or set it, when first), and recompute the tile sums. */
static void lower_weights(const double *x, ckm_idx n, int d, const double *cen,
                          double *w, double *tile_sums, int first,
                          int nthreads)
{
  const ckm_idx ntiles = ckm_ntiles(n);
  const int nt = ckm_team(nthreads, 3.0 * (double) n * d);
#ifdef _OPENMP
#pragma omp parallel for num_threads(nt) schedule(static)
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
      s += v;
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

int ckm_kmeanspp(const double *x, ckm_idx n, int d, int k, double *centers,
                 ckm_idx *chosen, int nthreads, const ckm_hooks *hooks,
                 void *work)
{
  const ckm_idx ntiles = ckm_ntiles(n);
  double *w = (double *) work;
  double *tile_sums = w + n;
  double *row = tile_sums + ntiles;

  for (int m = 0; m < k; m++) {
    ckm_idx pick = -1;
    if (m == 0) {
      pick = draw_index(hooks->unif(hooks->ctx), n);
    } else {
      if (hooks->poll && hooks->poll(hooks->ctx))
        return CKM_INTERRUPTED;
      double total = 0.0;
      for (ckm_idx t = 0; t < ntiles; t++)
        total += tile_sums[t];
      if (!isfinite(total))
        return CKM_ERR_NONFINITE;
      if (total > 0.0) {
        double r = hooks->unif(hooks->ctx) * total;
        /* the tile where the running sum passes r, then the row in it;
         * rows of weight zero are never drawn */
        double cum = 0.0;
        ckm_idx t = 0, last_t = -1;
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
          if (w[i] > 0.0) {
            pick = i;
            cum += w[i];
            if (cum > r)
              break;
          }
        }
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
      lower_weights(x, n, d, row, w, tile_sums, m == 0, nthreads);
  }
  return CKM_OK;
}

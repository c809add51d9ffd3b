/*
 * totss.c: the total sum of squares, total weight and column means of X,
 * once per X (R's fit_moments(); the trace of the bound-based algorithms
 * and Hartigan's refinement start from them). Reproducible sums (rsum.h)
 * over global tiles, combined over processes through reduce.c: the same
 * bits for any thread count or split of the rows.
 */
#include <string.h>

#include "ckm.h"
#include "ckm_omp.h"
#include "internal.h"
#include "kernels.h"

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

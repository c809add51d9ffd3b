/*
 * reduce.c: the one seam between the core and other processes. Every
 * quantity of a fit that needs all rows is reduced here; with one process
 * (comm NULL or of size 1) nothing is communicated and the same code runs.
 */
#include <string.h>

#include "ckm.h"
#include "internal.h"
#include "kernels.h"

int ckm_allreduce(const ckm_comm *c, double *buf, size_t len, int op)
{
  if (!c || c->size <= 1 || len == 0)
    return CKM_OK;
  return c->allreduce(c->ctx, buf, len, op) ? CKM_ERR_COMM : CKM_OK;
}

int ckm_allgather(const ckm_comm *c, const double *send, size_t len,
                  double *recv)
{
  if (!c || c->size <= 1) {
    if (len)
      memcpy(recv, send, sizeof(double) * len);
    return CKM_OK;
  }
  return c->allgather(c->ctx, send, len, recv) ? CKM_ERR_COMM : CKM_OK;
}

/* m reproducible sums combined over all processes: tops by MAX, then the
 * accumulators (aligned to those tops, so their sums are exact) by SUM.
 * pack: CKM_RSUM_K * m doubles. */
int ckm_rsum_allreduce(const ckm_comm *c, ckm_rsum *s, size_t m, double *pack)
{
  if (!c || c->size <= 1 || m == 0)
    return CKM_OK;
  for (size_t q = 0; q < m; q++)
    pack[q] = (double) s[q].top;
  int st = ckm_allreduce(c, pack, m, CKM_OP_MAX);
  if (st)
    return st;
  for (size_t q = 0; q < m; q++) {
    const int top = (int) pack[q];
    if (top > CKM_RSUM_MAXTOP)
      s[q].top = top;
    else
      ckm_rsum_raise(&s[q], top);
  }
  for (size_t q = 0; q < m; q++)
    for (int j = 0; j < CKM_RSUM_K; j++)
      pack[q * CKM_RSUM_K + j] = s[q].top > CKM_RSUM_MAXTOP ? 0.0 : s[q].b[j];
  st = ckm_allreduce(c, pack, m * CKM_RSUM_K, CKM_OP_SUM);
  if (st)
    return st;
  for (size_t q = 0; q < m; q++)
    for (int j = 0; j < CKM_RSUM_K; j++)
      s[q].b[j] = pack[q * CKM_RSUM_K + j];
  return CKM_OK;
}

/* The total of per-tile sums over all processes: exact across tiles, then
 * rounded once. *status receives a failed collective. */
double ckm_tile_total(const ckm_comm *c, const double *tile_sums,
                      ckm_idx ntiles, int *status)
{
  ckm_rsum s;
  double pack[CKM_RSUM_K];
  ckm_rsum_zero(&s);
  for (ckm_idx t = 0; t < ntiles; t++)
    ckm_rsum_add(&s, tile_sums[t]);
  int st = ckm_rsum_allreduce(c, &s, 1, pack);
  if (st && status)
    *status = st;
  return ckm_rsum_value(&s);
}

/* A count over all processes (exact: counts stay far below 2^53). */
ckm_idx ckm_count_total(const ckm_comm *c, ckm_idx local, int *status)
{
  double v = (double) local;
  int st = ckm_allreduce(c, &v, 1, CKM_OP_SUM);
  if (st && status)
    *status = st;
  return (ckm_idx) v;
}

double ckm_vector_total(const double *v, ckm_idx n, const ckm_comm *c,
                        int *status)
{
  ckm_rsum s;
  double pack[CKM_RSUM_K];
  ckm_rsum_zero(&s);
  for (ckm_idx i0 = 0; i0 < n; i0 += CKM_TILE) {
    const ckm_idx i1 = i0 + CKM_TILE < n ? i0 + CKM_TILE : n;
    double t = 0.0;
    for (ckm_idx i = i0; i < i1; i++)
      t += v[i];
    ckm_rsum_add(&s, t);
  }
  int st = ckm_rsum_allreduce(c && c->size > 1 ? c : NULL, &s, 1, pack);
  if (st && status)
    *status = st;
  return ckm_rsum_value(&s);
}

/*
 * hamerly.c: exact accelerated k-means after Hamerly (2010): per point one
 * lower bound (on the distance to the second-nearest centre), and per
 * centre half the distance to the nearest other centre. With a blocked
 * kernel the points the bounds cannot settle go through it together. The
 * guarantees (Lloyd's moves, bit for bit) are those of bounds.h.
 */
#include <math.h>

#include "ckm.h"
#include "ckm_omp.h"
#include "bounds.h"

/* Hamerly's private state (s->alg). */
typedef struct hamerly {
  ckm_bounds b;
  double *lower; /* lower bound on the distance to the second nearest (n) */
  double *half;  /* half the distance to the nearest other centre (k) */
  double *cbest; /* scratch of half_distances(): each centre's nearest (k) */
  int *clab;     /* and its index (k) */
} hamerly;

static size_t hamerly_workspace(ckm_idx n, int d, int k, int nthreads)
{
  return carved(sizeof(hamerly)) + ckm_bounds_common_size(n, d, k, 0, nthreads) +
         carved(sizeof(double) * (size_t) n) + carved(sizeof(double) * (size_t) k) * 2 +
         carved(sizeof(int) * (size_t) k);
}

static void hamerly_carve(ckm_state *s, carver *cv)
{
  hamerly *h = carve(cv, sizeof(hamerly));
  ckm_bounds_common_carve(&h->b, s, cv, 0);
  h->lower = carve(cv, sizeof(double) * (size_t) s->n);
  h->half = carve(cv, sizeof(double) * (size_t) s->k);
  h->cbest = carve(cv, sizeof(double) * (size_t) s->k);
  h->clab = carve(cv, sizeof(int) * (size_t) s->k);
  s->alg = h;
}

static ckm_idx hamerly_first(ckm_state *s, double *inertia)
{
  hamerly *h = (hamerly *) s->alg;
  const double slack = ckm_slack(s->d), abs_slack = ckm_abs_slack(s->d);
  /* the second-smallest distances land in `lower`, which becomes the
   * bound in place (no array of its own: n doubles less at the peak) */
  ckm_idx changed = ckm_assign_pass(s, h->lower, inertia);
  for (ckm_idx i = 0; i < s->n; i++) {
    h->lower[i] = ckm_dist_down(h->lower[i], slack, abs_slack);
    h->b.upper[i] = ckm_dist_up(s->dist[i], slack, abs_slack);
  }
  return changed;
}

static void hamerly_after(ckm_state *s, ckm_idx moved)
{
  hamerly *h = (hamerly *) s->alg;
  const int k = s->k, d = s->d;
  const double slack = ckm_slack(d), abs_slack = ckm_abs_slack(d);
  ckm_bounds_drift(&h->b, s);
  /* half the distance to the nearest other centre, O(k^2 d): the centres
   * as points through the plain kernel (register blocks; the exact
   * distances, Lloyd's operations), whose second smallest distance is the
   * nearest other centre's (the smallest is the centre's own, 0; a copy of
   * it gives 0 twice), the centres split among threads (it was one thread,
   * one pair at a time: 15% of a fit at 100,000 x 128, k = 1000) */
  const int nchunks = (k + CKM_ROWS_CHUNK - 1) / CKM_ROWS_CHUNK;
  const int nt = ckm_team(s->nthreads, 3.0 * (double) k * k * d);
  CKM_PARALLEL(nt, parallel for num_threads(nt) schedule(dynamic, 1),
  for (int q = 0; q < nchunks; q++) {
    double *buf = h->b.thread_buf + (size_t) ckm_thread_num() * h->b.stride;
    const int j0 = q * CKM_ROWS_CHUNK;
    const int len = k - j0 < CKM_ROWS_CHUNK ? k - j0 : CKM_ROWS_CHUNK;
    ckm_idx rows[CKM_ROWS_CHUNK];
    for (int t = 0; t < len; t++)
      rows[t] = j0 + t;
    ckm_plain_rows(s->wide, s->centers, k, d, s->ct, k, rows, len, buf + h->b.rows_at,
                   h->clab + j0, h->cbest + j0, h->half + j0);
  });
  (void) nt;
  for (int j = 0; j < k; j++)
    h->half[j] = 0.5 * ckm_dist_down(h->half[j], slack, abs_slack);
  if (moved > 0)
    for (ckm_idx i = 0; i < s->n; i++) {
      h->lower[i] = 0.0;
      h->b.upper[i] = INFINITY;
    }
}

/* What a pass over a tile needs: the state, and the largest and second
 * largest drift (jmax: the centre of the largest). */
typedef struct hamerly_step {
  hamerly *h;
  int jmax;
  double p1, p2;
} hamerly_step;

/* A pass over one tile (ckm_pass_tiles(); me: the thread): the labels
 * changed. */
static ckm_idx hamerly_tile(ckm_state *s, void *ctx, ckm_idx tile, int me)
{
  const hamerly_step *hs = (const hamerly_step *) ctx;
  hamerly *h = hs->h;
  const ckm_idx n = s->n;
  double *buf = h->b.thread_buf + (size_t) me * h->b.stride;
  const ckm_idx i0 = tile * CKM_TILE;
  const int len = (int) (n - i0 < CKM_TILE ? n - i0 : CKM_TILE);
  double *upper = h->b.upper + i0, *lower = h->lower + i0;
  int fail[CKM_TILE];
  double bound[CKM_TILE];

  /* 1. move the bounds by the drifts; most points stop here, without
   *    reading their row of X */
  const int nf = ckm_sweep_bounds(s->wide, len, s->labels + i0, upper, lower,
                                  h->b.drift, h->half, s->k, hs->jmax, hs->p1,
                                  hs->p2, fail, bound, s->x + i0, n, s->d);
  /* 2. and 3. the exact distance to the own centre, then every centre
   *    for the points it does not settle, together */
  if (nf == 0)
    return 0;
  return ckm_bounds_settle(s, s->fast != NULL, i0, fail, nf, bound, upper, lower,
                           buf + h->b.rows_at, NULL);
}

static ckm_idx hamerly_pass(ckm_state *s, double *inertia)
{
  (void) inertia;
  hamerly *h = (hamerly *) s->alg;
  const int k = s->k;
  const double *drift = h->b.drift;
  /* the largest and second largest drift: a point's single bound loosens
   * by the largest move of a centre other than its own */
  hamerly_step hs = {h, 0, 0.0, 0.0};
  for (int j = 0; j < k; j++) {
    if (drift[j] > hs.p1) {
      hs.p2 = hs.p1;
      hs.p1 = drift[j];
      hs.jmax = j;
    } else if (drift[j] > hs.p2) {
      hs.p2 = drift[j];
    }
  }
  const int nt = ckm_team(s->nthreads, 3.0 * (double) s->n * s->d * 4.0);
  if (s->fast)
    ckm_fast_pack(s->fast, s->centers, k); /* this pass's centres */
  return ckm_pass_tiles(s, nt, 0, hamerly_tile, &hs);
}

const ckm_algo ckm_hamerly_algo = {
  0, hamerly_workspace, hamerly_carve, hamerly_first, hamerly_pass, hamerly_after
};

/*
 * bounds.h: what the bound-based algorithms (hamerly.c, yinyang.c) share.
 *
 * Both keep, per point, an upper bound on the distance to its own centre
 * and lower bounds on the distance to the others, and loosen them by how
 * far the centres moved; a point whose upper bound is below every lower
 * bound cannot change cluster and is skipped.
 *
 * Exactly Lloyd. The distance of every point not skipped to its own centre
 * is recomputed with the same operations as Lloyd's, bounds are widened by
 * a relative slack that covers the rounding of distances and square roots
 * (and an absolute one for squares too small to be normal numbers), and
 * the skip test is strict, so a skipped point is strictly nearer its own
 * centre than any other in the exact distances Lloyd compares; every point
 * not skipped is compared with all candidate centres, ties to the lowest
 * index. Hence the same labels, centres and iterations as Lloyd's, bit for
 * bit.
 */
#ifndef CKM_BOUNDS_H
#define CKM_BOUNDS_H

#include "internal.h"
#include "kernels.h"

/* The part of a bound algorithm's state both share; the first member of
 * each one's private state (s->alg). */
typedef struct ckm_bounds {
  double *upper;      /* upper bound on the distance to the own centre (n) */
  double *drift;      /* per centre: upper bound on its last move (k) */
  double *thread_buf; /* per thread: k + d + extra doubles, then the rows
                         of ckm_plain_rows() (CKM_ROWS_CHUNK x d) */
  size_t stride, rows_at;
} ckm_bounds;

/* Size and carving of the shared part; `extra`: doubles per thread beyond
 * k + d. */
static inline size_t ckm_bounds_common_size(ckm_idx n, int d, int k,
                                            int extra, int nthreads)
{
  return carved(sizeof(double) * (size_t) k) +
         carved(sizeof(double) * (size_t) n) +
         carved(sizeof(double) *
                ((size_t) k + (size_t) d * (1 + CKM_ROWS_CHUNK) + (size_t) extra) *
                (size_t) nthreads);
}

static inline void ckm_bounds_common_carve(ckm_bounds *b, const ckm_state *s,
                                           carver *cv, int extra)
{
  b->drift = carve(cv, sizeof(double) * (size_t) s->k);
  b->upper = carve(cv, sizeof(double) * (size_t) s->n);
  b->rows_at = (size_t) s->k + (size_t) s->d + (size_t) extra;
  b->stride = b->rows_at + (size_t) s->d * CKM_ROWS_CHUNK;
  b->thread_buf = carve(cv, sizeof(double) * b->stride * (size_t) s->nthreads);
}

/* After a centre update: how far each centre moved (rounded up) into
 * b->drift, and the new centres' rows into s->ct. */
static inline void ckm_bounds_drift(ckm_bounds *b, ckm_state *s)
{
  const int k = s->k, d = s->d;
  const double slack = ckm_slack(d), abs_slack = ckm_abs_slack(d);
  for (int j = 0; j < k; j++) {
    double m = 0.0;
    for (int c = 0; c < d; c++) {
      double df = s->centers[j + (size_t) k * c] - s->old[j + (size_t) k * c];
      m += df * df;
    }
    b->drift[j] = ckm_dist_up(m, slack, abs_slack);
  }
  ckm_transpose_centres(s->centers, k, d, s->ct);
}

/* Shrink a lower bound by a drift, rounding down. */
static inline double ckm_loosen(double l, double p)
{
  double v = l - p;
  return v > 0.0 ? v * (1.0 - 2.0 * DBL_EPSILON) : 0.0;
}

/* Grow an upper bound by a drift, rounding up. */
static inline double ckm_widen(double u, double p)
{
  return (u + p) * (1.0 + 2.0 * DBL_EPSILON);
}

/* Step 1 of a pass over a tile of len points with one lower bound each
 * (sweep.c): upper[t] = ckm_widen(upper[t], drift[lab[t]]), lower[t] =
 * ckm_loosen(lower[t], lab[t] == jmax ? p2 : p1), and the points with
 * !(upper < m), m = lower (or max(lower, half[lab]) with half), listed in
 * fail with m in bound; returns their number. wide: s->wide (the build);
 * k: the size of drift and half. x0: the tile's first row of X (n rows, d
 * columns), whose listed rows the SIMD builds start loading into the cache
 * (a hint only; NULL for none). */
int ckm_sweep_bounds(int wide, int len, const int *lab, double *upper,
                     double *lower, const double *drift, const double *half,
                     int k, int jmax, double p1, double p2, int *fail,
                     double *bound, const double *x0, ckm_idx n, int d);

/* One-group Yinyang keeps its bounds as gaps (sweep.c): per point g, a
 * lower bound on (l + M_s) - (u - A_a,s), and lp = l + M_s rounded down,
 * where A[j] is the path centre j has travelled (each pass's drift added,
 * rounded up) and M the sum of the passes' largest drifts, at pass s when
 * the point's bounds u and l were last set. ckm_sweep_gaps() lists the
 * points of a tile with !(g > T[lab]), T[j] >= A[j] + M now, and their
 * lower bound now (lp - M, rounded down) in bound; no bound is written. */
typedef struct ckm_gaps {
  const double *A; /* per centre: the path travelled (k) */
  double M;        /* the sum of the largest drifts */
} ckm_gaps;

int ckm_sweep_gaps(int wide, int len, const int *lab, const double *gap,
                   const double *lp, const double *T, double M, int k,
                   int *fail, double *bound, const double *x0, ckm_idx n, int d);

/* lp for a lower bound l set now: l + M, rounded down. */
static inline double ckm_gap_lp(double l, double M)
{
  return (l + M) * (1.0 - 2.0 * DBL_EPSILON);
}

/* g for an upper bound u (on the own centre, a) set now: a lower bound on
 * lp - (u - A[a]). Each of the two differences is within half an ulp of
 * its result, so 4 eps (|lp| + u + A) covers both; an infinite u (no bound)
 * gives -Inf, as does an infinite lp (no other centre: no test needed, but
 * nothing is lost by looking). */
static inline double ckm_gap_g(double lp, double u, double A)
{
  if (isinf(lp) || isinf(u))
    return -INFINITY;
  return lp - (u - A) - 4.0 * DBL_EPSILON * (fabs(lp) + u + A);
}

/* Exact squared distances of the points fail[0..nf) of the tile starting
 * at row i0 to their own centres, into own[], a column at a time through
 * the tile of X (the operations and order of Lloyd's distances). */
static inline void ckm_bounds_own_d2(const ckm_state *s, ckm_idx i0,
                                     const int *lab, const int *fail, int nf,
                                     double *own)
{
  const int d = s->d;
  for (int q = 0; q < nf; q++)
    own[q] = 0.0;
  for (int c = 0; c < d; c++) {
    const double *xc = s->x + (size_t) c * (size_t) s->n + (size_t) i0;
    for (int q = 0; q < nf; q++) {
      int t = fail[q];
      double df = xc[t] - s->ct[(size_t) lab[t] * d + c];
      own[q] += df * df;
    }
  }
}

/* Steps 2 and 3 of a pass with one lower bound per point (Hamerly,
 * one-group Yinyang) for the points fail[0 .. nf) of the tile at i0 that
 * the sweep listed, bound[] their lower bounds; upper and lower point at
 * the tile's bounds. The exact distance to the own centre settles most;
 * the others go through a kernel together: the blocked one (fast: s->fast,
 * packed for this pass), which gives the nearest centre, its distance and
 * a lower bound on the second, or the plain kernel's rows (rowbuf:
 * CKM_ROWS_CHUNK x d doubles), the nearest (ties to the lowest index) and
 * the second nearest exactly. Labels and both bounds are updated; returns
 * the number of labels changed. gp: upper and lower hold gaps and lp (see
 * ckm_gaps; one-group Yinyang), NULL: the bounds themselves (Hamerly). */
static inline ckm_idx ckm_bounds_settle(ckm_state *s, int fast, ckm_idx i0,
                                        int *fail, int nf, double *bound,
                                        double *upper, double *lower,
                                        double *rowbuf, const ckm_gaps *gp)
{
  const double slack = ckm_slack(s->d), abs_slack = ckm_abs_slack(s->d);
  int *lab = s->labels + i0;
  double own[CKM_TILE];
  ckm_idx rows[CKM_TILE], changed = 0;
  ckm_bounds_own_d2(s, i0, lab, fail, nf, own);
  int nb = 0;
  for (int q = 0; q < nf; q++) {
    const int t = fail[q];
    const double u = ckm_dist_up(own[q], slack, abs_slack);
    if (!(u < bound[q])) {
      rows[nb] = i0 + t;
      fail[nb++] = t; /* q >= nb: fail[q] is already read */
      continue;
    }
    /* settled in its own cluster */
    upper[t] = gp ? ckm_gap_g(lower[t], u, gp->A[lab[t]]) : u;
  }
  if (nb == 0)
    return 0;
  int win[CKM_TILE];
  /* own and bound are free now: the distances and second bounds */
  if (fast)
    ckm_fast_rows(s->fast, s->x, s->n, s->ct, rows, nb, win, own, bound);
  else
    ckm_plain_rows(s->wide, s->x, s->n, s->d, s->ct, s->k, rows, nb, rowbuf, win,
                   own, bound);
  for (int q = 0; q < nb; q++) {
    const int t = fail[q];
    changed += win[q] != lab[t];
    lab[t] = win[q];
    const double l = ckm_dist_down(bound[q], slack, abs_slack),
                 u = ckm_dist_up(own[q], slack, abs_slack);
    if (gp) {
      lower[t] = ckm_gap_lp(l, gp->M);
      upper[t] = ckm_gap_g(lower[t], u, gp->A[win[q]]);
    } else {
      lower[t] = l;
      upper[t] = u;
    }
  }
  return changed;
}

#endif

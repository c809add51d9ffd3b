/*
 * yinyang.c: exact accelerated k-means after Ding et al. (2015), Yinyang
 * k-means: the centres split into about k/10 groups (by a few Lloyd steps
 * on the starting centres), one lower bound per point and group, so a
 * point only looks again at the groups whose bound it has crossed. The
 * guarantees (Lloyd's moves, bit for bit) are those of bounds.h.
 */
#include <math.h>
#include <string.h>

#include "ckm.h"
#include "ckm_omp.h"
#include "bounds.h"

/* Yinyang's private state (s->alg). */
typedef struct yinyang {
  ckm_bounds b;
  int groups;         /* groups of centres, about k / 10 */
  double *lower;      /* per point and group: lower bound on the distance
                         to the group's centres other than its own
                         (n x groups) */
  int *group_of;      /* centre -> group */
  int *group_start;   /* groups + 1 offsets into group_members */
  int *group_members;
  double *group_drift;
  double *ctg;        /* the centres in group order (k rows of d) */
  double *cent, *sum; /* grouping scratch */
  int *cnt;
  /* one group: the bounds as gaps (bounds.h: b.upper holds g, lower lp) */
  double *path;       /* per centre: the path travelled, A (k) */
  double *thresh;     /* per centre: T >= A + M, this pass's (k) */
  double moves;       /* the sum of the passes' largest drifts, M */
  double *tiles;      /* several groups, per thread: YY_ROWS rows of X (twice)
                         and their distances to the centres (twice):
                         2 (d + k) x YY_ROWS */
} yinyang;

/* Rows of the first pass whose distances are computed together (several
 * groups; a multiple of 8). */
#define YY_ROWS 32

static int yinyang_groups(int k)
{
  int t = k / 10;
  return t < 1 ? 1 : t;
}

static size_t yinyang_workspace(ckm_idx n, int d, int k, int nthreads)
{
  const size_t kk = (size_t) k, t = (size_t) yinyang_groups(k);
  return carved(sizeof(yinyang)) +
         ckm_bounds_common_size(n, d, k, (int) t, nthreads) +
         carved(sizeof(double) * (size_t) n * t) +
         carved(sizeof(int) * kk) * 2 + carved(sizeof(int) * (t + 1)) +
         carved(sizeof(double) * t) +
         carved(sizeof(double) * kk * (size_t) d) +    /* ctg */
         carved(sizeof(double) * t * (size_t) d) * 2 + /* grouping */
         carved(sizeof(int) * t) +
         carved(sizeof(double) * kk) * 2 + /* path, thresh */
         (t > 1 ? carved(sizeof(double) * 2 * (kk + (size_t) d) * YY_ROWS *
                         (size_t) (nthreads < 1 ? 1 : nthreads))
                : 0);
}

static void yinyang_carve(ckm_state *s, carver *cv)
{
  yinyang *y = carve(cv, sizeof(yinyang));
  const size_t kk = (size_t) s->k, t = (size_t) yinyang_groups(s->k);
  y->groups = (int) t;
  ckm_bounds_common_carve(&y->b, s, cv, y->groups);
  y->lower = carve(cv, sizeof(double) * (size_t) s->n * t);
  y->group_of = carve(cv, sizeof(int) * kk);
  y->group_members = carve(cv, sizeof(int) * kk);
  y->group_start = carve(cv, sizeof(int) * (t + 1));
  y->group_drift = carve(cv, sizeof(double) * t);
  y->ctg = carve(cv, sizeof(double) * kk * (size_t) s->d);
  y->cent = carve(cv, sizeof(double) * t * (size_t) s->d);
  y->sum = carve(cv, sizeof(double) * t * (size_t) s->d);
  y->cnt = carve(cv, sizeof(int) * t);
  y->path = carve(cv, sizeof(double) * kk);
  y->thresh = carve(cv, sizeof(double) * kk);
  y->tiles = t > 1 ? carve(cv, sizeof(double) * 2 * (kk + (size_t) s->d) * YY_ROWS *
                                   (size_t) s->nthreads)
                   : NULL;
  y->moves = 0.0;
  s->alg = y;
}

/* ---- grouping the centres ------------------------------------------------ */

/* Group the k starting centres (transposed, in s->ct) into t groups by five
 * Lloyd steps from evenly spaced centres; deterministic, no randomness. */
static void group_centres(yinyang *y, const ckm_state *s)
{
  const int k = s->k, d = s->d, t = y->groups;
  double *gc = y->cent, *gs = y->sum;
  int *cnt = y->cnt;
  for (int g = 0; g < t; g++)
    memcpy(gc + (size_t) g * d, s->ct + (size_t) ((size_t) g * k / t) * d,
           sizeof(double) * d);
  for (int step = 0; step < 5; step++) {
    for (int j = 0; j < k; j++) {
      int best = 0;
      double bd = ckm_exact_d2(s->ct + (size_t) j * d, gc, d);
      for (int g = 1; g < t; g++) {
        double v = ckm_exact_d2(s->ct + (size_t) j * d, gc + (size_t) g * d, d);
        if (v < bd) {
          bd = v;
          best = g;
        }
      }
      y->group_of[j] = best;
    }
    memset(gs, 0, sizeof(double) * (size_t) t * d);
    memset(cnt, 0, sizeof(int) * (size_t) t);
    for (int j = 0; j < k; j++) {
      int g = y->group_of[j];
      cnt[g]++;
      for (int c = 0; c < d; c++)
        gs[(size_t) g * d + c] += s->ct[(size_t) j * d + c];
    }
    for (int g = 0; g < t; g++)
      if (cnt[g] > 0)
        for (int c = 0; c < d; c++)
          gc[(size_t) g * d + c] = gs[(size_t) g * d + c] / cnt[g];
  }
  /* members listed group by group, in index order within a group */
  y->group_start[0] = 0;
  for (int g = 0; g < t; g++) {
    int c = 0;
    for (int j = 0; j < k; j++)
      c += y->group_of[j] == g;
    y->group_start[g + 1] = y->group_start[g] + c;
  }
  int *fill = cnt;
  for (int g = 0; g < t; g++)
    fill[g] = y->group_start[g];
  for (int j = 0; j < k; j++)
    y->group_members[fill[y->group_of[j]]++] = j;
}

/* The centres in group order (y->ctg). */
static void fill_ctg(yinyang *y, const ckm_state *s)
{
  const int d = s->d;
  for (int q = 0; q < s->k; q++)
    memcpy(y->ctg + (size_t) q * d, s->ct + (size_t) y->group_members[q] * d,
           sizeof(double) * d);
}

/* One point, its squared distances to the members of the groups flagged
 * in `look` (all when look is NULL) in buf (group order; ckm_dist_all()'s): the winner among
 * them and `own` (at squared distance d2own), ties to the lowest index;
 * new group bounds. */
static int yinyang_pick(const yinyang *y, const ckm_state *s, const double *buf,
                        const double *look, int own, double d2own, double *lb,
                        double *best_d2)
{
  const int d = s->d, t = y->groups;
  const double slack = ckm_slack(d), abs_slack = ckm_abs_slack(d);
  int best = own;
  double bd = d2own;
  for (int g = 0; g < t; g++) {
    if (look && look[g] == 0.0)
      continue;
    const int q0 = y->group_start[g], q1 = y->group_start[g + 1];
    for (int q = q0; q < q1; q++) {
      int j = y->group_members[q];
      if (buf[q] < bd || (buf[q] == bd && j < best)) {
        bd = buf[q];
        best = j;
      }
    }
  }
  for (int g = 0; g < t; g++) {
    if (look && look[g] == 0.0)
      continue;
    double m = INFINITY;
    for (int q = y->group_start[g]; q < y->group_start[g + 1]; q++)
      if (y->group_members[q] != best && buf[q] < m)
        m = buf[q];
    lb[g] = ckm_dist_down(m, slack, abs_slack);
  }
  if (look && best != own && own >= 0) {
    /* the old centre is now one of the others: its group's bound must
     * cover it (when the group was searched, it already does) */
    int g = y->group_of[own];
    double v = ckm_dist_down(d2own, slack, abs_slack);
    if (look[g] == 0.0 && v < lb[g])
      lb[g] = v;
  }
  *best_d2 = bd;
  return best;
}

/* ---- the passes --------------------------------------------------------- */

/* The first pass with several groups over one tile (ckm_pass_tiles()):
 * YY_ROWS points at a time, their distances to every centre together
 * (several points a vector: the bits of one point at a time); labels,
 * distances, bounds and the tile's sum. */
static ckm_idx first_tile(ckm_state *s, void *ctx, ckm_idx tile, int me)
{
  yinyang *y = (yinyang *) ctx;
  const ckm_idx n = s->n;
  const int d = s->d, vw = ckm_dist_all_width(s->wide);
  const double slack = ckm_slack(d), abs_slack = ckm_abs_slack(d);
  double *buf = y->b.thread_buf + (size_t) me * y->b.stride;
  double *rows = y->tiles + (size_t) me * (size_t) (2 * (s->k + d)) * YY_ROWS;
  double *pre = rows + (size_t) d * YY_ROWS;
  const ckm_idx i0 = tile * CKM_TILE, i1 = i0 + CKM_TILE < n ? i0 + CKM_TILE : n;
  double sum = 0.0;
  ckm_idx changed = 0;
  for (ckm_idx r0 = i0; r0 < i1; r0 += YY_ROWS) {
    const int m = (int) (i1 - r0 < YY_ROWS ? i1 - r0 : YY_ROWS);
    const int mp = (m + vw - 1) / vw * vw;
    for (int c = 0; c < d; c++) {
      const double *xc = s->x + (size_t) c * (size_t) n + (size_t) r0;
      double *rc = rows + (size_t) c * YY_ROWS;
      for (int q = 0; q < m; q++)
        rc[q] = xc[q];
      for (int q = m; q < mp; q++)
        rc[q] = 0.0;
    }
    ckm_dist_all(s->wide, rows, YY_ROWS, mp, d, y->ctg, s->k, pre);
    for (int q = 0; q < m; q++) {
      const ckm_idx i = r0 + q;
      for (int j = 0; j < s->k; j++)
        buf[j] = pre[(size_t) j * YY_ROWS + q];
      double bd;
      int best = yinyang_pick(y, s, buf, NULL, s->k, INFINITY,
                              y->lower + (size_t) i * y->groups, &bd);
      changed += s->labels[i] != best;
      s->labels[i] = best;
      s->dist[i] = bd;
      y->b.upper[i] = ckm_dist_up(bd, slack, abs_slack);
      sum += bd;
    }
  }
  s->tile_sums[tile] = sum;
  return changed;
}

static ckm_idx yinyang_first(ckm_state *s, double *inertia)
{
  yinyang *y = (yinyang *) s->alg;
  const ckm_idx n = s->n;
  const int d = s->d;
  const double slack = ckm_slack(d), abs_slack = ckm_abs_slack(d);
  double *upper = y->b.upper;
  group_centres(y, s);
  fill_ctg(y, s);
  if (y->groups == 1) {
    /* one group: its bound is the second-nearest distance, which the
     * assignment pass gives (into the bounds in place); kept as gaps,
     * with no path travelled yet */
    ckm_idx changed = ckm_assign_pass(s, y->lower, inertia);
    for (int j = 0; j < s->k; j++)
      y->path[j] = 0.0;
    y->moves = 0.0;
    for (ckm_idx i = 0; i < n; i++) {
      y->lower[i] = ckm_gap_lp(ckm_dist_down(y->lower[i], slack, abs_slack), 0.0);
      upper[i] = ckm_gap_g(y->lower[i], ckm_dist_up(s->dist[i], slack, abs_slack), 0.0);
    }
    return changed;
  }
  /* one exact pass over all the centres, polling between blocks */
  const int nt = ckm_team(s->nthreads, 3.0 * (double) n * s->k * d);
  const ckm_idx changed = ckm_pass_tiles(s, nt, ckm_block_tiles(3.0 * (double) s->k * d),
                                         first_tile, y);
  *inertia = ckm_tile_total(s->comm, s->tile_sums, ckm_ntiles(n), &s->status);
  return changed;
}

static void yinyang_after(ckm_state *s, ckm_idx moved)
{
  yinyang *y = (yinyang *) s->alg;
  ckm_bounds_drift(&y->b, s);
  for (int g = 0; g < y->groups; g++) {
    double m = 0.0;
    for (int q = y->group_start[g]; q < y->group_start[g + 1]; q++)
      if (y->b.drift[y->group_members[q]] > m)
        m = y->b.drift[y->group_members[q]];
    y->group_drift[g] = m;
  }
  fill_ctg(y, s);
  if (y->groups == 1) {
    /* the paths and the moves' sum grow by this pass's drifts (rounded
     * up, so that their growth since any pass bounds the moves since);
     * the thresholds of the next sweep */
    const double up = 1.0 + 2.0 * DBL_EPSILON;
    y->moves = (y->moves + y->group_drift[0]) * up;
    for (int j = 0; j < s->k; j++) {
      y->path[j] = (y->path[j] + y->b.drift[j]) * up;
      y->thresh[j] = (y->path[j] + y->moves) * up;
    }
  }
  if (moved > 0) {
    /* no bound holds (g = -Inf lists every point; lp - M is no bound
     * below 0, and the settle computes them anew) */
    for (size_t q = 0; q < (size_t) s->n * y->groups; q++)
      y->lower[q] = 0.0;
    for (ckm_idx i = 0; i < s->n; i++)
      y->b.upper[i] = y->groups == 1 ? -INFINITY : INFINITY;
  }
}

/* A pass over one tile (ckm_pass_tiles(); me: the thread): the labels
 * changed. */
static ckm_idx yinyang_tile(ckm_state *s, void *ctx, ckm_idx tile, int me)
{
  yinyang *y = (yinyang *) ctx;
  const ckm_idx n = s->n;
  const int d = s->d, k = s->k, groups = y->groups;
  const double slack = ckm_slack(d), abs_slack = ckm_abs_slack(d);
  const double *drift = y->b.drift;
  const int vw = ckm_dist_all_width(s->wide);
  ckm_idx changed = 0;
  double *buf = y->b.thread_buf + (size_t) me * y->b.stride;
  double *look = buf + k + d;
  const ckm_idx i0 = tile * CKM_TILE;
  const int len = (int) (n - i0 < CKM_TILE ? n - i0 : CKM_TILE);
  int *lab = s->labels + i0;
  double *upper = y->b.upper + i0;
  int fail[CKM_TILE];
  double bound[CKM_TILE], own[CKM_TILE];
  int nf = 0;

  /* 1. move the bounds by the drifts; most points stop here, without
   *    reading their row of X (one group: the sweep of Hamerly's single
   *    bound, whose lower bounds all shrink by the group's drift) */
  if (groups == 1) {
    /* steps 2 and 3 as Hamerly's (every centre, for the points the own
     * distance does not settle) */
    const ckm_gaps gp = {y->path, y->moves};
    nf = ckm_sweep_gaps(s->wide, len, lab, upper, y->lower + i0, y->thresh,
                        y->moves, k, fail, bound, s->x + i0, s->n, s->d);
    if (nf > 0)
      changed += ckm_bounds_settle(s, 0, i0, fail, nf, bound, upper, y->lower + i0,
                                   buf + y->b.rows_at, &gp);
    return changed;
  }
  for (int t = 0; t < len; t++) {
    const int a = lab[t];
    double u = ckm_widen(upper[t], drift[a]);
    double *lb = y->lower + (size_t) (i0 + t) * groups;
    double m = INFINITY;
    for (int g = 0; g < groups; g++) {
      lb[g] = ckm_loosen(lb[g], y->group_drift[g]);
      if (lb[g] < m)
        m = lb[g];
    }
    upper[t] = u;
    if (!(u < m)) {
      bound[nf] = m;
      fail[nf++] = t;
    }
  }
  if (nf == 0)
    return changed;

  /* 2. tighten the upper bounds of the others */
  ckm_bounds_own_d2(s, i0, lab, fail, nf, own);

  /* 3. the points still not settled: the groups whose bound they
   *    cross, YY_ROWS points at a time, each group's distances for the
   *    points that look at it computed together (several points a
   *    vector: the bits of one at a time) */
  double *rows = y->tiles + (size_t) me * (size_t) (2 * (k + d)) * YY_ROWS;
  double *sub = rows + (size_t) d * YY_ROWS;
  double *res = sub + (size_t) d * YY_ROWS;
  double *out = res + (size_t) k * YY_ROWS;
  int deep[YY_ROWS], at[YY_ROWS];
  double ud[YY_ROWS];
  for (int q0 = 0; q0 < nf;) {
    int m = 0;
    for (; q0 < nf && m < YY_ROWS; q0++) {
      const int t = fail[q0], a = lab[t];
      double u = ckm_dist_up(own[q0], slack, abs_slack);
      if (!(u < bound[q0])) {
        deep[m] = q0;
        ud[m++] = u;
      } else {
        upper[t] = u;
      }
      (void) a;
    }
    if (m == 0)
      continue;
    for (int c = 0; c < d; c++) {
      const double *xc = s->x + (size_t) c * (size_t) n + (size_t) i0;
      double *rc = rows + (size_t) c * YY_ROWS;
      for (int p = 0; p < m; p++)
        rc[p] = xc[fail[deep[p]]];
    }
    for (int g = 0; g < groups; g++) {
      int ns = 0;
      for (int p = 0; p < m; p++)
        if (!(ud[p] < y->lower[(size_t) (i0 + fail[deep[p]]) * groups + g]))
          at[ns++] = p;
      if (ns == 0)
        continue;
      const int nsp = (ns + vw - 1) / vw * vw;
      for (int c = 0; c < d; c++) {
        const double *rc = rows + (size_t) c * YY_ROWS;
        double *sc = sub + (size_t) c * YY_ROWS;
        for (int r = 0; r < ns; r++)
          sc[r] = rc[at[r]];
        for (int r = ns; r < nsp; r++)
          sc[r] = 0.0;
      }
      const int g0 = y->group_start[g], g1 = y->group_start[g + 1];
      ckm_dist_all(s->wide, sub, YY_ROWS, nsp, d, y->ctg + (size_t) g0 * d, g1 - g0, out);
      for (int j = 0; j < g1 - g0; j++)
        for (int r = 0; r < ns; r++)
          res[(size_t) (g0 + j) * YY_ROWS + at[r]] = out[(size_t) j * YY_ROWS + r];
    }
    for (int p = 0; p < m; p++) {
      const int q = deep[p], t = fail[q], a = lab[t];
      const ckm_idx i = i0 + t;
      double *lb = y->lower + (size_t) i * groups;
      for (int g = 0; g < groups; g++) {
        look[g] = !(ud[p] < lb[g]);
        if (look[g] != 0.0)
          for (int j = y->group_start[g]; j < y->group_start[g + 1]; j++)
            buf[j] = res[(size_t) j * YY_ROWS + p];
      }
      double bd;
      const int best = yinyang_pick(y, s, buf, look, a, own[q], lb, &bd);
      changed += best != a;
      lab[t] = best;
      upper[t] = ckm_dist_up(bd, slack, abs_slack);
    }
  }
  return changed;
}

static ckm_idx yinyang_pass(ckm_state *s, double *inertia)
{
  (void) inertia;
  const int nt = ckm_team(s->nthreads, 3.0 * (double) s->n * s->d * 4.0);
  return ckm_pass_tiles(s, nt, 0, yinyang_tile, s->alg);
}

const ckm_algo ckm_yinyang_algo = {
  0, yinyang_workspace, yinyang_carve, yinyang_first, yinyang_pass, yinyang_after
};

/*
 * bounds.c: exact accelerated k-means, Hamerly (2010) and Yinyang (Ding et
 * al. 2015).
 *
 * Both keep, per point, lower bounds on the distance to the centres other
 * than its own, and loosen them by how far the centres moved; a point whose
 * distance to its own centre is below every bound cannot change cluster and
 * is skipped. Hamerly keeps one bound per point (the second-nearest centre)
 * and also uses half the distance from its centre to the nearest other
 * centre. Yinyang splits the centres into about k/10 groups (by a few Lloyd
 * steps on the starting centres) and keeps one bound per point and group,
 * so a point only looks again at the groups whose bound it has crossed.
 *
 * Exactly Lloyd. The distance of every point to its own centre is
 * recomputed each pass, with the same operations as Lloyd (it is needed for
 * the inertia anyway, and makes the test tight). Bounds are widened by a
 * relative slack that covers the rounding of distances and square roots
 * (and an absolute one for squares too small to be normal numbers),
 * and the skip test is strict, so a skipped point is strictly nearer its own
 * centre than any other in the exact distances Lloyd compares; every point
 * not skipped is compared with all candidate centres, ties to the lowest
 * index. Hence the same labels, centres and iterations as Lloyd's, bit for
 * bit.
 */
#include <math.h>
#include <string.h>

#include "ckm.h"
#include "ckm_omp.h"
#include "internal.h"
#include "kernels.h"

static int yinyang_groups(int k)
{
  int t = k / 10;
  return t < 1 ? 1 : t;
}

size_t ckm_bounds_workspace(ckm_idx n, int d, int k, int algorithm,
                            int nthreads)
{
  size_t kk = (size_t) k, nn = (size_t) n, tb = (size_t) nthreads;
  size_t t = algorithm == CKM_YINYANG ? (size_t) yinyang_groups(k) : 0;
  size_t bytes = carved(sizeof(double) * kk) +                     /* drift */
                 (algorithm ? carved(sizeof(double) * nn) : 0) +     /* upper */
                 carved(sizeof(double) * (kk + (size_t) d + t) * tb); /* buffers */
  if (algorithm == CKM_HAMERLY) {
    bytes += carved(sizeof(double) * nn) + carved(sizeof(double) * kk);
  } else if (algorithm == CKM_YINYANG) {
    bytes += carved(sizeof(double) * nn * t) +
             carved(sizeof(int) * kk) * 2 + carved(sizeof(int) * (t + 1)) +
             carved(sizeof(double) * t) +
             carved(sizeof(double) * kk * (size_t) d) +     /* ctg */
             carved(sizeof(double) * t * (size_t) d) * 2 +  /* grouping */
             carved(sizeof(int) * t);
  }
  return bytes;
}

void ckm_bounds_carve(ckm_state *s, carver *cv, int algorithm)
{
  size_t kk = (size_t) s->k, nn = (size_t) s->n;
  s->yy.groups = algorithm == CKM_YINYANG ? yinyang_groups(s->k) : 0;
  s->drift = carve(cv, sizeof(double) * kk);
  if (algorithm != CKM_LLOYD)
    s->upper = carve(cv, sizeof(double) * nn);
  s->thread_buf_stride = kk + (size_t) s->d + (size_t) s->yy.groups;
  s->thread_buf = carve(cv, sizeof(double) * s->thread_buf_stride *
                                (size_t) s->nthreads);
  if (algorithm == CKM_HAMERLY) {
    s->ham.lower = carve(cv, sizeof(double) * nn);
    s->ham.half = carve(cv, sizeof(double) * kk);
  } else if (algorithm == CKM_YINYANG) {
    size_t t = (size_t) s->yy.groups;
    s->yy.lower = carve(cv, sizeof(double) * nn * t);
    s->yy.group_of = carve(cv, sizeof(int) * kk);
    s->yy.group_members = carve(cv, sizeof(int) * kk);
    s->yy.group_start = carve(cv, sizeof(int) * (t + 1));
    s->yy.group_drift = carve(cv, sizeof(double) * t);
    s->yy.ctg = carve(cv, sizeof(double) * kk * (size_t) s->d);
    s->yy.cent = carve(cv, sizeof(double) * t * (size_t) s->d);
    s->yy.sum = carve(cv, sizeof(double) * t * (size_t) s->d);
    s->yy.cnt = carve(cv, sizeof(int) * t);
  }
}

/* ---- Yinyang: grouping the centres -------------------------------------- */

/* Group the k starting centres (transposed, in s->ct) into t groups by five
 * Lloyd steps from evenly spaced centres; deterministic, no randomness. */
static void group_centres(ckm_state *s)
{
  const int k = s->k, d = s->d, t = s->yy.groups;
  double *gc = s->yy.cent, *gs = s->yy.sum;
  int *cnt = s->yy.cnt;
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
      s->yy.group_of[j] = best;
    }
    memset(gs, 0, sizeof(double) * (size_t) t * d);
    memset(cnt, 0, sizeof(int) * (size_t) t);
    for (int j = 0; j < k; j++) {
      int g = s->yy.group_of[j];
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
  s->yy.group_start[0] = 0;
  for (int g = 0; g < t; g++) {
    int c = 0;
    for (int j = 0; j < k; j++)
      c += s->yy.group_of[j] == g;
    s->yy.group_start[g + 1] = s->yy.group_start[g] + c;
  }
  int *fill = cnt;
  for (int g = 0; g < t; g++)
    fill[g] = s->yy.group_start[g];
  for (int j = 0; j < k; j++)
    s->yy.group_members[fill[s->yy.group_of[j]]++] = j;
}

/* The centres in group order (s->yy.ctg). */
static void fill_ctg(ckm_state *s)
{
  const int d = s->d;
  for (int q = 0; q < s->k; q++)
    memcpy(s->yy.ctg + (size_t) q * d, s->ct + (size_t) s->yy.group_members[q] * d,
           sizeof(double) * d);
}

/* Yinyang for one point: distances to the members of the groups flagged in
 * `look` (all when look is NULL); the winner among them and `own` (at
 * squared distance d2own), ties to the lowest index; new group bounds. */
static int yinyang_point(ckm_state *s, const double *pt, double *buf,
                         const double *look, int own, double d2own,
                         double *lb, double *best_d2)
{
  const int d = s->d, t = s->yy.groups;
  const double *ctg = s->yy.ctg;
  const double slack = ckm_slack(d), abs_slack = ckm_abs_slack(d);
  int best = own;
  double bd = d2own;
  for (int g = 0; g < t; g++) {
    if (look && look[g] == 0.0)
      continue;
    const int q0 = s->yy.group_start[g], q1 = s->yy.group_start[g + 1];
    ckm_exact_range(pt, ctg, d, q0, q1, buf);
    for (int q = q0; q < q1; q++) {
      int j = s->yy.group_members[q];
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
    for (int q = s->yy.group_start[g]; q < s->yy.group_start[g + 1]; q++)
      if (s->yy.group_members[q] != best && buf[q] < m)
        m = buf[q];
    lb[g] = ckm_dist_down(m, slack, abs_slack);
  }
  if (look && best != own && own >= 0) {
    /* the old centre is now one of the others: its group's bound must
     * cover it (when the group was searched, it already does) */
    int g = s->yy.group_of[own];
    double v = ckm_dist_down(d2own, slack, abs_slack);
    if (look[g] == 0.0 && v < lb[g])
      lb[g] = v;
  }
  *best_d2 = bd;
  return best;
}

/* ---- the passes --------------------------------------------------------- */

ckm_idx ckm_bounds_first(ckm_state *s, int algorithm, double *inertia)
{
  const ckm_idx n = s->n;
  const int d = s->d;
  const double slack = ckm_slack(d), abs_slack = ckm_abs_slack(d);
  if (algorithm == CKM_HAMERLY) {
    /* the second-smallest distances land in `lower`, which becomes the
     * bound in place (no array of its own: n doubles less at the peak) */
    ckm_idx changed = ckm_assign_pass(s, s->ham.lower, inertia);
    for (ckm_idx i = 0; i < n; i++) {
      s->ham.lower[i] = ckm_dist_down(s->ham.lower[i], slack, abs_slack);
      s->upper[i] = ckm_dist_up(s->dist[i], slack, abs_slack);
    }
    return changed;
  }

  /* Yinyang: group the centres, then one exact pass over all of them */
  group_centres(s);
  fill_ctg(s);
  if (s->yy.groups == 1) {
    /* one group: its bound is the second-nearest distance, which the
     * assignment pass gives (as for Hamerly, into the bounds in place) */
    ckm_idx changed = ckm_assign_pass(s, s->yy.lower, inertia);
    for (ckm_idx i = 0; i < n; i++) {
      s->yy.lower[i] = ckm_dist_down(s->yy.lower[i], slack, abs_slack);
      s->upper[i] = ckm_dist_up(s->dist[i], slack, abs_slack);
    }
    return changed;
  }
  const ckm_idx ntiles = ckm_ntiles(n);
  const int nt = ckm_team(s->nthreads, 3.0 * (double) n * s->k * d);
  const long block = ckm_block_tiles(3.0 * (double) s->k * d);
  ckm_idx changed = 0;
  for (ckm_idx b0 = 0; b0 < ntiles; b0 += block) {
  const ckm_idx b1 = b0 + block < ntiles ? b0 + block : ntiles;
  if (b0 > 0 && ckm_should_stop(s->hooks)) {
    s->stopped = 1;
    return changed;
  }
  CKM_PARALLEL(nt, parallel for num_threads(nt) schedule(dynamic, 1) reduction(+:changed),
  for (ckm_idx tile = b0; tile < b1; tile++) {
    double *buf = s->thread_buf + (size_t) ckm_thread_num() * s->thread_buf_stride;
    double *pt = buf + s->k;
    ckm_idx i0 = tile * CKM_TILE, i1 = i0 + CKM_TILE < n ? i0 + CKM_TILE : n;
    double sum = 0.0;
    for (ckm_idx i = i0; i < i1; i++) {
      double bd;
      ckm_gather(s->x, n, d, i, pt);
      int best = yinyang_point(s, pt, buf, NULL, s->k, INFINITY,
                               s->yy.lower + (size_t) i * s->yy.groups, &bd);
      changed += s->labels[i] != best;
      s->labels[i] = best;
      s->dist[i] = bd;
      s->upper[i] = ckm_dist_up(bd, slack, abs_slack);
      sum += bd;
    }
    s->tile_sums[tile] = sum;
  });
  }
  (void) nt;
  *inertia = ckm_tile_total(s->comm, s->tile_sums, ntiles, &s->status);
  return changed;
}

void ckm_bounds_after_update(ckm_state *s, int algorithm, ckm_idx moved)
{
  const int k = s->k, d = s->d;
  const double slack = ckm_slack(d), abs_slack = ckm_abs_slack(d);
  for (int j = 0; j < k; j++) {
    double m = 0.0;
    for (int c = 0; c < d; c++) {
      double df = s->centers[j + (size_t) k * c] - s->old[j + (size_t) k * c];
      m += df * df;
    }
    s->drift[j] = ckm_dist_up(m, slack, abs_slack);
  }
  ckm_transpose_centres(s->centers, k, d, s->ct);

  if (algorithm == CKM_HAMERLY) {
    /* half the distance to the nearest other centre: O(k^2 d) */
    for (int j = 0; j < k; j++)
      s->ham.half[j] = INFINITY;
    for (int j = 0; j < k; j++) {
      for (int j2 = j + 1; j2 < k; j2++) {
        double v = ckm_exact_d2(s->ct + (size_t) j * d, s->ct + (size_t) j2 * d, d);
        if (v < s->ham.half[j]) s->ham.half[j] = v;
        if (v < s->ham.half[j2]) s->ham.half[j2] = v;
      }
    }
    for (int j = 0; j < k; j++)
      s->ham.half[j] = 0.5 * ckm_dist_down(s->ham.half[j], slack, abs_slack);
    if (moved > 0)
      for (ckm_idx i = 0; i < s->n; i++) {
        s->ham.lower[i] = 0.0;
        s->upper[i] = INFINITY;
      }
  } else if (algorithm == CKM_YINYANG) {
    for (int g = 0; g < s->yy.groups; g++) {
      double m = 0.0;
      for (int q = s->yy.group_start[g]; q < s->yy.group_start[g + 1]; q++)
        if (s->drift[s->yy.group_members[q]] > m)
          m = s->drift[s->yy.group_members[q]];
      s->yy.group_drift[g] = m;
    }
    fill_ctg(s);
    if (moved > 0) {
      for (size_t q = 0; q < (size_t) s->n * s->yy.groups; q++)
        s->yy.lower[q] = 0.0;
      for (ckm_idx i = 0; i < s->n; i++)
        s->upper[i] = INFINITY;
    }
  }
}

/* Shrink a lower bound by a drift, rounding down. */
static inline double loosen(double l, double p)
{
  double v = l - p;
  return v > 0.0 ? v * (1.0 - 2.0 * DBL_EPSILON) : 0.0;
}

/* Grow an upper bound by a drift, rounding up. */
static inline double widen(double u, double p)
{
  return (u + p) * (1.0 + 2.0 * DBL_EPSILON);
}

ckm_idx ckm_bounds_pass(ckm_state *s, int algorithm)
{
  const ckm_idx n = s->n, ntiles = ckm_ntiles(n);
  const int d = s->d, k = s->k;
  const double slack = ckm_slack(d), abs_slack = ckm_abs_slack(d);
  /* the largest and second largest drift, for Hamerly's single bound */
  int jmax = 0;
  double p1 = 0.0, p2 = 0.0;
  for (int j = 0; j < k; j++) {
    if (s->drift[j] > p1) {
      p2 = p1;
      p1 = s->drift[j];
      jmax = j;
    } else if (s->drift[j] > p2) {
      p2 = s->drift[j];
    }
  }
  const int nt = ckm_team(s->nthreads, 3.0 * (double) n * d * 4.0);
  ckm_idx changed = 0;
  if (algorithm == CKM_HAMERLY && s->fast)
    ckm_fast_pack(s->fast, s->centers, k); /* this pass's centres */

  CKM_PARALLEL(nt, parallel for num_threads(nt) schedule(dynamic, 4) reduction(+:changed),
  for (ckm_idx tile = 0; tile < ntiles; tile++) {
    double *buf = s->thread_buf + (size_t) ckm_thread_num() * s->thread_buf_stride;
    double *pt = buf + k;
    double *look = pt + d;
    const ckm_idx i0 = tile * CKM_TILE;
    const int len = (int) (n - i0 < CKM_TILE ? n - i0 : CKM_TILE);
    int *lab = s->labels + i0;
    double *upper = s->upper + i0;
    int fail[CKM_TILE];
    double bound[CKM_TILE], own[CKM_TILE];
    int nf = 0;

    /* 1. move the bounds by the drifts; most points stop here, without
     *    reading their row of X */
    for (int t = 0; t < len; t++) {
      const int a = lab[t];
      double u = widen(upper[t], s->drift[a]);
      double m;
      if (algorithm == CKM_HAMERLY) {
        double l = loosen(s->ham.lower[i0 + t], a == jmax ? p2 : p1);
        s->ham.lower[i0 + t] = l;
        m = l > s->ham.half[a] ? l : s->ham.half[a];
      } else {
        double *lb = s->yy.lower + (size_t) (i0 + t) * s->yy.groups;
        m = INFINITY;
        for (int g = 0; g < s->yy.groups; g++) {
          lb[g] = loosen(lb[g], s->yy.group_drift[g]);
          if (lb[g] < m)
            m = lb[g];
        }
      }
      upper[t] = u;
      if (!(u < m)) {
        bound[nf] = m;
        fail[nf++] = t;
      }
    }
    if (nf == 0)
      continue;

    /* 2. tighten the upper bounds of the others: exact distances to their
     *    own centres, a column at a time through this tile of X */
    for (int q = 0; q < nf; q++)
      own[q] = 0.0;
    for (int c = 0; c < d; c++) {
      const double *xc = s->x + (size_t) c * (size_t) n + (size_t) i0;
      for (int q = 0; q < nf; q++) {
        int t = fail[q];
        double df = xc[t] - s->ct[(size_t) lab[t] * d + c];
        own[q] += df * df;
      }
    }

    /* 3. the points still not settled: compare with the candidates. With
     *    the blocked kernel, Hamerly's go through it together (it gives
     *    the nearest centre, the exact distance to it and a lower bound on
     *    the second nearest: all that the bounds need). */
    int nb = 0;
    for (int q = 0; q < nf; q++) {
      const int t = fail[q], a = lab[t];
      const ckm_idx i = i0 + t;
      double u = ckm_dist_up(own[q], slack, abs_slack);
      int best = a;
      if (!(u < bound[q])) {
        if (algorithm == CKM_HAMERLY && s->fast) {
          fail[nb++] = t; /* q >= nb: fail[q] is already read */
          continue;
        }
        ckm_gather(s->x, n, d, i, pt);
        if (algorithm == CKM_HAMERLY) {
          ckm_exact_range(pt, s->ct, d, 0, k, buf);
          double sd = INFINITY, bd = buf[0];
          best = 0;
          for (int j = 1; j < k; j++) {
            if (buf[j] < bd) {
              sd = bd;
              bd = buf[j];
              best = j;
            } else if (buf[j] < sd) {
              sd = buf[j];
            }
          }
          s->ham.lower[i] = ckm_dist_down(sd, slack, abs_slack);
          u = ckm_dist_up(bd, slack, abs_slack);
        } else {
          double *lb = s->yy.lower + (size_t) i * s->yy.groups;
          for (int g = 0; g < s->yy.groups; g++)
            look[g] = !(u < lb[g]);
          double bd;
          best = yinyang_point(s, pt, buf, look, a, own[q], lb, &bd);
          u = ckm_dist_up(bd, slack, abs_slack);
        }
      }
      changed += best != a;
      lab[t] = best;
      upper[t] = u;
    }
    if (nb > 0) {
      ckm_idx rows[CKM_TILE];
      int win[CKM_TILE];
      for (int q = 0; q < nb; q++)
        rows[q] = i0 + fail[q];
      /* own and bound are free now: the distances and second bounds */
      ckm_fast_rows(s->fast, s->x, n, s->ct, rows, nb, win, own, bound);
      for (int q = 0; q < nb; q++) {
        const int t = fail[q];
        changed += win[q] != lab[t];
        lab[t] = win[q];
        s->ham.lower[i0 + t] = ckm_dist_down(bound[q], slack, abs_slack);
        upper[t] = ckm_dist_up(own[q], slack, abs_slack);
      }
    }
  });
  (void) nt;
  return changed;
}

/*
 * hartigan.c: Hartigan's method (Hartigan 1975; Hartigan and Wong 1979;
 * Telgarsky and Vattani 2010), the refinement of a k-means partition by
 * single-point transfers.
 *
 * A point x of weight w in cluster a (total weight W_a, centre c_a) moves to
 * the cluster b that minimises W_b / (W_b + w) ||x - c_b||^2 when that is
 * below W_a / (W_a - w) ||x - c_a||^2: the move lowers the within-cluster
 * sum of squares by w times the difference (the centres are updated at
 * once, to the means with x moved). Lloyd's assignment is the same test
 * without the two factors, so a partition no transfer can improve is also
 * one Lloyd's algorithm leaves alone, and many of Lloyd's fixed points are
 * not (a point near the boundary of a large cluster and a small one).
 *
 * A sweep visits the points in index order, one at a time: the method is
 * sequential, so a sweep runs on one thread and gives the same bits for any
 * thread count. Over several processes (ckm_comm) they take turns in rank
 * order, each sweeping its rows and handing the centres, weights and
 * counts to the next through allgather (a copy, exact): the same moves as
 * one process sweeping all rows. As in Hartigan and Wong's algorithm, the
 * centres follow each transfer and are set to the exact means of the
 * partition only when a sweep moves no point (kmeans.c); the sweeps go on
 * until one that starts from the exact means moves none.
 *
 * Bounds. Most points cannot move, and a sweep passes them over without
 * reading their rows. The centres at the start of each of the last few
 * sweeps are kept (a ring of snapshots), with how far each centre is from
 * each snapshot (taken again at the start of a sweep; between, each
 * transfer adds its steps, the triangle inequality) and, per snapshot, D,
 * at least the farthest any centre is from it. Each point keeps, stamped
 * with a sweep s of the ring,
 *  - u, an upper bound on its distance to its own centre when it was set,
 *    plus how far that centre was from snapshot s then: plus how far it is
 *    now, it bounds the distance now;
 *  - l2, a lower bound on its distance to b2 (the nearest other centre
 *    when it was set), less how far b2 was from snapshot s then: less how
 *    far it is now, it bounds the distance now;
 *  - l3, the same for every other centre, with D_s in place of one
 *    centre's distance;
 *  - two thresholds: T2 on how far the own centre and b2 are from
 *    snapshot s together, T3 on D_s; below both, the bounds still prove
 *    that the point cannot move, the weights of the clusters staying above
 *    a floor (a fraction 1 - CKM_HARTIGAN_WFALL of the weight when it was
 *    taken, lower for large clusters; when a cluster falls further, every
 *    threshold is dropped and the floors taken again).
 * With f_b = W_b / (W_b + w) (W_min, the lightest cluster, gives a lower
 * f for the rest), a point with f_b2 l2^2 and f_min l3^2 both above
 * W_a / (W_a - w) u^2 cannot move. A sweep reads the thresholds (and
 * label) of most points; for the others it tests the bounds with the
 * weights of now, then computes the distance to the own centre and tests
 * again, then the distance to b2, and only then every distance. Bounds are
 * rounded down (distances up) by far more than the rounding of the
 * distances, so a point passed over is one the full test would leave: the
 * bounds change the time, never the moves.
 */
#include <float.h>
#include <limits.h>
#include <math.h>
#include <string.h>

#include "ckm.h"
#include "internal.h"
#include "kernels.h"

/* Rows between polls of the interrupt hook. */
#define CKM_HARTIGAN_POLL 65536

/* How far a cluster's weight may fall below the reference of the
 * thresholds before they are dropped: a fraction, and without weights, for
 * a cluster of more than CKM_HARTIGAN_WBIG points, down to that many or an
 * eighth of its size (the factors of clusters that large differ from 1 by
 * less than 1 / CKM_HARTIGAN_WBIG: the thresholds lose next to nothing,
 * and the sweeps after a large cluster shrank need not look at every
 * point again). */
#define CKM_HARTIGAN_WFALL 0.125
#define CKM_HARTIGAN_WBIG 1024.0

/* A stamp that refers to no snapshot. */
#define NO_STAMP (INT_MIN / 2)

/* Snapshots kept, a power of two: 128 sweeps, fewer when k d is large
 * (about 2^21 doubles of centres at most), at least 4. */
static int ring_of(int d, int k)
{
  const double kd = (double) k * (double) d;
  int r = 128;
  while (r > 4 && (double) r * kd > 2097152.0)
    r /= 2;
  return r;
}

/* Slack of the bound test: relative, far above the rounding of a distance
 * in d dimensions and of the factors (a few d eps), and absolute for data
 * so small that squared differences are subnormal. */
static inline double rel_slack(int d)
{
  return 64.0 * ckm_slack(d);
}

size_t ckm_hartigan_workspace(ckm_idx n, int d, int k, int nranks)
{
  const size_t nr = (size_t) (nranks < 1 ? 1 : nranks);
  const size_t pack = (size_t) k * (size_t) d + 3 * (size_t) k + 2;
  const size_t ring = (size_t) ring_of(d, k);
  return carved(sizeof(ckm_hart_hot) * (size_t) n) +
         carved(sizeof(ckm_hart_cold) * (size_t) n) +
         carved(sizeof(double) * (size_t) d) +      /* one row */
         carved(sizeof(double) * (size_t) k) * 8 + /* W, cnt, dk, changed, Wref, sb1, s21, f1 */
         carved(sizeof(double) * (size_t) k * (size_t) d * ring) + /* snapshots */
         carved(sizeof(double) * (size_t) k * ring) +              /* disp */
         carved(sizeof(double) * ring) +                           /* D */
         carved(sizeof(double) * pack) * (1 + nr) + /* pack, gathered */
         carved(sizeof(double) * (size_t) (d + k) * CKM_HART_CHUNK) + /* tile, pre */
         carved(sizeof(int) * 2 * CKM_HART_CHUNK) + carved(sizeof(int) * (size_t) k) +
         carved((size_t) k);
}

void ckm_hartigan_carve(ckm_hartigan *h, carver *cv, ckm_idx n, int d, int k,
                        int nranks)
{
  const size_t nr = (size_t) (nranks < 1 ? 1 : nranks);
  h->ring = ring_of(d, k);
  h->slack = rel_slack(d);
  h->abs_slack = ckm_abs_slack(d);
  h->pack_len = (size_t) k * (size_t) d + 3 * (size_t) k + 2;
  h->hot = carve(cv, sizeof(ckm_hart_hot) * (size_t) n);
  h->cold = carve(cv, sizeof(ckm_hart_cold) * (size_t) n);
  h->pt = carve(cv, sizeof(double) * (size_t) d);
  h->W = carve(cv, sizeof(double) * (size_t) k);
  h->cnt = carve(cv, sizeof(double) * (size_t) k);
  h->dk = carve(cv, sizeof(double) * (size_t) k);
  h->changed = carve(cv, sizeof(double) * (size_t) k);
  h->Wref = carve(cv, sizeof(double) * (size_t) k);
  h->sb1 = carve(cv, sizeof(double) * (size_t) k);
  h->s21 = carve(cv, sizeof(double) * (size_t) k);
  h->f1 = carve(cv, sizeof(double) * (size_t) k);
  h->snap = carve(cv, sizeof(double) * (size_t) k * (size_t) d * (size_t) h->ring);
  h->disp = carve(cv, sizeof(double) * (size_t) k * (size_t) h->ring);
  h->D = carve(cv, sizeof(double) * (size_t) h->ring);
  h->pack = carve(cv, sizeof(double) * h->pack_len);
  h->gathered = carve(cv, sizeof(double) * h->pack_len * nr);
  h->tile = carve(cv, sizeof(double) * (size_t) d * CKM_HART_CHUNK);
  h->pre = carve(cv, sizeof(double) * (size_t) k * CKM_HART_CHUNK);
  h->cand = carve(cv, sizeof(int) * 2 * CKM_HART_CHUNK);
  h->dlist = carve(cv, sizeof(int) * (size_t) k);
  h->dflag = carve(cv, (size_t) k);
  memset(h->dflag, 0, (size_t) k);
}

static double min_of(const double *v, int k)
{
  double m = v[0];
  for (int j = 1; j < k; j++)
    m = v[j] < m ? v[j] : m;
  return m;
}

static double max_of(const double *v, int k)
{
  double m = v[0];
  for (int j = 1; j < k; j++)
    m = v[j] > m ? v[j] : m;
  return m;
}

/* Take, from the weights now, the lowest weight of each cluster the
 * thresholds allow (Wref), with the roots of the factors for a point of
 * weight 1 (set_bounds). */
static void reference(ckm_hartigan *h, int k, int weighted)
{
  const double lo = 1.0 - h->slack, hi = 1.0 + h->slack;
  for (int j = 0; j < k; j++) {
    double Wa = (1.0 - CKM_HARTIGAN_WFALL) * h->W[j];
    if (!weighted && Wa > CKM_HARTIGAN_WBIG) {
      const double low = h->W[j] / 8.0 > CKM_HARTIGAN_WBIG ? h->W[j] / 8.0 : CKM_HARTIGAN_WBIG;
      Wa = low < Wa ? low : Wa;
    }
    h->Wref[j] = Wa;
    h->sb1[j] = Wa - 1.0 > 0.0 ? sqrt(Wa / (Wa - 1.0) * hi) : -1.0;
    h->s21[j] = sqrt(Wa / (Wa + 1.0) * lo);
  }
  h->Wlo = min_of(h->Wref, k);
  h->sa1 = sqrt(h->Wlo / (h->Wlo + 1.0) * lo);
}

/* Drop every threshold and take the reference again. */
static void new_reference(ckm_hartigan *h, ckm_idx n, int k, int weighted)
{
  reference(h, k, weighted);
  for (ckm_idx i = 0; i < n; i++)
    h->hot[i].T2 = h->hot[i].T3 = -INFINITY;
}

/* After the centres were set from the partition (the exact means):
 * weights and counts from the state, no bounds yet (the first sweep
 * computes every distance), path lengths zero. Returns 1 when a poll
 * asked to stop. */
int ckm_hartigan_reset(ckm_hartigan *h, const ckm_state *s)
{
  for (int j = 0; j < s->k; j++) {
    h->changed[j] = 0.0;
    h->cnt[j] = (double) s->counts[j];
    h->W[j] = s->w ? s->wsum[j] : (double) s->counts[j];
  }
  /* the first touch of these arrays may be slow (page faults): polled */
  for (ckm_idx i0 = 0; i0 < s->n; i0 += CKM_HARTIGAN_POLL) {
    if (i0 > 0 && ckm_should_stop(s->hooks))
      return 1;
    const ckm_idx i1 = i0 + CKM_HARTIGAN_POLL < s->n ? i0 + CKM_HARTIGAN_POLL : s->n;
    for (ckm_idx i = i0; i < i1; i++) {
      h->hot[i].stamp = NO_STAMP; /* no bounds */
      h->hot[i].b2 = 0;
      h->hot[i].T2 = h->hot[i].T3 = -INFINITY;
      h->cold[i].seen = -1.0;     /* never visited: every cluster is new to it */
    }
  }
  h->gain = 0.0;
  h->sweeps = 0;
  reference(h, s->k, s->w != NULL);
  return 0;
}

/* The centres were set again (the exact means of the partition after
 * sweeps without one): old (column-major) were the centres the sweeps
 * ended with. The clusters whose centre changed are marked changed (the
 * snapshots' distances are taken again at the next sweep); weights and
 * counts come from the state (exact sums). */
void ckm_hartigan_resync(ckm_hartigan *h, const ckm_state *s,
                         const double *old)
{
  const int k = s->k, d = s->d;
  for (int j = 0; j < k; j++) {
    int moved = 0;
    for (int c = 0; c < d; c++)
      moved |= s->centers[j + (size_t) k * c] != old[j + (size_t) k * c];
    if (moved)
      h->changed[j] = h->now; /* after every visit of the sweep */
    h->cnt[j] = (double) s->counts[j];
    h->W[j] = s->w ? s->wsum[j] : (double) s->counts[j];
  }
}

/* How far centre j (row j of ct) is from its place in snapshot q, rounded
 * up; D_q follows (at the start of a sweep: between them, transfer()
 * adds the steps). */
static void snap_dist(ckm_hartigan *h, const double *ct, int d, int k,
                      int q, int j)
{
  const double *sc = h->snap + ((size_t) q * k + j) * d;
  const double *cj = ct + (size_t) j * d;
  double m = 0.0;
  for (int c = 0; c < d; c++) {
    double df = cj[c] - sc[c];
    m += df * df;
  }
  const double v = ckm_dist_up(m, h->slack, h->abs_slack);
  h->disp[(size_t) q * k + j] = v;
  h->D[q] = v > h->D[q] ? v : h->D[q];
}

/* Move the point pt (weight wi) from cluster a to b: both centres (rows of
 * ct) to the means with the point moved, their weights and counts; their
 * distances from the kept snapshots grow by the step (the triangle
 * inequality; rounded up), D follows. */
static void transfer(ckm_hartigan *h, double *ct, int d, int k, int kept,
                     const double *pt, double wi, int a, int b)
{
  const double slack = h->slack, abs_slack = h->abs_slack;
  double *ca = ct + (size_t) a * d, *cb = ct + (size_t) b * d;
  const double fa = wi / (h->W[a] - wi), fb = wi / (h->W[b] + wi);
  double ma = 0.0, mb = 0.0;
  for (int c = 0; c < d; c++) {
    double da = (pt[c] - ca[c]) * fa;
    double db = (pt[c] - cb[c]) * fb;
    ca[c] -= da;
    cb[c] += db;
    ma += da * da;
    mb += db * db;
  }
  h->W[a] -= wi;
  h->W[b] += wi;
  h->cnt[a] -= 1.0;
  h->cnt[b] += 1.0;
  h->f1[a] = h->W[a] / (h->W[a] + 1.0);
  h->f1[b] = h->W[b] / (h->W[b] + 1.0);
  const double pa = ckm_dist_up(ma, slack, abs_slack);
  const double pb = ckm_dist_up(mb, slack, abs_slack);
  const double up = 1.0 + 4.0 * DBL_EPSILON;
  for (int q = 0; q < kept; q++) {
    double *dq = h->disp + (size_t) q * k;
    dq[a] = (dq[a] + pa) * up;
    dq[b] = (dq[b] + pb) * up;
    const double m = dq[a] > dq[b] ? dq[a] : dq[b];
    h->D[q] = m > h->D[q] ? m : h->D[q];
  }
}

/* The roots of the factors the thresholds of a point of weight w in
 * cluster a may use (the weights the reference allows): own (sb, or -1
 * when the cluster could empty), nearest other b2 (s2) and the rest (s3). */
static void roots(const ckm_hartigan *h, const double *w, ckm_idx i, int a,
                  int b2, double *sb, double *s2, double *s3)
{
  const double lo = 1.0 - h->slack, hi = 1.0 + h->slack;
  const double W2 = h->Wref[b2];
  if (!w) {
    *sb = h->sb1[a];
    *s2 = h->s21[b2];
    *s3 = h->sa1;
    return;
  }
  const double wi = w[i], Wa = h->Wref[a];
  *sb = Wa - wi > 0.0 ? sqrt(Wa / (Wa - wi) * hi) : -1.0;
  *s2 = sqrt(W2 / (W2 + wi) * lo);
  *s3 = sqrt(h->Wlo / (h->Wlo + wi) * lo);
}

/* Point i, in cluster a with b2 the nearest other cluster, gets bounds
 * valid now (u: own centre, l2: centre b2, l3: every other centre; all
 * distances) stamped with the current sweep, and its thresholds: T2 on
 * how far centres a and b2 move together, T3 on D, below which the bounds
 * still prove that it cannot move. */
static void set_bounds(ckm_hartigan *h, ckm_idx i, int a, int b2,
                       const double *w, double u, double l2, double l3,
                       int cur, const double *dnow, double Dnow,
                       double abs_slack)
{
  const double us = u + dnow[a], l2s = l2 - dnow[b2], l3s = l3 - Dnow;
  ckm_hart_hot *ht = h->hot + i;
  ckm_hart_cold *cd = h->cold + i;
  cd->ub = us;
  cd->lb2 = l2s;
  cd->lb3 = l3s;
  ht->b2 = b2;
  ht->stamp = cur;
  ht->T2 = -INFINITY;
  ht->T3 = -INFINITY;
  double sb, s2, s3;
  roots(h, w, i, a, b2, &sb, &s2, &s3);
  if (!(sb > 0.0) || !(l2s > 0.0) || !(l3s > 0.0))
    return;
  /* sb (u + x_a) < s2 (l2 - x_b2) when x_a + x_b2 < T2 */
  const double t2 = (s2 * l2s - sb * us) / (s2 > sb ? s2 : sb) -
                    8.0 * DBL_EPSILON * (l2s + us) - abs_slack;
  /* sb (u + x_a) < s3 (l3 - D) when D < T3 (x_a <= D) */
  const double t3 = isinf(l3s) ? INFINITY
                                : (s3 * l3s - sb * us) / (s3 + sb) -
                                      8.0 * DBL_EPSILON * (l3s + us) - abs_slack;
  if (t2 > 0.0 && t3 > 0.0) {
    ht->T2 = t2;
    ht->T3 = t3;
  }
}

/* Hartigan's criterion for a point of weight wi in cluster a, its squared
 * distances in dk: the cluster b != a of the smallest W_b / (W_b + wi)
 * dk[b] below *best (on entry its own criterion; on return the smallest),
 * the first of equals, or a when there is none. */
static inline int best_target(const ckm_hartigan *h, const double *dk, int k,
                              int a, double wi, int weighted, double *best)
{
  int to = a;
  if (weighted) {
    for (int b = 0; b < k; b++) {
      if (b == a)
        continue;
      const double v = h->W[b] / (h->W[b] + wi) * dk[b];
      if (v < *best) {
        *best = v;
        to = b;
      }
    }
  } else {
    for (int b = 0; b < k; b++) {
      const double v = h->f1[b] * dk[b];
      if (b != a && v < *best) {
        *best = v;
        to = b;
      }
    }
  }
  return to;
}

/* The two smallest of dk over the clusters other than a: the nearest
 * (returned, its distance in *l2) and the next distance (*l3; INFINITY
 * when k = 2). */
static int nearest_two(const double *dk, int k, int a, double *l2, double *l3)
{
  double m1 = INFINITY, m2 = INFINITY;
  int j1 = -1;
  for (int b = 0; b < k; b++) {
    if (b == a)
      continue;
    if (dk[b] < m1 || j1 < 0) {
      m2 = m1;
      m1 = dk[b];
      j1 = b;
    } else if (dk[b] < m2) {
      m2 = dk[b];
    }
  }
  *l2 = m1;
  *l3 = m2;
  return j1;
}

/* Do point i's thresholds (hp) still prove that it cannot move (a its
 * cluster)? */
static inline int holds(const ckm_hart_hot *hp, int a, int cur, int R, int k,
                        const double *D, const double *disp)
{
  const ckm_hart_hot ht = *hp;
  const int st = ht.stamp, sq = st & (R - 1);
  if ((long) cur - st < R / 2 && D[sq] <= ht.T3) {
    const double *ds = disp + (size_t) sq * k;
    return ds[a] + ds[ht.b2] <= ht.T2;
  }
  return 0;
}

/* The squared distance of the point pt (slot q of the chunk, or -1) to
 * centre j: the chunk's, unless the centre moved since (then again; the
 * same bits as ckm_exact_d2() either way). */
static inline double chunk_d2(const ckm_hartigan *h, int q, const double *pt,
                              const double *ct, int d, int j)
{
  if (q >= 0 && !h->dflag[j])
    return h->pre[(size_t) j * CKM_HART_CHUNK + q];
  return ckm_exact_d2(pt, ct + (size_t) j * d, d);
}

/* Centre j moved: the chunk's distances to it are stale. */
static inline void chunk_moved(ckm_hartigan *h, int *ndirty, int j)
{
  if (!h->dflag[j]) {
    h->dflag[j] = 1;
    h->dlist[(*ndirty)++] = j;
  }
}

/* The points of the chunk from c0 (offsets into out; returns how many)
 * that a visit cannot pass over on their thresholds, nor on a cluster of
 * one point. */
static int list_chunk(const ckm_hartigan *h, const ckm_state *s, ckm_idx c0,
                      ckm_idx n, int cur, int *out)
{
  const ckm_idx c1 = c0 + CKM_HART_CHUNK < n ? c0 + CKM_HART_CHUNK : n;
  const int *lab = s->labels, R = h->ring, k = s->k;
  int m = 0;
  for (ckm_idx j = c0; j < c1; j++)
    if (h->cnt[lab[j]] >= 2.0 && !holds(h->hot + j, lab[j], cur, R, k, h->D, h->disp))
      out[m++] = (int) (j - c0);
  return m;
}

/* One sweep over this process's rows, in index order. Returns the moves,
 * or -1 when a poll asked to stop; the fall of the objective is added to
 * h->gain. */
static ckm_idx sweep_rows(ckm_hartigan *h, ckm_state *s, double *ct)
{
  const ckm_idx n = s->n;
  const int d = s->d, k = s->k, R = h->ring;
  const double slack = h->slack, abs_slack = h->abs_slack;
  const double lo = 1.0 - slack, hi = 1.0 + slack;
  const int cur = (int) h->sweeps, slot = cur & (R - 1);
  const int kept = cur + 1 < R ? cur + 1 : R;
  /* the centres may have moved since this process last looked (the
   * exact means, the other processes' turns): the snapshots' distances
   * again, and, past the reference of the weights, the thresholds */
  for (int q = 0; q < kept; q++) {
    h->D[q] = 0.0;
    for (int j = 0; j < k; j++)
      snap_dist(h, ct, d, k, q, j);
  }
  for (int j = 0; j < k; j++)
    if (h->W[j] < h->Wref[j]) {
      new_reference(h, n, k, s->w != NULL);
      break;
    }
  double Wmin = min_of(h->W, k), last = max_of(h->changed, k);
  double *dk = h->dk, *f1 = h->f1;
  for (int j = 0; j < k; j++)
    f1[j] = h->W[j] / (h->W[j] + 1.0);
  const double *D = h->D, *disp = h->disp;
  const ckm_hart_hot *hot = h->hot;
  const int *lab = s->labels;
  const double *dnow = disp + (size_t) slot * k;
  /* the time of a visit: sweeps times the rows of all processes, plus
   * the global row (+1, so that 0 is before every visit) */
  const double row0 = s->comm ? (double) s->comm->row0 : 0.0;
  const double base = (double) h->sweeps *
                          (s->comm ? (double) s->comm->n_global : (double) n) +
                      row0 + 1.0;
  ckm_idx moves = 0;
  const int vw = ckm_dist_all_width(s->wide);
  int *cand = h->cand;

  /* chunk by chunk: the points of a chunk the thresholds do not pass
   * over (listed; a transfer can only add to them), listed one chunk ahead
   * so that their records and rows are on their way to the cache while
   * the chunk before is visited (listed again if a transfer came between) */
  int *next = cand + CKM_HART_CHUNK, m_next = list_chunk(h, s, 0, n, cur, next);
  int next_ok = 1;
  for (ckm_idx c0 = 0; c0 < n; c0 += CKM_HART_CHUNK) {
    if (c0 > 0 && c0 % CKM_HARTIGAN_POLL == 0 && ckm_should_stop(s->hooks))
      return -1;
    const ckm_idx c1 = c0 + CKM_HART_CHUNK < n ? c0 + CKM_HART_CHUNK : n;
    int m;
    {
      int *t = cand;
      cand = next;
      next = t;
    }
    m = next_ok ? m_next : list_chunk(h, s, c0, n, cur, cand);
    if (c1 < n) {
      m_next = list_chunk(h, s, c1, n, cur, next);
      next_ok = 1;
      for (int q = 0; q < m_next; q++) {
        const ckm_idx j = c1 + next[q];
        __builtin_prefetch(h->cold + j);
        for (int c = 0; c < d; c++)
          __builtin_prefetch(s->x + j + (size_t) c * (size_t) n);
      }
    }
    /* a dense chunk: the distances of its listed points to every centre
     * together, several points a vector (the first sweeps) */
    int ndirty = 0, pre = 0;
    if (m >= CKM_HART_DENSE) {
      pre = 1;
      const int mp = (m + vw - 1) / vw * vw;
      for (int c = 0; c < d; c++) {
        const double *xc = s->x + (size_t) c * (size_t) n + (size_t) c0;
        double *tc = h->tile + (size_t) c * CKM_HART_CHUNK;
        for (int q = 0; q < m; q++)
          tc[q] = xc[cand[q]];
        for (int q = m; q < mp; q++)
          tc[q] = 0.0;
      }
      ckm_dist_all(s->wide, h->tile, CKM_HART_CHUNK, mp, d, ct, k, h->pre);
    }
    /* the others are passed over as long as no transfer in the chunk
     * changed what they were tested against (the thresholds hold once
     * listed can only fail later, never the other way) */
    int qn = 0, stale = 0;
    for (ckm_idx i = c0; i < c1; i++) {
      int q = -1;
      if (qn < m && cand[qn] == (int) (i - c0)) {
        q = pre ? qn : -1;
        qn++;
      } else if (!stale) {
        i = (qn < m ? c0 + cand[qn] : c1) - 1;
        continue;
      } else if (holds(hot + i, lab[i], cur, R, k, D, disp)) {
        continue; /* the thresholds hold */
      }
      const ckm_hart_hot ht = hot[i];
      const int st = ht.stamp, sq = st & (R - 1);
      const int a = lab[i];
      const double wi = s->w ? s->w[i] : 1.0;
      ckm_hart_cold *cd = h->cold + i;
      const double now = base + (double) i, seen = cd->seen;
      /* a point alone in its cluster stays (the cluster would be empty) */
      if (h->cnt[a] < 2.0 || !(h->W[a] - wi > 0.0))
        continue;
      /* nothing has changed since its last visit */
      if (last <= seen)
        continue;
      cd->seen = now;
      const double fa = h->W[a] / (h->W[a] - wi);
      /* the bounds now, if its snapshot is kept */
      double f2 = 0.0, f3 = 0.0, l2 = 0.0, l3 = 0.0;
      int b2 = 0;
      if ((long) cur - st < R) {
        const double *ds = disp + (size_t) sq * k;
        b2 = ht.b2;
        l2 = cd->lb2 - ds[b2];
        l3 = cd->lb3 - D[sq];
        if (l2 > 0.0)
          f2 = h->W[b2] / (h->W[b2] + wi) * (l2 * l2) * lo;
        if (l3 > 0.0)
          f3 = Wmin / (Wmin + wi) * (l3 * l3) * lo;
        const double fl = f2 < f3 ? f2 : f3;
        const double u = cd->ub + ds[a];
        if (fl > fa * (u * u) * hi) {
          set_bounds(h, i, a, b2, s->w, u, l2, l3, cur, dnow, D[slot], abs_slack);
          continue;
        }
      }
      const double fl = f2 < f3 ? f2 : f3;
      double *pt = h->pt;
      ckm_gather(s->x, n, d, i, pt);
      const double da = chunk_d2(h, q, pt, ct, d, a);
      const double ra = fa * da;
      double u = ckm_dist_up(da, slack, abs_slack);
      if (fl > ra * hi) {
        set_bounds(h, i, a, b2, s->w, u, l2, l3, cur, dnow, D[slot], abs_slack);
        continue;
      }
      if (f3 > ra * hi) {
        /* the others are far: the distance to b2 decides */
        const double db2 = chunk_d2(h, q, pt, ct, d, b2);
        if (h->W[b2] / (h->W[b2] + wi) * db2 * lo > ra * hi) {
          set_bounds(h, i, a, b2, s->w, u, ckm_dist_down(db2, slack, abs_slack),
                     l3, cur, dnow, D[slot], abs_slack);
          continue;
        }
      }
      /* every centre (several at a time: independent sums, same bits) */
      if (q >= 0) {
        const double *pq = h->pre + q;
        for (int j = 0; j < k; j++)
          dk[j] = pq[(size_t) j * CKM_HART_CHUNK];
        for (int t = 0; t < ndirty; t++)
          dk[h->dlist[t]] = ckm_exact_d2(pt, ct + (size_t) h->dlist[t] * d, d);
      } else {
        ckm_exact_range(pt, ct, d, 0, k, dk);
      }
      double best = ra;
      const int to = best_target(h, dk, k, a, wi, s->w != NULL, &best);
      if (to != a) {
        transfer(h, ct, d, k, kept, pt, wi, a, to);
        chunk_moved(h, &ndirty, a);
        chunk_moved(h, &ndirty, to);
        stale = 1;
        next_ok = 0;
        h->gain += wi * (ra - best);
        s->labels[i] = to;
        h->changed[a] = h->changed[to] = last = now;
        moves++;
        Wmin = min_of(h->W, k);
        if (h->W[a] < h->Wref[a])
          new_reference(h, n, k, s->w != NULL);
        /* its distances now: the two centres moved, the others did not */
        dk[a] = ckm_exact_d2(pt, ct + (size_t) a * d, d);
        dk[to] = ckm_exact_d2(pt, ct + (size_t) to * d, d);
        u = ckm_dist_up(dk[to], slack, abs_slack);
      }
      if (k < 2)
        continue;
      double m2, m3;
      b2 = nearest_two(dk, k, to, &m2, &m3);
      set_bounds(h, i, to, b2, s->w, u, ckm_dist_down(m2, slack, abs_slack),
                 isinf(m3) ? INFINITY : ckm_dist_down(m3, slack, abs_slack), cur,
                 dnow, D[slot], abs_slack);
    }
    for (int t = 0; t < ndirty; t++)
      h->dflag[h->dlist[t]] = 0;
  }
  return moves;
}

/* Can some point move? The test of a sweep's first visit of each point,
 * with every distance, against the exact means in s->ct (rows), sizes and
 * weights in s: when it finds none, a sweep from these means moves no
 * point, and the work of setting up the bounds is saved. One process. */
int ckm_hartigan_any_move(ckm_hartigan *h, const ckm_state *s)
{
  const ckm_idx n = s->n;
  const int d = s->d, k = s->k;
  double *W = h->W, *f1 = h->f1, *dk = h->dk, *pt = h->pt;
  for (int j = 0; j < k; j++) {
    W[j] = s->w ? s->wsum[j] : (double) s->counts[j];
    f1[j] = W[j] / (W[j] + 1.0);
  }
  for (ckm_idx i = 0; i < n; i++) {
    if (i > 0 && i % CKM_HARTIGAN_POLL == 0 && ckm_should_stop(s->hooks))
      return 1; /* the sweep polls again and stops */
    const int a = s->labels[i];
    const double wi = s->w ? s->w[i] : 1.0;
    if (s->counts[a] < 2 || !(W[a] - wi > 0.0))
      continue;
    ckm_gather(s->x, n, d, i, pt);
    const double ra = W[a] / (W[a] - wi) * ckm_exact_d2(pt, s->ct + (size_t) a * d, d);
    ckm_exact_range(pt, s->ct, d, 0, k, dk);
    double best = ra;
    if (best_target(h, dk, k, a, wi, s->w != NULL, &best) != a)
      return 1;
  }
  return 0;
}

/* The shared state of the sweep: centres (rows), weights, counts, when
 * each cluster changed, the moves so far and the fall of the objective, in
 * one buffer. */
static void pack_state(const ckm_hartigan *h, const double *ct, int d, int k,
                       double moves, double *buf)
{
  const size_t kd = (size_t) k * d;
  memcpy(buf, ct, sizeof(double) * kd);
  memcpy(buf + kd, h->W, sizeof(double) * (size_t) k);
  memcpy(buf + kd + k, h->cnt, sizeof(double) * (size_t) k);
  memcpy(buf + kd + 2 * (size_t) k, h->changed, sizeof(double) * (size_t) k);
  buf[kd + 3 * (size_t) k] = moves;
  buf[kd + 3 * (size_t) k + 1] = h->gain;
}

static double unpack_state(ckm_hartigan *h, double *ct, int d, int k,
                           const double *buf)
{
  const size_t kd = (size_t) k * d;
  memcpy(ct, buf, sizeof(double) * kd);
  memcpy(h->W, buf + kd, sizeof(double) * (size_t) k);
  memcpy(h->cnt, buf + kd + k, sizeof(double) * (size_t) k);
  memcpy(h->changed, buf + kd + 2 * (size_t) k, sizeof(double) * (size_t) k);
  h->gain = buf[kd + 3 * (size_t) k + 1];
  return buf[kd + 3 * (size_t) k];
}

/* One sweep over all rows (of all processes, in rank order): transfers
 * made, the centres of s->ct updated as they go. Returns the number of
 * moves over all processes, or -1 when interrupted (s->stopped set), and
 * sets s->status on a failed collective. */
ckm_idx ckm_hartigan_sweep(ckm_hartigan *h, ckm_state *s)
{
  const int d = s->d, k = s->k;
  /* after this sweep's visits, before the next one's */
  h->now = (double) (h->sweeps + 1) *
               (s->comm ? (double) s->comm->n_global : (double) s->n) + 0.5;
  h->gain = 0.0;
  /* the centres at its start, for the bounds set in it */
  const long slot = h->sweeps & (h->ring - 1);
  memcpy(h->snap + (size_t) slot * k * d, s->ct, sizeof(double) * (size_t) k * d);
  h->D[slot] = 0.0;
  if (!s->comm) {
    ckm_idx m = sweep_rows(h, s, s->ct);
    h->sweeps++;
    if (m < 0)
      s->stopped = 1;
    return m;
  }
  double moves = 0.0;
  for (int r = 0; r < s->comm->size; r++) {
    if (r == s->comm->rank) {
      ckm_idx m = sweep_rows(h, s, s->ct);
      if (m < 0) {
        /* finish the turns so no process waits; report the stop after */
        s->stopped = 1;
        m = 0;
      }
      moves += (double) m;
    }
    pack_state(h, s->ct, d, k, moves, h->pack);
    int st = ckm_allgather(s->comm, h->pack, h->pack_len, h->gathered);
    if (st) {
      s->status = st;
      return 0;
    }
    moves = unpack_state(h, s->ct, d, k, h->gathered + (size_t) r * h->pack_len);
  }
  h->sweeps++;
  return s->stopped ? -1 : (ckm_idx) moves;
}

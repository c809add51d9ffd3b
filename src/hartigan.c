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
 * one process sweeping all rows.
 *
 * Live clusters (Hartigan and Wong's live sets). Every visit of a point
 * has a time (sweep and global row), and every cluster the time it last
 * changed. A point whose cluster has not changed since its last visit is
 * tested only against the clusters that have: for the others nothing in
 * the test has changed, and they did not win then. Exact, like the bounds.
 *
 * Bounds. Most points cannot move: each keeps a lower bound on its distance
 * to the nearest other centre, stamped with the smallest path length of
 * any centre when it was set (P_j: the distance centre j has moved, summed
 * over its moves). Centre b has moved since then by at most
 * P_b(now) - P_b(then) <= max_j P_j(now) - min_j P_j(then), so the bound less
 * that is still a lower bound. With f = W_min / (W_min + w) (W_min: the
 * lightest cluster; f <= W_b / (W_b + w) for every b), a point with
 * f lb^2 > W_a / (W_a - w) ||x - c_a||^2 cannot move, and is skipped. Bounds
 * are rounded down (and drifts up) by far more than the rounding of the
 * distances, so a skipped point is one the full test would leave: the
 * bounds change the time, never the moves.
 */
#include <math.h>
#include <string.h>

#include "ckm.h"
#include "internal.h"
#include "kernels.h"

/* Rows between polls of the interrupt hook. */
#define CKM_HARTIGAN_POLL 65536

size_t ckm_hartigan_workspace(ckm_idx n, int d, int k, int nranks)
{
  const size_t nr = (size_t) (nranks < 1 ? 1 : nranks);
  const size_t pack = (size_t) k * (size_t) d + 4 * (size_t) k + 1;
  return carved(sizeof(double) * (size_t) n) * 3 + /* lb, stamp, seen */
         carved(sizeof(double) * (size_t) k) * 5 + /* P, W, cnt, dk, changed */
         carved(sizeof(double) * (size_t) d) +     /* the point */
         carved(sizeof(double) * pack) * (1 + nr);  /* pack, gathered */
}

void ckm_hartigan_carve(ckm_hartigan *h, carver *cv, ckm_idx n, int d, int k,
                        int nranks)
{
  const size_t nr = (size_t) (nranks < 1 ? 1 : nranks);
  h->pack_len = (size_t) k * (size_t) d + 4 * (size_t) k + 1;
  h->seen = carve(cv, sizeof(double) * (size_t) n);
  h->changed = carve(cv, sizeof(double) * (size_t) k);
  h->lb = carve(cv, sizeof(double) * (size_t) n);
  h->stamp = carve(cv, sizeof(double) * (size_t) n);
  h->P = carve(cv, sizeof(double) * (size_t) k);
  h->W = carve(cv, sizeof(double) * (size_t) k);
  h->cnt = carve(cv, sizeof(double) * (size_t) k);
  h->dk = carve(cv, sizeof(double) * (size_t) k);
  h->pt = carve(cv, sizeof(double) * (size_t) d);
  h->pack = carve(cv, sizeof(double) * h->pack_len);
  h->gathered = carve(cv, sizeof(double) * h->pack_len * nr);
}

/* Slack of the bound test: relative, far above the rounding of a distance
 * in d dimensions and of the factors (a few d eps), and absolute for data
 * so small that squared differences are subnormal. */
static inline double rel_slack(int d)
{
  return 64.0 * ckm_slack(d);
}

/* After the centres were set from the partition (the exact means):
 * weights and counts from the state, no bounds yet (the first sweep
 * computes every distance), path lengths zero. */
void ckm_hartigan_reset(ckm_hartigan *h, const ckm_state *s)
{
  for (int j = 0; j < s->k; j++) {
    h->P[j] = 0.0;
    h->cnt[j] = (double) s->counts[j];
    h->W[j] = s->w ? s->wsum[j] : (double) s->counts[j];
  }
  for (ckm_idx i = 0; i < s->n; i++) {
    h->stamp[i] = -1.0; /* no bound */
    h->seen[i] = -1.0;  /* never visited: every cluster is new to it */
  }
  for (int j = 0; j < s->k; j++)
    h->changed[j] = 0.0;
  h->sweeps = 0;
}

/* The centres were set again (the exact means of the partition after a
 * sweep): old (column-major) were the centres the sweep ended with. The
 * distance between the two is added to each centre's path; weights and
 * counts come from the state (exact sums). */
void ckm_hartigan_resync(ckm_hartigan *h, const ckm_state *s,
                         const double *old)
{
  const int k = s->k, d = s->d;
  const double slack = rel_slack(d), abs_slack = ckm_abs_slack(d);
  for (int j = 0; j < k; j++) {
    double m = 0.0;
    for (int c = 0; c < d; c++) {
      double df = s->centers[j + (size_t) k * c] - old[j + (size_t) k * c];
      m += df * df;
    }
    if (m > 0.0) {
      h->P[j] += ckm_dist_up(m, slack, abs_slack);
      h->changed[j] = h->now; /* after every visit of the sweep */
    }
    h->cnt[j] = (double) s->counts[j];
    h->W[j] = s->w ? s->wsum[j] : (double) s->counts[j];
  }
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

/* Move the point pt (weight wi) from cluster a to b: both centres (rows of
 * ct) to the means with the point moved, their weights, counts and paths. */
static void transfer(ckm_hartigan *h, double *ct, int d, const double *pt,
                     double wi, int a, int b)
{
  const double slack = rel_slack(d), abs_slack = ckm_abs_slack(d);
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
  h->P[a] += ckm_dist_up(ma, slack, abs_slack);
  h->P[b] += ckm_dist_up(mb, slack, abs_slack);
}

/* One sweep over this process's rows, in index order. Returns the moves,
 * or -1 when a poll asked to stop. */
static ckm_idx sweep_rows(ckm_hartigan *h, ckm_state *s, double *ct)
{
  const ckm_idx n = s->n;
  const int d = s->d, k = s->k;
  const double slack = rel_slack(d), abs_slack = ckm_abs_slack(d);
  const double lo = 1.0 - slack, hi = 1.0 + slack;
  double Pmin = min_of(h->P, k), Pmax = max_of(h->P, k);
  double Wmin = min_of(h->W, k), last = max_of(h->changed, k);
  double *pt = h->pt, *dk = h->dk;
  /* the time of a visit: sweeps times the rows of all processes, plus
   * the global row (+1, so that 0 is before every visit) */
  const double row0 = s->comm ? (double) s->comm->row0 : 0.0;
  const double base = (double) h->sweeps *
                          (s->comm ? (double) s->comm->n_global : (double) n) +
                      row0 + 1.0;
  ckm_idx moves = 0;

  for (ckm_idx i = 0; i < n; i++) {
    if ((i + 1) % CKM_HARTIGAN_POLL == 0 && ckm_should_stop(s->hooks))
      return -1;
    const int a = s->labels[i];
    const double wi = s->w ? s->w[i] : 1.0;
    const double now = base + (double) i, seen = h->seen[i];
    /* a point alone in its cluster stays (the cluster would be empty) */
    if (h->cnt[a] < 2.0 || !(h->W[a] - wi > 0.0))
      continue;
    /* nothing has changed since its last visit */
    if (last <= seen)
      continue;
    h->seen[i] = now;
    const int all = h->changed[a] > seen; /* else only the changed clusters */
    ckm_gather(s->x, n, d, i, pt);
    const double da = ckm_exact_d2(pt, ct + (size_t) a * d, d);
    const double ra = h->W[a] / (h->W[a] - wi) * da;
    if (h->stamp[i] >= 0.0) {
      const double lb = h->lb[i] - (Pmax - h->stamp[i]);
      if (lb > 0.0 && Wmin / (Wmin + wi) * (lb * lb) * lo > ra * hi)
        continue;
    }
    double best = ra, other = INFINITY;
    int to = a;
    if (all) /* several centres at a time: independent sums, same bits */
      ckm_exact_range(pt, ct, d, 0, k, dk);
    for (int b = 0; b < k; b++) {
      if (b == a || (!all && !(h->changed[b] > seen)))
        continue;
      const double db = all ? dk[b] : ckm_exact_d2(pt, ct + (size_t) b * d, d);
      dk[b] = db;
      other = db < other ? db : other;
      const double v = h->W[b] / (h->W[b] + wi) * db;
      if (v < best) {
        best = v;
        to = b;
      }
    }
    if (to != a) {
      transfer(h, ct, d, pt, wi, a, to);
      s->labels[i] = to;
      h->changed[a] = h->changed[to] = last = now;
      moves++;
      /* the nearest centre other than the new one: the old centre has
       * moved, the others have not (all of them known only after a full
       * scan) */
      other = INFINITY;
      if (all) {
        other = ckm_exact_d2(pt, ct + (size_t) a * d, d);
        for (int b = 0; b < k; b++)
          if (b != a && b != to && dk[b] < other)
            other = dk[b];
      } else {
        h->stamp[i] = -1.0;
      }
      Pmin = min_of(h->P, k);
      Pmax = max_of(h->P, k);
      Wmin = min_of(h->W, k);
    } else if (!all) {
      continue; /* the bound stays as it was */
    }
    if (k > 1 && isfinite(other)) {
      h->lb[i] = ckm_dist_down(other, slack, abs_slack);
      h->stamp[i] = Pmin;
    }
  }
  return moves;
}

/* The shared state of the sweep: centres (rows), weights, counts, paths
 * and the moves so far, in one buffer. */
static void pack_state(const ckm_hartigan *h, const double *ct, int d, int k,
                       double moves, double *buf)
{
  const size_t kd = (size_t) k * d;
  memcpy(buf, ct, sizeof(double) * kd);
  memcpy(buf + kd, h->W, sizeof(double) * (size_t) k);
  memcpy(buf + kd + k, h->cnt, sizeof(double) * (size_t) k);
  memcpy(buf + kd + 2 * (size_t) k, h->P, sizeof(double) * (size_t) k);
  memcpy(buf + kd + 3 * (size_t) k, h->changed, sizeof(double) * (size_t) k);
  buf[kd + 4 * (size_t) k] = moves;
}

static double unpack_state(ckm_hartigan *h, double *ct, int d, int k,
                           const double *buf)
{
  const size_t kd = (size_t) k * d;
  memcpy(ct, buf, sizeof(double) * kd);
  memcpy(h->W, buf + kd, sizeof(double) * (size_t) k);
  memcpy(h->cnt, buf + kd + k, sizeof(double) * (size_t) k);
  memcpy(h->P, buf + kd + 2 * (size_t) k, sizeof(double) * (size_t) k);
  memcpy(h->changed, buf + kd + 3 * (size_t) k, sizeof(double) * (size_t) k);
  return buf[kd + 4 * (size_t) k];
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

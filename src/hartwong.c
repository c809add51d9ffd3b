/*
 * hartwong.c: Hartigan and Wong's algorithm (Applied Statistics algorithm
 * AS 136, Hartigan and Wong 1979), the algorithm stats::kmeans() runs by
 * default, with its moves exactly: from the same centres, the same
 * partition after the same iterations.
 *
 * It is Hartigan's single-point transfers (a point of cluster a moves to
 * b when n_b / (n_b + 1) d^2(x, c_b) < n_a / (n_a - 1) d^2(x, c_a), both
 * centres updated at once) organised in two stages that the published
 * algorithm fixes step by step:
 *  - the first assignment: each point to its nearest centre, remembering
 *    the second nearest (ic2), then the means;
 *  - the optimal-transfer stage, one pass over the points: a point moves
 *    to the cluster of the lowest n_b / (n_b + 1) d^2 if that is below its
 *    own criterion (kept from when its cluster last changed); a cluster
 *    that has not changed for a whole pass of steps leaves the "live set",
 *    and a point of a cluster out of it looks only at live clusters; the
 *    runner-up becomes the point's ic2;
 *  - the quick-transfer stage: passes testing only the move of each point
 *    to its ic2, each test skipped when neither cluster changed in the
 *    last n steps, until n steps pass without a move (at most 50 n steps,
 *    as stats::kmeans allows);
 * and iterations of the two until an optimal-transfer stage moves nothing
 * (or, with k = 2, after the first quick-transfer stage). Its criteria
 * are cached between the points' visits, so its end is not always a
 * partition that no single transfer can improve: ckm's default goes on
 * with Hartigan's sweeps (hartigan.c) from it.
 *
 * The arithmetic is the published algorithm's (sums over the columns in
 * order, centres updated as (c n -+ x) / (n -+ 1), the distance sums cut
 * short once they pass the bound), so the moves are stats::kmeans' bit for
 * bit on a compiler that does not fuse multiply-adds (R's default flags).
 * One thread; no weights.
 */
#include <limits.h>
#include <string.h>

#include "ckm.h"
#include "internal.h"

/* The factor n / (n - 1) of a cluster of one point: "a very large
 * number", the single-precision 1e30 of the published algorithm. */
#define HW_BIG ((double) 1.0e30f)

/* Points between polls of the interrupt hook in the first assignment and
 * the optimal-transfer stage (each point looks at up to k centres), and
 * steps between polls in the quick-transfer stage (one or two distances
 * each). */
#define HW_POLL_POINTS 4096
#define HW_POLL 65536

typedef struct hw {
  const double *x; /* n x d, column-major */
  ckm_idx n;
  int d, k;
  double *c;       /* centres, k x d, column-major */
  int *ic1, *ic2;  /* each point's cluster and the next best (0-based) */
  double *crit;    /* each point's own criterion n / (n - 1) d^2, as cached */
  ckm_idx *nc;     /* cluster sizes */
  double *an1;     /* n / (n - 1), HW_BIG for one point */
  double *an2;     /* n / (n + 1) */
  ckm_idx *ncp;    /* the step at which the cluster last changed (+ n in the
                      quick-transfer stage; -1 before the first stage) */
  int *itran;      /* changed in the last quick-transfer stage */
  ckm_idx *live;   /* in the live set while the step is below this */
  ckm_idx indx;    /* optimal-transfer steps since the last transfer */
  const ckm_hooks *hooks;
} hw;

size_t ckm_hartigan_wong_workspace(ckm_idx n, int k, int max_iter)
{
  return carved(sizeof(double) * (size_t) (max_iter > 0 ? max_iter : 1)) + /* trace */
         carved(sizeof(int) * (size_t) n) +       /* ic2 */
         carved(sizeof(double) * (size_t) n) +    /* crit */
         carved(sizeof(ckm_idx) * (size_t) k) * 3 + /* nc, ncp, live */
         carved(sizeof(double) * (size_t) k) * 2 +  /* an1, an2 */
         carved(sizeof(int) * (size_t) k);          /* itran */
}

/* Squared distance of point i to centre l, summed over the columns in
 * order. */
static double dist2(const hw *h, ckm_idx i, int l)
{
  double s = 0.0;
  for (int j = 0; j < h->d; j++) {
    const double df = h->x[i + (size_t) j * h->n] - h->c[l + (size_t) j * h->k];
    s += df * df;
  }
  return s;
}

/* Is the squared distance of point i to centre l below `bound`? (the sum
 * stops as soon as it reaches the bound; *out gets it when below) */
static int dist2_below(const hw *h, ckm_idx i, int l, double bound, double *out)
{
  double s = 0.0;
  for (int j = 0; j < h->d; j++) {
    const double df = h->x[i + (size_t) j * h->n] - h->c[l + (size_t) j * h->k];
    s += df * df;
    if (s >= bound)
      return 0;
  }
  *out = s;
  return 1;
}

/* Point i moves from cluster l1 to l2: both centres, sizes and factors. */
static void move_point(hw *h, ckm_idx i, int l1, int l2)
{
  const double al1 = (double) h->nc[l1], alw = al1 - 1.0;
  const double al2 = (double) h->nc[l2], alt = al2 + 1.0;
  for (int j = 0; j < h->d; j++) {
    const double v = h->x[i + (size_t) j * h->n];
    double *c1 = h->c + l1 + (size_t) j * h->k, *c2 = h->c + l2 + (size_t) j * h->k;
    *c1 = (*c1 * al1 - v) / alw;
    *c2 = (*c2 * al2 + v) / alt;
  }
  h->nc[l1]--;
  h->nc[l2]++;
  h->an2[l1] = alw / al1;
  h->an1[l1] = alw > 1.0 ? alw / (alw - 1.0) : HW_BIG;
  h->an1[l2] = alt / al2;
  h->an2[l2] = alt / (alt + 1.0);
  h->ic1[i] = l2;
  h->ic2[i] = l1;
}

/* The optimal-transfer stage: one pass over the points, or up to the
 * point after which n steps went by without a transfer. Steps and points
 * are counted from 1, as the published algorithm counts them. */
static int optimal_transfer(hw *h)
{
  const ckm_idx n = h->n;
  const int k = h->k;
  for (int l = 0; l < k; l++)
    if (h->itran[l])
      h->live[l] = n + 1;
  for (ckm_idx i = 0; i < n; i++) {
    const ckm_idx step = i + 1;
    if (i > 0 && i % HW_POLL_POINTS == 0 && ckm_should_stop(h->hooks))
      return CKM_INTERRUPTED;
    h->indx++;
    const int l1 = h->ic1[i], ll = h->ic2[i];
    int l2 = ll;
    if (h->nc[l1] != 1) {
      /* the own criterion, again if the cluster changed in this stage */
      if (h->ncp[l1] != 0)
        h->crit[i] = dist2(h, i, l1) * h->an1[l1];
      double r2 = dist2(h, i, l2) * h->an2[l2];
      /* a point of a cluster out of the live set looks at live ones only */
      const int l1_dead = step >= h->live[l1];
      for (int l = 0; l < k; l++) {
        if ((l1_dead && step >= h->live[l]) || l == l1 || l == ll)
          continue;
        double dc;
        if (dist2_below(h, i, l, r2 / h->an2[l], &dc)) {
          r2 = dc * h->an2[l];
          l2 = l;
        }
      }
      if (r2 >= h->crit[i]) {
        h->ic2[i] = l2; /* no transfer: l2 is the runner-up */
      } else {
        h->indx = 0;
        h->live[l1] = h->live[l2] = n + step;
        h->ncp[l1] = h->ncp[l2] = step;
        move_point(h, i, l1, l2);
      }
    }
    if (h->indx == n)
      return CKM_OK;
  }
  for (int l = 0; l < k; l++) {
    h->itran[l] = 0;
    h->live[l] -= n;
  }
  return CKM_OK;
}

/* The quick-transfer stage: passes testing each point's move to its ic2
 * until n steps go by without one. Returns 1 when the steps reach
 * max_steps (the stage is cut short), a negative status when a poll asked
 * to stop, else 0. */
static int quick_transfer(hw *h, ckm_idx max_steps)
{
  const ckm_idx n = h->n;
  ckm_idx count = 0, step = 0;
  for (;;) {
    for (ckm_idx i = 0; i < n; i++) {
      count++;
      step++;
      if (step % HW_POLL == 0 && ckm_should_stop(h->hooks))
        return -1;
      if (step >= max_steps)
        return 1;
      const int l1 = h->ic1[i], l2 = h->ic2[i];
      if (h->nc[l1] != 1) {
        /* the own criterion, again if l1 changed in the last n steps */
        if (step <= h->ncp[l1])
          h->crit[i] = dist2(h, i, l1) * h->an1[l1];
        /* with neither cluster changed in the last n steps, no move */
        double dd;
        if ((step < h->ncp[l1] || step < h->ncp[l2]) &&
            dist2_below(h, i, l2, h->crit[i] / h->an2[l2], &dd)) {
          count = 0;
          h->indx = 0;
          h->itran[l1] = h->itran[l2] = 1;
          h->ncp[l1] = h->ncp[l2] = step + n;
          move_point(h, i, l1, l2);
        }
      }
      if (count == n)
        return 0;
    }
  }
}

int ckm_hartigan_wong(const double *x, ckm_idx n, int d, int k,
                      double *centers, int *labels, int max_iter,
                      const ckm_hooks *hooks, void *work, int *iter,
                      double **trace_out)
{
  carver cv = {(char *) work};
  double *trace = carve(&cv, sizeof(double) * (size_t) (max_iter > 0 ? max_iter : 1));
  *trace_out = trace;
  hw h = {.x = x, .n = n, .d = d, .k = k, .c = centers, .ic1 = labels,
          .hooks = hooks};
  h.ic2 = carve(&cv, sizeof(int) * (size_t) n);
  h.crit = carve(&cv, sizeof(double) * (size_t) n);
  h.nc = carve(&cv, sizeof(ckm_idx) * (size_t) k);
  h.ncp = carve(&cv, sizeof(ckm_idx) * (size_t) k);
  h.live = carve(&cv, sizeof(ckm_idx) * (size_t) k);
  h.an1 = carve(&cv, sizeof(double) * (size_t) k);
  h.an2 = carve(&cv, sizeof(double) * (size_t) k);
  h.itran = carve(&cv, sizeof(int) * (size_t) k);
  *iter = 0;
  if (k < 2 || (ckm_idx) k >= n)
    return CKM_HW_NOT_RUN;

  /* each point to its nearest centre, the second nearest remembered
   * (the first of equals; a distance sum stops once it reaches the
   * second nearest's) */
  for (ckm_idx i = 0; i < n; i++) {
    if (i > 0 && i % HW_POLL_POINTS == 0 && ckm_should_stop(hooks))
      return CKM_INTERRUPTED;
    double d1 = dist2(&h, i, 0), d2 = dist2(&h, i, 1);
    int c1 = 0, c2 = 1;
    if (d1 > d2) {
      const double t = d1;
      d1 = d2;
      d2 = t;
      c1 = 1;
      c2 = 0;
    }
    for (int l = 2; l < k; l++) {
      double db;
      if (!dist2_below(&h, i, l, d2, &db))
        continue;
      if (db >= d1) {
        d2 = db;
        c2 = l;
      } else {
        d2 = d1;
        c2 = c1;
        d1 = db;
        c1 = l;
      }
    }
    labels[i] = c1;
    h.ic2[i] = c2;
  }
  /* the means, summed in index order */
  memset(centers, 0, sizeof(double) * (size_t) k * (size_t) d);
  for (int l = 0; l < k; l++)
    h.nc[l] = 0;
  for (ckm_idx i = 0; i < n; i++) {
    const int l = labels[i];
    h.nc[l]++;
    for (int j = 0; j < d; j++)
      centers[l + (size_t) j * k] += x[i + (size_t) j * n];
  }
  for (int l = 0; l < k; l++) {
    if (h.nc[l] == 0)
      return CKM_HW_EMPTY;
    const double aa = (double) h.nc[l];
    for (int j = 0; j < d; j++)
      centers[l + (size_t) j * k] /= aa;
    h.an2[l] = aa / (aa + 1.0);
    h.an1[l] = aa > 1.0 ? aa / (aa - 1.0) : HW_BIG;
    h.itran[l] = 1;
    h.ncp[l] = -1;
    h.live[l] = 0;
  }

  /* at most 50 n quick-transfer steps, as stats::kmeans */
  const double cap = 50.0 * (double) n;
  const ckm_idx max_steps = cap < (double) INT_MAX ? (ckm_idx) cap : (ckm_idx) INT_MAX;
  h.indx = 0;
  int status = CKM_HW_MAX_ITER;
  for (int it = 1; it <= max_iter; it++) {
    *iter = it;
    if (optimal_transfer(&h))
      return CKM_INTERRUPTED;
    int done = h.indx == n;
    if (!done) {
      const int q = quick_transfer(&h, max_steps);
      if (q < 0)
        return CKM_INTERRUPTED;
      if (q > 0) {
        status = CKM_HW_MAX_QTRAN;
        done = 2;
      } else if (k == 2) {
        done = 1;
      } else {
        for (int l = 0; l < k; l++)
          h.ncp[l] = 0;
      }
    }
    /* the inertia about the centres as the stages left them */
    double s = 0.0;
    for (ckm_idx i = 0; i < n; i++)
      s += dist2(&h, i, labels[i]);
    trace[it - 1] = s;
    if (done)
      return done == 2 ? status : CKM_OK;
  }
  return status;
}

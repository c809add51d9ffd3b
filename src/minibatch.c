/*
 * minibatch.c: mini-batch k-means (Sculley, "Web-scale k-means clustering",
 * WWW 2010), with the refinements scikit-learn's MiniBatchKMeans made
 * standard: per-centre learning rates from the weight each centre has
 * absorbed, early stopping on an exponentially weighted average of the
 * batch inertia, and reassignment of starved centres to batch points.
 *
 * Each step draws a batch of rows uniformly with replacement (the deviates
 * come from the unif hook, on the calling thread), assigns it with the
 * exact kernel of assign.c (threads inside, over tiles of the batch), then
 * moves each centre c_j to (c_j W_j + sum of w x over its batch points) /
 * (W_j + batch weight), where W_j is the weight it has absorbed so far: a
 * learning rate of 1/W_j. The batch sums run in batch order on the calling
 * thread, so a fit depends on the seed alone, not on the thread count.
 */
#include <math.h>
#include <string.h>

#include "ckm.h"
#include "ckm_omp.h"
#include "internal.h"

static ckm_idx uniform_row(const ckm_hooks *hooks, ckm_idx n)
{
  ckm_idx i = (ckm_idx) (hooks->unif(hooks->ctx) * (double) n);
  return i >= n ? n - 1 : (i < 0 ? 0 : i);
}

static void draw_rows(const ckm_hooks *hooks, ckm_idx n, ckm_idx b,
                      ckm_idx *rows)
{
  for (ckm_idx q = 0; q < b; q++)
    rows[q] = uniform_row(hooks, n);
}

static void prefetch_rows(const double *x, ckm_idx n, int d,
                          const ckm_idx *rows, ckm_idx b)
{
#if defined(__GNUC__)
  for (int c = 0; c < d; c++) {
    const double *xc = x + (size_t) c * (size_t) n;
    for (ckm_idx q = 0; q < b; q++)
      __builtin_prefetch(xc + rows[q], 0, 1);
  }
#else
  (void) x; (void) n; (void) d; (void) rows; (void) b;
#endif
}

/* The batch rows into xb (b x d, column-major). X is column-major, so a
 * row is d cache misses when X is larger than the caches: the gather is
 * bound by how many misses are in flight, and two threads (each with its
 * own miss buffers) take columns in turn. */
static void gather_rows(const double *x, ckm_idx n, int d, const ckm_idx *rows,
                        ckm_idx b, double *xb, int nthreads)
{
  const int nt = ckm_team(nthreads < d ? nthreads : d, 40.0 * (double) b * d);
  CKM_PARALLEL(nt, parallel for num_threads(nt) schedule(dynamic, 1),
  for (int c = 0; c < d; c++) {
    const double *xc = x + (size_t) c * (size_t) n;
    double *bc = xb + (size_t) b * (size_t) c;
    for (ckm_idx q = 0; q < b; q++)
      bc[q] = xc[rows[q]];
  });
  (void) nt;
}

size_t ckm_minibatch_workspace(ckm_idx n, int d, int k,
                               const ckm_minibatch_options *opt)
{
  (void) n;
  const size_t b = (size_t) opt->batch_size, kd = (size_t) k * (size_t) d;
  return carved(sizeof(double) * b * (size_t) d) + /* batch rows */
         carved(sizeof(double) * b) * 2 +          /* weights, distances */
         carved(sizeof(ckm_idx) * b) * 3 +          /* rows, next rows, draw */
         carved(sizeof(int) * b) +                  /* labels */
         carved(sizeof(double) * kd) * 2 +          /* sums, previous centres */
         carved(sizeof(double) * (size_t) k) +      /* batch weight per centre */
         carved(sizeof(int) * (size_t) k) +         /* reassignment flags */
         carved(ckm_assign_workspace((ckm_idx) b, d, k, opt->nthreads));
}

/* Centres holding less than ratio times the largest absorbed weight move to
 * distinct rows of the batch drawn uniformly (at most half the batch, the
 * lightest first); their weight becomes the smallest of the others, so they
 * are not moved again at once. Returns the number moved. */
static int reassign_starved(int k, int d, ckm_idx b, const double *xb,
                            double *centers, double *counts, double ratio,
                            int *flag, ckm_idx *perm, const ckm_hooks *hooks)
{
  double top = 0.0;
  for (int j = 0; j < k; j++)
    if (counts[j] > top)
      top = counts[j];
  int m = 0;
  for (int j = 0; j < k; j++) {
    flag[j] = counts[j] < ratio * top;
    m += flag[j];
  }
  const int cap = (int) (0.5 * (double) b);
  while (m > cap) {
    /* keep the lightest `cap`: unflag the heaviest flagged (last on ties) */
    int h = -1;
    for (int j = 0; j < k; j++)
      if (flag[j] && (h < 0 || counts[j] >= counts[h]))
        h = j;
    flag[h] = 0;
    m--;
  }
  if (m == 0)
    return 0;
  for (ckm_idx q = 0; q < b; q++)
    perm[q] = q;
  int used = 0;
  for (int j = 0; j < k; j++) {
    if (!flag[j])
      continue;
    /* partial Fisher-Yates: a uniform row among those not yet taken */
    ckm_idx r = used + uniform_row(hooks, b - used);
    ckm_idx t = perm[used]; perm[used] = perm[r]; perm[r] = t;
    const ckm_idx row = perm[used++];
    for (int c = 0; c < d; c++)
      centers[j + (size_t) k * c] = xb[row + (size_t) b * c];
  }
  double low = INFINITY;
  for (int j = 0; j < k; j++)
    if (!flag[j] && counts[j] < low)
      low = counts[j];
  for (int j = 0; j < k; j++)
    if (flag[j])
      counts[j] = low;
  return m;
}

/* The trace: into `trace` when the caller gave one, and to the hook. */
static void record(double *trace, const ckm_hooks *hooks, long step, double v)
{
  if (trace)
    trace[step] = v;
  if (hooks && hooks->record)
    hooks->record(hooks->ctx, step, v);
}

int ckm_minibatch(const double *x, ckm_idx n, int d, int k, double *centers,
                  double *counts, double *trace,
                  const ckm_minibatch_options *opt, const ckm_hooks *hooks,
                  void *work, ckm_minibatch_info *info)
{
  const ckm_idx b = opt->batch_size;
  const size_t kd = (size_t) k * (size_t) d;
  const double *w = opt->weights;
  carver cv = {(char *) work};
  double *xb = carve(&cv, sizeof(double) * (size_t) b * (size_t) d);
  double *wb = carve(&cv, sizeof(double) * (size_t) b);
  double *db = carve(&cv, sizeof(double) * (size_t) b);
  ckm_idx *rows = carve(&cv, sizeof(ckm_idx) * (size_t) b);
  ckm_idx *ahead = carve(&cv, sizeof(ckm_idx) * (size_t) b);
  ckm_idx *perm = carve(&cv, sizeof(ckm_idx) * (size_t) b);
  int *lab = carve(&cv, sizeof(int) * (size_t) b);
  double *sums = carve(&cv, sizeof(double) * kd);
  double *prev = carve(&cv, sizeof(double) * kd);
  double *bw = carve(&cv, sizeof(double) * (size_t) k);
  int *flag = carve(&cv, sizeof(int) * (size_t) k);
  void *assign_work = carve(&cv, ckm_assign_workspace(b, d, k, opt->nthreads));

  /* the smoothing of scikit-learn: a batch counts as 2b / (n + 1) */
  double alpha = 2.0 * (double) b / ((double) n + 1.0);
  if (alpha > 1.0)
    alpha = 1.0;
  double ewa = NAN, ewa_min = INFINITY;
  long no_improvement = 0, since_reassign = 0;

  info->n_steps = 0;
  info->converged = 0;
  info->reassigned = 0;
  for (int j = 0; j < k; j++)
    counts[j] = 0.0;

  /* progress about every 1% of the step limit */
  const long report_every = opt->max_steps >= 100 ? opt->max_steps / 100 : 1;
  for (long step = 0; step < opt->max_steps; step++) {
    if ((step & 7) == 0 && ckm_should_stop(hooks))
      return CKM_INTERRUPTED;

    /* the batch: b rows uniformly, with replacement, drawn one step ahead
     * so that their cache lines are on the way while this step computes */
    if (step == 0)
      draw_rows(hooks, n, b, rows);
    gather_rows(x, n, d, rows, b, xb, opt->nthreads);
    for (ckm_idx q = 0; q < b; q++)
      wb[q] = w ? w[rows[q]] : 1.0;
    if (step + 1 < opt->max_steps) {
      draw_rows(hooks, n, b, ahead);
      prefetch_rows(x, n, d, ahead, b);
    }

    /* starved centres are looked at every 10 k rows seen, and whenever a
     * centre has absorbed nothing yet */
    since_reassign += b;
    int reassign = since_reassign >= 10L * k;
    for (int j = 0; j < k && !reassign; j++)
      reassign = counts[j] == 0.0;
    if (reassign)
      since_reassign = 0;

    ckm_assign(xb, b, d, centers, k, lab, db, opt->nthreads, opt->kernel, NULL,
               assign_work);
    double inertia = 0.0;
    for (ckm_idx q = 0; q < b; q++)
      inertia += wb[q] * db[q];
    if (!isfinite(inertia))
      return CKM_ERR_NONFINITE;

    /* c_j <- (c_j W_j + sum_batch w x) / (W_j + sum_batch w) */
    if (opt->tol > 0.0)
      memcpy(prev, centers, sizeof(double) * kd);
    memset(sums, 0, sizeof(double) * kd);
    memset(bw, 0, sizeof(double) * (size_t) k);
    for (ckm_idx q = 0; q < b; q++) {
      const int j = lab[q];
      bw[j] += wb[q];
      for (int c = 0; c < d; c++)
        sums[j + (size_t) k * c] += wb[q] * xb[q + (size_t) b * c];
    }
    for (int j = 0; j < k; j++) {
      if (bw[j] == 0.0)
        continue;
      const double total = counts[j] + bw[j];
      for (int c = 0; c < d; c++) {
        double *cj = centers + j + (size_t) k * c;
        *cj = (*cj * counts[j] + sums[j + (size_t) k * c]) / total;
      }
      counts[j] = total;
    }
    if (reassign && opt->reassignment_ratio > 0.0)
      info->reassigned += reassign_starved(k, d, b, xb, centers, counts,
                                           opt->reassignment_ratio, flag,
                                           perm, hooks);
    info->n_steps = step + 1;
    if (hooks && hooks->progress && (step + 1) % report_every == 0)
      ckm_report(hooks, (double) (step + 1) / (double) opt->max_steps);
    ckm_idx *t = rows;
    rows = ahead;
    ahead = t;

    /* early stopping, on the mean batch inertia smoothed over steps (the
     * first batch, scored against the starting centres, is left out) */
    const double mean = inertia / (double) b;
    if (step == 0) {
      record(trace, hooks, step, mean);
      continue;
    }
    ewa = isnan(ewa) ? mean : ewa * (1.0 - alpha) + mean * alpha;
    record(trace, hooks, step, ewa);
    if (opt->tol > 0.0) {
      double shift = 0.0;
      for (size_t q = 0; q < kd; q++) {
        const double df = centers[q] - prev[q];
        shift += df * df;
      }
      if (shift <= opt->tol) {
        info->converged = 1;
        break;
      }
    }
    if (ewa < ewa_min) {
      ewa_min = ewa;
      no_improvement = 0;
    } else {
      no_improvement++;
    }
    if (opt->max_no_improvement > 0 &&
        no_improvement >= opt->max_no_improvement) {
      info->converged = 1;
      break;
    }
  }
  for (size_t q = 0; q < kd; q++)
    if (!isfinite(centers[q]))
      return CKM_ERR_NONFINITE;
  return CKM_OK;
}

/*
 * starts.c: restarts. n_init fits, each from its own k-means++ seeding
 * (seeding.c) run by ckm_fit_run (kmeans.c), and the one with the lowest
 * inertia kept; the first start wins ties, as a loop in R keeping strict
 * improvements would. The draws come from the unif hook in the same order
 * as seeding and fitting one start at a time, so a start here is the start
 * of the same seed drawn alone. Over several processes (opt->comm) every
 * process runs the same starts and keeps the same one.
 *
 * The seeding's workspace and the fit's are never used at the same time,
 * so they share one block: restarts take what one start takes, plus the
 * labels, centres and sums of the start being run.
 */
#include <string.h>

#include "ckm.h"
#include "internal.h"

static size_t larger(size_t a, size_t b) { return a > b ? a : b; }

size_t ckm_fit_starts_workspace(ckm_idx n, int d, int k, int trials,
                                const ckm_options *opt)
{
  const size_t kd = (size_t) k * (size_t) d;
  const int nr = opt->comm ? opt->comm->size : 1;
  return larger(ckm_fit_workspace(n, d, k, opt),
                ckm_kmeanspp_workspace(n, d, k, trials, nr)) +
         carved(sizeof(int) * (size_t) n) + carved(sizeof(double) * kd) * 2 +
         carved(sizeof(double) * (size_t) k) +
         carved(sizeof(ckm_idx) * (size_t) k) * 2 + 64;
}

int ckm_fit_starts(const double *x, ckm_idx n, int d, int k, int trials,
                   int n_init, const double *first, double *centers,
                   double *start, int *labels,
                   double *wss, ckm_idx *size, const ckm_options *opt,
                   const ckm_hooks *hooks, void *work, ckm_info *info)
{
  const size_t kd = (size_t) k * (size_t) d;
  const int nr = opt->comm ? opt->comm->size : 1;
  carver cv = {(char *) work};
  void *shared = carve(&cv, larger(ckm_fit_workspace(n, d, k, opt),
                                   ckm_kmeanspp_workspace(n, d, k, trials, nr)));
  int *lab = carve(&cv, sizeof(int) * (size_t) n);
  double *cen = carve(&cv, sizeof(double) * kd);
  double *st = carve(&cv, sizeof(double) * kd);
  double *w = carve(&cv, sizeof(double) * (size_t) k);
  ckm_idx *sz = carve(&cv, sizeof(ckm_idx) * (size_t) k);
  ckm_idx *chosen = carve(&cv, sizeof(ckm_idx) * (size_t) k);
  const ckm_comm *comm = opt->comm && opt->comm->size > 1 ? opt->comm : NULL;

  double best = 0.0;
  for (int r = 0; r < n_init; r++) {
    int status = CKM_OK;
    if (r == 0 && first)
      memcpy(st, first, sizeof(double) * kd);
    else
      status = ckm_kmeanspp(x, n, d, k, opt->weights, trials, st, chosen,
                            opt->nthreads, opt->kernel, hooks, comm, shared);
    if (status)
      return status;
    memcpy(cen, st, sizeof(double) * kd);
    ckm_info one;
    ckm_options o = *opt;
    if (first && r > 0 && (o.hartigan == CKM_HARTIGAN_FIRST ||
                           o.hartigan == CKM_HARTIGAN_WONG_SWEEP))
      o.hartigan = CKM_HARTIGAN_AFTER;
    status = ckm_fit_run(x, n, d, k, cen, lab, w, sz, NULL, &o, hooks,
                         shared, &one);
    if (status)
      return status;
    double inertia = 0.0;
    for (int j = 0; j < k; j++)
      inertia += w[j];
    const int kept = r == 0 || inertia < best;
    if (kept) {
      best = inertia;
      *info = one;
      memcpy(centers, cen, sizeof(double) * kd);
      memcpy(start, st, sizeof(double) * kd);
      memcpy(labels, lab, sizeof(int) * (size_t) n);
      memcpy(wss, w, sizeof(double) * (size_t) k);
      memcpy(size, sz, sizeof(ckm_idx) * (size_t) k);
    }
    if (hooks && hooks->start_done)
      hooks->start_done(hooks->ctx, r + 1, inertia, one.n_iter, one.converged,
                        kept);
    if (hooks && hooks->progress && n_init > 1)
      hooks->progress(hooks->ctx, (double) (r + 1) / n_init);
  }
  return CKM_OK;
}

/*
 * gap.c: the fits of the gap statistic (Tibshirani, Walther and Hastie
 * 2001) in one call: the data's, then those of B reference data sets drawn
 * uniformly over a box, each for every k asked for. A call of ckm_fit()
 * per fit would spend more in R than in the fits (B = 50 and ten k are 550
 * fits of a few hundred rows); here the reference sets are drawn with the
 * unif hook (R's generator: the numbers runif() would give, in the order
 * matrix(runif(n * p), n, p) would take them) and fitted by
 * ckm_fit_starts, one after the other, so the result is reproducible.
 */
#include <math.h>
#include <string.h>

#include "ckm.h"
#include "internal.h"

size_t ckm_gap_workspace(ckm_idx n, int d, int kmax, int p, const ckm_options *opt)
{
  const size_t nn = (size_t) (n > 0 ? n : 1);
  return carved(ckm_fit_starts_workspace(n, d, kmax, 1, opt)) +
         carved(sizeof(double) * nn * (size_t) d) +      /* a reference set */
         carved(sizeof(double) * nn * (size_t) p) +      /* its box draws */
         2 * carved(sizeof(double) * (size_t) kmax * (size_t) d) +
         carved(sizeof(int) * nn) + carved(sizeof(double) * (size_t) kmax) +
         carved(sizeof(ckm_idx) * (size_t) kmax) + 64;
}

typedef struct gap_scratch {
  void *fit;
  double *z, *u, *centers, *start, *wss;
  int *labels;
  ckm_idx *size;
} gap_scratch;

/* log W for each k of ks: the total within-cluster sum of squares of the
 * best of n_init k-means++ starts */
static int fit_all(const double *x, ckm_idx n, int d, const int *ks, int K,
                   int n_init, const ckm_options *opt, const ckm_hooks *hooks,
                   gap_scratch *g, double *out, ckm_idx stride)
{
  for (int i = 0; i < K; i++) {
    if (ckm_should_stop(hooks))
      return CKM_INTERRUPTED;
    const int k = ks[i];
    ckm_info info;
    memset(&info, 0, sizeof info);
    int status = ckm_fit_starts(x, n, d, k, 1, n_init, NULL, g->centers, g->start,
                                g->labels, g->wss, g->size, opt, hooks, g->fit,
                                &info);
    if (status != CKM_OK)
      return status;
    double w = 0.0;
    for (int j = 0; j < k; j++)
      w += g->wss[j];
    out[(size_t) i * (size_t) stride] = log(w);
  }
  return CKM_OK;
}

int ckm_gap(const double *x, ckm_idx n, int d, const int *ks, int K, int B,
            int n_init, int n_init_ref, const double *lo, const double *hi, const double *rot,
            const double *mu, int p, const ckm_options *opt,
            const ckm_hooks *hooks, void *work, double *logw, double *ref)
{
  int kmax = 1;
  for (int i = 0; i < K; i++)
    if (ks[i] > kmax)
      kmax = ks[i];
  const size_t nn = (size_t) (n > 0 ? n : 1);
  carver cv = {(char *) work};
  gap_scratch g;
  g.fit = carve(&cv, ckm_fit_starts_workspace(n, d, kmax, 1, opt));
  g.z = carve(&cv, sizeof(double) * nn * (size_t) d);
  g.u = carve(&cv, sizeof(double) * nn * (size_t) p);
  g.centers = carve(&cv, sizeof(double) * (size_t) kmax * (size_t) d);
  g.start = carve(&cv, sizeof(double) * (size_t) kmax * (size_t) d);
  g.labels = carve(&cv, sizeof(int) * nn);
  g.wss = carve(&cv, sizeof(double) * (size_t) kmax);
  g.size = carve(&cv, sizeof(ckm_idx) * (size_t) kmax);

  int status = fit_all(x, n, d, ks, K, n_init, opt, hooks, &g, logw, 1);
  if (status != CKM_OK)
    return status;
  for (int b = 0; b < B; b++) {
    /* uniform over the box: column after column, as matrix(runif()) */
    for (int c = 0; c < p; c++) {
      const double width = hi[c] - lo[c];
      double *uc = g.u + (size_t) c * nn;
      for (ckm_idx i = 0; i < n; i++)
        uc[i] = hooks->unif(hooks->ctx) * width + lo[c];
    }
    const double *z = g.u;
    if (rot != NULL) {
      /* rotated back: z = u rot' + mu (rot: d x p, column-major) */
      for (int j = 0; j < d; j++) {
        double *zj = g.z + (size_t) j * nn;
        for (ckm_idx i = 0; i < n; i++)
          zj[i] = mu[j];
        for (int c = 0; c < p; c++) {
          const double r = rot[j + (size_t) d * (size_t) c];
          const double *uc = g.u + (size_t) c * nn;
          for (ckm_idx i = 0; i < n; i++)
            zj[i] += uc[i] * r;
        }
      }
      z = g.z;
    }
    status = fit_all(z, n, d, ks, K, n_init_ref, opt, hooks, &g, ref + b, B);
    if (status != CKM_OK)
      return status;
    ckm_report(hooks, (double) (b + 1) / (double) B);
  }
  return CKM_OK;
}

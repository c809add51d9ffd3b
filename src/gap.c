/*
 * gap.c: the fits of the gap statistic (Tibshirani, Walther and Hastie
 * 2001) in one call: the data's, then those of B reference data sets drawn
 * uniformly over a box, each for every k asked for. A call of ckm_fit()
 * per fit would spend more in R than in the fits (B = 50 and ten k are 550
 * fits of a few hundred rows).
 *
 * The data's fits draw their seedings from the unif hook (R's generator),
 * on the calling thread. Each reference set then has its own stream: a
 * 64-bit key drawn from the hook (in the order of the sets), from which a
 * SplitMix64 generator draws the set's points and its fits' seedings. So a
 * set and its fits depend on its key alone, and the sets can be fitted on
 * several threads at once, each fit on one thread, with the same result
 * for any number of threads. Nothing inside the parallel region calls R:
 * polls and progress come between batches of sets, on the calling thread.
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "ckm.h"
#include "ckm_omp.h"
#include "internal.h"

typedef struct gap_scratch {
  void *fit;
  double *z, *u, *centers, *start, *wss;
  int *labels;
  ckm_idx *size;
} gap_scratch;

static size_t scratch_bytes(ckm_idx n, int d, int kmax, int p, const ckm_options *opt)
{
  const size_t nn = (size_t) (n > 0 ? n : 1);
  return carved(ckm_fit_starts_workspace(n, d, kmax, 1, opt)) +
         carved(sizeof(double) * nn * (size_t) d) + /* a reference set */
         carved(sizeof(double) * nn * (size_t) p) + /* its box draws */
         2 * carved(sizeof(double) * (size_t) kmax * (size_t) d) +
         carved(sizeof(int) * nn) + carved(sizeof(double) * (size_t) kmax) +
         carved(sizeof(ckm_idx) * (size_t) kmax);
}

size_t ckm_gap_workspace(ckm_idx n, int d, int kmax, int p, const ckm_options *opt)
{
  ckm_options one = *opt;
  one.nthreads = 1;
  const int nt = opt->nthreads > 0 ? opt->nthreads : 1;
  /* the data's fits (with opt's threads), then one scratch per thread */
  return scratch_bytes(n, d, kmax, p, opt) + (size_t) nt * scratch_bytes(n, d, kmax, p, &one) + 64;
}

static void carve_scratch(carver *cv, gap_scratch *g, ckm_idx n, int d, int kmax, int p,
                          const ckm_options *opt)
{
  const size_t nn = (size_t) (n > 0 ? n : 1);
  g->fit = carve(cv, ckm_fit_starts_workspace(n, d, kmax, 1, opt));
  g->z = carve(cv, sizeof(double) * nn * (size_t) d);
  g->u = carve(cv, sizeof(double) * nn * (size_t) p);
  g->centers = carve(cv, sizeof(double) * (size_t) kmax * (size_t) d);
  g->start = carve(cv, sizeof(double) * (size_t) kmax * (size_t) d);
  g->labels = carve(cv, sizeof(int) * nn);
  g->wss = carve(cv, sizeof(double) * (size_t) kmax);
  g->size = carve(cv, sizeof(ckm_idx) * (size_t) kmax);
}

/* SplitMix64 (Steele, Lea and Flood 2014): the stream of one reference set */
typedef struct splitmix {
  uint64_t s;
} splitmix;

static double splitmix_unif(void *ctx)
{
  splitmix *r = (splitmix *) ctx;
  uint64_t z = (r->s += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  z ^= z >> 31;
  return (double) (z >> 11) * (1.0 / 9007199254740992.0); /* [0, 1) */
}

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

/* Reference set b from its key: drawn, then fitted for every k. */
static int reference_set(uint64_t key, ckm_idx n, int d, const int *ks, int K,
                         int n_init, const double *lo, const double *hi,
                         const double *rot, const double *mu, int p,
                         const ckm_options *one, gap_scratch *g, double *out,
                         ckm_idx stride)
{
  splitmix sm = {key};
  ckm_hooks h;
  memset(&h, 0, sizeof h);
  h.ctx = &sm;
  h.unif = splitmix_unif;
  const size_t nn = (size_t) (n > 0 ? n : 1);
  /* uniform over the box, column after column */
  for (int c = 0; c < p; c++) {
    const double width = hi[c] - lo[c];
    double *uc = g->u + (size_t) c * nn;
    for (ckm_idx i = 0; i < n; i++)
      uc[i] = splitmix_unif(&sm) * width + lo[c];
  }
  const double *z = g->u;
  if (rot != NULL) {
    /* rotated back: z = u rot' + mu (rot: d x p, column-major) */
    for (int j = 0; j < d; j++) {
      double *zj = g->z + (size_t) j * nn;
      for (ckm_idx i = 0; i < n; i++)
        zj[i] = mu[j];
      for (int c = 0; c < p; c++) {
        const double r = rot[j + (size_t) d * (size_t) c];
        const double *uc = g->u + (size_t) c * nn;
        for (ckm_idx i = 0; i < n; i++)
          zj[i] += uc[i] * r;
      }
    }
    z = g->z;
  }
  return fit_all(z, n, d, ks, K, n_init, one, &h, g, out, stride);
}

int ckm_gap(const double *x, ckm_idx n, int d, const int *ks, int K, int B,
            int n_init, int n_init_ref, const double *lo, const double *hi,
            const double *rot, const double *mu, int p, const ckm_options *opt,
            const ckm_hooks *hooks, void *work, double *logw, double *ref)
{
  int kmax = 1;
  for (int i = 0; i < K; i++)
    if (ks[i] > kmax)
      kmax = ks[i];
  const int nthreads = opt->nthreads > 0 ? opt->nthreads : 1;
  ckm_options one = *opt;
  one.nthreads = 1;
  carver cv = {(char *) work};
  gap_scratch main_g;
  carve_scratch(&cv, &main_g, n, d, kmax, p, opt);
  gap_scratch per[64];
  const int nt_max = nthreads < 64 ? nthreads : 64;
  for (int t = 0; t < nt_max; t++)
    carve_scratch(&cv, &per[t], n, d, kmax, p, &one);

  int status = fit_all(x, n, d, ks, K, n_init, opt, hooks, &main_g, logw, 1);
  if (status != CKM_OK)
    return status;
  /* the sets' keys, in order, from the caller's generator */
  (void) ckm_fast_isa(opt->kernel); /* the CPU check, once, before any team */
  const int batch = 4 * nt_max;
  int statuses[256];
  for (int b0 = 0; b0 < B; b0 += batch) {
    const int b1 = b0 + batch < B ? b0 + batch : B;
    uint64_t keys[256];
    for (int b = b0; b < b1; b++) {
      const uint64_t hi32 = (uint64_t) (hooks->unif(hooks->ctx) * 4294967296.0);
      const uint64_t lo32 = (uint64_t) (hooks->unif(hooks->ctx) * 4294967296.0);
      keys[b - b0] = (hi32 << 32) | lo32;
    }
    const double work_per_set = (double) n * d * kmax * K * 20.0;
    const int nt = ckm_team(nt_max, work_per_set * (b1 - b0));
    CKM_PARALLEL(nt, parallel for num_threads(nt) schedule(dynamic, 1),
    for (int b = b0; b < b1; b++) {
      statuses[b - b0] = reference_set(keys[b - b0], n, d, ks, K, n_init_ref, lo, hi, rot,
                                       mu, p, &one, &per[ckm_thread_num()], ref + b, B);
    });
    for (int b = b0; b < b1; b++)
      if (statuses[b - b0] != CKM_OK)
        return statuses[b - b0];
    if (ckm_should_stop(hooks))
      return CKM_INTERRUPTED;
    ckm_report(hooks, (double) b1 / (double) B);
  }
  return CKM_OK;
}

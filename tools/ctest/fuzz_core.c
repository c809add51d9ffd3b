/*
 * fuzz_core.c: a libFuzzer target for the numeric core.
 *
 *   make -C tools/ctest fuzz FUZZ_SECONDS=60
 *
 * The input chooses the problem: n (1..64), d (1..6), k (1..n), the
 * algorithm, kernel, thread count, iteration cap, tolerance, weights, the
 * seeding, a magnitude (from 1e-300 to 1e300) and the data, one byte per
 * value (so ties and repeated rows are common). The core's contract is
 * what R hands it after its checks: finite values, 1 <= k <= n, positive
 * weights; within that, anything goes.
 *
 * Oracles, besides the sanitizers: every algorithm, kernel and thread
 * count gives Lloyd's result bit for bit; a fit either fails with a status
 * or gives labels in range, sizes that count them, finite centres; soft
 * assignment rows sum to 1; ARI and NMI of a labeling with itself are 1;
 * silhouette widths lie in [-1, 1]; mini-batch and k-medians give finite
 * centres and labels in range.
 */
#include <stddef.h>
#include <stdint.h>

#include "common.h"

#define REQUIRE(cond)                                                          \
  do {                                                                         \
    if (!(cond))                                                               \
      __builtin_trap();                                                        \
  } while (0)

static const double magnitudes[] = {1.0, 1e-300, 1e-150, 1e-10, 1e10,
                                    1e150, 1e300, 0.5};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if (size < 10)
    return 0;
  const ckm_idx n = 1 + data[0] % 64;
  const int d = 1 + data[1] % 6;
  const int k = 1 + (int) (data[2] % (unsigned) n);
  const int alg = data[3] % 3;
  const int kernel = data[4] % 6; /* enum ckm_kernel, all six */
  const int max_iter = 1 + data[5] % 30;
  const int flags = data[6];
  const double scale = magnitudes[data[7] % 8];
  const int nthreads = 1 + (data[8] & 1);
  const uint8_t *v = data + 10;
  const size_t nv = size - 10;
  if (nv == 0)
    return 0;

  double *x = malloc(sizeof(double) * (size_t) n * d);
  for (size_t q = 0; q < (size_t) n * d; q++)
    x[q] = ((double) (int8_t) v[q % nv] + (double) (q / nv) * 0.5) * scale;
  double *w = NULL;
  if (flags & 1) {
    w = malloc(sizeof(double) * (size_t) n);
    for (ckm_idx i = 0; i < n; i++)
      w[i] = 1.0 + v[(size_t) i % nv] % 7;
  }
  const double tol = (flags & 2) ? 1e-4 * scale * scale : 0.0;
  rng r = {0x9E3779B97F4A7C15ULL ^ ((uint64_t) data[9] << 32) ^ size};
  ckm_hooks hooks = make_hooks(&r);

  /* seeding */
  double *start = malloc(sizeof(double) * (size_t) k * d);
  ckm_idx *chosen = malloc(sizeof(ckm_idx) * (size_t) k);
  const int trials = (flags & 4) ? 3 : 1;
  void *sw = workspace(ckm_kmeanspp_workspace(n, d, k, trials, 1));
  int st = ckm_kmeanspp(x, n, d, k, w, trials, start, chosen, nthreads,
                        kernel, &hooks, NULL, sw);
  free(sw);
  REQUIRE(st == CKM_OK || st == CKM_ERR_DISTINCT || st == CKM_ERR_NONFINITE);
  if (st == CKM_OK) {
    for (int j = 0; j < k; j++)
      REQUIRE(chosen[j] >= 0 && chosen[j] < n);

    fit_out ref = run_fit(x, n, d, k, start, CKM_LLOYD, CKM_KERNEL_PLAIN, 1,
                          max_iter, tol, w);
    REQUIRE(ref.status == CKM_OK || ref.status == CKM_ERR_NONFINITE);
    REQUIRE(sane_fit(&ref, n, d, k));
    fit_out f = run_fit(x, n, d, k, start, alg, kernel, nthreads, max_iter,
                        tol, w);
    REQUIRE(same_fit(&ref, &f, n, d, k));
    free_fit(&f);
    /* Hartigan's transfers, from the first pass or after convergence:
     * the same on one thread and on nthreads */
    {
      const int mode = (flags & 8) ? CKM_HARTIGAN_AFTER : CKM_HARTIGAN_FIRST;
      fit_out h1 = run_fit_h(x, n, d, k, start, CKM_LLOYD, kernel, 1, max_iter,
                             tol, w, mode);
      fit_out h2 = run_fit_h(x, n, d, k, start, alg, kernel, nthreads, max_iter,
                             tol, w, mode);
      REQUIRE(h1.status == CKM_OK || h1.status == CKM_ERR_NONFINITE);
      REQUIRE(sane_fit(&h1, n, d, k));
      REQUIRE(same_fit(&h1, &h2, n, d, k));
      free_fit(&h1);
      free_fit(&h2);
    }

    if (ref.status == CKM_OK) {
      /* soft assignment */
      double *p = malloc(sizeof(double) * (size_t) n * k);
      void *pw = workspace(sizeof(double) * (size_t) k * d);
      if (ckm_soft_assign(x, n, d, ref.centers, k, 1.0 / (scale * scale), p,
                          nthreads, NULL, pw) == CKM_OK) {
        for (ckm_idx i = 0; i < n; i++) {
          double s = 0.0;
          for (int j = 0; j < k; j++) {
            REQUIRE(p[i + n * j] >= 0.0 && p[i + n * j] <= 1.0);
            s += p[i + n * j];
          }
          REQUIRE(fabs(s - 1.0) < 1e-9);
        }
      }
      free(pw);
      free(p);

      /* metrics of the labeling with itself */
      void *cw = workspace(ckm_contingency_workspace(n, k, k));
      REQUIRE(fabs(ckm_ari(ref.labels, ref.labels, n, k, k, cw) - 1.0) < 1e-12);
      double nmi = ckm_nmi(ref.labels, ref.labels, n, k, k, flags % 5, cw);
      REQUIRE(nmi == nmi && nmi >= -1e-12 && nmi <= 1.0 + 1e-12);
      free(cw);

      double *wd = malloc(sizeof(double) * (size_t) n);
      int *nb = malloc(sizeof(int) * (size_t) n);
      double *lw = workspace(ckm_silhouette_workspace(d, k, nthreads));
      ckm_silhouette(x, n, d, ref.labels, k, ref.size, wd, nb, nthreads, NULL, lw);
      for (ckm_idx i = 0; i < n; i++)
        REQUIRE(!(wd[i] < -1.0 - 1e-12) && !(wd[i] > 1.0 + 1e-12));
      free(lw);
      free(nb);
      free(wd);
    }
    free_fit(&ref);

    /* mini-batch from the same start */
    double *mc = malloc(sizeof(double) * (size_t) k * d);
    memcpy(mc, start, sizeof(double) * (size_t) k * d);
    double *counts = malloc(sizeof(double) * (size_t) k);
    double trace[64];
    ckm_minibatch_options mo = {1 + (int) (data[9] % (unsigned) n), 64,
                                (flags & 8) ? 3 : 0, tol,
                                (flags & 16) ? 0.0 : 0.3, kernel, nthreads, w};
    void *mw = workspace(ckm_minibatch_workspace(n, d, k, &mo));
    ckm_minibatch_info mi;
    int ms = ckm_minibatch(x, n, d, k, mc, counts, trace, &mo, &hooks, mw, &mi);
    REQUIRE(ms == CKM_OK || ms == CKM_ERR_NONFINITE);
    if (ms == CKM_OK)
      for (size_t q = 0; q < (size_t) k * d; q++)
        REQUIRE(isfinite(mc[q]));
    free(mw);
    free(counts);
    free(mc);
  }

  /* k-medians from the first k rows (any start is allowed) */
  {
    double *c = malloc(sizeof(double) * (size_t) k * d);
    for (int j = 0; j < k; j++)
      for (int q = 0; q < d; q++)
        c[j + (size_t) k * q] = x[j + (size_t) n * q];
    int *lab = malloc(sizeof(int) * (size_t) n);
    double *dist = malloc(sizeof(double) * (size_t) n);
    double *wss = malloc(sizeof(double) * (size_t) k);
    double *tr = malloc(sizeof(double) * (size_t) max_iter);
    ckm_idx *sz = malloc(sizeof(ckm_idx) * (size_t) k);
    ckm_kmedians_info ki;
    void *kw = workspace(ckm_kmedians_workspace(n, d, k, nthreads));
    int ks = ckm_kmedians(x, n, d, k, c, max_iter, lab, dist, wss, sz, tr, &ki,
                          nthreads, NULL, kw);
    REQUIRE(ks == CKM_OK || ks == CKM_ERR_NONFINITE);
    if (ks == CKM_OK)
      for (ckm_idx i = 0; i < n; i++)
        REQUIRE(lab[i] >= 0 && lab[i] < k);
    free(kw);
    free(sz);
    free(tr);
    free(wss);
    free(dist);
    free(lab);
    free(c);
  }

  free(chosen);
  free(start);
  free(w);
  free(x);
  return 0;
}

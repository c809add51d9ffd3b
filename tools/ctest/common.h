/* common.h: what the standalone C tests and the fuzz target share. They
 * compile the numeric core (src/ without glue.c, ffi_*.c and init.c) with no R at
 * all: the core takes raw pointers and hooks, so a deterministic uniform
 * generator stands in for R's. */
#ifndef CKM_CTEST_COMMON_H
#define CKM_CTEST_COMMON_H

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ckm.h"

typedef struct rng {
  uint64_t s;
} rng;

static inline double rng_unif(void *ctx)
{
  rng *r = (rng *) ctx;
  r->s ^= r->s << 13;
  r->s ^= r->s >> 7;
  r->s ^= r->s << 17;
  return (double) (r->s >> 11) * (1.0 / 9007199254740992.0);
}

static inline ckm_hooks make_hooks(rng *r)
{
  ckm_hooks h = {r, rng_unif, NULL, NULL, NULL, NULL, NULL, NULL};
  return h;
}

/* Aligned scratch for the core (it carves 64-byte-aligned arrays). */
static inline void *workspace(size_t bytes)
{
  void *p = NULL;
  if (posix_memalign(&p, 64, bytes < 64 ? 64 : bytes) != 0)
    abort();
  memset(p, 0, bytes < 64 ? 64 : bytes);
  return p;
}

/* The result of one fit. */
typedef struct fit_out {
  int status;
  int *labels;
  double *centers, *wss, *trace;
  ckm_idx *size;
  ckm_info info;
} fit_out;

/* hartigan: enum ckm_hartigan_mode */
static inline fit_out run_fit_h(const double *x, ckm_idx n, int d, int k,
                                const double *start, int algorithm, int kernel,
                                int nthreads, int max_iter, double tol,
                                const double *weights, int hartigan)
{
  fit_out f;
  ckm_options opt = {max_iter, tol, algorithm, kernel, nthreads, weights, NULL, 0.0, NULL,
                     hartigan};
  f.labels = malloc(sizeof(int) * (size_t) (n > 0 ? n : 1));
  f.centers = malloc(sizeof(double) * (size_t) k * (size_t) d);
  f.wss = malloc(sizeof(double) * (size_t) k);
  f.trace = malloc(sizeof(double) * (size_t) max_iter);
  f.size = malloc(sizeof(ckm_idx) * (size_t) k);
  if (!f.labels || !f.centers || !f.wss || !f.trace || !f.size)
    abort();
  memcpy(f.centers, start, sizeof(double) * (size_t) k * (size_t) d);
  void *work = workspace(ckm_fit_workspace(n, d, k, &opt));
  f.status = ckm_fit_run(x, n, d, k, f.centers, f.labels, f.wss, f.size,
                         f.trace, &opt, NULL, work, &f.info);
  free(work);
  return f;
}

static inline fit_out run_fit(const double *x, ckm_idx n, int d, int k,
                              const double *start, int algorithm, int kernel,
                              int nthreads, int max_iter, double tol,
                              const double *weights)
{
  return run_fit_h(x, n, d, k, start, algorithm, kernel, nthreads, max_iter,
                   tol, weights, CKM_HARTIGAN_NONE);
}

static inline void free_fit(fit_out *f)
{
  free(f->labels);
  free(f->centers);
  free(f->wss);
  free(f->trace);
  free(f->size);
}

/* Same labels, centres, sizes, iterations and inertia, bit for bit. */
static inline int same_fit(const fit_out *a, const fit_out *b, ckm_idx n, int d, int k)
{
  if (a->status != b->status)
    return 0;
  if (a->status != CKM_OK)
    return 1;
  if (a->info.n_iter != b->info.n_iter || a->info.converged != b->info.converged)
    return 0;
  if (memcmp(a->labels, b->labels, sizeof(int) * (size_t) n) != 0)
    return 0;
  if (memcmp(a->centers, b->centers, sizeof(double) * (size_t) k * d) != 0)
    return 0;
  if (memcmp(a->size, b->size, sizeof(ckm_idx) * (size_t) k) != 0)
    return 0;
  for (int j = 0; j < k; j++)
    if (a->wss[j] != b->wss[j])
      return 0;
  return 1;
}

/* Labels in range, sizes that count them, finite centres, wss >= 0. */
static inline int sane_fit(const fit_out *f, ckm_idx n, int d, int k)
{
  if (f->status != CKM_OK)
    return 1;
  ckm_idx total = 0;
  for (int j = 0; j < k; j++) {
    if (f->size[j] < 0 || !(f->wss[j] >= 0.0))
      return 0;
    total += f->size[j];
  }
  if (total != n)
    return 0;
  for (ckm_idx i = 0; i < n; i++)
    if (f->labels[i] < 0 || f->labels[i] >= k)
      return 0;
  for (size_t q = 0; q < (size_t) k * d; q++)
    if (!isfinite(f->centers[q]))
      return 0;
  return 1;
}

#endif

/* fastassign.h: the blocked assignment kernels, AVX2/FMA and AVX-512F
 * (fastassign.c, kernel8.h). */
#ifndef CKM_FASTASSIGN_H
#define CKM_FASTASSIGN_H

#include "ckm.h"
#include "kernels.h"

/* points per tile: the same tiles as the plain kernel, so that the inertia
 * of a pass is summed in the same order whichever kernel ran */
#define CKM_FAST_MB CKM_TILE

typedef struct ckm_fast {
  int d, k, kp;
  double *mu;      /* column means of X (d) */
  double *panels;  /* centred centres, packed in panels of 8 (kp x d) */
  double *norms;   /* squared norms of the centred centres (kp) */
  double cnmax;    /* their maximum */
  int isa;         /* CKM_KERNEL_AVX2, _AVX512 or _AVX512_EMULATED */
  double *scratch; /* per-thread buffers */
  size_t scratch_stride;
} ckm_fast;

/* The blocked kernel a request (enum ckm_kernel) gets on this CPU:
 * CKM_KERNEL_AVX512 where the CPU (and the OS) run AVX-512F, else
 * CKM_KERNEL_AVX2 where they run AVX2 and FMA, else 0 (the plain kernel).
 * A request for a kernel the CPU lacks gets 0; CKM_KERNEL_PLAIN gets 0. */
int ckm_fast_isa(int kernel);

/* The blocked kernel pays a fixed cost per point (packing, the lane
 * reduction, the exact recompute of the winner) that only many centres
 * repay, and the plain kernel is register-blocked too (plainblock.h):
 * one assignment pass, one thread, the plain kernel's build against the
 * blocked kernel of the same width (bench/kernels.R; AMD EPYC with
 * AVX-512): with AVX-512 the plain one was faster up to k d = 8,192
 * (0.2x to 0.9x the time; d = 2, k = 64 to d = 32, k = 256) and the
 * blocked one from about 12,000 (1.1x at d = 16, k = 1,000; 1.35x at
 * d = 32, k = 512; 1.5x at d = 128, k = 1,000); with AVX2 even at k d
 * 4,000 to 10,000 and the blocked one 1.4x faster from 16,000. All give
 * identical results.
 *
 * Hamerly's points that its bound cannot settle are another matter: the
 * alternative there is one point's distances at a time, and the blocked
 * kernel pays from k = 32, k d >= 128 (ckm_use_fast: it is then prepared
 * for the fit). A full pass takes it from ckm_fast_full() on, or whenever
 * a blocked kernel was asked for by name (so tests and benchmarks can run
 * it on any shape it serves). */
static inline int ckm_use_fast(int kernel, int k, int d)
{
  return kernel != CKM_KERNEL_PLAIN && kernel != CKM_KERNEL_PLAIN_AVX2 &&
         kernel != CKM_KERNEL_PLAIN_AVX512 &&
         k >= 32 && (double) k * d >= 128.0 && ckm_fast_isa(kernel) != 0;
}

static inline int ckm_fast_full(int kernel, int k, int d)
{
  if (!ckm_use_fast(kernel, k, d))
    return 0;
  if (kernel != CKM_KERNEL_AUTO)
    return 1;
  /* "auto": where the screened product beats the register-blocked plain
   * kernel in a full pass (bench/kernels.R, AMD EPYC with AVX-512: from
   * k d of about 12,000 with the AVX-512 builds, 8,000 with the AVX2
   * ones; below, the plain kernel was up to 5 times faster) */
  const double kd = (double) k * d;
  return k >= 64 &&
         kd >= (ckm_fast_isa(CKM_KERNEL_AUTO) == CKM_KERNEL_AVX512 ? 12288.0 : 8192.0);
}

/* Which build of the plain kernel (assign.c; all give the same bits):
 * 0 the one for any x86-64, 1 AVX2, 2 AVX-512F, 3 the AVX-512 build's code
 * on AVX2. The widest the CPU runs, unless the plain kernel was asked for
 * (CKM_KERNEL_PLAIN: the build for any x86-64, as the tests compare), its
 * AVX2 build (CKM_KERNEL_PLAIN_AVX2, for benchmarks) or the emulated
 * AVX-512 kernels (CKM_KERNEL_AVX512_EMULATED, for tests). */
static inline int ckm_plain_wide(int kernel)
{
  const int isa = ckm_fast_isa(CKM_KERNEL_AUTO);
  if (kernel == CKM_KERNEL_PLAIN || isa == 0)
    return 0;
  if (kernel == CKM_KERNEL_PLAIN_AVX2 || kernel == CKM_KERNEL_AVX2)
    return 1;
  if (kernel == CKM_KERNEL_PLAIN_AVX512)
    return isa == CKM_KERNEL_AVX512 ? 2 : 0;
  if (kernel == CKM_KERNEL_AVX512_EMULATED)
    return 3;
  return isa == CKM_KERNEL_AVX512 ? 2 : 1;
}

/* Doubles of workspace: shared, and per thread. */
size_t ckm_fast_shared_doubles(int d, int k);
size_t ckm_fast_thread_doubles(int d);

/* Once per fit: the column means. */
void ckm_fast_prepare(ckm_fast *f, const double *x, ckm_idx n, int d,
                      int kernel, double *shared, double *thread_scratch);

/* Once per iteration: centre the centres and pack them. */
void ckm_fast_pack(ckm_fast *f, const double *centers, int k);

/* Assign the points of one tile [i0, i0 + len), len <= CKM_FAST_MB.
 * ct: the exact centres, transposed (k rows of d). Writes labels, the exact
 * squared distance to the winner (dist, may be NULL) and a lower bound on
 * the squared distance to the second nearest centre (second, may be NULL).
 * Returns the number of labels changed; *tile_sum is the sum of dist over
 * the tile, in point order. */
ckm_idx ckm_fast_tile(const ckm_fast *f, const double *x, ckm_idx n,
                      const double *ct, ckm_idx i0, int len, int *labels,
                      double *dist, double *second, double *tile_sum);

/* The same for len <= CKM_FAST_MB rows listed in `rows` (any rows, e.g.
 * those a bound could not settle): per listed row t, its nearest centre
 * (label[t]), the exact squared distance to it (dist[t]) and a lower bound
 * on the squared distance to the second nearest (second[t]); the same
 * values the tile kernel gives those rows. */
void ckm_fast_rows(const ckm_fast *f, const double *x, ckm_idx n,
                   const double *ct, const ckm_idx *rows, int len, int *label,
                   double *dist, double *second);

#endif

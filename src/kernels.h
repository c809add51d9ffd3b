/*
 * kernels.h: the distance kernels shared by the fitting and seeding code.
 *
 * Layout. The kernels read R's column-major X in place: for a fixed column
 * c the values of a run of consecutive points, x[i0 + n * c] ...
 * x[i0 + len - 1 + n * c], are contiguous, so a tile of CKM_TILE points is
 * processed one column at a time with a unit-stride, vectorisable inner
 * loop over the points. No packed copy of X is made: a copy would double
 * the memory of a fit (X is the one large object), and column-major tiles
 * are already unit-stride.
 *
 * Exactness. A squared distance is summed over the columns in order,
 * acc += (x - c)^2, the same operations in the same order as stats::kmeans
 * (kmeans.c, kmeans_Lloyd), so a distance here is bit-identical to the one
 * stats computes and labels agree with it, ties going to the lowest index.
 */
#ifndef CKM_KERNELS_H
#define CKM_KERNELS_H

#include "ckm.h"

#define CKM_TILE 256

/* Tiles a thread takes at a time in the parallel passes over tiles.
 * Dynamic, not static, scheduling: on a machine where another process
 * holds a core, the thread that shares it runs at half speed, and a static
 * split makes the whole pass wait for it (two threads then take as long as
 * one). With chunks taken as threads come free, the free core does most of
 * the work. About eight chunks per thread, of 1 to 16 tiles: small passes
 * (a mini-batch) still split, large ones take few atomic grabs. Every sum
 * is formed per tile and added in tile order, so the schedule never changes
 * a result. */
/* Tiles per block of a long pass: a pass runs block by block, one parallel
 * region each, and polls for an interrupt between blocks (on the calling
 * thread, outside any region), so that even a pass of many seconds stops
 * within a fraction of one. About 4e8 flops a block (tens of milliseconds),
 * at least 8 tiles (two threads still split a block). `flops_per_point` is
 * the pass's cost per point. */
static inline long ckm_block_tiles(double flops_per_point)
{
  double t = 4.0e8 / ((flops_per_point > 1.0 ? flops_per_point : 1.0) * 256.0);
  return t < 8.0 ? 8 : t > 1.0e9 ? 1000000000L : (long) t;
}

static inline int ckm_chunk(long ntiles, int nt)
{
  long c = ntiles / (8L * (nt < 1 ? 1 : nt));
  return c < 1 ? 1 : c > 16 ? 16 : (int) c;
}

#ifdef _OPENMP
#define CKM_SIMD _Pragma("omp simd")
#else
#define CKM_SIMD
#endif

/* acc[t] = || x[i0 + t, ] - cj ||^2 for t < len (len <= CKM_TILE). */
static inline void ckm_tile_dist(const double *x, ckm_idx n, int d, ckm_idx i0,
                                 int len, const double *cj, double *acc)
{
  if (len == CKM_TILE) {
    /* constant trip count: vectorised at -O2 even without OpenMP */
    for (int t = 0; t < CKM_TILE; t++)
      acc[t] = 0.0;
    for (int c = 0; c < d; c++) {
      const double *xc = x + (size_t) c * (size_t) n + (size_t) i0;
      const double v = cj[c];
      CKM_SIMD
      for (int t = 0; t < CKM_TILE; t++) {
        double df = xc[t] - v;
        acc[t] += df * df;
      }
    }
  } else {
    for (int t = 0; t < len; t++)
      acc[t] = 0.0;
    for (int c = 0; c < d; c++) {
      const double *xc = x + (size_t) c * (size_t) n + (size_t) i0;
      const double v = cj[c];
      CKM_SIMD
      for (int t = 0; t < len; t++) {
        double df = xc[t] - v;
        acc[t] += df * df;
      }
    }
  }
}

/* Transpose k x d column-major centres into k rows of d (ct[j * d + c]). */
static inline void ckm_transpose_centres(const double *centers, int k, int d,
                                         double *ct)
{
  for (int j = 0; j < k; j++)
    for (int c = 0; c < d; c++)
      ct[(size_t) j * d + c] = centers[j + (size_t) k * c];
}

static inline ckm_idx ckm_ntiles(ckm_idx n)
{
  return (n + CKM_TILE - 1) / CKM_TILE;
}

#endif

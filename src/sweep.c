/*
 * sweep.c: the first step of a bound pass (Hamerly, and Yinyang with one
 * group of centres) over a tile: every point's upper bound grows by its
 * centre's drift, its lower bound shrinks by the drift of the others, and
 * the points whose bounds now cross are listed. Most points stop there,
 * so this sweep over the bounds is most of a late pass.
 *
 * Three builds: scalar, AVX2 (4 points at a time) and AVX-512F (8). They
 * do the same operations on each point (ckm_widen, ckm_loosen, the same
 * comparisons, a gather for each point's drift and half-distance), so the
 * bounds and the list are the same bit for bit whatever the build; a build
 * is chosen by the plain kernel's width (s->wide), so options(ckm.kernel =
 * "plain") runs the scalar one. Each SIMD build ends with a vzeroupper for
 * the SSE code that follows: GCC did not put one there by itself, and
 * without it the scalar distances after the sweep ran 3 times slower on an
 * AMD EPYC (tools/kernel-asm.sh checks that it is there).
 */
#include <stdint.h>

#include "ckm.h"
#include "bounds.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define CKM_SWEEP_SIMD 1
#include <immintrin.h>
#else
#define CKM_SWEEP_SIMD 0
#endif

/* Points [t0, len) one at a time: the reference for the wider builds. */
static int sweep_scalar(int t0, int len, const int *lab, double *upper,
                        double *lower, const double *drift, const double *half,
                        int jmax, double p1, double p2, int *fail,
                        double *bound, int nf)
{
  for (int t = t0; t < len; t++) {
    const int a = lab[t];
    const double u = ckm_widen(upper[t], drift[a]);
    const double l = ckm_loosen(lower[t], a == jmax ? p2 : p1);
    lower[t] = l;
    upper[t] = u;
    const double m = half ? (l > half[a] ? l : half[a]) : l;
    if (!(u < m)) {
      bound[nf] = m;
      fail[nf++] = t;
    }
  }
  return nf;
}

#if CKM_SWEEP_SIMD
/* Rows [t, t + width) of every column of x0 (n rows, d columns; none when
 * x0 is NULL) on their way into the cache: some of these points are
 * listed, and the own distances that follow the sweep read their rows.
 * Issued here, as soon as a group of points is listed, the loads arrive
 * while the sweep goes on instead of stalling the distances one by one.
 * Always inlined: as a function of its own GCC 12 found it pure (a
 * prefetch changes no memory), and dropped the calls and the prefetches
 * with them (tools/kernel-asm.sh checks that they are in the builds). */
static inline __attribute__((always_inline)) void
prefetch_rows(const double *x0, ckm_idx n, int d, int t, int width)
{
  if (!x0)
    return;
  for (int c = 0; c < d; c++) {
    const double *first = x0 + (size_t) c * (size_t) n + t,
                 *last = first + width - 1;
    __builtin_prefetch(first);
    if (((uintptr_t) first ^ (uintptr_t) last) >= 64)
      __builtin_prefetch(last);
  }
}

/* The lanes set in f (point t + lane, bound mv[lane]) onto the list. */
static inline int list_lanes(unsigned f, const double *mv, int t, int *fail,
                             double *bound, int nf)
{
  do {
    const int b = __builtin_ctz(f);
    bound[nf] = mv[b];
    fail[nf++] = t + b;
    f &= f - 1;
  } while (f);
  return nf;
}

__attribute__((target("avx2"))) static int
sweep_avx2(int len, const int *lab, double *upper, double *lower,
           const double *drift, const double *half, int jmax, double p1,
           double p2, int *fail, double *bound, const double *x0, ckm_idx n,
           int d)
{
  const __m256d up = _mm256_set1_pd(1.0 + 2.0 * DBL_EPSILON),
                down = _mm256_set1_pd(1.0 - 2.0 * DBL_EPSILON),
                zero = _mm256_setzero_pd(), v1 = _mm256_set1_pd(p1),
                v2 = _mm256_set1_pd(p2);
  const __m128i jm = _mm_set1_epi32(jmax);
  int nf = 0, t = 0;
  for (; t + 4 <= len; t += 4) {
    const __m128i a = _mm_loadu_si128((const __m128i *) (lab + t));
    const __m256d dr = _mm256_i32gather_pd(drift, a, 8);
    const __m256d u =
        _mm256_mul_pd(_mm256_add_pd(_mm256_loadu_pd(upper + t), dr), up);
    const __m256d isj =
        _mm256_castsi256_pd(_mm256_cvtepi32_epi64(_mm_cmpeq_epi32(a, jm)));
    const __m256d p = _mm256_blendv_pd(v1, v2, isj);
    const __m256d v = _mm256_sub_pd(_mm256_loadu_pd(lower + t), p);
    const __m256d l =
        _mm256_and_pd(_mm256_mul_pd(v, down), _mm256_cmp_pd(v, zero, _CMP_GT_OQ));
    _mm256_storeu_pd(upper + t, u);
    _mm256_storeu_pd(lower + t, l);
    const __m256d m =
        half ? _mm256_max_pd(l, _mm256_i32gather_pd(half, a, 8)) : l;
    const unsigned f = (unsigned) _mm256_movemask_pd(_mm256_cmp_pd(u, m, _CMP_NLT_UQ));
    if (f) {
      double mv[4];
      prefetch_rows(x0, n, d, t, 4);
      _mm256_storeu_pd(mv, m);
      nf = list_lanes(f, mv, t, fail, bound, nf);
    }
  }
  _mm256_zeroupper(); /* see the top of the file */
  return sweep_scalar(t, len, lab, upper, lower, drift, half, jmax, p1, p2,
                      fail, bound, nf);
}

/* tab[a] for the 8 labels in a: with k <= 16 a permutation of two
 * registers holding the table (lo, hi: tab padded to 16), else a gather */
__attribute__((target("avx512f"))) static inline __m512d
lookup_avx512(const double *tab, __m256i a, int small, __m512d lo, __m512d hi)
{
  if (small)
    return _mm512_permutex2var_pd(lo, _mm512_cvtepi32_epi64(a), hi);
  return _mm512_i32gather_pd(a, tab, 8);
}

__attribute__((target("avx512f"))) static int
sweep_avx512(int len, const int *lab, double *upper, double *lower,
             const double *drift, const double *half, int jmax, double p1,
             double p2, int *fail, double *bound, int k, const double *x0,
             ckm_idx n, int d)
{
  /* small tables in registers: a permutation instead of a gather (on an
   * AMD EPYC the two gathers took most of the loop's time) */
  const int small = k <= 16;
  double pad[2][16] = {{0}};
  for (int j = 0; small && j < k; j++) {
    pad[0][j] = drift[j];
    pad[1][j] = half ? half[j] : 0.0;
  }
  const __m512d d_lo = _mm512_loadu_pd(pad[0]), d_hi = _mm512_loadu_pd(pad[0] + 8),
                h_lo = _mm512_loadu_pd(pad[1]), h_hi = _mm512_loadu_pd(pad[1] + 8);
  const __m512d up = _mm512_set1_pd(1.0 + 2.0 * DBL_EPSILON),
                down = _mm512_set1_pd(1.0 - 2.0 * DBL_EPSILON),
                zero = _mm512_setzero_pd(), v1 = _mm512_set1_pd(p1),
                v2 = _mm512_set1_pd(p2);
  const __m512i jm = _mm512_set1_epi64(jmax);
  int nf = 0, t = 0;
  for (; t + 8 <= len; t += 8) {
    const __m256i a = _mm256_loadu_si256((const __m256i *) (lab + t));
    const __m512d dr = lookup_avx512(drift, a, small, d_lo, d_hi);
    const __m512d u =
        _mm512_mul_pd(_mm512_add_pd(_mm512_loadu_pd(upper + t), dr), up);
    const __mmask8 isj = _mm512_cmpeq_epi64_mask(_mm512_cvtepi32_epi64(a), jm);
    const __m512d p = _mm512_mask_blend_pd(isj, v1, v2);
    const __m512d v = _mm512_sub_pd(_mm512_loadu_pd(lower + t), p);
    const __m512d l =
        _mm512_maskz_mul_pd(_mm512_cmp_pd_mask(v, zero, _CMP_GT_OQ), v, down);
    _mm512_storeu_pd(upper + t, u);
    _mm512_storeu_pd(lower + t, l);
    const __m512d m =
        half ? _mm512_max_pd(l, lookup_avx512(half, a, small, h_lo, h_hi)) : l;
    const unsigned f = _mm512_cmp_pd_mask(u, m, _CMP_NLT_UQ);
    if (f) {
      double mv[8];
      prefetch_rows(x0, n, d, t, 8);
      _mm512_storeu_pd(mv, m);
      nf = list_lanes(f, mv, t, fail, bound, nf);
    }
  }
  _mm256_zeroupper(); /* see the top of the file */
  return sweep_scalar(t, len, lab, upper, lower, drift, half, jmax, p1, p2,
                      fail, bound, nf);
}
#endif

int ckm_sweep_bounds(int wide, int len, const int *lab, double *upper,
                     double *lower, const double *drift, const double *half,
                     int k, int jmax, double p1, double p2, int *fail,
                     double *bound, const double *x0, ckm_idx n, int d)
{
#if CKM_SWEEP_SIMD
  if (wide == 2)
    return sweep_avx512(len, lab, upper, lower, drift, half, jmax, p1, p2,
                        fail, bound, k, x0, n, d);
  if (wide == 1 || wide == 3)
    return sweep_avx2(len, lab, upper, lower, drift, half, jmax, p1, p2,
                      fail, bound, x0, n, d);
#else
  (void) wide;
  (void) x0;
  (void) n;
  (void) d;
#endif
  return sweep_scalar(0, len, lab, upper, lower, drift, half, jmax, p1, p2,
                      fail, bound, 0);
}

/* ---- the sweep over gaps (one-group Yinyang) ------------------------------
 *
 * Each point keeps one number the sweep reads, a lower bound g on
 * (l + M_s) - (u - A_a,s): l and u its bounds when they were last set (at
 * pass s), A_a,s the path its centre a had travelled by then and M_s the
 * sum of the passes' largest moves. The bounds now are u + (A_a - A_a,s)
 * and l - (M - M_s), so the point cannot move while g > A_a + M: one
 * comparison with a per-centre threshold T[a] >= A_a + M, and no bound
 * written back (the bounds of ckm_sweep_bounds() are read and written
 * every pass). The listed get their lower bound now, lp - M rounded down,
 * lp = l + M_s being the other number a point keeps. */

/* The lower bound now of a point whose lp is lp, with M the moves' sum. */
static inline double gap_bound(double lp, double M)
{
  return lp - M - 2.0 * DBL_EPSILON * (fabs(lp) + M);
}

static int gaps_scalar(int t0, int len, const int *lab, const double *gap,
                       const double *lp, const double *T, double M, int *fail,
                       double *bound, int nf)
{
  for (int t = t0; t < len; t++)
    if (!(gap[t] > T[lab[t]])) {
      bound[nf] = gap_bound(lp[t], M);
      fail[nf++] = t;
    }
  return nf;
}

/* The bounds now of the listed points fail[0 .. nf). */
static void gap_bounds(const int *fail, int nf, const double *lp, double M,
                       double *bound)
{
  for (int q = 0; q < nf; q++)
    bound[q] = gap_bound(lp[fail[q]], M);
}

#if CKM_SWEEP_SIMD
/* The lanes set in f onto the list; their lp on its way into the cache
 * (read by gap_bounds() once the tile is swept: read here, each was a
 * cache miss the sweep waited for). */
static inline int list_gaps(unsigned f, int t, const double *lp, int *fail,
                            int nf)
{
  __builtin_prefetch(lp + t);
  do {
    const int b = __builtin_ctz(f);
    fail[nf++] = t + b;
    f &= f - 1;
  } while (f);
  return nf;
}

__attribute__((target("avx2"))) static int
gaps_avx2(int len, const int *lab, const double *gap, const double *lp,
          const double *T, int *fail, const double *x0, ckm_idx n, int d,
          int *done)
{
  int nf = 0, t = 0;
  for (; t + 4 <= len; t += 4) {
    const __m128i a = _mm_loadu_si128((const __m128i *) (lab + t));
    const __m256d th = _mm256_i32gather_pd(T, a, 8);
    const unsigned f = (unsigned) _mm256_movemask_pd(
        _mm256_cmp_pd(_mm256_loadu_pd(gap + t), th, _CMP_NGT_UQ));
    if (f) {
      prefetch_rows(x0, n, d, t, 4);
      nf = list_gaps(f, t, lp, fail, nf);
    }
  }
  _mm256_zeroupper(); /* see the top of the file */
  *done = t;
  return nf;
}

__attribute__((target("avx512f"))) static int
gaps_avx512(int len, const int *lab, const double *gap, const double *lp,
            const double *T, int k, int *fail, const double *x0, ckm_idx n,
            int d, int *done)
{
  const int small = k <= 16;
  double pad[16] = {0};
  for (int j = 0; small && j < k; j++)
    pad[j] = T[j];
  const __m512d t_lo = _mm512_loadu_pd(pad), t_hi = _mm512_loadu_pd(pad + 8);
  int nf = 0, t = 0;
  for (; t + 8 <= len; t += 8) {
    const __m256i a = _mm256_loadu_si256((const __m256i *) (lab + t));
    const __m512d th = lookup_avx512(T, a, small, t_lo, t_hi);
    const unsigned f = _mm512_cmp_pd_mask(_mm512_loadu_pd(gap + t), th, _CMP_NGT_UQ);
    if (f) {
      prefetch_rows(x0, n, d, t, 8);
      nf = list_gaps(f, t, lp, fail, nf);
    }
  }
  _mm256_zeroupper(); /* see the top of the file */
  *done = t;
  return nf;
}
#endif

int ckm_sweep_gaps(int wide, int len, const int *lab, const double *gap,
                   const double *lp, const double *T, double M, int k,
                   int *fail, double *bound, const double *x0, ckm_idx n, int d)
{
  /* a SIMD build lists whole groups of points (their bounds read after,
   * see list_gaps()); the scalar one the rest */
  int nf = 0, t = 0;
#if CKM_SWEEP_SIMD
  if (wide == 2)
    nf = gaps_avx512(len, lab, gap, lp, T, k, fail, x0, n, d, &t);
  else if (wide == 1 || wide == 3)
    nf = gaps_avx2(len, lab, gap, lp, T, fail, x0, n, d, &t);
#else
  (void) wide;
  (void) k;
  (void) x0;
  (void) n;
  (void) d;
#endif
  gap_bounds(fail, nf, lp, M, bound);
  return gaps_scalar(t, len, lab, gap, lp, T, M, fail, bound, nf);
}

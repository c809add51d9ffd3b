/*
 * fastassign.c: the blocked, vectorised assignment kernel.
 *
 * Screen, then certify. For a tile of CKM_FAST_MB points and all centres
 * the kernel computes s_j = ||c_j - mu||^2 - 2 (x - mu).(c_j - mu), the
 * squared distance less ||x - mu||^2, as a small matrix product with a
 * register-blocked AVX2/FMA micro-kernel (4 points x 8 centres), keeping
 * per point the smallest and second smallest s_j. Centring on the column
 * means mu (done while packing, so X is never copied whole) keeps the norms,
 * and so the rounding error of the expansion, small.
 *
 * The expansion is not how stats::kmeans computes a distance, and its
 * rounding error can reorder near-ties. So the winner is certified: the
 * error of s_j, and of the reference distance sum((x - c)^2), is at most
 * E = 8 (d + 4) eps (||x - mu||^2 + max_j ||c_j - mu||^2) (plus 8 (d + 4)
 * times the smallest subnormal, for squares that underflow); when the second
 * smallest s exceeds the smallest by more than 2E, the winner is the same as
 * with exact distances; otherwise (rare: a point on a cluster boundary to
 * within ~1e-13) every distance of that point is recomputed the exact way.
 * The winner's distance is always recomputed exactly, so inertia and labels
 * are bit-identical to those of the plain kernel (and of stats).
 *
 * Layout. Each tile of X is packed once per pass into a per-thread buffer
 * of 4-point panels (row-major within a panel); the centres are packed once
 * per iteration into 8-centre panels. A centre panel (8 d doubles) stays in
 * L1 while all point panels of the tile (64 d doubles) stream from L1/L2.
 * No BLAS: a threaded BLAS inside our OpenMP loop would oversubscribe.
 *
 * Two builds of the micro-kernel, chosen at run time: AVX2+FMA (4 points x
 * 8 centres, 8 ymm accumulators) and AVX-512F (8 points x 16 centres, 16
 * zmm accumulators: one register holds a whole 8-centre panel, and there
 * are twice the registers to block with). Each is compiled with a target
 * attribute, so the package needs no special flags. Both do, for every
 * (point, centre) pair, the same operations in the same order (one FMA per
 * column, in column order, from zero; then s = norm - 2 acc; then the same
 * comparisons, centre panel by centre panel), so they give the same s, the
 * same winners and the same bounds, bit for bit: the wider one only does
 * more pairs at once. Elsewhere ckm_fast_isa() is 0 and the plain kernel
 * is used.
 */
#include <float.h>
#include <math.h>
#include <string.h>

#include "ckm.h"
#include "ckm_omp.h"
#include "fastassign.h"
#include "internal.h"
#include "kernels.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define CKM_HAVE_AVX2_KERNEL 1
#include <immintrin.h>
#else
#define CKM_HAVE_AVX2_KERNEL 0
#endif

#define MB CKM_FAST_MB
#define MR 4
#define NR 8

/* The CPU's blocked kernel: AVX-512F, AVX2+FMA or none. GCC's and clang's
 * __builtin_cpu_supports() also check that the OS saves the wider
 * registers (XGETBV), so a CPU with AVX-512 under an OS without it reports
 * AVX2. */
static int cpu_isa(void)
{
#if CKM_HAVE_AVX2_KERNEL
  static int cached = -1;
  if (cached < 0) {
    __builtin_cpu_init();
    int avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    int avx512 = avx2 && __builtin_cpu_supports("avx512f");
    cached = avx512 ? CKM_KERNEL_AVX512 : avx2 ? CKM_KERNEL_AVX2 : 0;
  }
  return cached;
#else
  return 0;
#endif
}

int ckm_fast_isa(int kernel)
{
  const int cpu = cpu_isa();
  switch (kernel) {
  case CKM_KERNEL_AUTO:
    return cpu;
  case CKM_KERNEL_AVX2:
    return cpu >= CKM_KERNEL_AVX2 ? CKM_KERNEL_AVX2 : 0;
  case CKM_KERNEL_AVX512:
    return cpu == CKM_KERNEL_AVX512 ? CKM_KERNEL_AVX512 : 0;
  case CKM_KERNEL_AVX512_EMULATED:
    return cpu >= CKM_KERNEL_AVX2 ? CKM_KERNEL_AVX512_EMULATED : 0;
  default:
    return 0;
  }
}

static size_t round_up(size_t v, size_t m) { return (v + m - 1) / m * m; }

size_t ckm_fast_shared_doubles(int d, int k)
{
  size_t kp = round_up((size_t) k, NR);
  return round_up((size_t) d, 8) + kp * (size_t) d + kp;
}

/* per thread: a 64-point packed block, its norms, the lane trackers of the
 * whole tile, and one gathered point */
#define SUB 64
size_t ckm_fast_thread_doubles(int d)
{
  return round_up((size_t) SUB * (size_t) d + SUB + 3 * (size_t) MB * NR +
                  (size_t) d, 8);
}

void ckm_fast_prepare(ckm_fast *f, const double *x, ckm_idx n, int d,
                      int kernel, double *shared, double *thread_scratch)
{
  f->d = d;
  f->isa = ckm_fast_isa(kernel);
  f->mu = shared;
  f->panels = shared + round_up((size_t) d, 8);
  f->scratch = thread_scratch;
  f->scratch_stride = ckm_fast_thread_doubles(d);
  for (int c = 0; c < d; c++) {
    const double *xc = x + (size_t) c * (size_t) n;
    double s = 0.0;
    for (ckm_idx i = 0; i < n; i++)
      s += xc[i];
    f->mu[c] = s / (double) n;
  }
}

void ckm_fast_pack(ckm_fast *f, const double *centers, int k)
{
  const int d = f->d;
  const size_t kp = round_up((size_t) k, NR);
  double *norms = f->panels + kp * (size_t) d;
  double cnmax = 0.0;
  f->k = k;
  f->kp = (int) kp;
  f->norms = norms;
  for (size_t j = 0; j < kp; j++) {
    size_t p = j / NR, l = j % NR;
    double *panel = f->panels + p * (size_t) d * NR;
    double s = 0.0;
    for (int c = 0; c < d; c++) {
      double v = j < (size_t) k ? centers[j + (size_t) k * c] - f->mu[c] : 0.0;
      panel[(size_t) c * NR + l] = v;
      s += v * v;
    }
    if (j < (size_t) k) {
      norms[j] = s;
      if (s > cnmax)
        cnmax = s;
    } else {
      norms[j] = INFINITY; /* padding never wins */
    }
  }
  f->cnmax = cnmax;
}

#if CKM_HAVE_AVX2_KERNEL

/* b1/b2: smallest and second smallest s per (point, lane); i1: index of the
 * smallest, as a double. Lane l of panel p is centre p * 8 + l. */
__attribute__((target("avx2,fma")))
static void kernel_avx2(const double *Q, int nq, const double *P,
                        const double *norms, int np, int d, double *b1,
                        double *b2, double *i1)
{
  const __m256d two = _mm256_set1_pd(2.0);
  for (int p = 0; p < np; p++) {
    const double *Pp = P + (size_t) p * d * NR;
    const __m256d cn0 = _mm256_loadu_pd(norms + p * NR);
    const __m256d cn1 = _mm256_loadu_pd(norms + p * NR + 4);
    const double base = (double) p * NR;
    const __m256d j0 = _mm256_set_pd(base + 3, base + 2, base + 1, base);
    const __m256d j1 = _mm256_set_pd(base + 7, base + 6, base + 5, base + 4);
    for (int q = 0; q < nq; q++) {
      const double *Qq = Q + (size_t) q * d * MR;
      __m256d a00 = _mm256_setzero_pd(), a01 = _mm256_setzero_pd();
      __m256d a10 = _mm256_setzero_pd(), a11 = _mm256_setzero_pd();
      __m256d a20 = _mm256_setzero_pd(), a21 = _mm256_setzero_pd();
      __m256d a30 = _mm256_setzero_pd(), a31 = _mm256_setzero_pd();
      for (int c = 0; c < d; c++) {
        const __m256d p0 = _mm256_loadu_pd(Pp + (size_t) c * NR);
        const __m256d p1 = _mm256_loadu_pd(Pp + (size_t) c * NR + 4);
        const double *xq = Qq + (size_t) c * MR;
        __m256d x0 = _mm256_broadcast_sd(xq);
        a00 = _mm256_fmadd_pd(x0, p0, a00);
        a01 = _mm256_fmadd_pd(x0, p1, a01);
        __m256d x1 = _mm256_broadcast_sd(xq + 1);
        a10 = _mm256_fmadd_pd(x1, p0, a10);
        a11 = _mm256_fmadd_pd(x1, p1, a11);
        __m256d x2 = _mm256_broadcast_sd(xq + 2);
        a20 = _mm256_fmadd_pd(x2, p0, a20);
        a21 = _mm256_fmadd_pd(x2, p1, a21);
        __m256d x3 = _mm256_broadcast_sd(xq + 3);
        a30 = _mm256_fmadd_pd(x3, p0, a30);
        a31 = _mm256_fmadd_pd(x3, p1, a31);
      }
      __m256d acc[MR][2] = {{a00, a01}, {a10, a11}, {a20, a21}, {a30, a31}};
      for (int r = 0; r < MR; r++) {
        double *B1 = b1 + ((size_t) q * MR + r) * NR;
        double *B2 = b2 + ((size_t) q * MR + r) * NR;
        double *I1 = i1 + ((size_t) q * MR + r) * NR;
        for (int v = 0; v < 2; v++) {
          __m256d s = _mm256_fnmadd_pd(two, acc[r][v], v ? cn1 : cn0);
          __m256d o1 = _mm256_loadu_pd(B1 + 4 * v);
          __m256d o2 = _mm256_loadu_pd(B2 + 4 * v);
          __m256d oi = _mm256_loadu_pd(I1 + 4 * v);
          __m256d lt1 = _mm256_cmp_pd(s, o1, _CMP_LT_OQ);
          __m256d lt2 = _mm256_cmp_pd(s, o2, _CMP_LT_OQ);
          /* s < b1: b2 = b1, b1 = s; else s < b2: b2 = s */
          __m256d n2 = _mm256_blendv_pd(_mm256_blendv_pd(o2, s, lt2), o1, lt1);
          __m256d n1 = _mm256_blendv_pd(o1, s, lt1);
          __m256d ni = _mm256_blendv_pd(oi, v ? j1 : j0, lt1);
          _mm256_storeu_pd(B1 + 4 * v, n1);
          _mm256_storeu_pd(B2 + 4 * v, n2);
          _mm256_storeu_pd(I1 + 4 * v, ni);
        }
      }
    }
  }
}

/* The 8-lane kernel (8 points x 16 centres), from kernel8.h: built once with
 * AVX-512F registers (the kernel CPUs with AVX-512 run) and once with each
 * 8-lane register emulated by two AVX2 registers. The emulated build runs
 * the same blocking, remainders and order of updates on any AVX2 machine,
 * so the tests check that code against the plain kernel where no AVX-512
 * is at hand; only the mapping of a few 8-lane operations to intrinsics
 * (below) differs between the two builds. */
#define K8_TARGET "avx512f"
#define K8_NAME kernel_avx512
#define K8_BLOCK block_avx512
typedef __m512d k8v;
typedef __mmask8 k8m;
#define K8_ATTR __attribute__((target(K8_TARGET)))
K8_ATTR static inline k8v k8_load(const double *p) { return _mm512_loadu_pd(p); }
K8_ATTR static inline void k8_store(double *p, k8v v) { _mm512_storeu_pd(p, v); }
K8_ATTR static inline k8v k8_set1(double x) { return _mm512_set1_pd(x); }
K8_ATTR static inline k8v k8_zero(void) { return _mm512_setzero_pd(); }
K8_ATTR static inline k8v k8_fma(k8v a, k8v b, k8v c) { return _mm512_fmadd_pd(a, b, c); }
K8_ATTR static inline k8v k8_fnma(k8v a, k8v b, k8v c) { return _mm512_fnmadd_pd(a, b, c); }
K8_ATTR static inline k8m k8_lt(k8v a, k8v b) { return _mm512_cmp_pd_mask(a, b, _CMP_LT_OQ); }
/* b where m, else a */
K8_ATTR static inline k8v k8_blend(k8m m, k8v a, k8v b) { return _mm512_mask_blend_pd(m, a, b); }
#include "kernel8.h"
#undef K8_TARGET
#undef K8_NAME
#undef K8_BLOCK
#undef K8_ATTR

#define K8_TARGET "avx2,fma"
#define K8_NAME kernel_avx512_emulated
#define K8_BLOCK block_avx512_emulated
#define k8v k8e_v
#define k8m k8e_v
#define k8_load k8e_load
#define k8_store k8e_store
#define k8_set1 k8e_set1
#define k8_zero k8e_zero
#define k8_fma k8e_fma
#define k8_fnma k8e_fnma
#define k8_lt k8e_lt
#define k8_blend k8e_blend
typedef struct k8e_v { __m256d lo, hi; } k8e_v;
#define K8_ATTR __attribute__((target(K8_TARGET)))
K8_ATTR static inline k8v k8_load(const double *p)
{
  k8v v = {_mm256_loadu_pd(p), _mm256_loadu_pd(p + 4)};
  return v;
}
K8_ATTR static inline void k8_store(double *p, k8v v)
{
  _mm256_storeu_pd(p, v.lo);
  _mm256_storeu_pd(p + 4, v.hi);
}
K8_ATTR static inline k8v k8_set1(double x)
{
  k8v v = {_mm256_set1_pd(x), _mm256_set1_pd(x)};
  return v;
}
K8_ATTR static inline k8v k8_zero(void)
{
  k8v v = {_mm256_setzero_pd(), _mm256_setzero_pd()};
  return v;
}
K8_ATTR static inline k8v k8_fma(k8v a, k8v b, k8v c)
{
  k8v v = {_mm256_fmadd_pd(a.lo, b.lo, c.lo), _mm256_fmadd_pd(a.hi, b.hi, c.hi)};
  return v;
}
K8_ATTR static inline k8v k8_fnma(k8v a, k8v b, k8v c)
{
  k8v v = {_mm256_fnmadd_pd(a.lo, b.lo, c.lo), _mm256_fnmadd_pd(a.hi, b.hi, c.hi)};
  return v;
}
K8_ATTR static inline k8m k8_lt(k8v a, k8v b)
{
  k8m v = {_mm256_cmp_pd(a.lo, b.lo, _CMP_LT_OQ), _mm256_cmp_pd(a.hi, b.hi, _CMP_LT_OQ)};
  return v;
}
K8_ATTR static inline k8v k8_blend(k8m m, k8v a, k8v b)
{
  k8v v = {_mm256_blendv_pd(a.lo, b.lo, m.lo), _mm256_blendv_pd(a.hi, b.hi, m.hi)};
  return v;
}
#include "kernel8.h"

#endif

#if CKM_HAVE_AVX2_KERNEL
/* The nearest centre of len <= MB points: rows i0 + t, or rows[t] when rows
 * is not NULL. Writes, per point t, the label, the exact squared distance
 * to it and a lower bound on the squared distance to the second nearest. */
static void fast_points(const ckm_fast *f, const double *x, ckm_idx n,
                        const double *ct, ckm_idx i0, const ckm_idx *rows,
                        int len, int *win_lab, double *own, double *m2s)
{
  const int d = f->d, k = f->k;
  double *Q = f->scratch + (size_t) ckm_thread_num() * f->scratch_stride;
  double *xn = Q + (size_t) SUB * d;
  double *b1 = xn + SUB;
  double *b2 = b1 + (size_t) MB * NR;
  double *i1 = b2 + (size_t) MB * NR;
  double *pt = i1 + (size_t) MB * NR;
  double xnorm[MB];

  /* the trackers of the points the kernel visits (len rounded up to whole
   * point panels) */
  const size_t ntrack = (size_t) ((len + MR - 1) / MR * MR) * NR;
  for (size_t q = 0; q < ntrack; q++) {
    b1[q] = INFINITY;
    b2[q] = INFINITY;
    i1[q] = 0.0;
  }
  /* 64 points at a time: pack them, centred, into 4-point panels (32 KB at
   * d = 64, in L1 while the centre panels stream past) */
  for (int s0 = 0; s0 < len; s0 += SUB) {
    const int sl = len - s0 < SUB ? len - s0 : SUB;
    const int nq = (sl + MR - 1) / MR;
    /* column by column (a run of rows of X, read once), into the 4-point
     * panels; each point's squared norm summed in column order */
    const int np4 = nq * MR;
    ckm_idx ix[SUB];
    for (int t = 0; t < np4; t++) {
      xn[t] = 0.0;
      ix[t] = t < sl ? (rows ? rows[s0 + t] : i0 + s0 + t) : -1;
    }
    for (int c = 0; c < d; c++) {
      const double *xc = x + (size_t) c * (size_t) n;
      const double m = f->mu[c];
      double *Qc = Q + (size_t) c * MR;
      for (int t = 0; t < np4; t++) {
        const double v = ix[t] >= 0 ? xc[ix[t]] - m : 0.0;
        Qc[(size_t) (t / MR) * d * MR + t % MR] = v;
        xn[t] += v * v;
      }
    }
    for (int t = 0; t < sl; t++)
      xnorm[s0 + t] = xn[t];
    if (f->isa == CKM_KERNEL_AVX512_EMULATED)
      kernel_avx512_emulated(Q, nq, f->panels, f->norms, f->kp / NR, d,
                             b1 + (size_t) s0 * NR, b2 + (size_t) s0 * NR,
                             i1 + (size_t) s0 * NR);
    else if (f->isa == CKM_KERNEL_AVX512)
      kernel_avx512(Q, nq, f->panels, f->norms, f->kp / NR, d,
                    b1 + (size_t) s0 * NR, b2 + (size_t) s0 * NR,
                    i1 + (size_t) s0 * NR);
    else
      kernel_avx2(Q, nq, f->panels, f->norms, f->kp / NR, d,
                  b1 + (size_t) s0 * NR, b2 + (size_t) s0 * NR,
                  i1 + (size_t) s0 * NR);
  }

  const double eps_fac = 8.0 * (d + 4) * DBL_EPSILON;
  /* squares below DBL_MIN carry an absolute error (up to half the
   * smallest subnormal each) that no relative bound covers */
  const double eps_abs = 8.0 * (d + 4) * 4.9406564584124654e-324;
  int unsure[MB], nu = 0;

  /* reduce the 8 lanes of each point: the smallest s, its centre, and the
   * second smallest; is the gap wide enough to trust the winner? */
  for (int t = 0; t < len; t++) {
    const double *B1 = b1 + (size_t) t * NR, *B2 = b2 + (size_t) t * NR;
    const double *I1 = i1 + (size_t) t * NR;
    int win = 0;
    for (int l = 1; l < NR; l++) {
      int better = B1[l] < B1[win] || (B1[l] == B1[win] && I1[l] < I1[win]);
      win = better ? l : win;
    }
    double m1 = B1[win], m2 = B2[win];
    for (int l = 0; l < NR; l++) {
      double v = l == win ? INFINITY : B1[l];
      m2 = v < m2 ? v : m2;
    }
    const double E = eps_fac * (xnorm[t] + f->cnmax) + eps_abs;
    win_lab[t] = (int) I1[win];
    m2s[t] = m2 + xnorm[t] - E; /* lower bound on the second smallest */
    if (!(m2 - m1 > 2.0 * E) || !isfinite(m1))
      unsure[nu++] = t;
  }

  /* the exact distance to the winner, a column at a time (unit stride
   * through X, independent sums each in column order) */
  for (int t = 0; t < len; t++)
    own[t] = 0.0;
  for (int c = 0; c < d; c++) {
    const double *xc = x + (size_t) c * (size_t) n;
    if (rows) {
      for (int t = 0; t < len; t++) {
        double df = xc[rows[t]] - ct[(size_t) win_lab[t] * d + c];
        own[t] += df * df;
      }
    } else {
      for (int t = 0; t < len; t++) {
        double df = xc[i0 + t] - ct[(size_t) win_lab[t] * d + c];
        own[t] += df * df;
      }
    }
  }

  /* too close to call (a point within rounding of a boundary): every
   * distance, the exact way */
  for (int q = 0; q < nu; q++) {
    const int t = unsure[q];
    const ckm_idx row = rows ? rows[t] : i0 + t;
    for (int c = 0; c < d; c++)
      pt[c] = x[row + (size_t) c * (size_t) n];
    int best = 0;
    double bd = ckm_exact_d2(pt, ct, d), sd = INFINITY;
    for (int j = 1; j < k; j++) {
      double dj = ckm_exact_d2(pt, ct + (size_t) j * d, d);
      if (dj < bd) {
        sd = bd;
        bd = dj;
        best = j;
      } else if (dj < sd) {
        sd = dj;
      }
    }
    win_lab[t] = best;
    own[t] = bd;
    m2s[t] = sd * (1.0 - eps_fac);
  }

}
#endif

ckm_idx ckm_fast_tile(const ckm_fast *f, const double *x, ckm_idx n,
                      const double *ct, ckm_idx i0, int len, int *labels,
                      double *dist, double *second, double *tile_sum)
{
#if CKM_HAVE_AVX2_KERNEL
  int win_lab[MB];
  double m2s[MB], own[MB];
  fast_points(f, x, n, ct, i0, NULL, len, win_lab, own, m2s);
  ckm_idx changed = 0;
  double sum = 0.0;
  for (int t = 0; t < len; t++) {
    const ckm_idx i = i0 + t;
    changed += labels[i] != win_lab[t];
    labels[i] = win_lab[t];
    if (dist)
      dist[i] = own[t];
    if (second)
      second[i] = m2s[t] > 0.0 ? m2s[t] : 0.0;
    sum += own[t];
  }
  *tile_sum = sum;
  return changed;
#else
  (void) f; (void) x; (void) n; (void) ct; (void) i0; (void) len;
  (void) labels; (void) dist; (void) second; (void) tile_sum;
  return -1;
#endif
}

void ckm_fast_rows(const ckm_fast *f, const double *x, ckm_idx n,
                   const double *ct, const ckm_idx *rows, int len, int *label,
                   double *dist, double *second)
{
#if CKM_HAVE_AVX2_KERNEL
  fast_points(f, x, n, ct, 0, rows, len, label, dist, second);
  for (int t = 0; t < len; t++)
    second[t] = second[t] > 0.0 ? second[t] : 0.0;
#else
  (void) f; (void) x; (void) n; (void) ct; (void) rows; (void) len;
  (void) label; (void) dist; (void) second;
#endif
}

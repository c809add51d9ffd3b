/*
 * rsum.h: reproducible sums, whose value does not depend on the order of
 * the terms (binned summation after Demmel and Nguyen, "Parallel
 * reproducible summation", IEEE TC 2015, and the ReproBLAS design).
 *
 * Why. A sum split over threads or over MPI ranks holding different rows
 * is added in an order that depends on the split; plain floating-point
 * addition is not associative, so the result would too. ckm therefore forms
 * plain sums only inside fixed blocks of global rows (tiles of CKM_TILE
 * points, blocks of ckm_sum_block() points), whose boundaries do not depend
 * on who holds which rows, and adds the block sums with the binned sums
 * below. Those are exact, hence order-free, until the final rounding.
 *
 * How. The exponent range is cut into bins of W = 27 bits: bin I holds
 * multiples of u_I = 2^(27 I - 1074). A sum keeps its top bin index and K = 3
 * accumulators for bins top, top - 1, top - 2. A term v whose magnitude is
 * below 2^26 u_I is split exactly into q_I + q_{I-1} + q_{I-2} + r, each q_L
 * a multiple of u_L got by rounding to that grid ((S + v) - S with
 * S = 1.5 * 2^52 u_L), r below half of u_{I-2} and dropped. Each q_L depends
 * on v alone (in the bins above v's own, q is 0), so adding the q's into
 * the accumulators is exact while fewer than 2^27 terms meet in one
 * (checked by the callers: row counts below 2^27 blocks). When a term
 * needs a higher top, the accumulators move down and the lowest ones are
 * dropped, which is what a sum started with that top would have dropped.
 * Merging two sums aligns them to the higher top and adds the accumulators;
 * an MPI allreduce does the same: MAX over tops, then SUM over the aligned
 * accumulators (exact sums, so any reduction tree gives the same bits).
 * Three bins of 27 bits cover 80 bits below the top bin's head, so one term
 * is represented exactly and the rounded total is within about one unit in
 * the last place of the exact sum.
 *
 * These functions never round in an order-dependent way and never touch
 * the FPU's rounding mode. They must be compiled without -ffast-math (R
 * does not use it); no multiply appears in an extraction, so FMA
 * contraction cannot change them.
 */
#ifndef CKM_RSUM_H
#define CKM_RSUM_H

#include <math.h>

#define CKM_RSUM_W 27
#define CKM_RSUM_K 3
#define CKM_RSUM_MAXTOP 79 /* every finite double fits below 2^26 u_79 */
#define CKM_RSUM_BIG 70    /* above this level, extract at 2^-540 scale */

typedef struct ckm_rsum {
  double b[CKM_RSUM_K];
  int top; /* -1: empty; CKM_RSUM_MAXTOP + 1: overflowed (the value is Inf) */
} ckm_rsum;

static inline void ckm_rsum_zero(ckm_rsum *s)
{
  for (int j = 0; j < CKM_RSUM_K; j++)
    s->b[j] = 0.0;
  s->top = -1;
}

/* 1.5 * 2^52 u_L = 1.5 * 2^(27 L - 1022), for 0 <= L <= 75, by its bits */
static inline double ckm_rsum_shifter(int level)
{
  union { unsigned long long u; double d; } b;
  b.u = ((unsigned long long) (CKM_RSUM_W * level + 1) << 52) | (1ULL << 51);
  return b.d;
}

/* r rounded to a multiple of u_L (r below 2^26 u_L, or any finite value
 * for the levels whose unit is beyond the double range). Exact: S + r is
 * rounded to the grid of u_L, and subtracting S back is exact. Above
 * CKM_RSUM_BIG the extraction runs on r * 2^-540, exact for every r that
 * can round to a nonzero multiple. */
static inline double ckm_rsum_extract(double r, int level)
{
  if (level <= CKM_RSUM_BIG) {
    const double S = ckm_rsum_shifter(level);
    volatile double t = S + r;
    return t - S;
  }
  if (level >= 78)
    return 0.0; /* u_L is above 2^1031: every finite r rounds to 0 */
  const double S = ckm_rsum_shifter(level - 20);
  volatile double t = S + ldexp(r, -540);
  return ldexp(t - S, 540);
}

/* The bin whose accumulators can hold v: the smallest I with
 * |v| < 2^(W-1) u_I. */
static inline int ckm_rsum_level(double v)
{
  union { double d; unsigned long long u; } b;
  b.d = v;
  const int ebits = (int) ((b.u >> 52) & 0x7ff);
  /* |v| in [2^e, 2^(e+1)); subnormals are below 2^-1022 */
  const int e = ebits ? ebits - 1023 : -1023;
  int lv = (e + 1049 + CKM_RSUM_W - 1) / CKM_RSUM_W;
  return lv < 0 ? 0 : lv;
}

/* Raise the top to `top` (>= s->top): accumulators move down. */
static inline void ckm_rsum_raise(ckm_rsum *s, int top)
{
  if (s->top < 0) {
    s->top = top;
    return;
  }
  const int sh = top - s->top;
  if (sh <= 0)
    return;
  for (int j = CKM_RSUM_K - 1; j >= 0; j--)
    s->b[j] = j - sh >= 0 ? s->b[j - sh] : 0.0;
  s->top = top;
}

static inline void ckm_rsum_add(ckm_rsum *s, double v)
{
  if (v == 0.0)
    return;
  if (!isfinite(v)) {
    s->top = CKM_RSUM_MAXTOP + 1;
    return;
  }
  int lv = ckm_rsum_level(v);
  if (lv > CKM_RSUM_MAXTOP) {
    s->top = CKM_RSUM_MAXTOP + 1;
    return;
  }
  if (s->top > CKM_RSUM_MAXTOP)
    return;
  if (lv > s->top)
    ckm_rsum_raise(s, lv);
  /* v's bins above its own level are 0: start at lv */
  for (int j = s->top - lv; j < CKM_RSUM_K; j++) {
    const int level = s->top - j;
    if (level < 0)
      break;
    const double q = ckm_rsum_extract(v, level);
    s->b[j] += q;
    v -= q;
    if (v == 0.0)
      break;
  }
}

/* Add b into a (both reproducible sums). */
static inline void ckm_rsum_merge(ckm_rsum *a, const ckm_rsum *b)
{
  if (b->top < 0)
    return;
  if (a->top > CKM_RSUM_MAXTOP || b->top > CKM_RSUM_MAXTOP) {
    a->top = CKM_RSUM_MAXTOP + 1;
    return;
  }
  ckm_rsum c = *b;
  if (c.top > a->top)
    ckm_rsum_raise(a, c.top);
  else
    ckm_rsum_raise(&c, a->top);
  for (int j = 0; j < CKM_RSUM_K; j++)
    a->b[j] += c.b[j];
}

/* The sum, rounded: the accumulators added from the top down. */
static inline double ckm_rsum_value(const ckm_rsum *s)
{
  if (s->top < 0)
    return 0.0;
  if (s->top > CKM_RSUM_MAXTOP)
    return INFINITY;
  double v = s->b[0];
  for (int j = 1; j < CKM_RSUM_K; j++)
    v += s->b[j];
  return v;
}

#endif

/*
 * kernel8.h: the 8-lane micro-kernel of fastassign.c, a template included
 * once per build (see there). Before including it define K8_ATTR, K8_NAME,
 * K8_BLOCK, the types k8v (8 doubles) and k8m (8 comparison results) and
 * the operations k8_load, k8_store, k8_set1, k8_zero, k8_fma (a b + c, one
 * rounding), k8_fnma (c - a b, one rounding), k8_lt (a < b, ordered, quiet)
 * and k8_blend (b where the mask is set, else a). MR, NR are those of
 * fastassign.c (4 points per point panel, 8 centres per centre panel).
 *
 * 8 points (two point panels) x 16 centres (two centre panels) at a time
 * in 16 accumulators; a remainder of one point panel or one centre panel
 * runs the same code on fewer. For every (point, centre) pair: one FMA per
 * column in column order from zero, then s = norm - 2 acc, then the lane
 * trackers are updated centre panel by centre panel in increasing order,
 * exactly as kernel_avx2 does, so the results are the same bit for bit.
 *
 * The loops over the accumulators are unrolled in full (K8_UNROLL) so that
 * each accumulator is a register: otherwise GCC at -O2 keeps acc[][] in
 * memory and every FMA loads and stores its accumulator (the AVX-512
 * kernel then ran 1.7 times slower than the AVX2 one; tools/kernel-asm.sh
 * checks the compiled loop).
 */
#ifndef K8_UNROLL
#if defined(__clang__)
#define K8_UNROLL _Pragma("unroll")
#elif defined(__GNUC__)
#define K8_UNROLL _Pragma("GCC unroll 16")
#else
#define K8_UNROLL
#endif
#endif

K8_ATTR static inline __attribute__((always_inline)) void
K8_BLOCK(const double *Q, const double *P, const double *norms, int p, int q,
         int np2, int nq2, int d, double *b1, double *b2, double *i1)
{
  k8v acc[2][2 * MR];
  K8_UNROLL
  for (int a = 0; a < 2; a++) {
    K8_UNROLL
    for (int r = 0; r < 2 * MR; r++)
      acc[a][r] = k8_zero();
  }
  const double *P0 = P + (size_t) p * d * NR;
  const double *P1 = P0 + (size_t) d * NR;
  const double *Q0 = Q + (size_t) q * d * MR;
  const double *Q1 = Q0 + (size_t) d * MR;
  for (int c = 0; c < d; c++) {
    const k8v p0 = k8_load(P0 + (size_t) c * NR);
    const k8v p1 = np2 > 1 ? k8_load(P1 + (size_t) c * NR) : p0;
    K8_UNROLL
    for (int r = 0; r < 2 * MR; r++) {
      if (r >= nq2 * MR)
        break;
      const double *xq = (r < MR ? Q0 + r : Q1 + (r - MR)) + (size_t) c * MR;
      const k8v xv = k8_set1(*xq);
      acc[0][r] = k8_fma(xv, p0, acc[0][r]);
      if (np2 > 1)
        acc[1][r] = k8_fma(xv, p1, acc[1][r]);
    }
  }
  const k8v two = k8_set1(2.0);
  K8_UNROLL
  for (int a = 0; a < 2; a++) {
    if (a >= np2)
      break;
    const int pa = p + a;
    const k8v cn = k8_load(norms + (size_t) pa * NR);
    double jl[NR];
    for (int l = 0; l < NR; l++)
      jl[l] = (double) pa * NR + l;
    const k8v jv = k8_load(jl);
    K8_UNROLL
    for (int r = 0; r < 2 * MR; r++) {
      if (r >= nq2 * MR)
        break;
      const size_t row = ((size_t) q * MR + r) * NR;
      const k8v s = k8_fnma(two, acc[a][r], cn);
      const k8v o1 = k8_load(b1 + row);
      const k8v o2 = k8_load(b2 + row);
      const k8v oi = k8_load(i1 + row);
      const k8m lt1 = k8_lt(s, o1);
      const k8m lt2 = k8_lt(s, o2);
      /* s < b1: b2 = b1, b1 = s; else s < b2: b2 = s */
      k8_store(b2 + row, k8_blend(lt1, k8_blend(lt2, o2, s), o1));
      k8_store(b1 + row, k8_blend(lt1, o1, s));
      k8_store(i1 + row, k8_blend(lt1, oi, jv));
    }
  }
}

K8_ATTR static void K8_NAME(const double *Q, int nq, const double *P,
                            const double *norms, int np, int d, double *b1,
                            double *b2, double *i1)
{
  int p = 0;
  for (; p + 2 <= np; p += 2) {
    int q = 0;
    for (; q + 2 <= nq; q += 2)
      K8_BLOCK(Q, P, norms, p, q, 2, 2, d, b1, b2, i1);
    if (q < nq)
      K8_BLOCK(Q, P, norms, p, q, 2, 1, d, b1, b2, i1);
  }
  if (p < np) {
    int q = 0;
    for (; q + 2 <= nq; q += 2)
      K8_BLOCK(Q, P, norms, p, q, 1, 2, d, b1, b2, i1);
    if (q < nq)
      K8_BLOCK(Q, P, norms, p, q, 1, 1, d, b1, b2, i1);
  }
}

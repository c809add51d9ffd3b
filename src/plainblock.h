/*
 * plainblock.h: the plain kernel, register-blocked; a template that
 * assign.c includes once per build. Before including it define
 * PB_NAME (the function), PB_ATTR (its target attribute), PB_W (lanes),
 * the types pbv (PB_W doubles) and pbm (PB_W 64-bit integers), PB_SET1(s)
 * (s in every lane), and PB_BARRIER(v) (empty, or an asm statement that keeps a product a value
 * of its own where the target has FMA instructions).
 *
 * For a block of 2 PB_W points and 4 centres at a time, the squared
 * distances are summed over the columns in registers: each column of the
 * block is read once per group of centres, not once per centre, and no
 * accumulator goes through memory. Every distance is still 0 + (x_1 -
 * c_1)^2 + ... in column order with separate subtractions, products and
 * sums (no FMA: PB_BARRIER where the target has it), so it is
 * bit-identical to the one stats::kmeans computes; the centres are
 * compared in index order with the scalar rules of plain_tile_body() (a
 * point moves only to a strictly closer centre), so the labels, the
 * nearest and the second nearest distances are those of one centre at a
 * time.
 */

PB_ATTR static void
PB_NAME(const double *x, ckm_idx n, int d, const double *ct, int k,
        ckm_idx i0, double *best, double *sec, double *lab)
{
  const pbv zero = {0}, inf = PB_SET1(INFINITY);
  pbv b0 = zero, b1 = zero, s0 = zero, s1 = zero, l0 = zero, l1 = zero;
/* centre j's distances a into the nearest b, second s and label l */
#define PB_TAKE(j, a, b, s, l)                                                \
  do {                                                                        \
    if ((j) == 0) {                                                           \
      b = a;                                                                  \
      s = inf;                                                                \
      l = zero;                                                               \
    } else {                                                                  \
      const pbm lt_ = (pbm) (a < b);                                          \
      const pbm ls_ = (pbm) (a < s);                                          \
      const pbv mc_ = (pbv) (((pbm) a & ls_) | ((pbm) s & ~ls_));             \
      s = (pbv) (((pbm) b & lt_) | ((pbm) mc_ & ~lt_));                       \
      b = (pbv) (((pbm) a & lt_) | ((pbm) b & ~lt_));                         \
      l = (pbv) (((pbm) PB_SET1((double) (j)) & lt_) | ((pbm) l & ~lt_));      \
    }                                                                         \
  } while (0)
/* acc += (x - v)^2 with the product rounded on its own */
#define PB_ADD(acc, xv, v)                                                    \
  do {                                                                        \
    pbv e_ = xv - v;                                                          \
    pbv p_ = e_ * e_;                                                         \
    PB_BARRIER(p_);                                                           \
    acc += p_;                                                                \
  } while (0)
  /* the rows of X 32 points ahead on their way to the cache while this
   * block is computed (X streams from memory once a pass; measured best
   * at 32 for both builds, AMD EPYC with AVX-512) */
  for (int c = 0; c < d; c++)
    __builtin_prefetch(x + (size_t) c * (size_t) n + (size_t) i0 + 32);
  int j = 0;
  for (; j + 4 <= k; j += 4) {
    const double *c0 = ct + (size_t) j * d, *c1 = c0 + d, *c2 = c1 + d,
                 *c3 = c2 + d;
    pbv a00 = zero, a01 = zero, a10 = zero, a11 = zero, a20 = zero,
        a21 = zero, a30 = zero, a31 = zero;
    for (int c = 0; c < d; c++) {
      const double *xc = x + (size_t) c * (size_t) n + (size_t) i0;
      pbv x0, x1, v;
      memcpy(&x0, xc, sizeof x0);
      memcpy(&x1, xc + PB_W, sizeof x1);
      v = PB_SET1(c0[c]);
      PB_ADD(a00, x0, v);
      PB_ADD(a01, x1, v);
      v = PB_SET1(c1[c]);
      PB_ADD(a10, x0, v);
      PB_ADD(a11, x1, v);
      v = PB_SET1(c2[c]);
      PB_ADD(a20, x0, v);
      PB_ADD(a21, x1, v);
      v = PB_SET1(c3[c]);
      PB_ADD(a30, x0, v);
      PB_ADD(a31, x1, v);
    }
    PB_TAKE(j, a00, b0, s0, l0);
    PB_TAKE(j, a01, b1, s1, l1);
    PB_TAKE(j + 1, a10, b0, s0, l0);
    PB_TAKE(j + 1, a11, b1, s1, l1);
    PB_TAKE(j + 2, a20, b0, s0, l0);
    PB_TAKE(j + 2, a21, b1, s1, l1);
    PB_TAKE(j + 3, a30, b0, s0, l0);
    PB_TAKE(j + 3, a31, b1, s1, l1);
  }
  for (; j < k; j++) {
    const double *cj = ct + (size_t) j * d;
    pbv a0 = zero, a1 = zero;
    for (int c = 0; c < d; c++) {
      const double *xc = x + (size_t) c * (size_t) n + (size_t) i0;
      pbv x0, x1;
      memcpy(&x0, xc, sizeof x0);
      memcpy(&x1, xc + PB_W, sizeof x1);
      const pbv v = PB_SET1(cj[c]);
      PB_ADD(a0, x0, v);
      PB_ADD(a1, x1, v);
    }
    PB_TAKE(j, a0, b0, s0, l0);
    PB_TAKE(j, a1, b1, s1, l1);
  }
#undef PB_TAKE
#undef PB_ADD
  memcpy(best, &b0, sizeof b0);
  memcpy(best + PB_W, &b1, sizeof b1);
  memcpy(sec, &s0, sizeof s0);
  memcpy(sec + PB_W, &s1, sizeof s1);
  memcpy(lab, &l0, sizeof l0);
  memcpy(lab + PB_W, &l1, sizeof l1);
}

#undef PB_NAME
#undef PB_ATTR
#undef PB_BARRIER

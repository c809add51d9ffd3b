/*
 * distall.h: every squared distance of a small tile of points to the
 * centres, with the plain kernel's bits; a template that assign.c includes
 * once per build. Before including it define DA_NAME (the function),
 * DA_ATTR (its target attribute), DA_W (lanes), the type dav (DA_W
 * doubles), DA_SET1(s) (s in every lane) and DA_BARRIER(v) (as
 * PB_BARRIER in plainblock.h).
 *
 * The tile is column-major with leading dimension ld (a multiple of DA_W),
 * its first len points (len a multiple of DA_W) read; out[j ld + q] gets
 * the squared distance of point q to centre j (a row of ct), summed over
 * the columns in order from 0 with separate subtractions, products and
 * sums: ckm_exact_d2()'s value, one point a lane, four centres at a time.
 */

DA_ATTR static void
DA_NAME(const double *tile, int ld, int len, int d, const double *ct, int k,
        double *out)
{
  const dav zero = {0};
/* acc += (x - v)^2 with the product rounded on its own */
#define DA_ADD(acc, xv, s)                                                    \
  do {                                                                        \
    dav e_ = xv - DA_SET1(s);                                                 \
    dav p_ = e_ * e_;                                                         \
    DA_BARRIER(p_);                                                           \
    acc += p_;                                                                \
  } while (0)
  for (int q0 = 0; q0 < len; q0 += DA_W) {
    const double *tq = tile + q0;
    int j = 0;
    for (; j + 4 <= k; j += 4) {
      const double *c0 = ct + (size_t) j * d, *c1 = c0 + d, *c2 = c1 + d,
                   *c3 = c2 + d;
      dav a0 = zero, a1 = zero, a2 = zero, a3 = zero;
      for (int c = 0; c < d; c++) {
        dav xv;
        memcpy(&xv, tq + (size_t) c * ld, sizeof xv);
        DA_ADD(a0, xv, c0[c]);
        DA_ADD(a1, xv, c1[c]);
        DA_ADD(a2, xv, c2[c]);
        DA_ADD(a3, xv, c3[c]);
      }
      double *o = out + (size_t) j * ld + q0;
      memcpy(o, &a0, sizeof a0);
      memcpy(o + ld, &a1, sizeof a1);
      memcpy(o + 2 * (size_t) ld, &a2, sizeof a2);
      memcpy(o + 3 * (size_t) ld, &a3, sizeof a3);
    }
    for (; j < k; j++) {
      const double *cj = ct + (size_t) j * d;
      dav a0 = zero;
      for (int c = 0; c < d; c++) {
        dav xv;
        memcpy(&xv, tq + (size_t) c * ld, sizeof xv);
        DA_ADD(a0, xv, cj[c]);
      }
      memcpy(out + (size_t) j * ld + q0, &a0, sizeof a0);
    }
  }
#undef DA_ADD
}

#undef DA_NAME
#undef DA_ATTR
#undef DA_BARRIER

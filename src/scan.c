/*
 * scan.c: passes over the input that R's checks and conditioning use
 * before a fit (R/checks.R, R/conditioning.R): the first non-finite
 * value, repeated rows of a small matrix, column ranges, and the exact
 * affine maps that condition or standardise X. Pure C: no R headers.
 */
#include <math.h>

#include "ckm.h"

ckm_idx ckm_first_nonfinite(const double *x, size_t len)
{
  for (size_t i = 0; i < len; i++)
    if (!isfinite(x[i]))
      return (ckm_idx) i;
  return -1;
}

int ckm_rows_repeat(const double *x, ckm_idx n, int d)
{
  for (ckm_idx i = 1; i < n; i++)
    for (ckm_idx j = 0; j < i; j++) {
      int c = 0;
      while (c < d && x[i + (size_t) c * (size_t) n] == x[j + (size_t) c * (size_t) n])
        c++;
      if (c == d)
        return 1;
    }
  return 0;
}

void ckm_col_ranges(const double *x, ckm_idx n, int d, double *lo, double *hi)
{
  for (int c = 0; c < d; c++) {
    const double *xc = x + (size_t) c * (size_t) n;
    double a = xc[0], b = xc[0];
    for (ckm_idx i = 1; i < n; i++) {
      a = xc[i] < a ? xc[i] : a;
      b = xc[i] > b ? xc[i] : b;
    }
    lo[c] = a;
    hi[c] = b;
  }
}

void ckm_affine(const double *x, ckm_idx n, int d, const double *shift,
                int e, double *out)
{
  for (int c = 0; c < d; c++) {
    const double *xc = x + (size_t) c * (size_t) n;
    double *oc = out + (size_t) c * (size_t) n;
    const double m = shift ? shift[c] : 0.0;
    for (ckm_idx i = 0; i < n; i++)
      oc[i] = ldexp(xc[i] - m, -e);
  }
}

void ckm_standardize(const double *x, ckm_idx n, int d, const double *center,
                     const double *scale, double *out)
{
  for (int c = 0; c < d; c++) {
    const double *xc = x + (size_t) c * (size_t) n;
    double *oc = out + (size_t) c * (size_t) n;
    const double m = center[c], s = scale[c];
    for (ckm_idx i = 0; i < n; i++)
      oc[i] = (xc[i] - m) / s;
  }
}

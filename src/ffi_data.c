/*
 * ffi_data.c: .Call entry points about the input and the machine: scans
 * and exact transforms of X (scan.c), the core's status table, the
 * kernels the CPU runs, OpenMP's capabilities and the machine's load.
 * Arguments arrive checked and coerced by R; see glue.c for what they
 * share.
 */
#include <string.h>

#include "glue.h"
#include "fastassign.h"

/* The core's status codes by name: R's check_status() reads them from
 * here, so C and R share one table. */
/* The blocked kernel a request gets on this CPU (0: the plain one). */
SEXP ffi_kernel_isa(SEXP kernel)
{
  return ScalarInteger(ckm_fast_isa(asInteger(kernel)));
}

SEXP ffi_status_table(void)
{
  static const char *names[] = {"ok", "distinct", "nonfinite", "interrupted",
                                "comm"};
  static const int codes[] = {CKM_OK, CKM_ERR_DISTINCT, CKM_ERR_NONFINITE,
                              CKM_INTERRUPTED, CKM_ERR_COMM};
  SEXP out = PROTECT(allocVector(INTSXP, 5));
  SEXP nms = PROTECT(allocVector(STRSXP, 5));
  for (int i = 0; i < 5; i++) {
    INTEGER(out)[i] = codes[i];
    SET_STRING_ELT(nms, i, mkChar(names[i]));
  }
  setAttrib(out, R_NamesSymbol, nms);
  UNPROTECT(2);
  return out;
}

/* Does a row of the double matrix x repeat an earlier one? */
SEXP ffi_rows_repeat(SEXP x)
{
  return ScalarLogical(ckm_rows_repeat(REAL_RO(x), Rf_nrows(x), Rf_ncols(x)));
}

SEXP ffi_first_nonfinite(SEXP x)
{
  ckm_idx i = ckm_first_nonfinite(REAL_RO(x), (size_t) XLENGTH(x));
  return ScalarReal((double) i + 1.0);
}

/* Column ranges: a 2 x d matrix (smallest, largest). */
SEXP ffi_col_ranges(SEXP x)
{
  const ckm_idx n = Rf_nrows(x);
  const int d = Rf_ncols(x);
  SEXP out = PROTECT(allocMatrix(REALSXP, 2, d));
  double *lo = (double *) R_alloc(d, sizeof(double));
  double *hi = (double *) R_alloc(d, sizeof(double));
  ckm_col_ranges(REAL_RO(x), n, d, lo, hi);
  for (int c = 0; c < d; c++) {
    REAL(out)[2 * c] = lo[c];
    REAL(out)[2 * c + 1] = hi[c];
  }
  UNPROTECT(1);
  return out;
}

/* (x - shift) * 2^-e as a new n x d matrix; shift: NULL or d doubles. */
SEXP ffi_affine(SEXP x, SEXP shift, SEXP e)
{
  const ckm_idx n = Rf_nrows(x);
  const int d = Rf_ncols(x);
  SEXP out = PROTECT(allocMatrix(REALSXP, n, d));
  ckm_affine(REAL_RO(x), n, d, isNull(shift) ? NULL : REAL_RO(shift), asInteger(e),
             REAL(out));
  UNPROTECT(1);
  return out;
}

/* (x - center) / scale, column by column, as a new n x d matrix. */
SEXP ffi_standardize(SEXP x, SEXP center, SEXP scale)
{
  const ckm_idx n = Rf_nrows(x);
  const int d = Rf_ncols(x);
  SEXP out = PROTECT(allocMatrix(REALSXP, n, d));
  ckm_standardize(REAL_RO(x), n, d, REAL_RO(center), REAL_RO(scale), REAL(out));
  UNPROTECT(1);
  return out;
}

SEXP ffi_runnable_others(void)
{
  return ScalarInteger(ckm_runnable_others());
}

SEXP ffi_omp_caps(void)
{
  SEXP out = PROTECT(allocVector(INTSXP, 5));
  ckm_omp_caps(INTEGER(out));
  UNPROTECT(1);
  return out;
}

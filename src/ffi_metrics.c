/*
 * ffi_metrics.c: .Call entry points of the metrics: ARI, NMI and the
 * silhouette (full and simplified).
 * Arguments arrive checked and coerced by R; see glue.c for what they
 * share.
 */
#include <string.h>

#include "glue.h"

/* a, b: integer codes 1..ra and 1..rb (R has checked lengths and ranges). */
SEXP ffi_ari(SEXP a, SEXP b, SEXP ra, SEXP rb)
{
  const ckm_idx n = XLENGTH(a);
  const int na = asInteger(ra), nb = asInteger(rb);
  void *work = R_alloc(ckm_contingency_workspace(n, na, nb), 1);
  return ScalarReal(ckm_ari(glue_zero_based(a), glue_zero_based(b), n, na, nb, work));
}

SEXP ffi_nmi(SEXP a, SEXP b, SEXP ra, SEXP rb, SEXP variant)
{
  const ckm_idx n = XLENGTH(a);
  const int na = asInteger(ra), nb = asInteger(rb);
  void *work = R_alloc(ckm_contingency_workspace(n, na, nb), 1);
  return ScalarReal(ckm_nmi(glue_zero_based(a), glue_zero_based(b), n, na, nb,
                            asInteger(variant), work));
}

/* x: n x d double matrix; cl: clusters 1..k. list(width, neighbor). */
SEXP ffi_silhouette(SEXP x, SEXP cl, SEXP k_, SEXP threads, SEXP progress)
{
  const ckm_idx n = Rf_nrows(x);
  const int d = Rf_ncols(x), k = asInteger(k_), nthreads = asInteger(threads);
  glue_ctx g = glue_context(0, progress, R_NilValue, 0, 0, 0);
  ckm_hooks hooks = glue_hooks(&g);
  static const char *names[] = {"width", "neighbor"};
  SEXP out = PROTECT(glue_named_list(2, names));
  SEXP width = PROTECT(allocVector(REALSXP, n));
  SEXP neighbor = PROTECT(allocVector(INTSXP, n));
  int *c0 = glue_zero_based(cl);
  ckm_idx *size = (ckm_idx *) R_alloc(k, sizeof(ckm_idx));
  for (int j = 0; j < k; j++)
    size[j] = 0;
  for (ckm_idx i = 0; i < n; i++)
    size[c0[i]]++;
  double *work = (double *) R_alloc(ckm_silhouette_workspace(d, k, nthreads), 1);
  ckm_silhouette(REAL_RO(x), n, d, c0, k, size, REAL(width), INTEGER(neighbor),
                 nthreads, &hooks, work);
  glue_one_based_or_na(neighbor);
  SET_VECTOR_ELT(out, 0, width);
  SET_VECTOR_ELT(out, 1, neighbor);
  UNPROTECT(3);
  return out;
}

SEXP ffi_silhouette_simplified(SEXP x, SEXP cl, SEXP centers, SEXP threads)
{
  const ckm_idx n = Rf_nrows(x);
  const int d = Rf_ncols(x), k = Rf_nrows(centers);
  static const char *names[] = {"width", "neighbor"};
  SEXP out = PROTECT(glue_named_list(2, names));
  SEXP width = PROTECT(allocVector(REALSXP, n));
  SEXP neighbor = PROTECT(allocVector(INTSXP, n));
  ckm_silhouette_simplified(REAL_RO(x), n, d, glue_zero_based(cl), REAL(centers), k,
                            REAL(width), INTEGER(neighbor), asInteger(threads));
  glue_one_based_or_na(neighbor);
  SET_VECTOR_ELT(out, 0, width);
  SET_VECTOR_ELT(out, 1, neighbor);
  UNPROTECT(3);
  return out;
}

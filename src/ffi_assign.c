/*
 * ffi_assign.c: .Call entry points that use given centres: nearest
 * centre (L2 and L1), soft assignment, within sums of squares, and the
 * total sum of squares and column means of X.
 * Arguments arrive checked and coerced by R; see glue.c for what they
 * share.
 */
#include <string.h>

#include "glue.h"
#include "fastassign.h"

/* Nearest centre: list(cluster (1-based), dist, status). */
SEXP ffi_assign(SEXP x, SEXP centers, SEXP kernel, SEXP threads)
{
  const ckm_idx n = Rf_nrows(x);
  const int d = Rf_ncols(x);
  const int k = Rf_nrows(centers);

  static const char *names[] = {"cluster", "dist", "status"};
  SEXP out = PROTECT(glue_named_list(3, names));
  SEXP cluster = PROTECT(allocVector(INTSXP, n));
  SEXP dist = PROTECT(allocVector(REALSXP, n));
  const int nthreads = asInteger(threads);
  glue_ctx g = glue_context(0, R_NilValue, R_NilValue, 0, 0, 0);
  ckm_hooks hooks = glue_hooks(&g);
  void *work = R_alloc(ckm_assign_workspace(n, d, k, nthreads), 1);
  int status = ckm_assign(REAL_RO(x), n, d, REAL(centers), k, INTEGER(cluster),
                          REAL(dist), nthreads, asInteger(kernel), &hooks,
                          work);
  glue_one_based(cluster);
  SET_VECTOR_ELT(out, 0, cluster);
  SET_VECTOR_ELT(out, 1, dist);
  SET_VECTOR_ELT(out, 2, ScalarInteger(status));
  UNPROTECT(3);
  return out;
}

SEXP ffi_soft_assign(SEXP x, SEXP centers, SEXP beta, SEXP threads)
{
  const ckm_idx n = Rf_nrows(x);
  const int d = Rf_ncols(x);
  const int k = Rf_nrows(centers);
  SEXP prob = PROTECT(allocMatrix(REALSXP, n, k));
  void *work = R_alloc((size_t) k * (size_t) d, sizeof(double));
  glue_ctx g = glue_context(0, R_NilValue, R_NilValue, 0, 0, 0);
  ckm_hooks hooks = glue_hooks(&g);
  int status = ckm_soft_assign(REAL_RO(x), n, d, REAL(centers), k, asReal(beta),
                               REAL(prob), asInteger(threads), &hooks, work);
  if (status != CKM_OK) {
    UNPROTECT(1);
    return ScalarInteger(status);
  }
  UNPROTECT(1);
  return prob;
}

/* Nearest centre in L1 distance: list(cluster, dist). */
SEXP ffi_l1_assign(SEXP x, SEXP centers, SEXP threads)
{
  const ckm_idx n = Rf_nrows(x);
  const int d = Rf_ncols(x);
  const int k = Rf_nrows(centers);
  static const char *names[] = {"cluster", "dist"};
  SEXP out = PROTECT(glue_named_list(2, names));
  SEXP cluster = PROTECT(allocVector(INTSXP, n));
  SEXP dist = PROTECT(allocVector(REALSXP, n));
  void *work = R_alloc((size_t) k * (size_t) d, sizeof(double));
  ckm_l1_assign(REAL_RO(x), n, d, REAL(centers), k, INTEGER(cluster), REAL(dist),
                asInteger(threads), work);
  glue_one_based(cluster);
  SET_VECTOR_ELT(out, 0, cluster);
  SET_VECTOR_ELT(out, 1, dist);
  UNPROTECT(3);
  return out;
}

/* Within-cluster sums of squares of a partition (cluster: 1-based), summed
 * as the fit sums its own. */
SEXP ffi_wss(SEXP x, SEXP cluster, SEXP centers, SEXP weights, SEXP threads)
{
  const ckm_idx n = Rf_nrows(x);
  const int d = Rf_ncols(x), k = Rf_nrows(centers);
  int *lab = glue_zero_based(cluster);
  SEXP out = PROTECT(allocVector(REALSXP, k));
  void *work = R_alloc(ckm_wss_workspace(n, d, k), 1);
  ckm_wss(REAL_RO(x), n, d, k, lab, REAL(centers), glue_weights(weights),
          asInteger(threads), work, REAL(out));
  UNPROTECT(1);
  return out;
}

/* Within sums of squares from the distances of an assignment (1-based
 * cluster, dist), summed as a fit sums them. */
SEXP ffi_wss_of_dist(SEXP cluster, SEXP dist, SEXP weights, SEXP k_)
{
  const ckm_idx n = XLENGTH(dist);
  const int k = asInteger(k_);
  int *lab = glue_zero_based(cluster);
  SEXP out = PROTECT(allocVector(REALSXP, k));
  void *work = R_alloc(ckm_wss_workspace(0, 1, k), 1);
  ckm_wss_of_dist(n, k, lab, REAL(dist), glue_weights(weights), work,
                  REAL(out));
  UNPROTECT(1);
  return out;
}

/* c(totss, the d column means, the total weight) over all processes */
SEXP ffi_totss(SEXP x, SEXP weights, SEXP threads, SEXP comm)
{
  const int d = Rf_ncols(x);
  ckm_comm cm;
  comm_glue cg;
  const ckm_comm *c = glue_comm(comm, &cm, &cg);
  SEXP out = PROTECT(allocVector(REALSXP, (R_xlen_t) d + 2));
  void *work = R_alloc(ckm_totss_workspace(d), 1);
  double *o = REAL(out);
  o[0] = ckm_totss(REAL_RO(x), Rf_nrows(x), d, glue_weights(weights),
                   asInteger(threads), c, o + 1, o + 1 + d, work);
  UNPROTECT(1);
  return out;
}

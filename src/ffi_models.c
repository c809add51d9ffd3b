/*
 * ffi_models.c: .Call entry points of the models around k-means:
 * k-medoids, the gap statistic, and the nearest-neighbour graph and its
 * components for spectral clustering.
 * Arguments arrive checked and coerced by R; see glue.c for what they
 * share.
 */
#include <string.h>

#include "glue.h"

/* k-medoids (FasterPAM). data: the n x d matrix (metric 0 or 1) or the
 * packed dist vector (metric 2, n given); medoids: k 1-based rows (init
 * 0) or ignored. list(medoids, cluster, dist, cost, passes, swaps,
 * converged, status), medoids and cluster 1-based. */
SEXP ffi_kmedoids(SEXP data, SEXP n_, SEXP metric, SEXP k_, SEXP init,
                  SEXP steepest, SEXP medoids, SEXP max_passes, SEXP threads)
{
  const int met = asInteger(metric), k = asInteger(k_);
  const ckm_idx n = met == CKM_METRIC_DIST ? (ckm_idx) asReal(n_) : Rf_nrows(data);
  const int d = met == CKM_METRIC_DIST ? 0 : Rf_ncols(data);
  const int nthreads = asInteger(threads);
  ckm_dissim D = {met == CKM_METRIC_DIST ? NULL : REAL_RO(data),
                  met == CKM_METRIC_DIST ? REAL_RO(data) : NULL, n, d, met};
  glue_ctx g = glue_context(0, R_NilValue, R_NilValue, 0, 0, 0);
  ckm_hooks hooks = glue_hooks(&g);

  static const char *names[] = {"medoids", "cluster", "dist", "cost", "passes",
                                "swaps", "converged", "status"};
  SEXP out = PROTECT(glue_named_list(8, names));
  SEXP med = PROTECT(allocVector(INTSXP, k));
  SEXP cluster = PROTECT(allocVector(INTSXP, n));
  SEXP dist = PROTECT(allocVector(REALSXP, n));
  ckm_idx *m = (ckm_idx *) R_alloc(k, sizeof(ckm_idx));
  if (asInteger(init) == CKM_KMEDOIDS_GIVEN) {
    const int *given = INTEGER(medoids);
    for (int j = 0; j < k; j++)
      m[j] = (ckm_idx) given[j] - 1;
  }
  void *work = R_alloc(ckm_kmedoids_workspace(n, d, k, nthreads), 1);
  ckm_kmedoids_info info;
  double cost = NA_REAL;
  GetRNGstate();
  int status = ckm_kmedoids(&D, k, asInteger(init), asLogical(steepest), m,
                            asInteger(max_passes),
                            INTEGER(cluster), REAL(dist), &cost, nthreads,
                            &hooks, work, &info);
  PutRNGstate();
  int *mo = INTEGER(med);
  glue_one_based(cluster);
  for (int j = 0; j < k; j++)
    mo[j] = (int) (m[j] + 1);
  SET_VECTOR_ELT(out, 0, med);
  SET_VECTOR_ELT(out, 1, cluster);
  SET_VECTOR_ELT(out, 2, dist);
  SET_VECTOR_ELT(out, 3, ScalarReal(cost));
  SET_VECTOR_ELT(out, 4, ScalarInteger(info.passes));
  SET_VECTOR_ELT(out, 5, ScalarReal((double) info.swaps));
  SET_VECTOR_ELT(out, 6, ScalarLogical(info.converged));
  SET_VECTOR_ELT(out, 7, ScalarInteger(status));
  UNPROTECT(4);
  return out;
}

typedef struct gap_args {
  const double *x;
  ckm_idx n;
  int d;
  const int *ks;
  int K, B, n_init, n_init_ref, p;
  const double *lo, *hi, *rot, *mu;
  const ckm_options *opt;
  const ckm_hooks *hooks;
  double *logw, *ref;
  void *work;
} gap_args;

static int gap_run(void *p)
{
  gap_args *a = (gap_args *) p;
  return ckm_gap(a->x, a->n, a->d, a->ks, a->K, a->B, a->n_init, a->n_init_ref, a->lo, a->hi,
                 a->rot, a->mu, a->p, a->opt, a->hooks, a->work, a->logw, a->ref);
}

/* The gap statistic's fits: list(logw (K), ref (B x K), status). rot and
 * mu: NULL for the box of the columns (lo, hi: d values), or the rotation
 * (d x p) and shift (d) of the principal components' box (lo, hi: p). */
SEXP ffi_gap(SEXP x, SEXP ks, SEXP B_, SEXP n_init, SEXP n_init_ref, SEXP lo, SEXP hi, SEXP rot,
             SEXP mu, SEXP max_iter, SEXP algorithm, SEXP hartigan, SEXP threads,
             SEXP progress)
{
  const ckm_idx n = Rf_nrows(x);
  const int d = Rf_ncols(x), K = LENGTH(ks), B = asInteger(B_);
  ckm_options opt = glue_fit_options(R_NilValue, max_iter, PROTECT(ScalarReal(0.0)), algorithm,
                                     PROTECT(ScalarInteger(CKM_KERNEL_AUTO)), threads,
                                     R_NilValue, hartigan);
  glue_ctx g = glue_context(0, progress, R_NilValue, 0, 0, 0);
  /* no trace, no per-start report: only the generator, polls and progress */
  ckm_hooks hooks = glue_hooks_simple(&g);
  static const char *names[] = {"logw", "ref", "status"};
  SEXP out = PROTECT(glue_named_list(3, names));
  SEXP logw = PROTECT(allocVector(REALSXP, K));
  SEXP ref = PROTECT(allocMatrix(REALSXP, B, K));
  int kmax = 1;
  for (int i = 0; i < K; i++)
    if (INTEGER(ks)[i] > kmax)
      kmax = INTEGER(ks)[i];
  const int p = LENGTH(lo);
  gap_args a = {REAL_RO(x), n, d, INTEGER(ks), K, B, asInteger(n_init), asInteger(n_init_ref), p,
                REAL(lo), REAL(hi), isNull(rot) ? NULL : REAL_RO(rot),
                isNull(mu) ? NULL : REAL_RO(mu), &opt, &hooks, REAL(logw), REAL(ref), NULL};
  a.work = glue_scratch(ckm_gap_workspace(n, d, kmax, p, &opt));
  GetRNGstate();
  int status = glue_run(gap_run, &a, a.work);
  PutRNGstate();
  SET_VECTOR_ELT(out, 0, logw);
  SET_VECTOR_ELT(out, 1, ref);
  SET_VECTOR_ELT(out, 2, ScalarInteger(status));
  UNPROTECT(5);
  return out;
}

/* The m nearest neighbours of each row: list(index (n x m, 1-based),
 * dist2 (n x m), status). */
SEXP ffi_knn(SEXP x, SEXP m_, SEXP threads, SEXP progress)
{
  const ckm_idx n = Rf_nrows(x);
  const int d = Rf_ncols(x), m = asInteger(m_), nthreads = asInteger(threads);
  glue_ctx g = glue_context(0, progress, R_NilValue, 0, 0, 0);
  ckm_hooks hooks = glue_hooks_simple(&g);
  static const char *names[] = {"index", "dist2", "status"};
  SEXP out = PROTECT(glue_named_list(3, names));
  SEXP idx = PROTECT(allocMatrix(INTSXP, m, n)); /* row i's list is column i */
  SEXP d2 = PROTECT(allocMatrix(REALSXP, m, n));
  void *work = R_alloc(ckm_knn_workspace(d, nthreads), 1);
  int status = ckm_knn(REAL_RO(x), n, d, m, INTEGER(idx), REAL(d2), nthreads, &hooks, work);
  glue_one_based(idx);
  SET_VECTOR_ELT(out, 0, idx);
  SET_VECTOR_ELT(out, 1, d2);
  SET_VECTOR_ELT(out, 2, ScalarInteger(status));
  UNPROTECT(3);
  return out;
}

/* Connected components: integer labels 1 .. count for n vertices, edges
 * from[e] -- to[e] (1-based). */
SEXP ffi_components(SEXP n_, SEXP from, SEXP to)
{
  const ckm_idx n = (ckm_idx) asInteger(n_);
  const R_xlen_t ne = XLENGTH(from);
  const int *f = glue_zero_based(from);
  const int *t = glue_zero_based(to);
  SEXP lab = PROTECT(allocVector(INTSXP, n));
  ckm_components(n, f, t, (size_t) ne, INTEGER(lab));
  glue_one_based(lab);
  UNPROTECT(1);
  return lab;
}

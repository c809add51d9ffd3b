/* init.c: registration of the .Call routines, with their arity. */
#include <R.h>
#include <Rinternals.h>
#include <R_ext/Rdynload.h>
#include <R_ext/Visibility.h>

SEXP ffi_fit(SEXP, SEXP, SEXP, SEXP, SEXP, SEXP, SEXP, SEXP, SEXP, SEXP, SEXP, SEXP, SEXP);
SEXP ffi_fit_starts(SEXP, SEXP, SEXP, SEXP, SEXP, SEXP, SEXP, SEXP, SEXP, SEXP, SEXP, SEXP, SEXP, SEXP, SEXP, SEXP);
SEXP ffi_wss(SEXP, SEXP, SEXP, SEXP, SEXP);
SEXP ffi_kmeanspp(SEXP, SEXP, SEXP, SEXP, SEXP, SEXP, SEXP);
SEXP ffi_assign(SEXP, SEXP, SEXP, SEXP);
SEXP ffi_minibatch(SEXP, SEXP, SEXP, SEXP, SEXP, SEXP, SEXP, SEXP, SEXP, SEXP, SEXP);
SEXP ffi_soft_assign(SEXP, SEXP, SEXP, SEXP);
SEXP ffi_kmedians(SEXP, SEXP, SEXP, SEXP);
SEXP ffi_l1_assign(SEXP, SEXP, SEXP);
SEXP ffi_knn(SEXP, SEXP, SEXP, SEXP);
SEXP ffi_components(SEXP, SEXP, SEXP);
SEXP ffi_gap(SEXP, SEXP, SEXP, SEXP, SEXP, SEXP, SEXP, SEXP, SEXP, SEXP, SEXP, SEXP, SEXP, SEXP);
SEXP ffi_kmedoids(SEXP, SEXP, SEXP, SEXP, SEXP, SEXP, SEXP, SEXP, SEXP);
SEXP ffi_totss(SEXP, SEXP, SEXP, SEXP);
SEXP ffi_sum_block(SEXP);
SEXP ffi_vector_total(SEXP, SEXP);
SEXP ffi_row_uniforms(SEXP, SEXP, SEXP);
SEXP ffi_status_table(void);
SEXP ffi_kernel_isa(SEXP);
SEXP ffi_wss_of_dist(SEXP, SEXP, SEXP, SEXP);
SEXP ffi_first_nonfinite(SEXP);
SEXP ffi_rows_repeat(SEXP);
SEXP ffi_macqueen(SEXP, SEXP, SEXP);
SEXP ffi_ari(SEXP, SEXP, SEXP, SEXP);
SEXP ffi_nmi(SEXP, SEXP, SEXP, SEXP, SEXP);
SEXP ffi_silhouette(SEXP, SEXP, SEXP, SEXP, SEXP);
SEXP ffi_silhouette_simplified(SEXP, SEXP, SEXP, SEXP);
SEXP ffi_omp_caps(void);
SEXP ffi_col_ranges(SEXP);
SEXP ffi_runnable_others(void);
SEXP ffi_affine(SEXP, SEXP, SEXP);
SEXP ffi_standardize(SEXP, SEXP, SEXP);
void ckm_threads_init(void);

static const R_CallMethodDef call_methods[] = {
  {"ffi_fit", (DL_FUNC) &ffi_fit, 13},
  {"ffi_fit_starts", (DL_FUNC) &ffi_fit_starts, 16},
  {"ffi_wss", (DL_FUNC) &ffi_wss, 5},
  {"ffi_kmeanspp", (DL_FUNC) &ffi_kmeanspp, 7},
  {"ffi_assign", (DL_FUNC) &ffi_assign, 4},
  {"ffi_minibatch", (DL_FUNC) &ffi_minibatch, 11},
  {"ffi_soft_assign", (DL_FUNC) &ffi_soft_assign, 4},
  {"ffi_kmedians", (DL_FUNC) &ffi_kmedians, 4},
  {"ffi_l1_assign", (DL_FUNC) &ffi_l1_assign, 3},
  {"ffi_knn", (DL_FUNC) &ffi_knn, 4},
  {"ffi_components", (DL_FUNC) &ffi_components, 3},
  {"ffi_gap", (DL_FUNC) &ffi_gap, 14},
  {"ffi_kmedoids", (DL_FUNC) &ffi_kmedoids, 9},
  {"ffi_totss", (DL_FUNC) &ffi_totss, 4},
  {"ffi_sum_block", (DL_FUNC) &ffi_sum_block, 1},
  {"ffi_vector_total", (DL_FUNC) &ffi_vector_total, 2},
  {"ffi_row_uniforms", (DL_FUNC) &ffi_row_uniforms, 3},
  {"ffi_status_table", (DL_FUNC) &ffi_status_table, 0},
  {"ffi_kernel_isa", (DL_FUNC) &ffi_kernel_isa, 1},
  {"ffi_wss_of_dist", (DL_FUNC) &ffi_wss_of_dist, 4},
  {"ffi_first_nonfinite", (DL_FUNC) &ffi_first_nonfinite, 1},
  {"ffi_rows_repeat", (DL_FUNC) &ffi_rows_repeat, 1},
  {"ffi_macqueen", (DL_FUNC) &ffi_macqueen, 3},
  {"ffi_ari", (DL_FUNC) &ffi_ari, 4},
  {"ffi_nmi", (DL_FUNC) &ffi_nmi, 5},
  {"ffi_silhouette", (DL_FUNC) &ffi_silhouette, 5},
  {"ffi_silhouette_simplified", (DL_FUNC) &ffi_silhouette_simplified, 4},
  {"ffi_omp_caps", (DL_FUNC) &ffi_omp_caps, 0},
  {"ffi_col_ranges", (DL_FUNC) &ffi_col_ranges, 1},
  {"ffi_runnable_others", (DL_FUNC) &ffi_runnable_others, 0},
  {"ffi_affine", (DL_FUNC) &ffi_affine, 3},
  {"ffi_standardize", (DL_FUNC) &ffi_standardize, 3},
  {NULL, NULL, 0}
};

void attribute_visible R_init_ckm(DllInfo *dll)
{
  R_registerRoutines(dll, NULL, call_methods, NULL, NULL);
  R_useDynamicSymbols(dll, FALSE);
  R_forceSymbols(dll, TRUE);
  ckm_threads_init();
}

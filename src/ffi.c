/*
 * ffi.c: the .Call glue. Each ffi_* function unwraps arguments that R has
 * already validated and coerced (R/fit.R), takes scratch memory from
 * R_alloc, calls the core and builds the result. Status codes travel back
 * to R, which turns them into errors with words. Interrupts: the hooks call
 * R_CheckUserInterrupt() between iterations, on this thread and outside any
 * parallel region; the core holds no malloc()ed memory, so the long jump
 * leaks nothing.
 */
#include <R.h>
#include <Rinternals.h>

#include "ckm.h"

typedef struct glue_ctx {
  int verbose;
} glue_ctx;

static double hook_unif(void *ctx)
{
  (void) ctx;
  return unif_rand();
}

static int hook_poll(void *ctx)
{
  (void) ctx;
  R_CheckUserInterrupt();
  return 0;
}

static int hook_iteration(void *ctx, int iter, double inertia, ckm_idx changed)
{
  glue_ctx *g = (glue_ctx *) ctx;
  if (g->verbose)
    Rprintf("  iter %4d  inertia %.10g  changed %.0f\n", iter, inertia,
            (double) changed);
  R_CheckUserInterrupt();
  return 0;
}

static ckm_hooks make_hooks(glue_ctx *g)
{
  ckm_hooks h = {g, hook_unif, hook_iteration, hook_poll};
  return h;
}

static SEXP named_list(int n, const char **names)
{
  SEXP out = PROTECT(allocVector(VECSXP, n));
  SEXP nms = PROTECT(allocVector(STRSXP, n));
  for (int i = 0; i < n; i++)
    SET_STRING_ELT(nms, i, mkChar(names[i]));
  setAttrib(out, R_NamesSymbol, nms);
  UNPROTECT(2);
  return out;
}

/* x: double matrix n x d; centers: double matrix k x d (copied);
 * returns list(cluster, centers, wss, size, iter, converged, relocated,
 * trace, status). */
SEXP ffi_fit(SEXP x, SEXP centers, SEXP max_iter, SEXP tol, SEXP algorithm,
             SEXP kernel, SEXP threads, SEXP verbose)
{
  const ckm_idx n = Rf_nrows(x);
  const int d = Rf_ncols(x);
  const int k = Rf_nrows(centers);
  ckm_options opt;
  opt.max_iter = asInteger(max_iter);
  opt.tol = asReal(tol);
  opt.algorithm = asInteger(algorithm);
  opt.kernel = asInteger(kernel);
  opt.nthreads = asInteger(threads);
  glue_ctx g = {asLogical(verbose) == TRUE};
  ckm_hooks hooks = make_hooks(&g);

  static const char *names[] = {"cluster", "centers", "wss", "size", "iter",
                                "converged", "relocated", "trace", "status"};
  SEXP out = PROTECT(named_list(9, names));
  SEXP cluster = PROTECT(allocVector(INTSXP, n));
  SEXP cen = PROTECT(duplicate(centers));
  SEXP wss = PROTECT(allocVector(REALSXP, k));
  SEXP size = PROTECT(allocVector(INTSXP, k));
  SEXP trace = PROTECT(allocVector(REALSXP, opt.max_iter));

  ckm_idx *size_w = (ckm_idx *) R_alloc(k, sizeof(ckm_idx));
  void *work = R_alloc(ckm_fit_workspace(n, d, k, &opt), 1);
  ckm_info info;
  int status = ckm_fit_run(REAL(x), n, d, k, REAL(cen), INTEGER(cluster),
                           REAL(wss), size_w, REAL(trace), &opt, &hooks, work,
                           &info);

  int *cl = INTEGER(cluster);
  for (ckm_idx i = 0; i < n; i++)
    cl[i] += 1;
  for (int j = 0; j < k; j++)
    INTEGER(size)[j] = (int) size_w[j];
  SEXP trace_used = PROTECT(lengthgets(trace, info.n_iter));

  SET_VECTOR_ELT(out, 0, cluster);
  SET_VECTOR_ELT(out, 1, cen);
  SET_VECTOR_ELT(out, 2, wss);
  SET_VECTOR_ELT(out, 3, size);
  SET_VECTOR_ELT(out, 4, ScalarInteger(info.n_iter));
  SET_VECTOR_ELT(out, 5, ScalarLogical(info.converged));
  SET_VECTOR_ELT(out, 6, ScalarReal((double) info.relocated));
  SET_VECTOR_ELT(out, 7, trace_used);
  SET_VECTOR_ELT(out, 8, ScalarInteger(status));
  UNPROTECT(7);
  return out;
}

/* k-means++ centres: list(centers (k x d), rows (1-based), status). */
SEXP ffi_kmeanspp(SEXP x, SEXP k_, SEXP threads)
{
  const ckm_idx n = Rf_nrows(x);
  const int d = Rf_ncols(x);
  const int k = asInteger(k_);
  glue_ctx g = {0};
  ckm_hooks hooks = make_hooks(&g);

  static const char *names[] = {"centers", "rows", "status"};
  SEXP out = PROTECT(named_list(3, names));
  SEXP cen = PROTECT(allocMatrix(REALSXP, k, d));
  SEXP rows = PROTECT(allocVector(REALSXP, k));
  ckm_idx *chosen = (ckm_idx *) R_alloc(k, sizeof(ckm_idx));
  void *work = R_alloc(ckm_kmeanspp_workspace(n, d, k), 1);

  GetRNGstate();
  int status = ckm_kmeanspp(REAL(x), n, d, k, REAL(cen), chosen,
                            asInteger(threads), &hooks, work);
  PutRNGstate();

  for (int j = 0; j < k; j++)
    REAL(rows)[j] = status == CKM_OK ? (double) chosen[j] + 1.0 : NA_REAL;
  SET_VECTOR_ELT(out, 0, cen);
  SET_VECTOR_ELT(out, 1, rows);
  SET_VECTOR_ELT(out, 2, ScalarInteger(status));
  UNPROTECT(3);
  return out;
}

/* Nearest centre: list(cluster (1-based), dist, status). */
SEXP ffi_assign(SEXP x, SEXP centers, SEXP kernel, SEXP threads)
{
  const ckm_idx n = Rf_nrows(x);
  const int d = Rf_ncols(x);
  const int k = Rf_nrows(centers);

  static const char *names[] = {"cluster", "dist", "status"};
  SEXP out = PROTECT(named_list(3, names));
  SEXP cluster = PROTECT(allocVector(INTSXP, n));
  SEXP dist = PROTECT(allocVector(REALSXP, n));
  const int nthreads = asInteger(threads);
  void *work = R_alloc(ckm_assign_workspace(n, d, k, nthreads), 1);
  int status = ckm_assign(REAL(x), n, d, REAL(centers), k, INTEGER(cluster),
                          REAL(dist), nthreads, asInteger(kernel), work);
  int *cl = INTEGER(cluster);
  for (ckm_idx i = 0; i < n; i++)
    cl[i] += 1;
  SET_VECTOR_ELT(out, 0, cluster);
  SET_VECTOR_ELT(out, 1, dist);
  SET_VECTOR_ELT(out, 2, ScalarInteger(status));
  UNPROTECT(3);
  return out;
}

SEXP ffi_totss(SEXP x, SEXP threads)
{
  return ScalarReal(ckm_totss(REAL(x), Rf_nrows(x), Rf_ncols(x),
                              asInteger(threads)));
}

/* 1-based position of the first non-finite value of a double vector, 0 if
 * none (a double, so positions past 2^31 survive). */
SEXP ffi_first_nonfinite(SEXP x)
{
  ckm_idx i = ckm_first_nonfinite(REAL(x), (size_t) XLENGTH(x));
  return ScalarReal((double) i + 1.0);
}

SEXP ffi_omp_caps(void)
{
  SEXP out = PROTECT(allocVector(INTSXP, 4));
  ckm_omp_caps(INTEGER(out));
  UNPROTECT(1);
  return out;
}

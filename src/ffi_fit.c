/*
 * ffi_fit.c: .Call entry points of the fits: ckm_fit() and its starts,
 * k-means++ seeding, mini-batch, k-medians, MacQueen, and the helpers a
 * fit over processes calls (row uniforms, vector totals, the sum block).
 * Arguments arrive checked and coerced by R; see glue.c for what they
 * share.
 */
#include <string.h>

#include "glue.h"
#include "fastassign.h"

typedef struct fit_args {
  const double *x;
  ckm_idx n;
  int d, k;
  double *centers;
  int *labels;
  double *wss;
  ckm_idx *size;
  const ckm_options *opt;
  const ckm_hooks *hooks;
  void *work;
  ckm_info *info;
} fit_args;

static int fit_run(void *p)
{
  fit_args *a = (fit_args *) p;
  return ckm_fit_run(a->x, a->n, a->d, a->k, a->centers, a->labels, a->wss,
                     a->size, NULL, a->opt, a->hooks, a->work, a->info);
}

/* x: double matrix n x d; centers: double matrix k x d (copied); weights:
 * NULL or n positive doubles; returns list(cluster, centers, wss, size,
 * iter, converged, relocated, trace, status). */
SEXP ffi_fit(SEXP x, SEXP centers, SEXP weights, SEXP max_iter, SEXP tol,
             SEXP algorithm, SEXP kernel, SEXP threads, SEXP verbose,
             SEXP moments, SEXP comm, SEXP snapshot, SEXP hartigan)
{
  const ckm_idx n = Rf_nrows(x);
  const int d = Rf_ncols(x);
  const int k = Rf_nrows(centers);
  ckm_options opt = glue_fit_options(weights, max_iter, tol, algorithm, kernel,
                                     threads, moments, hartigan);
  ckm_comm cm;
  comm_glue cg;
  opt.comm = glue_comm(comm, &cm, &cg);
  glue_ctx g = glue_context(asLogical(verbose) == TRUE, R_NilValue, snapshot, k, d, n);
  ckm_hooks hooks = glue_hooks(&g);

  SEXP cluster = PROTECT(allocVector(INTSXP, n));
  SEXP cen = PROTECT(duplicate(centers));
  SEXP wss = PROTECT(allocVector(REALSXP, k));

  ckm_idx *size_w = (ckm_idx *) R_alloc(k, sizeof(ckm_idx));
  ckm_info info;
  memset(&info, 0, sizeof info);
  fit_args a = {REAL_RO(x), n, d, k, REAL(cen), INTEGER(cluster), REAL(wss),
                size_w, &opt, &hooks, NULL, &info};
  a.work = glue_scratch(ckm_fit_workspace(n, d, k, &opt));
  int status = glue_run(fit_run, &a, a.work);
  SEXP out = glue_fit_result(cluster, cen, wss, size_w, k, &g, &info, status);
  UNPROTECT(3);
  return out;
}

typedef struct starts_args {
  fit_args fit;
  int trials, n_init;
  const double *first;
  double *start;
} starts_args;

static int starts_run(void *p)
{
  starts_args *a = (starts_args *) p;
  fit_args *f = &a->fit;
  return ckm_fit_starts(f->x, f->n, f->d, f->k, a->trials, a->n_init,
                        a->first, f->centers, a->start, f->labels, f->wss,
                        f->size,
                        f->opt, f->hooks, f->work, f->info);
}

/* n_init starts from k-means++ seedings (trials per centre), the first
 * from `first` instead when it is a matrix, the best kept: the list of
 * ffi_fit, plus start (the kept start's centres). */
SEXP ffi_fit_starts(SEXP x, SEXP k_, SEXP first, SEXP trials, SEXP n_init, SEXP weights,
                    SEXP max_iter, SEXP tol, SEXP algorithm, SEXP kernel,
                    SEXP threads, SEXP verbose, SEXP moments, SEXP comm,
                    SEXP hartigan, SEXP progress)
{
  const ckm_idx n = Rf_nrows(x);
  const int d = Rf_ncols(x);
  const int k = asInteger(k_);
  ckm_options opt = glue_fit_options(weights, max_iter, tol, algorithm, kernel,
                                     threads, moments, hartigan);
  ckm_comm cm;
  comm_glue cg;
  opt.comm = glue_comm(comm, &cm, &cg);
  glue_ctx g = glue_context(asLogical(verbose) == TRUE, progress, R_NilValue, k, d, n);
  g.n_init = asInteger(n_init);
  ckm_hooks hooks = glue_hooks(&g);

  SEXP cluster = PROTECT(allocVector(INTSXP, n));
  SEXP cen = PROTECT(allocMatrix(REALSXP, k, d));
  SEXP start = PROTECT(allocMatrix(REALSXP, k, d));
  SEXP wss = PROTECT(allocVector(REALSXP, k));
  ckm_idx *size_w = (ckm_idx *) R_alloc(k, sizeof(ckm_idx));
  ckm_info info;
  memset(&info, 0, sizeof info);
  starts_args a = {{REAL_RO(x), n, d, k, REAL(cen), INTEGER(cluster), REAL(wss),
                    size_w, &opt, &hooks, NULL, &info},
                   asInteger(trials), asInteger(n_init),
                   isNull(first) ? NULL : REAL_RO(first), REAL(start)};
  a.fit.work = glue_scratch(ckm_fit_starts_workspace(n, d, k, a.trials, &opt));
  GetRNGstate();
  int status = glue_run(starts_run, &a, a.fit.work);
  PutRNGstate();
  /* the kept start's trace */
  g.trace = g.best;
  g.len = g.best_len;
  SEXP fit = PROTECT(glue_fit_result(cluster, cen, wss, size_w, k, &g, &info, status));
  static const char *names[] = {"fit", "start"};
  SEXP out = PROTECT(glue_named_list(2, names));
  SET_VECTOR_ELT(out, 0, fit);
  SET_VECTOR_ELT(out, 1, start);
  UNPROTECT(6);
  return out;
}

typedef struct kpp_args {
  const double *x;
  ckm_idx n;
  int d, k;
  const double *w;
  int trials;
  double *centers;
  ckm_idx *chosen;
  int nthreads, kernel;
  const ckm_hooks *hooks;
  const ckm_comm *comm;
  void *work;
} kpp_args;

static int kpp_run(void *p)
{
  kpp_args *a = (kpp_args *) p;
  return ckm_kmeanspp(a->x, a->n, a->d, a->k, a->w, a->trials, a->centers,
                      a->chosen, a->nthreads, a->kernel, a->hooks, a->comm,
                      a->work);
}

/* k-means++ centres: list(centers (k x d), rows (1-based), status). */
SEXP ffi_kmeanspp(SEXP x, SEXP k_, SEXP weights, SEXP trials, SEXP threads,
                  SEXP kernel, SEXP comm)
{
  const ckm_idx n = Rf_nrows(x);
  const int d = Rf_ncols(x);
  const int k = asInteger(k_);
  ckm_comm cm;
  comm_glue cg;
  const ckm_comm *c = glue_comm(comm, &cm, &cg);
  glue_ctx g = glue_context(0, R_NilValue, R_NilValue, 0, 0, 0);
  ckm_hooks hooks = glue_hooks(&g);

  static const char *names[] = {"centers", "rows", "status"};
  SEXP out = PROTECT(glue_named_list(3, names));
  SEXP cen = PROTECT(allocMatrix(REALSXP, k, d));
  SEXP rows = PROTECT(allocVector(REALSXP, k));
  ckm_idx *chosen = (ckm_idx *) R_alloc(k, sizeof(ckm_idx));
  const int nt = asInteger(trials);
  kpp_args a = {REAL_RO(x), n, d, k, glue_weights(weights), nt, REAL(cen),
                chosen, asInteger(threads), asInteger(kernel), &hooks, c,
                NULL};
  a.work = glue_scratch(ckm_kmeanspp_workspace(n, d, k, nt, c ? c->size : 1));

  GetRNGstate();
  int status = glue_run(kpp_run, &a, a.work);
  PutRNGstate();

  for (int j = 0; j < k; j++)
    REAL(rows)[j] = status == CKM_OK ? (double) chosen[j] + 1.0 : NA_REAL;
  SET_VECTOR_ELT(out, 0, cen);
  SET_VECTOR_ELT(out, 1, rows);
  SET_VECTOR_ELT(out, 2, ScalarInteger(status));
  UNPROTECT(3);
  return out;
}

/* Mini-batch k-means from the starting centres (copied): list(centers,
 * counts, trace (the first n_steps values), n_steps, converged,
 * reassigned, status). */
SEXP ffi_minibatch(SEXP x, SEXP centers, SEXP weights, SEXP batch_size,
                   SEXP max_steps, SEXP max_no_improvement, SEXP tol,
                   SEXP ratio, SEXP kernel, SEXP threads, SEXP progress)
{
  const ckm_idx n = Rf_nrows(x);
  const int d = Rf_ncols(x);
  const int k = Rf_nrows(centers);
  ckm_minibatch_options opt;
  opt.batch_size = asInteger(batch_size);
  opt.max_steps = (long) asReal(max_steps);
  opt.max_no_improvement = asInteger(max_no_improvement);
  opt.tol = asReal(tol);
  opt.reassignment_ratio = asReal(ratio);
  opt.kernel = asInteger(kernel);
  opt.nthreads = asInteger(threads);
  opt.weights = glue_weights(weights);
  glue_ctx g = glue_context(0, progress, R_NilValue, 0, 0, 0);
  ckm_hooks hooks = glue_hooks(&g);

  static const char *names[] = {"centers", "counts", "trace", "n_steps",
                                "converged", "reassigned", "status"};
  SEXP out = PROTECT(glue_named_list(7, names));
  SEXP cen = PROTECT(duplicate(centers));
  SEXP counts = PROTECT(allocVector(REALSXP, k));
  void *work = R_alloc(ckm_minibatch_workspace(n, d, k, &opt), 1);
  ckm_minibatch_info info;
  GetRNGstate();
  int status = ckm_minibatch(REAL_RO(x), n, d, k, REAL(cen), REAL(counts),
                             NULL, &opt, &hooks, work, &info);
  PutRNGstate();
  SET_VECTOR_ELT(out, 0, cen);
  SET_VECTOR_ELT(out, 1, counts);
  SET_VECTOR_ELT(out, 2, glue_trace_vector(&g, (R_xlen_t) info.n_steps));
  SET_VECTOR_ELT(out, 3, ScalarReal((double) info.n_steps));
  SET_VECTOR_ELT(out, 4, ScalarLogical(info.converged));
  SET_VECTOR_ELT(out, 5, ScalarReal((double) info.reassigned));
  SET_VECTOR_ELT(out, 6, ScalarInteger(status));
  UNPROTECT(3);
  return out;
}

/* k-medians from the starting centres (copied); returns list(cluster,
 * centers, wss, size, iter, converged, relocated, trace, status). */
SEXP ffi_kmedians(SEXP x, SEXP centers, SEXP max_iter, SEXP threads)
{
  const ckm_idx n = Rf_nrows(x);
  const int d = Rf_ncols(x);
  const int k = Rf_nrows(centers);
  const int mi = asInteger(max_iter), nthreads = asInteger(threads);
  glue_ctx g = glue_context(0, R_NilValue, R_NilValue, 0, 0, 0);
  ckm_hooks hooks = glue_hooks(&g);

  SEXP cluster = PROTECT(allocVector(INTSXP, n));
  SEXP cen = PROTECT(duplicate(centers));
  SEXP wss = PROTECT(allocVector(REALSXP, k));
  double *dist = (double *) R_alloc(n > 0 ? n : 1, sizeof(double));
  ckm_idx *size_w = (ckm_idx *) R_alloc(k, sizeof(ckm_idx));
  void *work = R_alloc(ckm_kmedians_workspace(n, d, k, nthreads), 1);
  ckm_kmedians_info info;
  int status = ckm_kmedians(REAL_RO(x), n, d, k, REAL(cen), mi, INTEGER(cluster),
                            dist, REAL(wss), size_w, NULL, &info,
                            nthreads, &hooks, work);
  ckm_info fi = {info.n_iter, info.converged, info.relocated, 0, 0};
  SEXP out = glue_fit_result(cluster, cen, wss, size_w, k, &g, &fi, status);
  UNPROTECT(3);
  return out;
}

/* sum(v) over all processes, reproducibly (see ckm_vector_total) */
SEXP ffi_vector_total(SEXP v, SEXP comm)
{
  ckm_comm cm;
  comm_glue cg;
  const ckm_comm *c = glue_comm(comm, &cm, &cg);
  int status = CKM_OK;
  double s = ckm_vector_total(REAL(v), XLENGTH(v), c, &status);
  return ScalarReal(status ? NA_REAL : s);
}

/* k-means|| deviates of n rows from global row row0; key: two doubles
 * holding 32-bit halves (drawn from R's RNG). */
SEXP ffi_row_uniforms(SEXP n, SEXP row0, SEXP key)
{
  const ckm_idx nn = (ckm_idx) asReal(n);
  SEXP out = PROTECT(allocVector(REALSXP, nn));
  unsigned long long k = ((unsigned long long) REAL_RO(key)[0] << 32) |
                         (unsigned long long) REAL_RO(key)[1];
  ckm_row_uniforms(nn, (ckm_idx) asReal(row0), k, REAL(out));
  UNPROTECT(1);
  return out;
}

/* Rows per block of the centre sums, for k centres (a fit over processes
 * gives each process whole blocks). */
SEXP ffi_sum_block(SEXP k)
{
  return ScalarReal((double) ckm_sum_block(asInteger(k)));
}

/* 1-based position of the first non-finite value of a double vector, 0 if
 * none (a double, so positions past 2^31 survive). */
/* MacQueen's k-means from `centers` (copied): list(cluster, centers, wss,
 * size, iter, status). */
SEXP ffi_macqueen(SEXP x, SEXP centers, SEXP max_iter)
{
  const ckm_idx n = Rf_nrows(x);
  const int d = Rf_ncols(x), k = Rf_nrows(centers);
  static const char *names[] = {"cluster", "centers", "wss", "size", "iter", "status"};
  SEXP out = PROTECT(glue_named_list(6, names));
  SEXP cluster = PROTECT(allocVector(INTSXP, n));
  SEXP cen = PROTECT(duplicate(centers));
  SEXP wss = PROTECT(allocVector(REALSXP, k));
  SEXP size = PROTECT(allocVector(INTSXP, k));
  ckm_idx *sz = (ckm_idx *) R_alloc(k, sizeof(ckm_idx));
  glue_ctx g = glue_context(0, R_NilValue, R_NilValue, 0, 0, 0);
  ckm_hooks hooks = glue_hooks(&g);
  int iter = 0;
  int status = ckm_macqueen(REAL_RO(x), n, d, k, REAL(cen), asInteger(max_iter),
                            INTEGER(cluster), sz, REAL(wss), &iter, &hooks);
  glue_one_based(cluster);
  for (int j = 0; j < k; j++)
    INTEGER(size)[j] = (int) sz[j];
  SET_VECTOR_ELT(out, 0, cluster);
  SET_VECTOR_ELT(out, 1, cen);
  SET_VECTOR_ELT(out, 2, wss);
  SET_VECTOR_ELT(out, 3, size);
  SET_VECTOR_ELT(out, 4, ScalarInteger(iter));
  SET_VECTOR_ELT(out, 5, ScalarInteger(status));
  UNPROTECT(5);
  return out;
}

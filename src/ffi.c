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
#include "fastassign.h"

#include <stdlib.h>
#include <string.h>

/* The trace of a fit grows as the fit goes (an iteration limit of
 * .Machine$integer.max must not reserve 16 GB up front): a buffer from
 * R_alloc, doubled when full (the old block stays until the .Call returns,
 * so at most twice the final size), freed by R on every exit, interrupts
 * included. */
typedef struct glue_ctx {
  int verbose;
  double *trace;
  R_xlen_t len, cap;
  SEXP progress; /* an R function(done), or R_NilValue: no progress */
  SEXP snapshot; /* an R function(iter, cluster, centers, relocated,
                    converged), or R_NilValue/NULL: no snapshots */
  int k, d;      /* for snapshots */
  R_xlen_t n;
  /* restarts: the trace of the best start so far (the current one is
   * trace/len/cap, swapped in when it becomes the best) */
  double *best;
  R_xlen_t best_len, best_cap;
  int n_init;
} glue_ctx;

static void trace_put(glue_ctx *g, R_xlen_t at, double v)
{
  if (at >= g->cap) {
    R_xlen_t cap = g->cap > 0 ? 2 * g->cap : 64;
    while (cap <= at)
      cap *= 2;
    double *t = (double *) R_alloc((size_t) cap, sizeof(double));
    if (g->len > 0)
      memcpy(t, g->trace, sizeof(double) * (size_t) g->len);
    g->trace = t;
    g->cap = cap;
  }
  g->trace[at] = v;
  if (at + 1 > g->len)
    g->len = at + 1;
}

/* The first `len` values of the trace as an R vector. */
static SEXP trace_vector(const glue_ctx *g, R_xlen_t len)
{
  SEXP out = PROTECT(allocVector(REALSXP, len));
  for (R_xlen_t i = 0; i < len; i++)
    REAL(out)[i] = i < g->len ? g->trace[i] : NA_REAL;
  UNPROTECT(1);
  return out;
}

/* Large scratch (per-row arrays) comes from malloc, not R_alloc: R_alloc
 * memory is released only by the next garbage collection after the .Call,
 * so the seeding's workspace would still be held when the fit allocates
 * its own (a peak of both). malloc()ed scratch is freed as soon as the
 * core returns, and on an interrupt or error too: the core runs under
 * R_UnwindProtect, whose cleanup frees it before the jump goes on. */
typedef struct protected_call {
  int (*run)(void *args);
  void *args;
  void *work;
  int status;
} protected_call;

static SEXP protected_body(void *data)
{
  protected_call *c = (protected_call *) data;
  c->status = c->run(c->args);
  return R_NilValue;
}

static void protected_cleanup(void *data, Rboolean jump)
{
  protected_call *c = (protected_call *) data;
  if (jump) {
    free(c->work);
    c->work = NULL;
  }
}

static void *scratch_malloc(size_t bytes)
{
  void *p = malloc(bytes > 0 ? bytes : 1);
  if (!p)
    error("cannot allocate %.0f MB of working memory", (double) bytes / 1048576.0);
  return p;
}

/* run(args) with scratch `work` (from scratch_malloc), freed on every
 * path; returns run's status. */
static int run_with_scratch(int (*run)(void *), void *args, void *work)
{
  protected_call c = {run, args, work, 0};
  SEXP cont = PROTECT(R_MakeUnwindCont());
  R_UnwindProtect(protected_body, &c, protected_cleanup, &c, cont);
  UNPROTECT(1);
  free(c.work);
  return c.status;
}

static void hook_record(void *ctx, long step, double value)
{
  trace_put((glue_ctx *) ctx, (R_xlen_t) step, value);
}

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
  trace_put(g, (R_xlen_t) iter - 1, inertia);
  if (g->verbose)
    Rprintf("  iter %4d  inertia %.10g  changed %.0f\n", iter, inertia,
            (double) changed);
  R_CheckUserInterrupt();
  return 0;
}

/* Progress: R's progress bar (R/progress.R) is told the share done; the
 * core calls this on this thread, between parallel regions. */
static void hook_progress(void *ctx, double done)
{
  glue_ctx *g = (glue_ctx *) ctx;
  SEXP call = PROTECT(lang2(g->progress, ScalarReal(done)));
  eval(call, R_GlobalEnv);
  UNPROTECT(1);
}

/* The state after an iteration, handed to R (ckm_converge()). */
static void hook_snapshot(void *ctx, int iter, const int *labels,
                          const double *centers, ckm_idx relocated,
                          int converged)
{
  glue_ctx *g = (glue_ctx *) ctx;
  SEXP cl = PROTECT(allocVector(INTSXP, g->n));
  for (R_xlen_t i = 0; i < g->n; i++)
    INTEGER(cl)[i] = labels[i] + 1;
  SEXP cen = PROTECT(allocMatrix(REALSXP, g->k, g->d));
  memcpy(REAL(cen), centers, sizeof(double) * (size_t) g->k * g->d);
  SEXP it = PROTECT(ScalarInteger(iter));
  SEXP rel = PROTECT(ScalarReal((double) relocated));
  SEXP conv = PROTECT(ScalarLogical(converged));
  SEXP args = PROTECT(list5(it, cl, cen, rel, conv));
  SEXP call = PROTECT(LCONS(g->snapshot, args));
  eval(call, R_GlobalEnv);
  UNPROTECT(7);
}

/* After each start of ckm_fit_starts: the kept start's trace is set aside
 * (the buffers swap, so neither is copied), and the next start writes
 * from the beginning again. */
static void hook_start_done(void *ctx, int start, double inertia, int n_iter,
                            int converged, int kept)
{
  glue_ctx *g = (glue_ctx *) ctx;
  if (g->verbose)
    Rprintf("start %d of %d: inertia %.10g after %d iterations%s\n", start,
            g->n_init, inertia, n_iter, converged ? "" : " (not converged)");
  if (kept) {
    double *t = g->best;
    R_xlen_t cap = g->best_cap;
    g->best = g->trace;
    g->best_len = g->len;
    g->best_cap = g->cap;
    g->trace = t;
    g->cap = cap;
  }
  g->len = 0;
}

static ckm_hooks make_hooks(glue_ctx *g)
{
  ckm_hooks h = {g, hook_unif, hook_iteration, hook_poll, hook_record,
                 g->progress != NULL && g->progress != R_NilValue ? hook_progress : NULL,
                 g->snapshot != NULL && g->snapshot != R_NilValue ? hook_snapshot : NULL,
                 hook_start_done};
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

/* The result of a fit, for R: list(cluster (1-based), centers, wss, size,
 * iter, converged, relocated, trace (the first n_iter values), status). */
static SEXP fit_result(SEXP cluster, SEXP cen, SEXP wss, const ckm_idx *size_w,
                       int k, const glue_ctx *g, const ckm_info *info,
                       int status)
{
  static const char *names[] = {"cluster", "centers", "wss", "size", "iter",
                                "converged", "relocated", "trace", "status",
                                "passes", "transfers"};
  const int n_iter = info->n_iter;
  SEXP out = PROTECT(named_list(11, names));
  SEXP size = PROTECT(allocVector(INTSXP, k));
  int *cl = INTEGER(cluster);
  for (R_xlen_t i = 0; i < XLENGTH(cluster); i++)
    cl[i] += 1;
  for (int j = 0; j < k; j++)
    INTEGER(size)[j] = (int) size_w[j];
  SET_VECTOR_ELT(out, 0, cluster);
  SET_VECTOR_ELT(out, 1, cen);
  SET_VECTOR_ELT(out, 2, wss);
  SET_VECTOR_ELT(out, 3, size);
  SET_VECTOR_ELT(out, 4, ScalarInteger(n_iter));
  SET_VECTOR_ELT(out, 5, ScalarLogical(info->converged));
  SET_VECTOR_ELT(out, 6, ScalarReal((double) info->relocated));
  SET_VECTOR_ELT(out, 7, trace_vector(g, n_iter));
  SET_VECTOR_ELT(out, 8, ScalarInteger(status));
  SET_VECTOR_ELT(out, 9, ScalarInteger(info->passes));
  SET_VECTOR_ELT(out, 10, ScalarReal((double) info->transfers));
  UNPROTECT(2);
  return out;
}

/* ---- collectives: R functions behind ckm_comm -------------------------- */

/* A fit over several processes gets, from R, list(rank, size, row0,
 * n_global, allreduce = function(x, op), allgather = function(x)) (see
 * R/mpi.R); the core calls back through these two, on this thread,
 * outside any parallel region. An R error there (a failed MPI call) long-
 * jumps out as any R error does: scratch is freed by run_with_scratch. */
typedef struct comm_glue {
  SEXP allreduce, allgather;
  int size;
} comm_glue;

static SEXP call_collective(SEXP fn, const double *buf, size_t len, SEXP arg2,
                            size_t want)
{
  SEXP v = PROTECT(allocVector(REALSXP, (R_xlen_t) len));
  if (len)
    memcpy(REAL(v), buf, sizeof(double) * len);
  SEXP call = PROTECT(arg2 ? lang3(fn, v, arg2) : lang2(fn, v));
  SEXP r = PROTECT(eval(call, R_GlobalEnv));
  if (TYPEOF(r) != REALSXP || (size_t) XLENGTH(r) != want)
    error("internal error: a collective operation returned %d values of type %s, not %d doubles",
          (int) XLENGTH(r), type2char(TYPEOF(r)), (int) want);
  UNPROTECT(3);
  return r;
}

static int glue_allreduce(void *ctx, double *buf, size_t len, int op)
{
  comm_glue *cg = (comm_glue *) ctx;
  SEXP opv = PROTECT(ScalarInteger(op));
  SEXP r = PROTECT(call_collective(cg->allreduce, buf, len, opv, len));
  memcpy(buf, REAL(r), sizeof(double) * len);
  UNPROTECT(2);
  return 0;
}

static int glue_allgather(void *ctx, const double *send, size_t len,
                          double *recv)
{
  comm_glue *cg = (comm_glue *) ctx;
  SEXP r = PROTECT(call_collective(cg->allgather, send, len, NULL,
                                   len * (size_t) cg->size));
  memcpy(recv, REAL(r), sizeof(double) * len * (size_t) cg->size);
  UNPROTECT(1);
  return 0;
}

static double list_real(SEXP l, const char *name)
{
  SEXP nms = getAttrib(l, R_NamesSymbol);
  for (R_xlen_t i = 0; i < XLENGTH(l); i++)
    if (strcmp(CHAR(STRING_ELT(nms, i)), name) == 0)
      return asReal(VECTOR_ELT(l, i));
  error("internal error: `comm` has no `%s`", name);
  return 0.0;
}

static SEXP list_elt(SEXP l, const char *name)
{
  SEXP nms = getAttrib(l, R_NamesSymbol);
  for (R_xlen_t i = 0; i < XLENGTH(l); i++)
    if (strcmp(CHAR(STRING_ELT(nms, i)), name) == 0)
      return VECTOR_ELT(l, i);
  error("internal error: `comm` has no `%s`", name);
  return R_NilValue;
}

/* The ckm_comm of an R comm list (R/mpi.R has checked it), or NULL. */
static const ckm_comm *comm_of(SEXP comm, ckm_comm *c, comm_glue *g)
{
  if (isNull(comm))
    return NULL;
  c->rank = (int) list_real(comm, "rank");
  c->size = (int) list_real(comm, "size");
  c->row0 = (ckm_idx) list_real(comm, "row0");
  c->n_global = (ckm_idx) list_real(comm, "n_global");
  g->allreduce = list_elt(comm, "allreduce");
  g->allgather = list_elt(comm, "allgather");
  g->size = c->size;
  c->ctx = g;
  c->allreduce = glue_allreduce;
  c->allgather = glue_allgather;
  return c;
}

/* Observation weights: NULL, or a double vector R has checked. */
static const double *weights_or_null(SEXP w)
{
  return isNull(w) ? NULL : REAL_RO(w);
}

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
/* The options of a fit, from arguments R has checked. moments: NULL, or
 * c(totss, the d column means) from ffi_totss. */
static ckm_options fit_options(SEXP weights, SEXP max_iter, SEXP tol,
                               SEXP algorithm, SEXP kernel, SEXP threads,
                               SEXP moments, SEXP hartigan)
{
  ckm_options opt;
  memset(&opt, 0, sizeof opt);
  opt.max_iter = asInteger(max_iter);
  opt.tol = asReal(tol);
  opt.algorithm = asInteger(algorithm);
  opt.kernel = asInteger(kernel);
  opt.nthreads = asInteger(threads);
  opt.weights = weights_or_null(weights);
  opt.totss = isNull(moments) ? 0.0 : REAL_RO(moments)[0];
  opt.colmean = isNull(moments) ? NULL : REAL_RO(moments) + 1;
  opt.hartigan = asLogical(hartigan) == TRUE;
  return opt;
}

SEXP ffi_fit(SEXP x, SEXP centers, SEXP weights, SEXP max_iter, SEXP tol,
             SEXP algorithm, SEXP kernel, SEXP threads, SEXP verbose,
             SEXP moments, SEXP comm, SEXP snapshot, SEXP hartigan)
{
  const ckm_idx n = Rf_nrows(x);
  const int d = Rf_ncols(x);
  const int k = Rf_nrows(centers);
  ckm_options opt = fit_options(weights, max_iter, tol, algorithm, kernel,
                                threads, moments, hartigan);
  ckm_comm cm;
  comm_glue cg;
  opt.comm = comm_of(comm, &cm, &cg);
  glue_ctx g = {asLogical(verbose) == TRUE, NULL, 0, 0, R_NilValue, snapshot,
                k, d, (R_xlen_t) n, NULL, 0, 0};
  ckm_hooks hooks = make_hooks(&g);

  SEXP cluster = PROTECT(allocVector(INTSXP, n));
  SEXP cen = PROTECT(duplicate(centers));
  SEXP wss = PROTECT(allocVector(REALSXP, k));

  ckm_idx *size_w = (ckm_idx *) R_alloc(k, sizeof(ckm_idx));
  ckm_info info;
  memset(&info, 0, sizeof info);
  fit_args a = {REAL_RO(x), n, d, k, REAL(cen), INTEGER(cluster), REAL(wss),
                size_w, &opt, &hooks, NULL, &info};
  a.work = scratch_malloc(ckm_fit_workspace(n, d, k, &opt));
  int status = run_with_scratch(fit_run, &a, a.work);
  SEXP out = fit_result(cluster, cen, wss, size_w, k, &g, &info, status);
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
  ckm_options opt = fit_options(weights, max_iter, tol, algorithm, kernel,
                                threads, moments, hartigan);
  ckm_comm cm;
  comm_glue cg;
  opt.comm = comm_of(comm, &cm, &cg);
  glue_ctx g = {asLogical(verbose) == TRUE, NULL, 0, 0, progress, R_NilValue,
                k, d, (R_xlen_t) n, NULL, 0, 0, asInteger(n_init)};
  ckm_hooks hooks = make_hooks(&g);

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
  a.fit.work = scratch_malloc(ckm_fit_starts_workspace(n, d, k, a.trials, &opt));
  GetRNGstate();
  int status = run_with_scratch(starts_run, &a, a.fit.work);
  PutRNGstate();
  /* the kept start's trace */
  g.trace = g.best;
  g.len = g.best_len;
  SEXP fit = PROTECT(fit_result(cluster, cen, wss, size_w, k, &g, &info, status));
  static const char *names[] = {"fit", "start"};
  SEXP out = PROTECT(named_list(2, names));
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
  const ckm_comm *c = comm_of(comm, &cm, &cg);
  glue_ctx g = {0, NULL, 0, 0, R_NilValue, R_NilValue, 0, 0, 0, NULL, 0, 0};
  ckm_hooks hooks = make_hooks(&g);

  static const char *names[] = {"centers", "rows", "status"};
  SEXP out = PROTECT(named_list(3, names));
  SEXP cen = PROTECT(allocMatrix(REALSXP, k, d));
  SEXP rows = PROTECT(allocVector(REALSXP, k));
  ckm_idx *chosen = (ckm_idx *) R_alloc(k, sizeof(ckm_idx));
  const int nt = asInteger(trials);
  kpp_args a = {REAL_RO(x), n, d, k, weights_or_null(weights), nt, REAL(cen),
                chosen, asInteger(threads), asInteger(kernel), &hooks, c,
                NULL};
  a.work = scratch_malloc(ckm_kmeanspp_workspace(n, d, k, nt, c ? c->size : 1));

  GetRNGstate();
  int status = run_with_scratch(kpp_run, &a, a.work);
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
  opt.weights = weights_or_null(weights);
  glue_ctx g = {0, NULL, 0, 0, progress, R_NilValue, 0, 0, 0};
  ckm_hooks hooks = make_hooks(&g);

  static const char *names[] = {"centers", "counts", "trace", "n_steps",
                                "converged", "reassigned", "status"};
  SEXP out = PROTECT(named_list(7, names));
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
  SET_VECTOR_ELT(out, 2, trace_vector(&g, (R_xlen_t) info.n_steps));
  SET_VECTOR_ELT(out, 3, ScalarReal((double) info.n_steps));
  SET_VECTOR_ELT(out, 4, ScalarLogical(info.converged));
  SET_VECTOR_ELT(out, 5, ScalarReal((double) info.reassigned));
  SET_VECTOR_ELT(out, 6, ScalarInteger(status));
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
  glue_ctx g = {0, NULL, 0, 0, R_NilValue, R_NilValue, 0, 0, 0, NULL, 0, 0};
  ckm_hooks hooks = make_hooks(&g);
  void *work = R_alloc(ckm_assign_workspace(n, d, k, nthreads), 1);
  int status = ckm_assign(REAL_RO(x), n, d, REAL(centers), k, INTEGER(cluster),
                          REAL(dist), nthreads, asInteger(kernel), &hooks,
                          work);
  int *cl = INTEGER(cluster);
  for (ckm_idx i = 0; i < n; i++)
    cl[i] += 1;
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
  glue_ctx g = {0, NULL, 0, 0, R_NilValue, R_NilValue, 0, 0, 0, NULL, 0, 0};
  ckm_hooks hooks = make_hooks(&g);
  int status = ckm_soft_assign(REAL_RO(x), n, d, REAL(centers), k, asReal(beta),
                               REAL(prob), asInteger(threads), &hooks, work);
  if (status != CKM_OK) {
    UNPROTECT(1);
    return ScalarInteger(status);
  }
  UNPROTECT(1);
  return prob;
}

/* k-medians from the starting centres (copied); returns list(cluster,
 * centers, wss, size, iter, converged, relocated, trace, status). */
SEXP ffi_kmedians(SEXP x, SEXP centers, SEXP max_iter, SEXP threads)
{
  const ckm_idx n = Rf_nrows(x);
  const int d = Rf_ncols(x);
  const int k = Rf_nrows(centers);
  const int mi = asInteger(max_iter), nthreads = asInteger(threads);
  glue_ctx g = {0, NULL, 0, 0, R_NilValue, R_NilValue, 0, 0, 0, NULL, 0, 0};
  ckm_hooks hooks = make_hooks(&g);

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
  SEXP out = fit_result(cluster, cen, wss, size_w, k, &g, &fi, status);
  UNPROTECT(3);
  return out;
}

/* Nearest centre in L1 distance: list(cluster, dist). */
SEXP ffi_l1_assign(SEXP x, SEXP centers, SEXP threads)
{
  const ckm_idx n = Rf_nrows(x);
  const int d = Rf_ncols(x);
  const int k = Rf_nrows(centers);
  static const char *names[] = {"cluster", "dist"};
  SEXP out = PROTECT(named_list(2, names));
  SEXP cluster = PROTECT(allocVector(INTSXP, n));
  SEXP dist = PROTECT(allocVector(REALSXP, n));
  void *work = R_alloc((size_t) k * (size_t) d, sizeof(double));
  ckm_l1_assign(REAL_RO(x), n, d, REAL(centers), k, INTEGER(cluster), REAL(dist),
                asInteger(threads), work);
  int *cl = INTEGER(cluster);
  for (ckm_idx i = 0; i < n; i++)
    cl[i] += 1;
  SET_VECTOR_ELT(out, 0, cluster);
  SET_VECTOR_ELT(out, 1, dist);
  UNPROTECT(3);
  return out;
}

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
  glue_ctx g = {0, NULL, 0, 0, R_NilValue, R_NilValue, 0, 0, 0, NULL, 0, 0};
  ckm_hooks hooks = make_hooks(&g);

  static const char *names[] = {"medoids", "cluster", "dist", "cost", "passes",
                                "swaps", "converged", "status"};
  SEXP out = PROTECT(named_list(8, names));
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
  int *cl = INTEGER(cluster), *mo = INTEGER(med);
  for (ckm_idx i = 0; i < n; i++)
    cl[i] += 1;
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
  ckm_options opt = fit_options(R_NilValue, max_iter, PROTECT(ScalarReal(0.0)), algorithm,
                                PROTECT(ScalarInteger(CKM_KERNEL_AUTO)), threads,
                                R_NilValue, hartigan);
  glue_ctx g = {0, NULL, 0, 0, progress, R_NilValue, 0, 0, 0, NULL, 0, 0, 0};
  /* no trace, no per-start report: only the generator, polls and progress */
  ckm_hooks hooks = {&g, hook_unif, NULL, hook_poll, NULL,
                     progress != R_NilValue ? hook_progress : NULL, NULL, NULL};
  static const char *names[] = {"logw", "ref", "status"};
  SEXP out = PROTECT(named_list(3, names));
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
  a.work = scratch_malloc(ckm_gap_workspace(n, d, kmax, p, &opt));
  GetRNGstate();
  int status = run_with_scratch(gap_run, &a, a.work);
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
  glue_ctx g = {0, NULL, 0, 0, progress, R_NilValue, 0, 0, 0, NULL, 0, 0, 0};
  ckm_hooks hooks = {&g, hook_unif, NULL, hook_poll, NULL,
                     progress != R_NilValue ? hook_progress : NULL, NULL, NULL};
  static const char *names[] = {"index", "dist2", "status"};
  SEXP out = PROTECT(named_list(3, names));
  SEXP idx = PROTECT(allocMatrix(INTSXP, m, n)); /* row i's list is column i */
  SEXP d2 = PROTECT(allocMatrix(REALSXP, m, n));
  void *work = R_alloc(ckm_knn_workspace(d, nthreads), 1);
  int status = ckm_knn(REAL_RO(x), n, d, m, INTEGER(idx), REAL(d2), nthreads, &hooks, work);
  int *ix = INTEGER(idx);
  for (R_xlen_t i = 0; i < XLENGTH(idx); i++)
    ix[i] += 1;
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
  int *f = (int *) R_alloc(ne > 0 ? ne : 1, sizeof(int));
  int *t = (int *) R_alloc(ne > 0 ? ne : 1, sizeof(int));
  for (R_xlen_t e = 0; e < ne; e++) {
    f[e] = INTEGER(from)[e] - 1;
    t[e] = INTEGER(to)[e] - 1;
  }
  SEXP lab = PROTECT(allocVector(INTSXP, n));
  ckm_components(n, f, t, (size_t) ne, INTEGER(lab));
  for (ckm_idx i = 0; i < n; i++)
    INTEGER(lab)[i] += 1;
  UNPROTECT(1);
  return lab;
}

/* sum(v) over all processes, reproducibly (see ckm_vector_total) */
SEXP ffi_vector_total(SEXP v, SEXP comm)
{
  ckm_comm cm;
  comm_glue cg;
  const ckm_comm *c = comm_of(comm, &cm, &cg);
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

/* Within-cluster sums of squares of a partition (cluster: 1-based), summed
 * as the fit sums its own. */
SEXP ffi_wss(SEXP x, SEXP cluster, SEXP centers, SEXP weights, SEXP threads)
{
  const ckm_idx n = Rf_nrows(x);
  const int d = Rf_ncols(x), k = Rf_nrows(centers);
  int *lab = (int *) R_alloc((size_t) n, sizeof(int));
  for (ckm_idx i = 0; i < n; i++)
    lab[i] = INTEGER(cluster)[i] - 1;
  SEXP out = PROTECT(allocVector(REALSXP, k));
  void *work = R_alloc(ckm_wss_workspace(n, d, k), 1);
  ckm_wss(REAL_RO(x), n, d, k, lab, REAL(centers), weights_or_null(weights),
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
  int *lab = (int *) R_alloc((size_t) n, sizeof(int));
  for (ckm_idx i = 0; i < n; i++)
    lab[i] = INTEGER(cluster)[i] - 1;
  SEXP out = PROTECT(allocVector(REALSXP, k));
  void *work = R_alloc(ckm_wss_workspace(0, 1, k), 1);
  ckm_wss_of_dist(n, k, lab, REAL(dist), weights_or_null(weights), work,
                  REAL(out));
  UNPROTECT(1);
  return out;
}

/* Rows per block of the centre sums, for k centres (a fit over processes
 * gives each process whole blocks). */
SEXP ffi_sum_block(SEXP k)
{
  return ScalarReal((double) ckm_sum_block(asInteger(k)));
}

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

/* c(totss, the d column means, the total weight) over all processes */
SEXP ffi_totss(SEXP x, SEXP weights, SEXP threads, SEXP comm)
{
  const int d = Rf_ncols(x);
  ckm_comm cm;
  comm_glue cg;
  const ckm_comm *c = comm_of(comm, &cm, &cg);
  SEXP out = PROTECT(allocVector(REALSXP, (R_xlen_t) d + 2));
  void *work = R_alloc(ckm_totss_workspace(d), 1);
  double *o = REAL(out);
  o[0] = ckm_totss(REAL_RO(x), Rf_nrows(x), d, weights_or_null(weights),
                   asInteger(threads), c, o + 1, o + 1 + d, work);
  UNPROTECT(1);
  return out;
}

/* ---- metrics ------------------------------------------------------------ */

/* 0-based indices from the core to R's 1-based, negative ones to NA. */
static void one_based_or_na(SEXP v)
{
  int *p = INTEGER(v);
  for (R_xlen_t i = 0; i < XLENGTH(v); i++)
    p[i] = p[i] < 0 ? NA_INTEGER : p[i] + 1;
}

/* 1-based integer codes (from R) to a 0-based copy. */
static int *zero_based(SEXP codes)
{
  R_xlen_t n = XLENGTH(codes);
  int *out = (int *) R_alloc(n > 0 ? n : 1, sizeof(int));
  const int *in = INTEGER(codes);
  for (R_xlen_t i = 0; i < n; i++)
    out[i] = in[i] - 1;
  return out;
}

/* a, b: integer codes 1..ra and 1..rb (R has checked lengths and ranges). */
SEXP ffi_ari(SEXP a, SEXP b, SEXP ra, SEXP rb)
{
  const ckm_idx n = XLENGTH(a);
  const int na = asInteger(ra), nb = asInteger(rb);
  void *work = R_alloc(ckm_contingency_workspace(n, na, nb), 1);
  return ScalarReal(ckm_ari(zero_based(a), zero_based(b), n, na, nb, work));
}

SEXP ffi_nmi(SEXP a, SEXP b, SEXP ra, SEXP rb, SEXP variant)
{
  const ckm_idx n = XLENGTH(a);
  const int na = asInteger(ra), nb = asInteger(rb);
  void *work = R_alloc(ckm_contingency_workspace(n, na, nb), 1);
  return ScalarReal(ckm_nmi(zero_based(a), zero_based(b), n, na, nb,
                            asInteger(variant), work));
}

/* x: n x d double matrix; cl: clusters 1..k. list(width, neighbor). */
SEXP ffi_silhouette(SEXP x, SEXP cl, SEXP k_, SEXP threads, SEXP progress)
{
  const ckm_idx n = Rf_nrows(x);
  const int d = Rf_ncols(x), k = asInteger(k_), nthreads = asInteger(threads);
  glue_ctx g = {0, NULL, 0, 0, progress, R_NilValue, 0, 0, 0};
  ckm_hooks hooks = make_hooks(&g);
  static const char *names[] = {"width", "neighbor"};
  SEXP out = PROTECT(named_list(2, names));
  SEXP width = PROTECT(allocVector(REALSXP, n));
  SEXP neighbor = PROTECT(allocVector(INTSXP, n));
  int *c0 = zero_based(cl);
  ckm_idx *size = (ckm_idx *) R_alloc(k, sizeof(ckm_idx));
  for (int j = 0; j < k; j++)
    size[j] = 0;
  for (ckm_idx i = 0; i < n; i++)
    size[c0[i]]++;
  double *work = (double *) R_alloc(ckm_silhouette_workspace(d, k, nthreads), 1);
  ckm_silhouette(REAL_RO(x), n, d, c0, k, size, REAL(width), INTEGER(neighbor),
                 nthreads, &hooks, work);
  one_based_or_na(neighbor);
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
  SEXP out = PROTECT(named_list(2, names));
  SEXP width = PROTECT(allocVector(REALSXP, n));
  SEXP neighbor = PROTECT(allocVector(INTSXP, n));
  ckm_silhouette_simplified(REAL_RO(x), n, d, zero_based(cl), REAL(centers), k,
                            REAL(width), INTEGER(neighbor), asInteger(threads));
  one_based_or_na(neighbor);
  SET_VECTOR_ELT(out, 0, width);
  SET_VECTOR_ELT(out, 1, neighbor);
  UNPROTECT(3);
  return out;
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
  SEXP out = PROTECT(named_list(6, names));
  SEXP cluster = PROTECT(allocVector(INTSXP, n));
  SEXP cen = PROTECT(duplicate(centers));
  SEXP wss = PROTECT(allocVector(REALSXP, k));
  SEXP size = PROTECT(allocVector(INTSXP, k));
  ckm_idx *sz = (ckm_idx *) R_alloc(k, sizeof(ckm_idx));
  glue_ctx g = {0, NULL, 0, 0, R_NilValue, R_NilValue, 0, 0, 0, NULL, 0, 0, 0};
  ckm_hooks hooks = make_hooks(&g);
  int iter = 0;
  int status = ckm_macqueen(REAL_RO(x), n, d, k, REAL(cen), asInteger(max_iter),
                            INTEGER(cluster), sz, REAL(wss), &iter, &hooks);
  for (ckm_idx i = 0; i < n; i++)
    INTEGER(cluster)[i] += 1;
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

/*
 * glue.c: the machinery every .Call entry point shares, and nothing else:
 * the growing trace buffer, scratch memory freed on every path
 * (glue_scratch(), glue_run()), the hooks through which the core reaches
 * R's RNG, interrupts, progress bars and snapshots, the collectives of a
 * fit over processes (R functions behind ckm_comm), the fit's result list,
 * and label conversion between the core's 0-based and R's 1-based codes.
 * The entry points themselves are in ffi_*.c, by topic.
 */
#include <stdlib.h>
#include <string.h>
#if defined(__linux__)
#include <sys/mman.h>
#endif

#include "glue.h"


glue_ctx glue_context(int verbose, SEXP progress, SEXP snapshot, int k, int d,
                      R_xlen_t n)
{
  glue_ctx g;
  memset(&g, 0, sizeof g);
  g.verbose = verbose;
  g.progress = progress;
  g.snapshot = snapshot;
  g.k = k;
  g.d = d;
  g.n = n;
  return g;
}

void glue_trace_put(glue_ctx *g, R_xlen_t at, double v)
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
SEXP glue_trace_vector(const glue_ctx *g, R_xlen_t len)
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

/* Large scratch is aligned to 2 MB and, on Linux, offered for huge
 * pages: a fit first touches all of it, and with 4 KB pages that meant a
 * page fault every 4 KB (0.4 s for the 112 MB of Hartigan's bounds at
 * 2,000,000 rows on a virtual machine whose faults are slow). */
#define GLUE_HUGE ((size_t) 2 << 20)

void *glue_scratch(size_t bytes)
{
  void *p = NULL;
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  if (bytes >= 4 * GLUE_HUGE) {
    if (posix_memalign(&p, GLUE_HUGE, bytes) != 0)
      p = NULL;
    else
      (void) madvise(p, bytes, MADV_HUGEPAGE); /* advice: ignored if refused */
  } else
#endif
    p = malloc(bytes > 0 ? bytes : 1);
  if (!p)
    error("cannot allocate %.0f MB of working memory", (double) bytes / 1048576.0);
  return p;
}

/* run(args) with scratch `work` (from glue_scratch), freed on every
 * path; returns run's status. */
int glue_run(int (*run)(void *), void *args, void *work)
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
  glue_trace_put((glue_ctx *) ctx, (R_xlen_t) step, value);
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
  glue_trace_put(g, (R_xlen_t) iter - 1, inertia);
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

ckm_hooks glue_hooks(glue_ctx *g)
{
  ckm_hooks h = {g, hook_unif, hook_iteration, hook_poll, hook_record,
                 g->progress != NULL && g->progress != R_NilValue ? hook_progress : NULL,
                 g->snapshot != NULL && g->snapshot != R_NilValue ? hook_snapshot : NULL,
                 hook_start_done};
  return h;
}

SEXP glue_named_list(int n, const char **names)
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
 * iter, converged, relocated, trace (the first n_iter values), status,
 * passes, transfers, qtran_limit). */
SEXP glue_fit_result(SEXP cluster, SEXP cen, SEXP wss, const ckm_idx *size_w,
                       int k, const glue_ctx *g, const ckm_info *info,
                       int status)
{
  static const char *names[] = {"cluster", "centers", "wss", "size", "iter",
                                "converged", "relocated", "trace", "status",
                                "passes", "transfers", "qtran_limit"};
  const int n_iter = info->n_iter;
  SEXP out = PROTECT(glue_named_list(12, names));
  SEXP size = PROTECT(allocVector(INTSXP, k));
  glue_one_based(cluster);
  for (int j = 0; j < k; j++)
    INTEGER(size)[j] = (int) size_w[j];
  SET_VECTOR_ELT(out, 0, cluster);
  SET_VECTOR_ELT(out, 1, cen);
  SET_VECTOR_ELT(out, 2, wss);
  SET_VECTOR_ELT(out, 3, size);
  SET_VECTOR_ELT(out, 4, ScalarInteger(n_iter));
  SET_VECTOR_ELT(out, 5, ScalarLogical(info->converged));
  SET_VECTOR_ELT(out, 6, ScalarReal((double) info->relocated));
  SET_VECTOR_ELT(out, 7, glue_trace_vector(g, n_iter));
  SET_VECTOR_ELT(out, 8, ScalarInteger(status));
  SET_VECTOR_ELT(out, 9, ScalarInteger(info->passes));
  SET_VECTOR_ELT(out, 10, ScalarReal((double) info->transfers));
  SET_VECTOR_ELT(out, 11, ScalarLogical(info->qtran_limit));
  UNPROTECT(2);
  return out;
}


/* ---- collectives: R functions behind ckm_comm -------------------------- */

/* A fit over several processes gets, from R, list(rank, size, row0,
 * n_global, allreduce = function(x, op), allgather = function(x)) (see
 * R/mpi.R); the core calls back through these two, on this thread,
 * outside any parallel region. An R error there (a failed MPI call) long-
 * jumps out as any R error does: scratch is freed by glue_run. */
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
const ckm_comm *glue_comm(SEXP comm, ckm_comm *c, comm_glue *g)
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
const double *glue_weights(SEXP w)
{
  return isNull(w) ? NULL : REAL_RO(w);
}

/* 0-based indices from the core to R's 1-based, negative ones to NA. */
void glue_one_based_or_na(SEXP v)
{
  int *p = INTEGER(v);
  for (R_xlen_t i = 0; i < XLENGTH(v); i++)
    p[i] = p[i] < 0 ? NA_INTEGER : p[i] + 1;
}

/* 1-based integer codes (from R) to a 0-based copy. */
int *glue_zero_based(SEXP codes)
{
  R_xlen_t n = XLENGTH(codes);
  int *out = (int *) R_alloc(n > 0 ? n : 1, sizeof(int));
  const int *in = INTEGER(codes);
  for (R_xlen_t i = 0; i < n; i++)
    out[i] = in[i] - 1;
  return out;
}

/* 1-based labels for R, in place (the core's are 0-based). */
void glue_one_based(SEXP v)
{
  int *p = INTEGER(v);
  for (R_xlen_t i = 0; i < XLENGTH(v); i++)
    p[i] += 1;
}

/* Hooks for the core's computations that report no iterations: R's
 * random numbers, interrupts, and progress when g->progress is a
 * function. */
ckm_hooks glue_hooks_simple(glue_ctx *g)
{
  ckm_hooks h = {g, hook_unif, NULL, hook_poll, NULL,
                 g->progress != NULL && g->progress != R_NilValue ? hook_progress : NULL,
                 NULL, NULL};
  return h;
}

/* The options of a fit, from arguments R has checked. moments: NULL, or
 * c(totss, the d column means) from ffi_totss. */
ckm_options glue_fit_options(SEXP weights, SEXP max_iter, SEXP tol,
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
  opt.weights = glue_weights(weights);
  opt.totss = isNull(moments) ? 0.0 : REAL_RO(moments)[0];
  opt.colmean = isNull(moments) ? NULL : REAL_RO(moments) + 1;
  opt.hartigan = isLogical(hartigan) ? asLogical(hartigan) == TRUE : asInteger(hartigan);
  return opt;
}

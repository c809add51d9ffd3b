/*
 * glue.h: what the .Call entry points (ffi_*.c) share, from glue.c. Only
 * the glue includes R's headers; the core (ckm.h) never does.
 */
#ifndef CKM_GLUE_H
#define CKM_GLUE_H

#include <R.h>
#include <Rinternals.h>

#include "ckm.h"

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

typedef struct comm_glue {
  SEXP allreduce, allgather;
  int size;
} comm_glue;

/* A context: verbose or not, a progress function and a snapshot function
 * (R_NilValue: none), the shape for snapshots; no trace yet. */
glue_ctx glue_context(int verbose, SEXP progress, SEXP snapshot, int k, int d,
                      R_xlen_t n);

/* The trace: value v at iteration `at` (0-based); the first len values. */
void glue_trace_put(glue_ctx *g, R_xlen_t at, double v);
SEXP glue_trace_vector(const glue_ctx *g, R_xlen_t len);

/* Scratch from malloc (an R error if it fails), and run(args) with it,
 * freed on every path, interrupts and R errors included; returns run's
 * status. */
void *glue_scratch(size_t bytes);
int glue_run(int (*run)(void *), void *args, void *work);

/* Hooks: a fit's (trace, verbose, snapshots, restarts), or the RNG,
 * interrupts and progress only. */
ckm_hooks glue_hooks(glue_ctx *g);
ckm_hooks glue_hooks_simple(glue_ctx *g);

/* A list with these names; a fit's result list(cluster (1-based),
 * centers, wss, size, iter, converged, relocated, trace, status, passes,
 * transfers). */
SEXP glue_named_list(int n, const char **names);
SEXP glue_fit_result(SEXP cluster, SEXP cen, SEXP wss, const ckm_idx *size_w,
                     int k, const glue_ctx *g, const ckm_info *info, int status);

/* The options of a fit, from arguments R has checked. moments: NULL, or
 * c(totss, the d column means) from ffi_totss. */
ckm_options glue_fit_options(SEXP weights, SEXP max_iter, SEXP tol,
                             SEXP algorithm, SEXP kernel, SEXP threads,
                             SEXP moments, SEXP hartigan);

/* The ckm_comm of R's comm list (NULL for none); weights (NULL for none). */
const ckm_comm *glue_comm(SEXP comm, ckm_comm *c, comm_glue *g);
const double *glue_weights(SEXP w);

/* Labels: the core's 0-based to R's 1-based in place (negative to NA);
 * R's 1-based codes to a 0-based copy (R_alloc). */
void glue_one_based(SEXP v);
void glue_one_based_or_na(SEXP v);
int *glue_zero_based(SEXP codes);

#endif

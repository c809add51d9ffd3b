/* ckm_omp.h: OpenMP where the compiler has it, a serial stand-in where not. */
#ifndef CKM_OMP_H
#define CKM_OMP_H

#ifdef _OPENMP
#include <omp.h>
#else
static inline int omp_get_thread_num(void) { return 0; }
static inline int omp_get_num_threads(void) { return 1; }
static inline int omp_get_max_threads(void) { return 1; }
static inline int omp_get_thread_limit(void) { return 1; }
static inline int omp_get_num_procs(void) { return 1; }
static inline int ckm_thread_num(void) { return 0; }
static inline int ckm_num_threads(void) { return 1; }
#endif

/* CKM_PARALLEL(nt, clauses, statement): the statement (a for loop or a
 * block), written once, run by a team of nt threads under
 * "#pragma omp <clauses>", or by this thread alone when nt is 1, without
 * entering the OpenMP runtime: GNU OpenMP makes a system call (a futex
 * wake) for every region it starts, even one of a single thread, which on
 * small data costs more than the region's work (about 40 regions, 15 us,
 * in a fit of iris). The clauses may not hold a bare comma outside
 * parentheses; the statement may hold none of the preprocessor's
 * directives. */
/* A region of one thread runs its body on the calling thread, which may
 * itself be a thread of another team (the gap statistic fits its
 * reference sets on several threads, each fit on one): there
 * omp_get_thread_num() is that team's number, not 0. Bodies therefore ask
 * ckm_thread_num() and ckm_num_threads(), which say 0 and 1 while the
 * calling thread runs a one-thread body (ckm_alone, per thread). A region
 * of several threads clears the flag for its team (bodies contain no
 * return, so the flag is always restored). */
#ifdef _OPENMP
extern _Thread_local int ckm_alone;
static inline int ckm_thread_num(void) { return ckm_alone ? 0 : omp_get_thread_num(); }
static inline int ckm_num_threads(void) { return ckm_alone ? 1 : omp_get_num_threads(); }
#define CKM_PRAGMA(x) _Pragma(#x)
#define CKM_PARALLEL(nt, clauses, ...)                                         \
  do {                                                                         \
    const int ckm_was_alone_ = ckm_alone;                                      \
    if ((nt) > 1) {                                                            \
      ckm_alone = 0;                                                           \
      CKM_PRAGMA(omp clauses)                                                  \
      __VA_ARGS__                                                              \
    } else {                                                                   \
      ckm_alone = 1;                                                           \
      __VA_ARGS__                                                              \
    }                                                                          \
    ckm_alone = ckm_was_alone_;                                                \
  } while (0)
#else
#define CKM_PARALLEL(nt, clauses, ...) do { (void) (nt); __VA_ARGS__ } while (0)
#endif

#endif

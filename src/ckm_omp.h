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
static inline int omp_in_parallel(void) { return 0; }
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
/* Inside another team (the gap statistic fits its reference sets on
 * several threads, each fit on one), a region of one thread still opens a
 * team of its own (of one thread: nested regions are inactive), so that
 * omp_get_thread_num() and omp_get_num_threads() in its body, which index
 * per-thread scratch, say 0 and 1 and not the outer team's. */
#ifdef _OPENMP
#define CKM_PRAGMA(x) _Pragma(#x)
#define CKM_PARALLEL(nt, clauses, ...)                                         \
  do {                                                                         \
    if ((nt) > 1 || omp_in_parallel()) {                                       \
      CKM_PRAGMA(omp clauses)                                                  \
      __VA_ARGS__                                                              \
    } else {                                                                   \
      __VA_ARGS__                                                              \
    }                                                                          \
  } while (0)
#else
#define CKM_PARALLEL(nt, clauses, ...) do { __VA_ARGS__ } while (0)
#endif

#endif

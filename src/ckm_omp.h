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
#endif

#endif

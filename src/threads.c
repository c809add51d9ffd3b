/* threads.c: the one place the core decides how many threads a region gets.
 *
 * The R side resolves the user's request (argument, option, environment,
 * limits; see R/threads.R) into `nthreads`; every parallel region of the
 * core then asks ckm_team() with an estimate of its work, and uses the
 * answer in num_threads(). The global OpenMP state is never changed. */
#include "ckm.h"
#include "ckm_omp.h"

/* Below this many flops a region runs on one thread: a team start and the
 * barrier at its end cost a few microseconds, more than the work. */
#define CKM_MIN_WORK_PER_THREAD 40000.0

int ckm_team(int nthreads, double work)
{
  if (nthreads <= 1 || !(work >= 2.0 * CKM_MIN_WORK_PER_THREAD))
    return 1;
  double fit = work / CKM_MIN_WORK_PER_THREAD;
  if (fit < (double) nthreads)
    nthreads = (int) fit;
  return nthreads < 1 ? 1 : nthreads;
}

void ckm_omp_caps(int caps[4])
{
#ifdef _OPENMP
  caps[0] = 1;
  caps[1] = omp_get_max_threads();
  caps[2] = omp_get_thread_limit();
  caps[3] = omp_get_num_procs();
#else
  caps[0] = 0;
  caps[1] = caps[2] = caps[3] = 1;
#endif
}

/* threads.c: the one place the core decides how many threads a region gets.
 *
 * The R side resolves the user's request (argument, option, environment,
 * limits; see R/threads.R) into `nthreads`; every parallel region of the
 * core then asks ckm_team() with an estimate of its work, and uses the
 * answer in num_threads(). The global OpenMP state is never changed.
 *
 * Fork safety. GNU OpenMP's thread pool does not survive fork(): in a
 * child of a process that has run a parallel region, the next region with
 * more than one thread waits for pool threads that do not exist and hangs
 * (parallel::mclapply, future's multicore, callr and friends all fork).
 * ckm_threads_init(), run once when the library is loaded, registers a
 * pthread_atfork() child handler that marks the process as a forked child;
 * from then on ckm_team() gives every region one thread. A region with one
 * thread never touches the pool, so the child computes (serially, with the
 * same results) instead of hanging. The parent is unaffected. glibc drops
 * the handler when the library is unloaded. */
#include "ckm.h"
#include "ckm_omp.h"

#if !defined(_WIN32)
#include <pthread.h>
#define CKM_HAVE_ATFORK 1
#endif
#if defined(__linux__)
#include <dirent.h>
#include <stdio.h>
#include <string.h>
#endif

static volatile int forked_child = 0;

#ifdef _OPENMP
/* set while this thread runs the body of a one-thread region (ckm_omp.h) */
_Thread_local int ckm_alone = 0;
#endif

#ifdef CKM_HAVE_ATFORK
static void on_fork_child(void) { forked_child = 1; }
#endif

void ckm_threads_init(void)
{
#ifdef CKM_HAVE_ATFORK
  static int done = 0;
  if (!done) {
    done = 1;
    pthread_atfork(NULL, NULL, on_fork_child);
  }
#endif
}

/* Below this many flops a region runs on one thread: a team start and the
 * barrier at its end cost a few microseconds, more than the work. */
#define CKM_MIN_WORK_PER_THREAD 40000.0

int ckm_team(int nthreads, double work)
{
  if (forked_child || nthreads <= 1 || !(work >= 2.0 * CKM_MIN_WORK_PER_THREAD))
    return 1;

  double fit = work / CKM_MIN_WORK_PER_THREAD;
  if (fit < (double) nthreads)
    nthreads = (int) fit;
  return nthreads < 1 ? 1 : nthreads;
}

/* Busy machines. When another process keeps a core busy, a thread of ours
 * that shares that core runs in half time slices, and every parallel
 * region waits for it at its end (and, while it waits, GNU OpenMP's threads
 * spin, taking the core from the one that has work): a fit made of many
 * regions can then run slower on two threads than on one. The R side asks
 * this, once per call, how many tasks of other processes are runnable right
 * now (the kernel's count in /proc/loadavg, less the threads of this
 * process that are running or spinning), and leaves that many cores to
 * them, as OMP_DYNAMIC does from the load average (which lags by a minute).
 * -1 where unknown (not Linux). */
int ckm_runnable_others(void)
{
#if defined(__linux__)
  FILE *f = fopen("/proc/loadavg", "r");
  if (!f)
    return -1;
  double l1, l5, l15;
  int running = -1, total = 0;
  int got = fscanf(f, "%lf %lf %lf %d/%d", &l1, &l5, &l15, &running, &total);
  fclose(f);
  if (got != 5 || running < 0)
    return -1;
  int mine = 0;
  DIR *dir = opendir("/proc/self/task");
  if (!dir)
    return -1;
  struct dirent *e;
  char path[96], buf[512];
  while ((e = readdir(dir)) != NULL) {
    if (e->d_name[0] == '.')
      continue;
    snprintf(path, sizeof path, "/proc/self/task/%.40s/stat", e->d_name);
    FILE *g = fopen(path, "r");
    if (!g)
      continue;
    size_t len = fread(buf, 1, sizeof buf - 1, g);
    fclose(g);
    buf[len] = '\0';
    /* "tid (name) S ...": the state follows the last parenthesis */
    const char *p = strrchr(buf, ')');
    if (p && p[1] == ' ' && p[2] == 'R')
      mine++;
  }
  closedir(dir);
  int others = running - mine;
  return others < 0 ? 0 : others;
#else
  return -1;
#endif
}

void ckm_omp_caps(int caps[5])
{
#ifdef _OPENMP
  caps[0] = 1;
  caps[1] = omp_get_max_threads();
  caps[2] = omp_get_thread_limit();
#ifdef CKM_FAKE_PROCS
  /* tools/determinism.sh only: a build that believes it has this many
   * cores, to run 3 and 4 threads on a machine with 2 */
  caps[3] = CKM_FAKE_PROCS;
#else
  caps[3] = omp_get_num_procs();
#endif
#else
  caps[0] = 0;
  caps[1] = caps[2] = caps[3] = 1;
#endif
  caps[4] = forked_child;
}

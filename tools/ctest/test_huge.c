/*
 * test_huge.c: index arithmetic past 2^31 elements, without the memory.
 *
 * X is n x d with n = 2^21 + 5 and d = 1100: 2.3e9 elements (18.5 GB),
 * mapped anonymously with MAP_NORESERVE, so it reads as zeros from the one
 * shared zero page and costs no physical memory except the few pages
 * written. The last three rows get the value 100 in the last column, at
 * offsets past 2^31; a core that formed an offset in int would read the
 * wrong element (or fault) and miss them. Checked: the non-finite scan
 * finds a NaN at the very last element, the total sum of squares, and a
 * Lloyd fit (k = 2, 1 and 2 threads) that must put exactly those three rows
 * in a cluster whose centre has 100 in the last column.
 *
 * If the system refuses the mapping the test says so and exits 0.
 */
#include <stdio.h>
#include <sys/mman.h>

#include "common.h"

int main(void)
{
  const ckm_idx n = ((ckm_idx) 1 << 21) + 5;
  const int d = 1100, k = 2;
  const size_t len = (size_t) n * (size_t) d, bytes = len * sizeof(double);
  if (len <= ((size_t) 1 << 31)) {
    printf("FAIL: n * d = %zu is not past 2^31\n", len);
    return 1;
  }
  double *x = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (x == MAP_FAILED) {
    printf("SKIP: could not map %.1f GB of address space\n", bytes / 1e9);
    return 0;
  }
  int failures = 0;
  const size_t last_col = (size_t) (d - 1) * (size_t) n;
  for (ckm_idx i = n - 3; i < n; i++)
    x[last_col + (size_t) i] = 100.0;

  x[len - 1] = NAN;
  ckm_idx bad = ckm_first_nonfinite(x, len);
  if (bad != (ckm_idx) (len - 1)) {
    printf("FAIL: first non-finite at %td, expected %zu\n", bad, len - 1);
    failures++;
  }
  x[len - 1] = 100.0;

  /* totss: 3 values of 100 among n in one column */
  void *tw = malloc(ckm_totss_workspace(d));
  double tot = ckm_totss(x, n, d, NULL, 2, NULL, NULL, NULL, tw);
  free(tw);
  double m = 300.0 / (double) n;
  double expect = 3 * (100 - m) * (100 - m) + (double) (n - 3) * m * m;
  if (fabs(tot - expect) > 1e-9 * expect) {
    printf("FAIL: totss %.17g, expected %.17g\n", tot, expect);
    failures++;
  }

  for (int nt = 1; nt <= 2; nt++) {
    double start[2 * 1100];
    for (int c = 0; c < d; c++) {
      start[0 + k * c] = 0.0;                  /* row 0 */
      start[1 + k * c] = c == d - 1 ? 100.0 : 0.0; /* row n - 1 */
    }
    fit_out f = run_fit(x, n, d, k, start, CKM_LLOYD, CKM_KERNEL_PLAIN, nt, 5,
                        0.0, NULL);
    int ok = f.status == CKM_OK && f.size[1] == 3 && f.size[0] == n - 3 &&
             f.labels[n - 1] == 1 && f.labels[n - 4] == 0 &&
             f.centers[1 + k * (d - 1)] == 100.0 && f.wss[1] == 0.0 &&
             f.wss[0] == 0.0 && f.info.converged;
    if (!ok) {
      printf("FAIL: fit with %d thread(s): status %d, sizes %td/%td\n", nt,
             f.status, f.size[0], f.size[1]);
      failures++;
    }
    free_fit(&f);
  }
  munmap(x, bytes);
  printf("%s: n = %td, d = %d, n * d = %zu elements (%.1f GB of address space)\n",
         failures ? "FAILED" : "ok", n, d, len, bytes / 1e9);
  return failures ? 1 : 0;
}

/*
 * knn.c: exact k nearest neighbours of every row, and the connected
 * components of a graph; for spectral clustering (R/spectral.R).
 *
 * Neighbours: for each row, its squared distance to every other row from
 * the tile kernel of the k-means passes (the same sums, column by column),
 * the m smallest kept in a sorted list (ties: the lower row). Rows are
 * independent, so any number of threads gives the same lists; n^2 d time,
 * O(n m) memory: no n x n matrix.
 */
#include <math.h>
#include <string.h>

#include "ckm.h"
#include "ckm_omp.h"
#include "internal.h"
#include "kernels.h"

size_t ckm_knn_workspace(int d, int nthreads)
{
  return sizeof(double) * ((size_t) CKM_TILE + (size_t) d) * (size_t) (nthreads > 0 ? nthreads : 1);
}

int ckm_knn(const double *x, ckm_idx n, int d, int m, int *index, double *dist2,
            int nthreads, const ckm_hooks *hooks, void *work)
{
  const ckm_idx ntiles = (n + CKM_TILE - 1) / CKM_TILE;
  /* blocks of rows between polls: about 1e8 operations each */
  ckm_idx block = (ckm_idx) (1e8 / (3.0 * (double) n * (d > 0 ? d : 1)));
  block = block > 4096 ? 4096 : (block < 16 ? 16 : block);
  for (ckm_idx p0 = 0; p0 < n; p0 += block) {
    const ckm_idx p1 = p0 + block < n ? p0 + block : n;
    if (ckm_should_stop(hooks))
      return CKM_INTERRUPTED;
    ckm_report(hooks, (double) p0 / (double) n);
    const int nt = ckm_team(nthreads, 3.0 * (double) (p1 - p0) * (double) n * d);
    CKM_PARALLEL(nt, parallel for num_threads(nt) schedule(dynamic, 8),
    for (ckm_idx i = p0; i < p1; i++) {
      double *acc = (double *) work + (size_t) ckm_thread_num() * ((size_t) CKM_TILE + d);
      double *pt = acc + CKM_TILE;
      int *idx = index + (size_t) i * (size_t) m;
      double *dd = dist2 + (size_t) i * (size_t) m;
      for (int c = 0; c < d; c++)
        pt[c] = x[i + (size_t) c * (size_t) n];
      int have = 0;
      for (ckm_idx t = 0; t < ntiles; t++) {
        const ckm_idx j0 = t * CKM_TILE;
        const int len = (int) (n - j0 < CKM_TILE ? n - j0 : CKM_TILE);
        ckm_tile_dist(x, n, d, j0, len, pt, acc);
        for (int q = 0; q < len; q++) {
          const ckm_idx j = j0 + q;
          const double v = acc[q];
          if (j == i || (have == m && !(v < dd[m - 1])))
            continue;
          /* insert, keeping the list sorted (equal values: the earlier row first) */
          int pos = have < m ? have : m - 1;
          while (pos > 0 && v < dd[pos - 1]) {
            if (pos < m) {
              dd[pos] = dd[pos - 1];
              idx[pos] = idx[pos - 1];
            }
            pos--;
          }
          dd[pos] = v;
          idx[pos] = (int) j;
          if (have < m)
            have++;
        }
      }
    });
  }
  ckm_report(hooks, 1.0);
  return CKM_OK;
}

/* union-find with path halving */
static int find_root(int *parent, int a)
{
  while (parent[a] != a) {
    parent[a] = parent[parent[a]];
    a = parent[a];
  }
  return a;
}

int ckm_components(ckm_idx n, const int *from, const int *to, size_t n_edges,
                   int *label)
{
  int *parent = label;
  for (ckm_idx i = 0; i < n; i++)
    parent[i] = (int) i;
  for (size_t e = 0; e < n_edges; e++) {
    int a = find_root(parent, from[e]), b = find_root(parent, to[e]);
    if (a != b) {
      if (a < b)
        parent[b] = a;
      else
        parent[a] = b;
    }
  }
  /* every vertex straight to its root; a root is its component's lowest
   * vertex (the lower root always wins above) */
  for (ckm_idx i = 0; i < n; i++)
    parent[i] = find_root(parent, (int) i);
  /* roots numbered in order, as -(number + 1), the others copy their
   * root's (already numbered: it is lower) */
  int count = 0;
  for (ckm_idx i = 0; i < n; i++)
    parent[i] = parent[i] == (int) i ? -(++count) : parent[parent[i]];
  for (ckm_idx i = 0; i < n; i++)
    label[i] = -parent[i] - 1;
  return count;
}

/*
 * macqueen.c: MacQueen's k-means (MacQueen 1967), as stats::kmeans(algorithm
 * = "MacQueen") runs it: every point to its nearest centre (squared
 * Euclidean distance summed over the columns in order, ties to the lowest
 * centre) and the centres to the means of that partition; then passes over
 * the points in order, in which a point whose nearest centre is not its
 * own moves at once, both centres updated by the running-mean rule, until a
 * pass moves no point or the passes reach max_iter. Sequential and small:
 * one thread, no workspace beyond the counts.
 */
#include <math.h>
#include <string.h>

#include "ckm.h"
#include "internal.h"

static int nearest(const double *x, ckm_idx n, int d, ckm_idx i,
                   const double *cen, int k)
{
  double best = INFINITY;
  int at = 0;
  for (int j = 0; j < k; j++) {
    double s = 0.0;
    for (int c = 0; c < d; c++) {
      double df = x[i + (size_t) c * (size_t) n] - cen[j + (size_t) k * c];
      s += df * df;
    }
    if (s < best) {
      best = s;
      at = j;
    }
  }
  return at;
}

int ckm_macqueen(const double *x, ckm_idx n, int d, int k, double *centers,
                 int max_iter, int *labels, ckm_idx *size, double *wss,
                 int *n_iter, const ckm_hooks *hooks)
{
  const size_t kd = (size_t) k * (size_t) d;
  for (int j = 0; j < k; j++)
    size[j] = 0;
  for (ckm_idx i = 0; i < n; i++) {
    labels[i] = nearest(x, n, d, i, centers, k);
    size[labels[i]]++;
  }
  /* the means of the first partition, each summed in index order; an
   * empty cluster keeps its centre */
  double *sums = wss; /* k values of scratch, one column at a time */
  for (int c = 0; c < d; c++) {
    for (int j = 0; j < k; j++)
      sums[j] = 0.0;
    for (ckm_idx i = 0; i < n; i++)
      sums[labels[i]] += x[i + (size_t) c * (size_t) n];
    for (int j = 0; j < k; j++)
      if (size[j] > 0)
        centers[j + (size_t) k * c] = sums[j] / (double) size[j];
  }
  int it = 0;
  for (; it < max_iter; it++) {
    if (it > 0 && ckm_should_stop(hooks))
      return CKM_INTERRUPTED;
    int moved = 0;
    for (ckm_idx i = 0; i < n; i++) {
      const int to = nearest(x, n, d, i, centers, k), from = labels[i];
      if (to == from)
        continue;
      moved = 1;
      labels[i] = to;
      size[from]--;
      size[to]++;
      for (int c = 0; c < d; c++) {
        const double v = x[i + (size_t) c * (size_t) n];
        double *cf = centers + from + (size_t) k * c, *ct = centers + to + (size_t) k * c;
        if (size[from] > 0)
          *cf += (*cf - v) / (double) size[from];
        *ct += (v - *ct) / (double) size[to];
      }
    }
    if (!moved)
      break;
  }
  *n_iter = it + 1; /* > max_iter: did not converge */
  for (size_t q = 0; q < kd; q++)
    if (!isfinite(centers[q]))
      return CKM_ERR_NONFINITE;
  for (int j = 0; j < k; j++)
    wss[j] = 0.0;
  /* each squared difference added to its cluster's sum, point by point
   * and column by column (the order of stats::kmeans' sums) */
  for (ckm_idx i = 0; i < n; i++)
    for (int c = 0; c < d; c++) {
      double df = x[i + (size_t) c * (size_t) n] - centers[labels[i] + (size_t) k * c];
      wss[labels[i]] += df * df;
    }
  return CKM_OK;
}

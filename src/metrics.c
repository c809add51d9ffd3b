/*
 * metrics.c: agreement between two labelings (ARI, NMI) and silhouettes.
 *
 * Contingency tables are built without an ra x rb array: the pairs of
 * labels are put in order by two stable counting sorts (by the second
 * label, then by the first), after which equal pairs are adjacent, so the
 * non-empty cells come out in one pass. Time O(n + ra + rb), memory O(n).
 * Pair counts are exact 64-bit integers.
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "ckm.h"
#include "ckm_omp.h"
#include "internal.h"
#include "kernels.h"

size_t ckm_contingency_workspace(ckm_idx n, int ra, int rb)
{
  return sizeof(ckm_idx) * (2 * (size_t) n + (size_t) (ra > rb ? ra : rb) + 1 +
                            (size_t) ra + (size_t) rb);
}

/* The counts of each label, after the sort's scratch in the workspace. */
static void label_counts(const int *a, const int *b, ckm_idx n, int ra, int rb,
                         void *work, ckm_idx **row_n, ckm_idx **col_n)
{
  ckm_idx *base = (ckm_idx *) work + 2 * (size_t) n + (size_t) (ra > rb ? ra : rb) + 1;
  *row_n = base;
  *col_n = base + ra;
  memset(base, 0, sizeof(ckm_idx) * ((size_t) ra + rb));
  for (ckm_idx i = 0; i < n; i++) {
    (*row_n)[a[i]]++;
    (*col_n)[b[i]]++;
  }
}

/* One stable counting-sort pass: the rows of `in` (0..n-1 when NULL) in
 * order of key[row] < r, into `out`; cnt holds r counters. */
static void stable_pass(const int *key, int r, ckm_idx n, const ckm_idx *in,
                        ckm_idx *out, ckm_idx *cnt)
{
  memset(cnt, 0, sizeof(ckm_idx) * (size_t) r);
  for (ckm_idx i = 0; i < n; i++)
    cnt[key[i]]++;
  for (ckm_idx s = 0, j = 0; j < r; j++) {
    ckm_idx c = cnt[j];
    cnt[j] = s;
    s += c;
  }
  for (ckm_idx q = 0; q < n; q++) {
    ckm_idx i = in ? in[q] : q;
    out[cnt[key[i]]++] = i;
  }
}

/* Order 0..n-1 by (a, b) with two stable counting sorts. */
static ckm_idx *pair_order(const int *a, const int *b, ckm_idx n, int ra,
                           int rb, void *work)
{
  ckm_idx *tmp = (ckm_idx *) work;
  ckm_idx *ord = tmp + n;
  ckm_idx *cnt = ord + n;
  stable_pass(b, rb, n, NULL, tmp, cnt);
  stable_pass(a, ra, n, tmp, ord, cnt);
  return ord;
}

static inline double pairs(double m)
{
  return m * (m - 1.0) / 2.0;
}

/* Cell, row and column counts: calls back for each non-empty cell. */
typedef struct table_sums {
  int64_t sum_cells, sum_rows, sum_cols; /* sums of C(count, 2) */
  double mi, h_joint;                    /* sum p log(p / (pa pb)), -sum p log p */
  int cells;
} table_sums;

/* a: 0-based labels < ra; b: 0-based labels < rb; row_n/col_n: the counts
 * of each label (length ra, rb). */
static void table(const int *a, const int *b, ckm_idx n, int ra, int rb,
                  const ckm_idx *row_n, const ckm_idx *col_n, void *work,
                  table_sums *ts)
{
  ckm_idx *ord = pair_order(a, b, n, ra, rb, work);
  const double N = (double) n;
  memset(ts, 0, sizeof(*ts));
  for (int i = 0; i < ra; i++)
    ts->sum_rows += (int64_t) row_n[i] * (row_n[i] - 1) / 2;
  for (int j = 0; j < rb; j++)
    ts->sum_cols += (int64_t) col_n[j] * (col_n[j] - 1) / 2;
  ckm_idx q = 0;
  while (q < n) {
    ckm_idx i = ord[q];
    int ai = a[i], bi = b[i];
    ckm_idx m = 0;
    while (q < n && a[ord[q]] == ai && b[ord[q]] == bi) {
      m++;
      q++;
    }
    ts->sum_cells += (int64_t) m * (m - 1) / 2;
    double p = (double) m / N;
    ts->mi += p * (log((double) m) + log(N) - log((double) row_n[ai]) -
                   log((double) col_n[bi]));
    ts->h_joint -= p * log(p);
    ts->cells++;
  }
}

double ckm_ari(const int *a, const int *b, ckm_idx n, int ra, int rb,
               void *work)
{
  ckm_idx *row_n, *col_n;
  label_counts(a, b, n, ra, rb, work, &row_n, &col_n);
  table_sums ts;
  table(a, b, n, ra, rb, row_n, col_n, work, &ts);
  double total = pairs((double) n);
  if (total == 0.0) /* one point: no pairs, the partitions agree */
    return 1.0;
  double index = (double) ts.sum_cells;
  double expected = (double) ts.sum_rows * (double) ts.sum_cols / total;
  double maximum = 0.5 * ((double) ts.sum_rows + (double) ts.sum_cols);
  if (maximum == expected) /* both trivial: the same partition */
    return 1.0;
  return (index - expected) / (maximum - expected);
}

static double entropy(const ckm_idx *cnt, int r, ckm_idx n)
{
  double h = 0.0, N = (double) n;
  for (int i = 0; i < r; i++) {
    if (cnt[i] > 0) {
      double p = (double) cnt[i] / N;
      h -= p * log(p);
    }
  }
  return h;
}

double ckm_nmi(const int *a, const int *b, ckm_idx n, int ra, int rb,
               int variant, void *work)
{
  ckm_idx *row_n, *col_n;
  label_counts(a, b, n, ra, rb, work, &row_n, &col_n);
  /* as scikit-learn: both labelings one cluster is a perfect match */
  if (ra == 1 && rb == 1)
    return 1.0;
  /* one side a single cluster: no information, exactly (the table's sums
   * would give a rounding residue of about 1e-16) */
  if (ra == 1 || rb == 1)
    return 0.0;
  table_sums ts;
  table(a, b, n, ra, rb, row_n, col_n, work, &ts);
  double mi = ts.mi;
  if (mi <= 0.0) /* independent (or rounding below zero) */
    return 0.0;
  double ha = entropy(row_n, ra, n), hb = entropy(col_n, rb, n), norm;
  switch (variant) {
  case CKM_NMI_GEOMETRIC: norm = sqrt(ha * hb); break;
  case CKM_NMI_MAX: norm = ha > hb ? ha : hb; break;
  case CKM_NMI_MIN: norm = ha < hb ? ha : hb; break;
  case CKM_NMI_JOINT: norm = ts.h_joint; break;
  default: norm = 0.5 * (ha + hb); break;
  }
  if (!(norm > 0.0))
    return 0.0;
  double v = mi / norm;
  return v > 1.0 ? 1.0 : v;
}

/* ---- silhouettes -------------------------------------------------------- */

/* (b - a) / max(a, b); 0 without a neighbouring cluster (nb < 0) or when
 * a = b = 0, as cluster::silhouette does. */
static inline double sil_width(double a, double b, int nb)
{
  double mx = a > b ? a : b;
  return nb < 0 ? 0.0 : (mx > 0.0 ? (b - a) / mx : 0.0);
}

/*
 * Silhouette widths with Euclidean distances, without an n x n matrix: for
 * each point, the sums of its distances to the members of every cluster are
 * accumulated tile by tile (k sums per thread). s(i) = (b - a) / max(a, b),
 * a the mean distance to the other members of its cluster, b the smallest
 * mean distance to another cluster; 0 for a point alone in its cluster (as
 * cluster::silhouette). Each point's sums run over the others in index
 * order, so the result does not depend on the thread count.
 */
int ckm_silhouette(const double *x, ckm_idx n, int d, const int *cl, int k,
                   const ckm_idx *size, double *width, int *neighbor,
                   int nthreads, const ckm_hooks *hooks, double *work)
{
  const ckm_idx ntiles = ckm_ntiles(n);
  /* one block of points at a time, so interrupts are checked between; a
   * block is about 1e8 operations (at most 2048 points, at least 16) */
  ckm_idx block = (ckm_idx) (1e8 / (3.0 * (double) n * d));
  block = block > 2048 ? 2048 : (block < 16 ? 16 : block);
  for (ckm_idx p0 = 0; p0 < n; p0 += block) {
    ckm_idx p1 = p0 + block < n ? p0 + block : n;
    if (ckm_should_stop(hooks))
      return CKM_INTERRUPTED;
    ckm_report(hooks, (double) p0 / (double) n);
    const int nt = ckm_team(nthreads, 3.0 * (double) (p1 - p0) * n * d);
    CKM_PARALLEL(nt, parallel for num_threads(nt) schedule(dynamic, 16),
    for (ckm_idx i = p0; i < p1; i++) {
      double *sums = work + (size_t) ckm_thread_num() * ((size_t) k + d + CKM_TILE);
      double *pt = sums + k;
      double *acc = pt + d;
      for (int c = 0; c < d; c++)
        pt[c] = x[i + (size_t) c * (size_t) n];
      for (int j = 0; j < k; j++)
        sums[j] = 0.0;
      for (ckm_idx t = 0; t < ntiles; t++) {
        ckm_idx j0 = t * CKM_TILE;
        int len = (int) (n - j0 < CKM_TILE ? n - j0 : CKM_TILE);
        ckm_tile_dist(x, n, d, j0, len, pt, acc);
        for (int q = 0; q < len; q++)
          sums[cl[j0 + q]] += sqrt(acc[q]);
      }
      const int own = cl[i];
      if (size[own] <= 1) {
        width[i] = 0.0;
        int nb = -1;
        double b = INFINITY;
        for (int j = 0; j < k; j++)
          if (j != own && size[j] > 0 && sums[j] / size[j] < b) {
            b = sums[j] / size[j];
            nb = j;
          }
        neighbor[i] = nb;
        continue;
      }
      double a = sums[own] / (double) (size[own] - 1);
      double b = INFINITY;
      int nb = -1;
      for (int j = 0; j < k; j++) {
        if (j == own || size[j] == 0)
          continue;
        double m = sums[j] / (double) size[j];
        if (m < b) {
          b = m;
          nb = j;
        }
      }
      width[i] = sil_width(a, b, nb);
      neighbor[i] = nb;
    });
    (void) nt;
  }
  return CKM_OK;
}

size_t ckm_silhouette_workspace(int d, int k, int nthreads)
{
  return sizeof(double) * ((size_t) k + d + CKM_TILE) * (size_t) nthreads;
}

/* Simplified silhouette: a = distance to the own centre, b = distance to
 * the nearest other centre (Hruschka et al. 2004); O(n k d). */
void ckm_silhouette_simplified(const double *x, ckm_idx n, int d,
                               const int *cl, const double *centers, int k,
                               double *width, int *neighbor, int nthreads)
{
  const int nt = ckm_team(nthreads, 3.0 * (double) n * k * d);
  CKM_PARALLEL(nt, parallel for num_threads(nt) schedule(dynamic, 1024),
  for (ckm_idx i = 0; i < n; i++) {
    const int own = cl[i];
    double a = 0.0, b = INFINITY;
    int nb = -1;
    for (int j = 0; j < k; j++) {
      double s = 0.0;
      for (int c = 0; c < d; c++) {
        double df = x[i + (size_t) c * (size_t) n] - centers[j + (size_t) k * c];
        s += df * df;
      }
      s = sqrt(s);
      if (j == own)
        a = s;
      else if (s < b) {
        b = s;
        nb = j;
      }
    }
    width[i] = sil_width(a, b, nb);
    neighbor[i] = nb;
  });
  (void) nt;
}

/*
 * kmedoids.c: k-medoids by FasterPAM (Schubert and Rousseeuw 2021), with
 * PAM's BUILD (Kaufman and Rousseeuw 1990) or k-medoids++ (D^1 sampling)
 * starts.
 *
 * The dissimilarities are never stored as an n x n matrix: each is either
 * read from R's packed dist vector (which the caller already holds) or
 * computed when needed from the rows of X (Euclidean or Manhattan), one
 * candidate's row of n distances at a time, with the tile kernel of the
 * k-means passes. A pass of FasterPAM evaluates each non-medoid once, so a
 * pass costs n^2 d operations either way and memory stays O(n + k).
 *
 * FasterPAM keeps, for every point, its nearest and second nearest medoid
 * and those distances. For a candidate c it accumulates, in one pass over
 * the points, the change of cost of swapping c with every medoid at once
 * (the "shared" gain of points that would move to c, and per medoid the
 * loss of removing it, corrected by the points c would take over); the
 * best swap is made at once when it lowers the cost (eager swapping). It
 * stops when a whole cycle over the candidates since the last swap finds
 * none that lowers the cost, which is PAM's own stopping rule: no single
 * swap of a medoid and a non-medoid improves the clustering.
 *
 * Determinism: every sum over the points is formed in index order within
 * fixed blocks of CKM_KB rows and the block sums are added in block order,
 * so the result does not depend on the number of threads.
 */
#include <stdlib.h>
#include <string.h>

#include "ckm.h"
#include "ckm_omp.h"
#include "internal.h"
#include "kernels.h"

/* rows per block of the sums over points (a multiple of CKM_TILE) */
#define CKM_KB 512

static inline ckm_idx n_blocks(ckm_idx n)
{
  return (n + CKM_KB - 1) / CKM_KB;
}

/* index of the dissimilarity of rows i < j in R's dist vector (the lower
 * triangle by columns) */
static inline size_t packed_at(ckm_idx n, ckm_idx i, ckm_idx j)
{
  return (size_t) i * (size_t) (2 * n - i - 1) / 2 + (size_t) (j - i - 1);
}

/* The key (see key_dist) of rows i and j; pt: row j's coordinates (d
 * values), for the metrics on X. Summed over the columns in order, as the
 * tile kernel sums (the same bits). */
static inline double pair_key(const ckm_dissim *D, ckm_idx i, ckm_idx j,
                               const double *pt)
{
  if (i == j)
    return 0.0;
  const ckm_idx n = D->n;
  switch (D->metric) {
  case CKM_METRIC_DIST:
    return i < j ? D->packed[packed_at(n, i, j)] : D->packed[packed_at(n, j, i)];
  case CKM_METRIC_MANHATTAN: {
    double s = 0.0;
    for (int c = 0; c < D->d; c++)
      s += fabs(D->x[i + (size_t) c * (size_t) n] - pt[c]);
    return s;
  }
  default: {
    double s = 0.0;
    for (int c = 0; c < D->d; c++) {
      double df = D->x[i + (size_t) c * (size_t) n] - pt[c];
      s += df * df;
    }
    return s;
  }
  }
}

/* out[t] = || x[i0 + t, ] - pt ||^2, t < len: eight points at a time with
 * the sums in registers (the tile kernel keeps them in memory, a load and
 * a store per column); each sum over the columns in order, so the bits are
 * the tile kernel's. */
static void sq_dist_run(const double *x, ckm_idx n, int d, ckm_idx i0, int len,
                        const double *pt, double *out, double *acc)
{
  int t = 0;
  for (; t + 8 <= len; t += 8) {
    double a0 = 0.0, a1 = 0.0, a2 = 0.0, a3 = 0.0, a4 = 0.0, a5 = 0.0, a6 = 0.0, a7 = 0.0;
    const double *xc = x + (size_t) i0 + (size_t) t;
    for (int c = 0; c < d; c++, xc += n) {
      const double v = pt[c];
      const double e0 = xc[0] - v, e1 = xc[1] - v, e2 = xc[2] - v, e3 = xc[3] - v;
      const double e4 = xc[4] - v, e5 = xc[5] - v, e6 = xc[6] - v, e7 = xc[7] - v;
      a0 += e0 * e0; a1 += e1 * e1; a2 += e2 * e2; a3 += e3 * e3;
      a4 += e4 * e4; a5 += e5 * e5; a6 += e6 * e6; a7 += e7 * e7;
    }
    out[t] = a0; out[t + 1] = a1; out[t + 2] = a2; out[t + 3] = a3;
    out[t + 4] = a4; out[t + 5] = a5; out[t + 6] = a6; out[t + 7] = a7;
  }
  if (t < len) {
    ckm_tile_dist(x, n, d, i0 + t, len - t, pt, acc);
    memcpy(out + t, acc, sizeof(double) * (size_t) (len - t));
  }
}

/* Keys. Euclidean distances are compared as their squares, which the tile
 * kernel gives without a square root (sqrt is monotone, so the order is
 * the same, and a square root is taken only where a distance enters a
 * sum: for the few points a candidate is near). The other metrics are
 * their own keys. */
static inline double key_dist(const ckm_dissim *D, double key)
{
  return D->metric == CKM_METRIC_EUCLIDEAN ? sqrt(key) : key;
}

/* out[o - o0] = the key of rows o and c for o in [o0, o1); pt: row c's
 * coordinates; acc: CKM_TILE doubles of scratch. */
static void dist_block(const ckm_dissim *D, ckm_idx c, const double *pt,
                       ckm_idx o0, ckm_idx o1, double *out, double *acc)
{
  double *row = out;
  const ckm_idx n = D->n;
  const int d = D->d;
  if (D->metric == CKM_METRIC_DIST) {
    for (ckm_idx o = o0; o < o1; o++)
      row[o - o0] = o == c ? 0.0 : o < c ? D->packed[packed_at(n, o, c)]
                                         : D->packed[packed_at(n, c, o)];
    return;
  }
  for (ckm_idx t0 = o0; t0 < o1; t0 += CKM_TILE) {
    int len = (int) (o1 - t0 < CKM_TILE ? o1 - t0 : CKM_TILE);
    if (D->metric == CKM_METRIC_MANHATTAN) {
      for (int t = 0; t < len; t++)
        acc[t] = 0.0;
      for (int cc = 0; cc < d; cc++) {
        const double *xc = D->x + (size_t) cc * (size_t) n + (size_t) t0;
        const double v = pt[cc];
        for (int t = 0; t < len; t++)
          acc[t] += fabs(xc[t] - v);
      }
      memcpy(row + (t0 - o0), acc, (size_t) len * sizeof(double));
    } else {
      sq_dist_run(D->x, n, d, t0, len, pt, row + (t0 - o0), acc);
    }
  }
}

/* Everything a run works on, carved from the caller's workspace. */
typedef struct pam_state {
  const ckm_dissim *D;
  ckm_idx n;
  int d, k, nthreads;
  ckm_idx *med;        /* the medoids' rows (k) */
  double *mrow;        /* their coordinates, row after row (k x d; metrics on X) */
  unsigned char *ismed;/* n */
  int *nearest, *second; /* medoid slots (n) */
  double *dn, *ds;     /* the distances to them (n) */
  double *kn, *ks;     /* and their keys (n; see key_dist) */
  double *row;         /* one candidate's distances (n) */
  double *part;        /* per block: k + 1 partial sums */
  double *loss;        /* per medoid: the cost of removing it (k) */
  double *scratch;     /* per thread: CKM_TILE + d + CKM_KB doubles, then
                          the block sums of one candidate (nb (k + 1)) */
  size_t sstride;
  int batch;           /* candidates evaluated at once (on the threads) */
  double *slot_delta;  /* per candidate of a batch: its delta (k), */
  double *slot_shared; /* its shared part */
  ckm_idx *slot_c;     /* and its row */
  const ckm_hooks *hooks;
  double work_since_poll;
} pam_state;

/* candidates evaluated at once: a few per thread (after a swap the rest
 * of a batch is evaluated again, from the new medoids) */
static inline int pam_batch(int nthreads)
{
  return 4 * (nthreads > 0 ? nthreads : 1);
}

size_t ckm_kmedoids_workspace(ckm_idx n, int d, int k, int nthreads)
{
  const size_t nn = (size_t) (n > 0 ? n : 1), nb = (size_t) n_blocks(n) + 1;
  const size_t sstride = (size_t) CKM_TILE + (size_t) d + CKM_KB + (nb + 1) * ((size_t) k + 1);
  const size_t batch = (size_t) pam_batch(nthreads);
  return carved(sizeof(double) * batch * (size_t) k) + carved(sizeof(double) * batch) +
         carved(sizeof(ckm_idx) * batch) +
         carved(sizeof(double) * (size_t) k * (size_t) d) +
         carved(nn) + 2 * carved(sizeof(int) * nn) + 5 * carved(sizeof(double) * nn) +
         carved(sizeof(double) * nb * ((size_t) k + 1)) +
         2 * carved(sizeof(double) * (size_t) k) +
         carved(sizeof(double) * sstride * (size_t) (nthreads > 0 ? nthreads : 1)) + 64;
}

static void pam_carve(pam_state *s, void *work)
{
  carver cv = {(char *) work};
  const size_t nn = (size_t) (s->n > 0 ? s->n : 1), nb = (size_t) n_blocks(s->n) + 1;
  s->mrow = carve(&cv, sizeof(double) * (size_t) s->k * (size_t) s->d);
  s->ismed = carve(&cv, nn);
  s->nearest = carve(&cv, sizeof(int) * nn);
  s->second = carve(&cv, sizeof(int) * nn);
  s->dn = carve(&cv, sizeof(double) * nn);
  s->ds = carve(&cv, sizeof(double) * nn);
  s->kn = carve(&cv, sizeof(double) * nn);
  s->ks = carve(&cv, sizeof(double) * nn);
  s->row = carve(&cv, sizeof(double) * nn);
  s->part = carve(&cv, sizeof(double) * nb * ((size_t) s->k + 1));
  s->loss = carve(&cv, sizeof(double) * (size_t) s->k);
  s->sstride = (size_t) CKM_TILE + (size_t) s->d + CKM_KB + (nb + 1) * ((size_t) s->k + 1);
  s->scratch = carve(&cv, sizeof(double) * s->sstride * (size_t) s->nthreads);
  s->batch = pam_batch(s->nthreads);
  s->slot_delta = carve(&cv, sizeof(double) * (size_t) s->batch * (size_t) s->k);
  s->slot_shared = carve(&cv, sizeof(double) * (size_t) s->batch);
  s->slot_c = carve(&cv, sizeof(ckm_idx) * (size_t) s->batch);
}

static void pam_init(pam_state *s, const ckm_dissim *D, int k, ckm_idx *med,
                     int nthreads, const ckm_hooks *hooks, void *work)
{
  s->D = D;
  s->n = D->n;
  s->d = D->metric == CKM_METRIC_DIST ? 0 : D->d;
  s->k = k;
  s->nthreads = nthreads > 0 ? nthreads : 1;
  s->med = med;
  s->hooks = hooks;
  s->work_since_poll = 0.0;
  pam_carve(s, work);
}

/* row c's coordinates into pt (metrics on X) */
static inline void gather_row(const pam_state *s, ckm_idx c, double *pt)
{
  for (int j = 0; j < s->d; j++)
    pt[j] = s->D->x[c + (size_t) j * (size_t) s->n];
}

/* polls now and then: after about 2e8 operations */
static int pam_poll(pam_state *s, double ops)
{
  s->work_since_poll += ops;
  if (s->work_since_poll < 2e8)
    return 0;
  s->work_since_poll = 0.0;
  return ckm_should_stop(s->hooks);
}

static inline double op_cost(const pam_state *s)
{
  return s->d > 0 ? 3.0 * s->d + 8.0 : 8.0;
}

/* Sum over all points of f(o) in fixed blocks: the block sums in part[b],
 * then added in block order. Here for the cost (the distances to the
 * nearest medoid). */
static double total_dn(const pam_state *s)
{
  const ckm_idx nb = n_blocks(s->n);
  double total = 0.0;
  for (ckm_idx b = 0; b < nb; b++) {
    ckm_idx o1 = (b + 1) * CKM_KB < s->n ? (b + 1) * CKM_KB : s->n;
    double t = 0.0;
    for (ckm_idx o = b * CKM_KB; o < o1; o++)
      t += s->dn[o];
    total += t;
  }
  return total;
}

/* Nearest and second nearest medoid of every point (ties: the lower slot). */
static void assign_all(pam_state *s)
{
  const int k = s->k, d = s->d;
  for (int j = 0; j < k; j++)
    if (d > 0)
      gather_row(s, s->med[j], s->mrow + (size_t) j * d);
  memset(s->ismed, 0, (size_t) s->n);
  for (int j = 0; j < k; j++)
    s->ismed[s->med[j]] = 1;
  const int nt = ckm_team(s->nthreads, (double) s->n * k * op_cost(s));
  CKM_PARALLEL(nt, parallel for num_threads(nt) schedule(static),
  for (ckm_idx o = 0; o < s->n; o++) {
    double b1 = INFINITY, b2 = INFINITY;
    int j1 = -1, j2 = -1;
    for (int j = 0; j < k; j++) {
      double v = pair_key(s->D, o, s->med[j], d > 0 ? s->mrow + (size_t) j * d : NULL);
      if (s->med[j] == o)
        v = 0.0;
      if (v < b1) {
        b2 = b1;
        j2 = j1;
        b1 = v;
        j1 = j;
      } else if (v < b2) {
        b2 = v;
        j2 = j;
      }
    }
    /* a medoid is its own nearest */
    s->nearest[o] = j1;
    s->kn[o] = b1;
    s->dn[o] = key_dist(s->D, b1);
    s->second[o] = j2;
    s->ks[o] = b2;
    s->ds[o] = key_dist(s->D, b2);
  });
}

/* loss[m]: the cost of removing medoid m (its points move to their second) */
static void removal_loss(pam_state *s)
{
  const int k = s->k;
  const ckm_idx nb = n_blocks(s->n);
  for (int m = 0; m < k; m++)
    s->loss[m] = 0.0;
  for (ckm_idx b = 0; b < nb; b++) {
    double *p = s->part + (size_t) b * (size_t) (k + 1);
    for (int m = 0; m < k; m++)
      p[m] = 0.0;
    ckm_idx o1 = (b + 1) * CKM_KB < s->n ? (b + 1) * CKM_KB : s->n;
    for (ckm_idx o = b * CKM_KB; o < o1; o++)
      p[s->nearest[o]] += s->ds[o] - s->dn[o];
  }
  for (ckm_idx b = 0; b < nb; b++)
    for (int m = 0; m < k; m++)
      s->loss[m] += s->part[(size_t) b * (size_t) (k + 1) + m];
}

/* The candidate c, on the calling thread alone: in delta (k) the change
 * of cost of swapping it with each medoid; returns the shared part (the
 * gain of the points that move to c whichever medoid leaves). Sums over
 * the points in fixed blocks, added in block order: the same bits on any
 * thread. t: the thread's scratch. */
static double evaluate(const pam_state *s, ckm_idx c, double *t, double *delta)
{
  const int k = s->k;
  const ckm_idx nb = n_blocks(s->n);
  double *acc = t, *pt = t + CKM_TILE, *blk = pt + s->d, *part = blk + CKM_KB;
  if (s->d > 0)
    gather_row(s, c, pt);
  for (ckm_idx b = 0; b < nb; b++) {
    const ckm_idx o0 = b * CKM_KB, o1 = o0 + CKM_KB < s->n ? o0 + CKM_KB : s->n;
    dist_block(s->D, c, pt, o0, o1, blk, acc);
    double *p = part + (size_t) b * (size_t) (k + 1);
    for (int m = 0; m <= k; m++)
      p[m] = 0.0;
    for (ckm_idx o = o0; o < o1; o++) {
      const double key = blk[o - o0];
      if (key < s->kn[o]) {
        const double dno = s->dn[o];
        p[k] += key_dist(s->D, key) - dno;
        p[s->nearest[o]] += dno - s->ds[o];
      } else if (key < s->ks[o]) {
        p[s->nearest[o]] += key_dist(s->D, key) - s->ds[o];
      }
    }
  }
  double shared = 0.0;
  for (int m = 0; m < k; m++)
    delta[m] = s->loss[m];
  for (ckm_idx b = 0; b < nb; b++) {
    const double *p = part + (size_t) b * (size_t) (k + 1);
    for (int m = 0; m < k; m++)
      delta[m] += p[m];
    shared += p[k];
  }
  return shared;
}

/* The candidates slot_c[0 .. m) evaluated, on the threads, into the slots */
static void evaluate_batch(pam_state *s, int m)
{
  const int nt = ckm_team(s->nthreads, (double) m * (double) s->n * op_cost(s));
  CKM_PARALLEL(nt, parallel for num_threads(nt) schedule(dynamic, 1),
  for (int q = 0; q < m; q++) {
    double *t = s->scratch + (size_t) ckm_thread_num() * s->sstride;
    s->slot_shared[q] = evaluate(s, s->slot_c[q], t, s->slot_delta + (size_t) q * (size_t) s->k);
  });
}

/* The keys of row c to every point, into s->row (before a swap) */
static void candidate_row(pam_state *s, ckm_idx c)
{
  const ckm_idx nb = n_blocks(s->n);
  const int nt = ckm_team(s->nthreads, (double) s->n * op_cost(s));
  CKM_PARALLEL(nt, parallel for num_threads(nt) schedule(static),
  for (ckm_idx b = 0; b < nb; b++) {
    double *acc = s->scratch + (size_t) ckm_thread_num() * s->sstride;
    double *pt = acc + CKM_TILE;
    if (s->d > 0)
      gather_row(s, c, pt);
    const ckm_idx o0 = b * CKM_KB, o1 = o0 + CKM_KB < s->n ? o0 + CKM_KB : s->n;
    dist_block(s->D, c, pt, o0, o1, s->row + o0, acc);
  });
}

/* Medoid slot m becomes row c (its distances in s->row): every point's
 * nearest and second nearest brought up to date. */
static void swap_in(pam_state *s, int m, ckm_idx c)
{
  const int k = s->k, d = s->d;
  s->ismed[s->med[m]] = 0;
  s->ismed[c] = 1;
  s->med[m] = c;
  if (d > 0)
    gather_row(s, c, s->mrow + (size_t) m * d);
  const int nt = ckm_team(s->nthreads, (double) s->n * 8.0);
  CKM_PARALLEL(nt, parallel for num_threads(nt) schedule(static),
  for (ckm_idx o = 0; o < s->n; o++) {
    const double key = o == c ? 0.0 : s->row[o];
    const int a = s->nearest[o];
    int recompute = 0;
    if (a == m) {
      if (key < s->ks[o]) {
        s->kn[o] = key;
        s->dn[o] = key_dist(s->D, key);
      } else {
        /* the second becomes the nearest; a new second is needed */
        s->nearest[o] = s->second[o];
        s->kn[o] = s->ks[o];
        s->dn[o] = s->ds[o];
        recompute = 1;
      }
    } else if (key < s->kn[o]) {
      /* c is the new nearest, the old nearest the second */
      s->second[o] = a;
      s->ks[o] = s->kn[o];
      s->ds[o] = s->dn[o];
      s->nearest[o] = m;
      s->kn[o] = key;
      s->dn[o] = key_dist(s->D, key);
    } else if (s->second[o] == m) {
      recompute = 1; /* the second left, and c is no nearer than the nearest */
    } else if (key < s->ks[o]) {
      s->second[o] = m;
      s->ks[o] = key;
      s->ds[o] = key_dist(s->D, key);
    }
    if (recompute) {
      const int near = s->nearest[o];
      double b2 = INFINITY;
      int j2 = -1;
      for (int j = 0; j < k; j++) {
        if (j == near)
          continue;
        double v = j == m ? key
                          : (s->med[j] == o ? 0.0
                                            : pair_key(s->D, o, s->med[j],
                                                       d > 0 ? s->mrow + (size_t) j * d : NULL));
        if (v < b2) {
          b2 = v;
          j2 = j;
        }
      }
      s->second[o] = j2;
      s->ks[o] = b2;
      s->ds[o] = key_dist(s->D, b2);
    }
  });
}

/* Sum over all points of the distance to row c (first medoid), or of the
 * decrease of each point's distance to the medoids were c added; in fixed
 * blocks. acc, pt, blk: the calling thread's scratch. For BUILD. */
static double build_gain(const pam_state *s, ckm_idx c, double *acc, double *pt,
                         double *blk, int first)
{
  if (s->d > 0)
    gather_row(s, c, pt);
  double total = 0.0;
  const ckm_idx nb = n_blocks(s->n);
  for (ckm_idx b = 0; b < nb; b++) {
    const ckm_idx o0 = b * CKM_KB, o1 = o0 + CKM_KB < s->n ? o0 + CKM_KB : s->n;
    dist_block(s->D, c, pt, o0, o1, blk, acc);
    double t = 0.0;
    if (first) {
      for (ckm_idx o = o0; o < o1; o++)
        t += key_dist(s->D, blk[o - o0]);
    } else {
      for (ckm_idx o = o0; o < o1; o++)
        if (blk[o - o0] < s->kn[o])
          t += s->dn[o] - key_dist(s->D, blk[o - o0]);
    }
    total += t;
  }
  return total;
}

/* BUILD: the first medoid the row of least total distance, each next one
 * the row whose addition lowers the cost most (ties: the lower row). */
static int pam_build(pam_state *s)
{
  const ckm_idx n = s->n;
  double *gain = s->ds; /* not in use before the assignment */
  /* candidates in chunks of about 2e8 operations, polled between */
  ckm_idx chunk = (ckm_idx) (2e8 / ((double) n * op_cost(s)));
  chunk = chunk < 64 ? 64 : chunk;
  for (int j = 0; j < s->k; j++) {
    const int first = j == 0;
    for (ckm_idx c0 = 0; c0 < n; c0 += chunk) {
      const ckm_idx c1 = c0 + chunk < n ? c0 + chunk : n;
      if (pam_poll(s, (double) (c1 - c0) * n * op_cost(s)))
        return CKM_INTERRUPTED;
      const int nt = ckm_team(s->nthreads, (double) (c1 - c0) * n * op_cost(s));
      /* each thread computes whole rows, in its own scratch */
      CKM_PARALLEL(nt, parallel for num_threads(nt) schedule(dynamic, 4),
      for (ckm_idx c = c0; c < c1; c++) {
        double *acc = s->scratch + (size_t) ckm_thread_num() * s->sstride;
        gain[c] = s->ismed[c] ? 0.0 : build_gain(s, c, acc, acc + CKM_TILE,
                                                 acc + CKM_TILE + s->d, first);
      });
    }
    ckm_idx best = -1;
    double bg = 0.0;
    for (ckm_idx c = 0; c < n; c++) {
      if (s->ismed[c])
        continue;
      const double g = first ? -gain[c] : gain[c];
      if (best < 0 || g > bg) {
        best = c;
        bg = g;
      }
    }
    if (!first && !(bg > 0.0))
      return CKM_ERR_DISTINCT; /* every row coincides with a medoid */
    s->med[j] = best;
    s->ismed[best] = 1;
    /* the distances to the new medoid: dn = min(dn, D(best, .)) */
    double *acc = s->scratch, *pt = acc + CKM_TILE;
    if (s->d > 0)
      gather_row(s, best, pt);
    dist_block(s->D, best, pt, 0, n, s->row, acc);
    for (ckm_idx o = 0; o < n; o++)
      if (first || s->row[o] < s->kn[o]) {
        s->kn[o] = s->row[o];
        s->dn[o] = key_dist(s->D, s->row[o]);
      }
  }
  return CKM_OK;
}

/* k-medoids++: the first medoid uniformly, each next one with probability
 * proportional to the distance to the nearest medoid so far. */
static int pam_plusplus(pam_state *s)
{
  const ckm_idx n = s->n;
  double *acc = s->scratch, *pt = acc + CKM_TILE;
  memset(s->ismed, 0, (size_t) n);
  for (int j = 0; j < s->k; j++) {
    if (pam_poll(s, (double) n * op_cost(s)))
      return CKM_INTERRUPTED;
    ckm_idx pick;
    if (j == 0) {
      pick = (ckm_idx) (s->hooks->unif(s->hooks->ctx) * (double) n);
    } else {
      const double total = total_dn(s);
      if (!(total > 0.0))
        return CKM_ERR_DISTINCT;
      if (!isfinite(total))
        return CKM_ERR_NONFINITE;
      const double target = s->hooks->unif(s->hooks->ctx) * total;
      double run = 0.0;
      pick = -1;
      ckm_idx last_pos = -1;
      for (ckm_idx o = 0; o < n; o++) {
        if (s->dn[o] > 0.0)
          last_pos = o;
        run += s->dn[o];
        if (run > target && s->dn[o] > 0.0) {
          pick = o;
          break;
        }
      }
      if (pick < 0)
        pick = last_pos;
    }
    if (pick >= n)
      pick = n - 1;
    s->med[j] = pick;
    s->ismed[pick] = 1;
    if (s->d > 0)
      gather_row(s, pick, pt);
    dist_block(s->D, pick, pt, 0, n, s->row, acc);
    for (ckm_idx o = 0; o < n; o++)
      if (j == 0 || s->row[o] < s->kn[o]) {
        s->kn[o] = s->row[o];
        s->dn[o] = key_dist(s->D, s->row[o]);
      }
  }
  return CKM_OK;
}

int ckm_kmedoids(const ckm_dissim *D, int k, int init, int steepest,
                 ckm_idx *medoids, int max_passes, int *labels, double *dist, double *cost,
                 int nthreads, const ckm_hooks *hooks, void *work,
                 ckm_kmedoids_info *info)
{
  pam_state st, *s = &st;
  pam_init(s, D, k, medoids, nthreads, hooks, work);
  const ckm_idx n = D->n;
  info->passes = 0;
  info->swaps = 0;
  info->converged = 0;
  int status = CKM_OK;

  if (init == CKM_KMEDOIDS_BUILD || k == 1) {
    memset(s->ismed, 0, (size_t) n);
    status = pam_build(s); /* for k = 1, the exact optimum */
  } else if (init == CKM_KMEDOIDS_PLUSPLUS) {
    status = pam_plusplus(s);
  } /* CKM_KMEDOIDS_GIVEN: medoids as given */
  if (status != CKM_OK)
    return status;

  assign_all(s);
  double cur = total_dn(s);
  if (!isfinite(cur))
    return CKM_ERR_NONFINITE;
  if (k == 1) {
    info->converged = 1;
  } else {
    removal_loss(s);
    const double thr = (double) (n + k) * DBL_EPSILON; /* times the cost */
    if (steepest) {
      /* PAM's swap rule, at FastPAM1's cost: each pass finds the best swap
       * over every candidate and medoid (the first of equals: lowest row,
       * then lowest slot), and makes it */
      while (info->passes < max_passes) {
        info->passes++;
        double best_change = 0.0;
        ckm_idx best_c = -1;
        int best_m = -1;
        ckm_idx c = 0;
        while (c < n) {
          int m = 0;
          for (; c < n && m < s->batch; c++)
            if (!s->ismed[c])
              s->slot_c[m++] = c;
          if (m == 0)
            break;
          if (pam_poll(s, (double) m * n * op_cost(s)))
            return CKM_INTERRUPTED;
          evaluate_batch(s, m);
          for (int q = 0; q < m; q++)
            for (int j = 0; j < k; j++) {
              const double change = s->slot_delta[(size_t) q * k + j] + s->slot_shared[q];
              if (change < best_change) {
                best_change = change;
                best_c = s->slot_c[q];
                best_m = j;
              }
            }
        }
        if (best_c < 0 || !(best_change < -thr * cur)) {
          info->converged = 1;
          break;
        }
        candidate_row(s, best_c);
        swap_in(s, best_m, best_c);
        removal_loss(s);
        cur = total_dn(s);
        info->swaps++;
      }
    } else {
      /* FasterPAM's eager swaps. A batch of candidates is evaluated at once
       * from the same medoids; they are then taken in order, and the first
       * whose best swap lowers the cost is swapped in: the candidates
       * after it are evaluated again from the new medoids. So the moves
       * are those of one candidate at a time. */
      ckm_idx last = -1, c = 0;
      info->passes = 1;
      for (;;) {
        if (c == n) {
          if (last < 0) {
            info->converged = 1; /* a whole pass from the start, no swap */
            break;
          }
          if (info->passes >= max_passes)
            break;
          info->passes++;
          c = 0;
        }
        /* the next batch, up to the last swap (a whole cycle without one:
         * converged) or the end of the pass */
        int m = 0;
        ckm_idx stop = -1;
        for (; c < n && m < s->batch; c++) {
          if (c == last) {
            stop = c;
            break;
          }
          if (!s->ismed[c])
            s->slot_c[m++] = c;
        }
        if (m > 0) {
          if (pam_poll(s, (double) m * n * op_cost(s)))
            return CKM_INTERRUPTED;
          evaluate_batch(s, m);
        }
        int swapped = 0;
        for (int q = 0; q < m; q++) {
          const double *delta = s->slot_delta + (size_t) q * k;
          int best = 0;
          for (int j = 1; j < k; j++)
            if (delta[j] < delta[best])
              best = j;
          /* a swap must lower the cost by more than the rounding of the
           * sums that estimate it, or rounding could make swaps cycle */
          if (delta[best] + s->slot_shared[q] < -thr * cur) {
            const ckm_idx cq = s->slot_c[q];
            candidate_row(s, cq);
            swap_in(s, best, cq);
            removal_loss(s);
            cur = total_dn(s);
            info->swaps++;
            last = cq;
            c = cq + 1; /* the rest of the batch again, from here */
            swapped = 1;
            break;
          }
        }
        if (!swapped && stop >= 0) {
          info->converged = 1;
          break;
        }
      }
    }
  }

  /* the final assignment from scratch: ties to the lower slot */
  assign_all(s);
  for (ckm_idx o = 0; o < n; o++) {
    labels[o] = s->nearest[o];
    dist[o] = s->dn[o];
  }
  *cost = total_dn(s);
  return isfinite(*cost) ? CKM_OK : CKM_ERR_NONFINITE;
}

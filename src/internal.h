/* internal.h: what the core's own files share (not part of ckm.h's API). */
#ifndef CKM_INTERNAL_H
#define CKM_INTERNAL_H

#include <float.h>
#include <math.h>

#include "ckm.h"
#include "fastassign.h"
#include "rsum.h"

/* Has the caller asked to stop? (the poll hook, where there is one; called
 * on the calling thread between parallel regions) */
static inline int ckm_should_stop(const ckm_hooks *h)
{
  return h && h->poll && h->poll(h->ctx);
}

static inline void ckm_report(const ckm_hooks *h, double done)
{
  if (h && h->progress)
    h->progress(h->ctx, done);
}

/* Carve 64-byte-aligned arrays out of one workspace block. */
typedef struct carver {
  char *p;
} carver;

static inline void *carve(carver *cv, size_t bytes)
{
  void *out = cv->p;
  cv->p += (bytes + 63) & ~(size_t) 63;
  return out;
}

static inline size_t carved(size_t bytes)
{
  return (bytes + 63) & ~(size_t) 63;
}

/* What one fit shares between the driver, the passes and the update.
 * Each algorithm's own arrays are private to its file (s->alg), and so
 * are the update's (s->upd). */
typedef struct ckm_state {
  const double *x;
  ckm_idx n;
  int d, k, nthreads;
  double *centers;   /* k x d, column-major: the current centres */
  double *ct;        /* the same, transposed: k rows of d */
  double *old;       /* the centres before the last update (column-major) */
  int *labels;
  double *dist;      /* exact squared distance of each point to its centre */
  double *tile_sums; /* inertia of each tile of CKM_TILE points */
  ckm_idx *counts;   /* cluster sizes (k) */
  double *colmean;   /* column means of X (d), weighted with weights */
  const double *w;   /* observation weights (n), or NULL */
  const ckm_hooks *hooks; /* poll between blocks of a long pass, or NULL */
  int stopped;       /* a poll asked to stop: the pass is incomplete */
  double *wsum;      /* total weight per cluster (k), with weights */
  ckm_fast *fast;    /* the blocked kernel, or NULL for the plain one */
  int fast_full;     /* full passes use it too (ckm_fast_full()) */
  int wide;          /* the plain kernel's AVX2 build (ckm_plain_wide()) */
  void *alg;         /* the algorithm's private state (its ckm_algo carve()) */
  struct ckm_update *upd; /* the centre update's own state (update.c) */
  const ckm_comm *comm; /* other processes, or NULL */
  int status;        /* a failed collective: CKM_ERR_COMM */
  void *hw_work;     /* Hartigan and Wong's workspace (hartwong.c), or NULL */
} ckm_state;

/* reduce.c */
int ckm_allreduce(const ckm_comm *c, double *buf, size_t len, int op);
int ckm_allgather(const ckm_comm *c, const double *send, size_t len,
                  double *recv);
int ckm_rsum_allreduce(const ckm_comm *c, ckm_rsum *s, size_t m, double *pack);
double ckm_tile_total(const ckm_comm *c, const double *tile_sums,
                      ckm_idx ntiles, int *status);
ckm_idx ckm_count_total(const ckm_comm *c, ckm_idx local, int *status);

/* update.c */
size_t ckm_update_workspace(ckm_idx n_cache, int d, int k, int nthreads,
                            int nranks);
void ckm_update_carve(ckm_state *s, carver *cv, int cache, int nthreads);
/* Relocation of empty clusters (ckm_relocate()) with the update's
 * scratch; s->counts are the global sizes. */
ckm_idx ckm_update_relocate(ckm_state *s);
/* Cluster sizes over all processes from s->labels, into counts (k). */
void ckm_global_sizes(ckm_state *s, ckm_idx *counts);
int ckm_cluster_sums(ckm_state *s);
/* A pass over the tiles of X: fn(s, ctx, tile, me) for every tile (me:
 * the thread, below nt), on a team of nt threads taking units of tiles
 * in turn, polling for an interrupt every `poll` tiles or so (0: never;
 * s->stopped set when asked to stop); returns the sum of what fn
 * returns. In a fit (the update keeps block sums) with at least 4 blocks
 * per thread, a unit is a block of the update's, whose sums are formed
 * again as soon as its tiles are done and added into the thread's
 * reproducible sums: the next ckm_cluster_sums() only merges them, so the
 * labels must not change in between. */
typedef ckm_idx (*ckm_tile_fn)(ckm_state *s, void *ctx, ckm_idx tile, int me);
ckm_idx ckm_pass_tiles(ckm_state *s, int nt, long poll, ckm_tile_fn fn, void *ctx);
/* Relocation's scratch: heap keys and rows (k each), candidates sent
 * (3 k doubles) and gathered (3 k per process). */
typedef struct ckm_reloc_work {
  double *hd;
  ckm_idx *hi;
  double *send, *recv;
} ckm_reloc_work;
ckm_idx ckm_relocate(ckm_idx n, int k, int *labels, double *dist,
                     ckm_idx *counts, const ckm_comm *comm,
                     const ckm_reloc_work *w, int *status);
void ckm_divide(ckm_state *s);
void ckm_cluster_wss(ckm_state *s, double *wss);

/* Relative slack that covers the rounding of a distance computed in d
 * dimensions and its square root; bounds are widened by it. */
static inline double ckm_slack(int d)
{
  return (double) (d + 8) * DBL_EPSILON;
}

/* Absolute slack for distances whose squares are not normal numbers. A
 * squared difference below DBL_MIN is subnormal or flushed to 0, an
 * absolute error of up to 2.5e-324 per term; in distance (square-root)
 * space that is at most sqrt(d * 2.5e-324) < 1.6e-162 sqrt(d), which the
 * relative slack does not cover when the data are tiny (near 1e-150: the
 * centres move by less than 1e-154, and their squared moves underflow). */
static inline double ckm_abs_slack(int d)
{
  return 1e-160 * sqrt((double) d + 1.0);
}

/* A distance bound from a squared distance: rounded up (an upper bound)
 * or down (a lower bound, at least 0) by both slacks. */
static inline double ckm_dist_up(double d2, double slack, double abs_slack)
{
  return sqrt(d2) * (1.0 + slack) + abs_slack;
}

static inline double ckm_dist_down(double d2, double slack, double abs_slack)
{
  const double v = sqrt(d2) * (1.0 - slack) - abs_slack;
  return v > 0.0 ? v : 0.0;
}

/* Exact squared distance, in the order and with the operations of
 * stats::kmeans (so bit-identical to the distances the plain kernel sums). */
static inline double ckm_exact_d2(const double *pt, const double *cj, int d)
{
  double s = 0.0;
  for (int c = 0; c < d; c++) {
    double df = pt[c] - cj[c];
    s += df * df;
  }
  return s;
}

/* Row i of X into pt. */
static inline void ckm_gather(const double *x, ckm_idx n, int d, ckm_idx i,
                              double *pt)
{
  for (int c = 0; c < d; c++)
    pt[c] = x[i + (size_t) c * (size_t) n];
}

/* Exact squared distances from pt to the centres ct[j], j in [j0, j1),
 * several centres at a time (independent sums, each in column order). */
void ckm_exact_range(const double *pt, const double *ct, int d, int j0, int j1,
                     double *out);

/* assign.c */
ckm_idx ckm_assign_pass(ckm_state *s, double *second, double *inertia);

/* Rows of X at a time for ckm_plain_rows() (a multiple of the blocked
 * builds' 16 points), and that function: nearest centre, its distance and
 * the second distance of listed rows, the plain kernel's bits. */
#define CKM_ROWS_CHUNK 64
void ckm_plain_rows(int wide, const double *x, ckm_idx n, int d,
                    const double *ct, int k, const ckm_idx *rows, int m,
                    double *buf, int *lab, double *best, double *second);

/* Every squared distance of the first len points of a column-major tile
 * (leading dimension ld, a multiple of 8; len a multiple of
 * ckm_dist_all_width(wide), the rest of the tile's points padding) to the
 * centres ct (rows), into out[j ld + q]: ckm_exact_d2()'s bits. */
int ckm_dist_all_width(int wide);
void ckm_dist_all(int wide, const double *tile, int ld, int len, int d,
                  const double *ct, int k, double *out);

/* hartigan.c: the refinement's own state (n bounds and stamps, per
 * cluster the path, weight and count, scratch, the collectives' buffers) */
/* Per point, what a sweep reads of most points (hot) and what it reads
 * of the points it looks at (cold); the bounds are stamped with a sweep
 * whose snapshot is kept. */
typedef struct ckm_hart_hot {
  double T2;        /* how far the own centre and b2 may move from the
                       snapshot together with the bounds still holding */
  double T3;        /* the largest D of the snapshot at which they hold */
  int stamp;        /* the sweep whose snapshot the bounds refer to */
  int b2;           /* the nearest other cluster when the bounds were set */
} ckm_hart_hot;

typedef struct ckm_hart_cold {
  double ub;        /* upper bound on the distance to the own centre, plus
                       its distance from the snapshot when set */
  double lb2;       /* lower bound on the distance to centre b2, less its
                       distance from the snapshot when set */
  double lb3;       /* lower bound on the distance to every other centre,
                       less D of the snapshot when set */
  double seen;      /* when the point was last visited */
} ckm_hart_cold;

typedef struct ckm_hartigan {
  ckm_hart_hot *hot;   /* (n) */
  ckm_hart_cold *cold; /* (n) */
  double *pt;       /* scratch: one row (d) */
  double *W;        /* total weight (the count, unweighted) of each cluster (k) */
  double *cnt;      /* points in each cluster (k) */
  double *dk;       /* scratch: squared distances of one point (k) */
  double *changed;  /* when each cluster last changed (k) */
  double *Wref;     /* the lowest weights the thresholds allow (k) */
  double *sb1;      /* the root of the own cluster's factor for weight 1, or -1 (k) */
  double *s21;      /* the root of another cluster's factor for weight 1 (k) */
  double *f1;       /* W / (W + 1), the factor of a cluster gaining a point of weight 1 (k) */
  double sa1;       /* the root of the lightest cluster's factor for weight 1 */
  double slack;     /* relative slack of the bound tests */
  double abs_slack; /* absolute slack (data whose squares are subnormal) */
  double *snap;     /* the centres (rows) at the start of the kept sweeps (ring x k x d) */
  double *disp;     /* how far each centre is from each snapshot (ring x k) */
  double *D;        /* per snapshot: at least the farthest a centre is from it (ring) */
  double Wlo;       /* the lightest weight the thresholds allow */
  double gain;      /* the fall of the objective in the current sweep */
  int ring;         /* snapshots kept (a power of two) */
  long sweeps;      /* sweeps made */
  double now;       /* the time of the resync after the current sweep */
  double *pack, *gathered; /* the sweep's shared state, sent and gathered */
  size_t pack_len;
  double *tile;     /* scratch: rows of a chunk of points (d x CKM_HART_CHUNK) */
  double *pre;      /* their distances to every centre (k x CKM_HART_CHUNK) */
  int *cand;        /* which points of the chunk and the next those are (2 x CKM_HART_CHUNK) */
  int *dlist;       /* the centres moved since (k) */
  unsigned char *dflag; /* per centre: moved since (k) */
} ckm_hartigan;

/* Points of a sweep's chunk: the rows read together (a multiple of 8),
 * and the listed points from which their distances are computed together. */
#define CKM_HART_CHUNK 32
#define CKM_HART_DENSE 8

size_t ckm_hartigan_workspace(ckm_idx n, int d, int k, int nranks);

/* hartwong.c: Hartigan and Wong's algorithm (AS 136) from the k x d
 * centres in `centers` (column-major; on return the centres as its
 * transfers left them, not recomputed), 0-based labels into `labels`,
 * at most max_iter iterations (*iter: made), the inertia after each in
 * *trace (max_iter values in the workspace). One thread, no weights. Returns CKM_OK when it
 * stopped as the published algorithm stops with no fault, or one of: */
enum ckm_hw_result {
  CKM_HW_NOT_RUN = 101,   /* k < 2 or k >= n: not run */
  CKM_HW_EMPTY = 102,     /* a cluster is empty after the first assignment
                             (stats::kmeans stops there with an error) */
  CKM_HW_MAX_ITER = 103,  /* still moving after max_iter iterations */
  CKM_HW_MAX_QTRAN = 104  /* a quick-transfer stage reached 50 n steps */
};
/* (or CKM_INTERRUPTED) */
size_t ckm_hartigan_wong_workspace(ckm_idx n, int k, int max_iter);
int ckm_hartigan_wong(const double *x, ckm_idx n, int d, int k,
                      double *centers, int *labels, int max_iter,
                      const ckm_hooks *hooks, void *work, int *iter,
                      double **trace);
void ckm_hartigan_carve(ckm_hartigan *h, carver *cv, ckm_idx n, int d, int k,
                        int nranks);
int ckm_hartigan_reset(ckm_hartigan *h, const ckm_state *s);
void ckm_hartigan_resync(ckm_hartigan *h, const ckm_state *s,
                         const double *old);
ckm_idx ckm_hartigan_sweep(ckm_hartigan *h, ckm_state *s);
int ckm_hartigan_any_move(ckm_hartigan *h, const ckm_state *s);

/* An algorithm of the assignment passes, run by the driver (kmeans.c):
 * the size of its private state and its carving (into s->alg), the first
 * assignment, the later ones, and what follows a centre update. Every
 * algorithm makes Lloyd's assignments, so the driver may switch to
 * Lloyd's steps at any iteration. `exact`: its passes compute every
 * distance, so they give the inertia; the others skip distances and the
 * driver takes the trace from the means. One file per algorithm
 * (assign.c: Lloyd; hamerly.c; yinyang.c); a new one adds its record here
 * and in kmeans.c's table. */
typedef struct ckm_algo {
  int exact;
  size_t (*workspace)(ckm_idx n, int d, int k, int nthreads);
  void (*carve)(ckm_state *s, carver *cv);
  ckm_idx (*first)(ckm_state *s, double *inertia);
  ckm_idx (*pass)(ckm_state *s, double *inertia);
  void (*after_update)(ckm_state *s, ckm_idx moved);
} ckm_algo;

extern const ckm_algo ckm_lloyd_algo, ckm_hamerly_algo, ckm_yinyang_algo;

#endif

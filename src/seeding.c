/*
 * seeding.c: k-means++ seeding (Arthur and Vassilvitskii, "k-means++: the
 * advantages of careful seeding", SODA 2007).
 *
 * D^2 weights are kept per point; after each new centre they are lowered in
 * parallel, tile by tile, and each tile's sum is recomputed in point order.
 * The draw walks the tiles with an exact running sum of the tile sums
 * (rsum.h), rounded at each tile, and then one tile, so the chosen row
 * depends on the uniform deviate alone: not on the thread count, nor on
 * how the rows are split over the processes of a ckm_comm (each starts at
 * a tile boundary; the running sum starts from the exact sum of the
 * processes before it). The deviates come from the unif hook (R's RNG in
 * the package), called on the calling thread only, the same number of
 * times on every process.
 */
#include <math.h>
#include <string.h>

#include "ckm.h"
#include "ckm_omp.h"
#include "internal.h"
#include "kernels.h"

#define CKM_MAX_TRIALS 64

size_t ckm_kmeanspp_workspace(ckm_idx n, int d, int k, int trials, int nranks)
{
  (void) k;
  const size_t t = (size_t) (trials < 1 ? 1 : trials);
  const size_t nr = (size_t) (nranks < 1 ? 1 : nranks);
  return sizeof(double) * ((size_t) n + (size_t) ckm_ntiles(n) * (t + 1) +
                           (size_t) d * (t + 1)) +
         sizeof(double) * ((size_t) d + 2 + CKM_RSUM_K + 1) * nr * 2 +
         sizeof(ckm_rsum) * (t + 1) + sizeof(double) * CKM_RSUM_K * t +
         64 * 12;
}

/* What the draws of one seeding share: the processes, and buffers. */
typedef struct draw_ctx {
  const ckm_comm *comm;
  ckm_idx row0, n_global;
  int nr;
  double *send, *recv; /* (d + 2 + K + 1) and nr times that */
  ckm_rsum *rs;        /* trials + 1 */
  double *pack;        /* K trials */
  int status;
} draw_ctx;

/* The largest of v over all processes. */
static double max_all(draw_ctx *dc, double v)
{
  int st = ckm_allreduce(dc->comm, &v, 1, CKM_OP_MAX);
  if (st)
    dc->status = st;
  return v;
}

/* Row g (global) of X, from the process that holds it, into row (d). */
static void fetch_row(draw_ctx *dc, const double *x, ckm_idx n, int d,
                      ckm_idx g, double *row)
{
  const ckm_idx i = g - dc->row0;
  const int mine = i >= 0 && i < n;
  if (dc->nr == 1) {
    ckm_gather(x, n, d, i, row);
    return;
  }
  dc->send[0] = mine;
  for (int c = 0; c < d; c++)
    dc->send[1 + c] = mine ? x[i + (size_t) c * (size_t) n] : 0.0;
  int st = ckm_allgather(dc->comm, dc->send, (size_t) d + 1, dc->recv);
  if (st)
    dc->status = st;
  for (int r = 0; r < dc->nr; r++)
    if (dc->recv[(size_t) r * (d + 1)] == 1.0) {
      memcpy(row, dc->recv + (size_t) r * (d + 1) + 1, sizeof(double) * d);
      return;
    }
}

/* Greedy k-means++: the potential sum_i pw_i min(w_i, ||x_i - cand||^2)
 * for each of `trials` candidate rows (their values in cand, trials rows of
 * d), summed per tile into pot (ntiles x trials) and then over the tiles in
 * order into out. */
static void candidate_potentials(const double *x, ckm_idx n, int d,
                                 const double *cand, int trials,
                                 const double *pw, const double *w,
                                 double *pot, double *out, int nthreads,
                                 draw_ctx *dc)
{
  const ckm_idx ntiles = ckm_ntiles(n);
  const int nt = ckm_team(nthreads, 3.0 * (double) n * d * trials);
  CKM_PARALLEL(nt, parallel for num_threads(nt) schedule(dynamic, ckm_chunk(ntiles, nt)),
  for (ckm_idx t = 0; t < ntiles; t++) {
    double acc[CKM_TILE];
    const ckm_idx i0 = t * CKM_TILE;
    const int len = (int) (n - i0 < CKM_TILE ? n - i0 : CKM_TILE);
    for (int c = 0; c < trials; c++) {
      ckm_tile_dist(x, n, d, i0, len, cand + (size_t) c * d, acc);
      double s = 0.0;
      for (int q = 0; q < len; q++) {
        const double v = acc[q] < w[i0 + q] ? acc[q] : w[i0 + q];
        s += pw ? pw[i0 + q] * v : v;
      }
      pot[(size_t) t * trials + c] = s;
    }
  });
  (void) nt;
  for (int c = 0; c < trials; c++) {
    ckm_rsum_zero(dc->rs + c);
    for (ckm_idx t = 0; t < ntiles; t++)
      ckm_rsum_add(dc->rs + c, pot[(size_t) t * trials + c]);
  }
  int st = ckm_rsum_allreduce(dc->comm, dc->rs, (size_t) trials, dc->pack);
  if (st)
    dc->status = st;
  for (int c = 0; c < trials; c++)
    out[c] = ckm_rsum_value(dc->rs + c);
}

/* Lower w[i] to the squared distance to centre `cen` where that is smaller
 * (or set it, when first), and recompute the tile sums of w (of pw * w with
 * observation weights pw). One tile; built twice, as the plain assignment
 * kernel (assign.c): for any x86-64 and for AVX2 without FMA, the same
 * operations in the same order in each lane, so the same bits. */
static inline __attribute__((always_inline)) void
lower_tile(const double *x, ckm_idx n, int d, const double *cen,
           const double *pw, double *w, double *tile_sums, int first,
           ckm_idx t)
{
  double acc[CKM_TILE];
  ckm_idx i0 = t * CKM_TILE;
  int len = (int) (n - i0 < CKM_TILE ? n - i0 : CKM_TILE);
  ckm_tile_dist(x, n, d, i0, len, cen, acc);
  double s = 0.0;
  for (int q = 0; q < len; q++) {
    double v = first || acc[q] < w[i0 + q] ? acc[q] : w[i0 + q];
    w[i0 + q] = v;
    s += pw ? pw[i0 + q] * v : v;
  }
  tile_sums[t] = s;
}

static void lower_tile_base(const double *x, ckm_idx n, int d,
                            const double *cen, const double *pw, double *w,
                            double *tile_sums, int first, ckm_idx t)
{
  lower_tile(x, n, d, cen, pw, w, tile_sums, first, t);
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define CKM_LOWER_WIDE 1
__attribute__((target("avx2")))
static void lower_tile_avx2(const double *x, ckm_idx n, int d,
                            const double *cen, const double *pw, double *w,
                            double *tile_sums, int first, ckm_idx t)
{
  lower_tile(x, n, d, cen, pw, w, tile_sums, first, t);
}
#else
#define CKM_LOWER_WIDE 0
#endif

/* One tile of lower_weights(), by the AVX2 build where it runs */
static inline void lower_one(const double *x, ckm_idx n, int d, const double *cen,
                             const double *pw, double *w, double *tile_sums,
                             int first, ckm_idx t, int wide)
{
#if CKM_LOWER_WIDE
  if (wide) {
    lower_tile_avx2(x, n, d, cen, pw, w, tile_sums, first, t);
    return;
  }
#endif
  (void) wide;
  lower_tile_base(x, n, d, cen, pw, w, tile_sums, first, t);
}

static void lower_weights(const double *x, ckm_idx n, int d, const double *cen,
                          const double *pw, double *w, double *tile_sums,
                          int first, int nthreads, int wide)
{
  const ckm_idx ntiles = ckm_ntiles(n);
  const int nt = ckm_team(nthreads, 3.0 * (double) n * d);
  (void) wide;
  CKM_PARALLEL(nt, parallel for num_threads(nt) schedule(dynamic, ckm_chunk(ntiles, nt)),
  for (ckm_idx t = 0; t < ntiles; t++)
    lower_one(x, n, d, cen, pw, w, tile_sums, first, t, wide););
  (void) nt;
}

/* Does row i equal one of the first m centres, value for value? */
static int row_is_chosen(const double *x, ckm_idx n, int d, ckm_idx i,
                         const double *centers, int k, int m)
{
  for (int q = 0; q < m; q++) {
    int same = 1;
    for (int c = 0; c < d && same; c++)
      same = x[i + (size_t) c * n] == centers[q + (size_t) k * c];
    if (same)
      return 1;
  }
  return 0;
}

static ckm_idx draw_index(double u, ckm_idx n)
{
  ckm_idx i = (ckm_idx) (u * (double) n);
  return i >= n ? n - 1 : (i < 0 ? 0 : i);
}

/* The value of row i in a draw: a[i] * b[i], a missing factor being 1. */
static inline double draw_value(const double *a, const double *b, ckm_idx i)
{
  return (a ? a[i] : 1.0) * (b ? b[i] : 1.0);
}

/* Row (global index) drawn with probability proportional to a[i] * b[i],
 * given the sums of those values per tile (total: their sum over all
 * processes, > 0) and a uniform u: the first tile where the running sum
 * passes u * total, then the row in it. Rows of value zero are never
 * drawn. The running sum over tiles is exact and rounded at each tile, so
 * every split of the rows finds the same tile; the process holding it
 * walks its rows. */
static ckm_idx draw_weighted(double u, const double *a, const double *b,
                             const double *tile_sums, double total, ckm_idx n,
                             draw_ctx *dc)
{
  const ckm_idx ntiles = ckm_ntiles(n), tile0 = dc->row0 / CKM_TILE;
  const double r = u * total;
  ckm_rsum cum;
  ckm_rsum_zero(&cum);
  if (dc->nr > 1) {
    /* the exact sum of the tiles of the processes before this one */
    ckm_rsum mine;
    ckm_rsum_zero(&mine);
    for (ckm_idx t = 0; t < ntiles; t++)
      ckm_rsum_add(&mine, tile_sums[t]);
    const size_t len = CKM_RSUM_K + 1;
    dc->send[0] = mine.top;
    for (int j = 0; j < CKM_RSUM_K; j++)
      dc->send[1 + j] = mine.b[j];
    int st = ckm_allgather(dc->comm, dc->send, len, dc->recv);
    if (st)
      dc->status = st;
    for (int q = 0; q < dc->comm->rank; q++) {
      ckm_rsum o;
      o.top = (int) dc->recv[q * len];
      for (int j = 0; j < CKM_RSUM_K; j++)
        o.b[j] = dc->recv[q * len + 1 + j];
      ckm_rsum_merge(&cum, &o);
    }
  }
  ckm_idx t = 0, last_t = -1, pick = -1;
  double before = 0.0;
  for (; t < ntiles; t++) {
    if (tile_sums[t] > 0.0) {
      last_t = t;
      before = ckm_rsum_value(&cum);
      ckm_rsum_add(&cum, tile_sums[t]);
      if (ckm_rsum_value(&cum) > r)
        break;
    }
  }
  /* the first such tile over all processes (as -index, for MAX) */
  const double found = max_all(dc, t < ntiles ? -(double) (tile0 + t) : -INFINITY);
  ckm_idx gt;
  double cum_v;
  if (found > -INFINITY) {
    gt = (ckm_idx) -found;
    cum_v = before;
  } else { /* rounding: r at the very top: the last tile with weight */
    gt = (ckm_idx) max_all(dc, last_t >= 0 ? (double) (tile0 + last_t) : -1.0);
    t = gt - tile0;
    cum_v = t >= 0 && t < ntiles ? total - tile_sums[t] : 0.0;
  }
  t = gt - tile0;
  if (t >= 0 && t < ntiles) {
    ckm_idx i0 = t * CKM_TILE;
    ckm_idx i1 = i0 + CKM_TILE < n ? i0 + CKM_TILE : n;
    for (ckm_idx i = i0; i < i1; i++) {
      const double v = draw_value(a, b, i);
      if (v > 0.0) {
        pick = i;
        cum_v += v;
        if (cum_v > r)
          break;
      }
    }
    pick += dc->row0;
  }
  return (ckm_idx) max_all(dc, (double) pick);
}

int ckm_kmeanspp(const double *x, ckm_idx n, int d, int k,
                 const double *pw, int trials, double *centers,
                 ckm_idx *chosen, int nthreads, int kernel,
                 const ckm_hooks *hooks, const ckm_comm *comm, void *work)
{
  const int wide = ckm_plain_wide(kernel);
  const ckm_idx ntiles = ckm_ntiles(n);
  if (trials < 1)
    trials = 1;
  if (trials > CKM_MAX_TRIALS)
    trials = CKM_MAX_TRIALS;
  if (comm && comm->size <= 1)
    comm = NULL;
  carver cv = {(char *) work};
  double *w = carve(&cv, sizeof(double) * (size_t) n);
  double *tile_sums = carve(&cv, sizeof(double) * (size_t) ntiles);
  double *row = carve(&cv, sizeof(double) * (size_t) d);
  double *cand = carve(&cv, sizeof(double) * (size_t) trials * d);
  double *pot = carve(&cv, sizeof(double) * (size_t) ntiles * trials);
  double cpot[CKM_MAX_TRIALS];
  draw_ctx dc;
  dc.comm = comm;
  dc.nr = comm ? comm->size : 1;
  dc.row0 = comm ? comm->row0 : 0;
  dc.n_global = comm ? comm->n_global : n;
  const size_t msg = (size_t) d + 2 + CKM_RSUM_K + 1;
  dc.send = carve(&cv, sizeof(double) * msg);
  dc.recv = carve(&cv, sizeof(double) * msg * (size_t) dc.nr);
  dc.rs = carve(&cv, sizeof(ckm_rsum) * (size_t) (trials + 1));
  dc.pack = carve(&cv, sizeof(double) * CKM_RSUM_K * (size_t) trials);
  dc.status = CKM_OK;
  const ckm_idx N = dc.n_global;

  for (int m = 0; m < k; m++) {
    ckm_idx pick = -1;
    if (m == 0 && !pw) {
      pick = draw_index(hooks->unif(hooks->ctx), N);
    } else if (m == 0) {
      /* with observation weights, the first row in proportion to them */
      for (ckm_idx t = 0; t < ntiles; t++) {
        const ckm_idx i0 = t * CKM_TILE, i1 = i0 + CKM_TILE < n ? i0 + CKM_TILE : n;
        double ts = 0.0;
        for (ckm_idx i = i0; i < i1; i++)
          ts += pw[i];
        tile_sums[t] = ts;
      }
      const double total = ckm_tile_total(comm, tile_sums, ntiles, &dc.status);
      pick = draw_weighted(hooks->unif(hooks->ctx), pw, NULL, tile_sums,
                           total, n, &dc);
    } else {
      if (ckm_should_stop(hooks))
        return CKM_INTERRUPTED;
      const double total = ckm_tile_total(comm, tile_sums, ntiles, &dc.status);
      if (!isfinite(total))
        return CKM_ERR_NONFINITE;
      if (total > 0.0 && trials == 1) {
        pick = draw_weighted(hooks->unif(hooks->ctx), w, pw, tile_sums, total,
                             n, &dc);
      } else if (total > 0.0) {
        /* greedy: `trials` candidates by D^2 sampling, keep the one that
         * lowers the potential most (the first, on ties) */
        ckm_idx cidx[CKM_MAX_TRIALS];
        for (int c = 0; c < trials; c++) {
          cidx[c] = draw_weighted(hooks->unif(hooks->ctx), w, pw, tile_sums,
                                  total, n, &dc);
          fetch_row(&dc, x, n, d, cidx[c], cand + (size_t) c * d);
        }
        candidate_potentials(x, n, d, cand, trials, pw, w, pot, cpot,
                             nthreads, &dc);
        int best = 0;
        for (int c = 1; c < trials; c++)
          if (cpot[c] < cpot[best])
            best = c;
        pick = cidx[best];
      } else {
        /* Every row sits on a chosen centre (at the precision of squared
         * distances). Take, uniformly, the next row from a random start
         * that differs from every chosen centre, if there is one: over all
         * processes, the one at the smallest cyclic offset from start. */
        ckm_idx start = draw_index(hooks->unif(hooks->ctx), N);
        double best = -INFINITY; /* -offset */
        for (ckm_idx i = 0; i < n; i++) {
          if (row_is_chosen(x, n, d, i, centers, k, m))
            continue;
          const ckm_idx off = (i + dc.row0 - start + N) % N;
          if (-(double) off > best)
            best = -(double) off;
        }
        best = max_all(&dc, best);
        if (best == -INFINITY)
          return CKM_ERR_DISTINCT;
        pick = (start + (ckm_idx) -best) % N;
      }
    }
    if (dc.status)
      return dc.status;

    chosen[m] = pick;
    fetch_row(&dc, x, n, d, pick, row);
    if (dc.status)
      return dc.status;
    for (int c = 0; c < d; c++)
      centers[m + (size_t) k * c] = row[c];
    if (m + 1 < k)
      lower_weights(x, n, d, row, pw, w, tile_sums, m == 0, nthreads, wide);
  }
  return CKM_OK;
}

/* ---- k-means|| (Bahmani et al. 2012): per-row deviates ------------------- */

/* SplitMix64 (Steele, Lea and Flood 2014): a bijective mix of a 64-bit
 * counter, so the deviate of a row is a function of (key, global row) alone
 * and any split of the rows over processes draws the same ones. */
static inline unsigned long long mix64(unsigned long long z)
{
  z += 0x9e3779b97f4a7c15ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

void ckm_row_uniforms(ckm_idx n, ckm_idx row0, unsigned long long key,
                      double *u)
{
  const unsigned long long k2 = mix64(key);
  for (ckm_idx i = 0; i < n; i++) {
    unsigned long long z = mix64(k2 ^ mix64((unsigned long long) (row0 + i)));
    u[i] = (double) (z >> 11) * 0x1.0p-53; /* [0, 1) */
  }
}

/*
 * assign.c: one assignment pass, each point to its nearest centre.
 *
 * Two kernels give the same answer bit for bit: the plain one below
 * (exact distances for a tile of points against one centre at a time,
 * vectorised over the points of the tile; built for any x86-64 and for
 * AVX2) and the blocked ones in fastassign.c (AVX2 or AVX-512: a screened
 * matrix product, certified and recomputed exactly), which a full pass
 * takes from ckm_fast_full() on. The pass sums the inertia tile by tile and then over the tiles
 * in order, so the sum does not depend on the thread count either.
 */
#include <math.h>
#include <string.h>

#include "ckm.h"
#include "ckm_omp.h"
#include "internal.h"
#include "kernels.h"

/* The plain kernel, register-blocked (plainblock.h), in three builds:
 * AVX2 (4 lanes), AVX-512F (8 lanes: its FMA instructions are kept out by
 * a barrier between each product and its sum) and the 8-lane code on AVX2
 * (two registers a vector), which tests the AVX-512 build's code on CPUs
 * without AVX-512. The AVX-512 build is a function of its own, called per
 * block of points: the tile loop around it is the AVX2 build's, so that
 * none of its scalar loops is compiled where FMA could fuse them. */
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define CKM_PLAIN_BLOCKED 1
typedef double pb4v __attribute__((vector_size(32)));
typedef long long pb4m __attribute__((vector_size(32)));
typedef double pb8v __attribute__((vector_size(64)));
typedef long long pb8m __attribute__((vector_size(64)));

/* plainblock.h undefines PB_NAME, PB_ATTR and PB_BARRIER after each use;
 * the width (PB_W, PB_SET1, pbv, pbm) is set per width */
#define PB_W 4
#define PB_SET1(s) ((pb4v) {(s), (s), (s), (s)})
#define pbv pb4v
#define pbm pb4m
#define PB_NAME plain_block_avx2
#define PB_ATTR __attribute__((target("avx2")))
#define PB_BARRIER(v) ((void) 0)
#include "plainblock.h"
#undef PB_W
#undef PB_SET1
#undef pbv
#undef pbm

#define PB_W 8
#define PB_SET1(s) ((pb8v) {(s), (s), (s), (s), (s), (s), (s), (s)})
#define pbv pb8v
#define pbm pb8m
#define PB_NAME plain_block_avx512
#define PB_ATTR __attribute__((target("avx512f"), noinline))
#define PB_BARRIER(v) __asm__("" : "+v"(v))
#include "plainblock.h"
#define PB_NAME plain_block_avx512_emulated
#define PB_ATTR __attribute__((target("avx2")))
#define PB_BARRIER(v) ((void) 0)
#include "plainblock.h"
#undef PB_W
#undef PB_SET1
#undef pbv
#undef pbm

/* every distance of a tile (distall.h): the same three builds */
#define DA_W 4
#define DA_SET1(s) ((pb4v) {(s), (s), (s), (s)})
#define dav pb4v
#define DA_NAME dist_all_avx2
#define DA_ATTR __attribute__((target("avx2")))
#define DA_BARRIER(v) ((void) 0)
#include "distall.h"
#undef DA_W
#undef DA_SET1
#undef dav
#define DA_W 8
#define DA_SET1(s) ((pb8v) {(s), (s), (s), (s), (s), (s), (s), (s)})
#define dav pb8v
#define DA_NAME dist_all_avx512
#define DA_ATTR __attribute__((target("avx512f"), noinline))
#define DA_BARRIER(v) __asm__("" : "+v"(v))
#include "distall.h"
#define DA_NAME dist_all_avx512_emulated
#define DA_ATTR __attribute__((target("avx2")))
#define DA_BARRIER(v) ((void) 0)
#include "distall.h"
#undef DA_W
#undef DA_SET1
#undef dav
#else
#define CKM_PLAIN_BLOCKED 0
#endif

/* Distances of the points t0 .. len - 1 of the tile at i0 to one centre,
 * into out[0 .. len - t0): the whole tile by ckm_tile_dist(), else the few
 * points blocks left over. */
static inline __attribute__((always_inline)) void
tile_dist_rest(const double *x, ckm_idx n, int d, ckm_idx i0, int t0, int len,
               const double *cj, double *out)
{
  if (t0 == 0) {
    ckm_tile_dist(x, n, d, i0, len, cj, out);
    return;
  }
  const int rest = len - t0;
  for (int t = 0; t < rest; t++)
    out[t] = 0.0;
  for (int c = 0; c < d; c++) {
    const double *xc = x + (size_t) c * (size_t) n + (size_t) i0 + (size_t) t0;
    const double v = cj[c];
    for (int t = 0; t < rest; t++) {
      double df = xc[t] - v;
      out[t] += df * df;
    }
  }
}

/* Assign the points of one tile with exact distances; returns the number
 * of labels changed. second: the second smallest squared distance. With a
 * register-blocked build (wide), the points of whole blocks go through it,
 * the rest one centre at a time. */
static inline __attribute__((always_inline)) ckm_idx
plain_tile_body(const double *x, ckm_idx n, int d, const double *ct, int k,
                ckm_idx i0, int len, int *labels, double *dist, double *second,
                double *tile_sum, const int wide)
{
  double best[CKM_TILE], sec[CKM_TILE], acc[CKM_TILE];
  double lab[CKM_TILE]; /* labels as doubles: one vector width in the loop */

  int t0 = 0;
#if CKM_PLAIN_BLOCKED
  /* wide: 1 AVX2, 2 AVX-512F, 3 AVX-512 emulated; 0 one centre at a time */
  const int pb = wide == 1 ? 8 : 16;
  if (wide)
    for (; t0 + pb <= len; t0 += pb) {
      if (wide == 1)
        plain_block_avx2(x, n, d, ct, k, i0 + t0, best + t0, sec + t0, lab + t0);
      else if (wide == 2)
        plain_block_avx512(x, n, d, ct, k, i0 + t0, best + t0, sec + t0, lab + t0);
      else
        plain_block_avx512_emulated(x, n, d, ct, k, i0 + t0, best + t0, sec + t0,
                                    lab + t0);
    }
#else
  (void) wide;
#endif
  const int rest = len - t0;
  if (rest > 0) {
    double *bt = best + t0, *st = sec + t0, *lt = lab + t0;
    tile_dist_rest(x, n, d, i0, t0, len, ct, bt);
    for (int t = 0; t < rest; t++) {
      lt[t] = 0.0;
      st[t] = INFINITY;
    }
    for (int j = 1; j < k; j++) {
      tile_dist_rest(x, n, d, i0, t0, len, ct + (size_t) j * d, acc);
      /* strict: a point moves only to a strictly closer centre. Written
       * without branches (they mispredict while the labels are unsettled)
       * so that the loop vectorises. */
      const double jd = (double) j;
      CKM_SIMD
      for (int t = 0; t < rest; t++) {
        const double a = acc[t], b = bt[t], c = st[t], l = lt[t];
        const double mc = a < c ? a : c;
        const double nb = a < b ? a : b;
        const double ns = a < b ? b : mc;
        const double nl = a < b ? jd : l;
        bt[t] = nb;
        st[t] = ns;
        lt[t] = nl;
      }
    }
  }

  /* the labels (a loop that vectorises), the distances, and the tile's
   * inertia summed in point order */
  int *lt = labels + i0;
  int changed = 0;
  for (int t = 0; t < len; t++) {
    const int l = (int) lab[t];
    changed += lt[t] != l;
    lt[t] = l;
  }
  if (dist)
    memcpy(dist + i0, best, sizeof(double) * (size_t) len);
  if (second)
    memcpy(second + i0, sec, sizeof(double) * (size_t) len);
  double s = 0.0;
  for (int t = 0; t < len; t++)
    s += best[t];
  *tile_sum = s;
  return changed;
}

/* The plain kernel as the compiler builds it for any x86-64 (SSE2: two
 * doubles per operation, one centre at a time), and, where the CPU runs
 * AVX2, built for AVX2 around the register-blocked builds above. AVX2
 * without FMA: the compiler cannot fuse a multiply and an add, so every
 * lane does the same subtractions, products, sums and comparisons in the
 * same order, and all builds give the same bits. */
static ckm_idx plain_tile_base(const double *x, ckm_idx n, int d,
                               const double *ct, int k, ckm_idx i0, int len,
                               int *labels, double *dist, double *second,
                               double *tile_sum)
{
  return plain_tile_body(x, n, d, ct, k, i0, len, labels, dist, second,
                         tile_sum, 0);
}

#if CKM_PLAIN_BLOCKED
#define PLAIN_TILE_WIDE(name, w)                                               \
  __attribute__((target("avx2"))) static ckm_idx name(                        \
      const double *x, ckm_idx n, int d, const double *ct, int k, ckm_idx i0,  \
      int len, int *labels, double *dist, double *second, double *tile_sum)    \
  {                                                                            \
    return plain_tile_body(x, n, d, ct, k, i0, len, labels, dist, second,     \
                           tile_sum, w);                                       \
  }
PLAIN_TILE_WIDE(plain_tile_avx2, 1)
PLAIN_TILE_WIDE(plain_tile_avx512, 2)
PLAIN_TILE_WIDE(plain_tile_avx512_emulated, 3)
#endif

/* wide: ckm_plain_wide() */
static ckm_idx plain_tile(int wide, const double *x, ckm_idx n, int d,
                          const double *ct, int k, ckm_idx i0, int len,
                          int *labels, double *dist, double *second,
                          double *tile_sum)
{
#if CKM_PLAIN_BLOCKED
  if (wide == 1)
    return plain_tile_avx2(x, n, d, ct, k, i0, len, labels, dist, second,
                           tile_sum);
  if (wide == 2)
    return plain_tile_avx512(x, n, d, ct, k, i0, len, labels, dist, second,
                             tile_sum);
  if (wide == 3)
    return plain_tile_avx512_emulated(x, n, d, ct, k, i0, len, labels, dist,
                                      second, tile_sum);
#endif
  return plain_tile_base(x, n, d, ct, k, i0, len, labels, dist, second,
                         tile_sum);
}

/* The nearest centre (ties to the lowest index), its squared distance and
 * the second smallest squared distance of the rows rows[0 .. m) of X, with
 * the plain kernel's bits (its register-blocked build where wide): the rows
 * are copied CKM_ROWS_CHUNK at a time into buf (CKM_ROWS_CHUNK x d
 * doubles), a small column-major matrix the kernel reads as a tile. For the
 * points the bounds cannot settle, together instead of one at a time. */
void ckm_plain_rows(int wide, const double *x, ckm_idx n, int d,
                    const double *ct, int k, const ckm_idx *rows, int m,
                    double *buf, int *lab, double *best, double *second)
{
  /* the register-blocked builds take 16 points (AVX2: 8) at a time and
   * leave the rest to a loop over the centres, so much slower per point
   * that a whole block costs less even for one row left over (measured:
   * also less than padding only from 4 rows): a chunk's last rows are
   * padded with copies of its first row to a whole block (each lane is a
   * point of its own, so the padding changes no bit of the others) */
  const int pb = !CKM_PLAIN_BLOCKED || !wide ? 1 : wide == 1 ? 8 : 16;
  int labs[CKM_ROWS_CHUNK];
  double b1[CKM_ROWS_CHUNK], b2[CKM_ROWS_CHUNK];
  for (int q0 = 0; q0 < m; q0 += CKM_ROWS_CHUNK) {
    const int len = m - q0 < CKM_ROWS_CHUNK ? m - q0 : CKM_ROWS_CHUNK;
    const int rest = len % pb;
    const int padded = rest ? len - rest + pb : len;
    for (int c = 0; c < d; c++) {
      const double *xc = x + (size_t) c * (size_t) n;
      double *bc = buf + (size_t) c * CKM_ROWS_CHUNK;
      for (int q = 0; q < len; q++)
        bc[q] = xc[rows[q0 + q]];
      for (int q = len; q < padded; q++)
        bc[q] = bc[0];
    }
    memset(labs, 0, sizeof(int) * (size_t) padded);
    double tile_sum;
    plain_tile(wide, buf, CKM_ROWS_CHUNK, d, ct, k, 0, padded, labs, b1, b2, &tile_sum);
    memcpy(lab + q0, labs, sizeof(int) * (size_t) len);
    memcpy(best + q0, b1, sizeof(double) * (size_t) len);
    memcpy(second + q0, b2, sizeof(double) * (size_t) len);
  }
}

/* Lloyd's algorithm: every distance, every pass. */
static ckm_idx lloyd_pass(ckm_state *s, double *inertia)
{
  ckm_transpose_centres(s->centers, s->k, s->d, s->ct);
  return ckm_assign_pass(s, NULL, inertia);
}

const ckm_algo ckm_lloyd_algo = {1, NULL, NULL, lloyd_pass, lloyd_pass, NULL};

/* Lloyd's pass over one tile (ckm_pass_tiles(); ctx: where the second
 * smallest distances go, or NULL): labels, distances and the tile's sum. */
static ckm_idx assign_tile(ckm_state *s, void *ctx, ckm_idx t, int me)
{
  (void) me;
  double *second = (double *) ctx;
  const ckm_idx n = s->n, i0 = t * CKM_TILE;
  const int len = (int) (n - i0 < CKM_TILE ? n - i0 : CKM_TILE);
  if (s->fast && s->fast_full)
    return ckm_fast_tile(s->fast, s->x, n, s->ct, i0, len, s->labels, s->dist, second,
                         s->tile_sums + t);
  return plain_tile(s->wide, s->x, n, s->d, s->ct, s->k, i0, len, s->labels, s->dist,
                    second, s->tile_sums + t);
}

ckm_idx ckm_assign_pass(ckm_state *s, double *second, double *inertia)
{
  const int d = s->d, k = s->k;
  const int nt = ckm_team(s->nthreads, 3.0 * (double) s->n * k * d);
  if (s->fast && s->fast_full)
    ckm_fast_pack(s->fast, s->centers, k);
  /* block by block of ckm_block_tiles(), polling between them */
  const ckm_idx changed = ckm_pass_tiles(s, nt, ckm_block_tiles(3.0 * (double) k * d),
                                         assign_tile, second);
  *inertia = ckm_tile_total(s->comm, s->tile_sums, ckm_ntiles(s->n), &s->status);
  return changed;
}

void ckm_exact_range(const double *pt, const double *ct, int d, int j0, int j1,
                     double *out)
{
  int j = j0;
  for (; j + 4 <= j1; j += 4) {
    const double *c0 = ct + (size_t) j * d, *c1 = c0 + d, *c2 = c1 + d,
                 *c3 = c2 + d;
    double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
    for (int c = 0; c < d; c++) {
      double v = pt[c];
      double e0 = v - c0[c], e1 = v - c1[c], e2 = v - c2[c], e3 = v - c3[c];
      s0 += e0 * e0;
      s1 += e1 * e1;
      s2 += e2 * e2;
      s3 += e3 * e3;
    }
    out[j] = s0;
    out[j + 1] = s1;
    out[j + 2] = s2;
    out[j + 3] = s3;
  }
  for (; j < j1; j++)
    out[j] = ckm_exact_d2(pt, ct + (size_t) j * d, d);
}

int ckm_dist_all_width(int wide)
{
#if CKM_PLAIN_BLOCKED
  return wide == 1 ? 4 : wide == 2 || wide == 3 ? 8 : 1;
#else
  (void) wide;
  return 1;
#endif
}

void ckm_dist_all(int wide, const double *tile, int ld, int len, int d,
                  const double *ct, int k, double *out)
{
#if CKM_PLAIN_BLOCKED
  if (wide == 1) {
    dist_all_avx2(tile, ld, len, d, ct, k, out);
    return;
  }
  if (wide == 2) {
    dist_all_avx512(tile, ld, len, d, ct, k, out);
    return;
  }
  if (wide == 3) {
    dist_all_avx512_emulated(tile, ld, len, d, ct, k, out);
    return;
  }
#endif
  for (int q = 0; q < len; q++)
    for (int j = 0; j < k; j++) {
      const double *cj = ct + (size_t) j * d;
      double v = 0.0;
      for (int c = 0; c < d; c++) {
        double df = tile[q + (size_t) c * ld] - cj[c];
        v += df * df;
      }
      out[(size_t) j * ld + q] = v;
    }
}

/* ---- public: nearest centre, for predict() ----------------------------- */

size_t ckm_assign_workspace(ckm_idx n, int d, int k, int nthreads)
{
  size_t bytes = carved(sizeof(double) * (size_t) k * (size_t) d) +
                 carved(sizeof(double) * (size_t) ckm_ntiles(n)) +
                 carved(sizeof(ckm_fast));
  if (ckm_fast_isa(CKM_KERNEL_AUTO))
    bytes += carved(sizeof(double) * ckm_fast_shared_doubles(d, k)) +
             carved(sizeof(double) * ckm_fast_thread_doubles(d) *
                    (size_t) (nthreads < 1 ? 1 : nthreads));
  return bytes;
}

int ckm_assign(const double *x, ckm_idx n, int d, const double *centers, int k,
               int *labels, double *dist, int nthreads, int kernel,
               const ckm_hooks *hooks, void *work)
{
  carver cv = {(char *) work};
  ckm_state s = {0};
  s.x = x;
  s.n = n;
  s.d = d;
  s.k = k;
  s.nthreads = nthreads < 1 ? 1 : nthreads;
  s.centers = (double *) centers;
  s.ct = carve(&cv, sizeof(double) * (size_t) k * (size_t) d);
  s.tile_sums = carve(&cv, sizeof(double) * (size_t) ckm_ntiles(n));
  s.labels = labels;
  s.dist = dist;
  s.hooks = hooks;
  ckm_fast *fast = carve(&cv, sizeof(ckm_fast));
  if (ckm_fast_full(kernel, k, d)) {
    double *shared = carve(&cv, sizeof(double) * ckm_fast_shared_doubles(d, k));
    double *scratch = carve(&cv, sizeof(double) * ckm_fast_thread_doubles(d) *
                                     (size_t) s.nthreads);
    ckm_fast_prepare(fast, x, n, d, kernel, shared, scratch);
    s.fast = fast;
    s.fast_full = ckm_fast_full(kernel, k, d);
  }
  s.wide = ckm_plain_wide(kernel);
  double inertia;
  ckm_transpose_centres(centers, k, d, s.ct);
  for (ckm_idx i = 0; i < n; i++)
    labels[i] = -1;
  ckm_assign_pass(&s, NULL, &inertia);
  if (s.stopped)
    return CKM_INTERRUPTED;
  return isfinite(inertia) ? CKM_OK : CKM_ERR_NONFINITE;
}

/* ---- public: soft assignment, for predict(type = "prob") ---------------- */

int ckm_soft_assign(const double *x, ckm_idx n, int d, const double *centers,
                    int k, double beta, double *prob, int nthreads,
                    const ckm_hooks *hooks, void *work)
{
  double *ct = (double *) work;
  ckm_transpose_centres(centers, k, d, ct);
  const ckm_idx ntiles = ckm_ntiles(n);
  const int nt = ckm_team(nthreads, 3.0 * (double) n * k * d);
  const long block = ckm_block_tiles(10.0 * (double) k * d);
  int bad = 0;

  for (ckm_idx b0 = 0; b0 < ntiles; b0 += block) {
  const ckm_idx b1 = b0 + block < ntiles ? b0 + block : ntiles;
  if (b0 > 0 && ckm_should_stop(hooks))
    return CKM_INTERRUPTED;
  CKM_PARALLEL(nt, parallel for num_threads(nt) schedule(dynamic, ckm_chunk((long) (b1 - b0), nt)) reduction(|:bad),
  for (ckm_idx t = b0; t < b1; t++) {
    const ckm_idx i0 = t * CKM_TILE;
    const int len = (int) (n - i0 < CKM_TILE ? n - i0 : CKM_TILE);
    double acc[CKM_TILE], lo[CKM_TILE], sum[CKM_TILE];
    /* pass 1: the smallest squared distance of each point */
    ckm_tile_dist(x, n, d, i0, len, ct, lo);
    for (int j = 1; j < k; j++) {
      ckm_tile_dist(x, n, d, i0, len, ct + (size_t) j * d, acc);
      for (int q = 0; q < len; q++)
        lo[q] = acc[q] < lo[q] ? acc[q] : lo[q];
    }
    /* pass 2: the unnormalised weights, then their sums */
    for (int q = 0; q < len; q++)
      sum[q] = 0.0;
    for (int j = 0; j < k; j++) {
      double *pj = prob + (size_t) n * j + i0;
      ckm_tile_dist(x, n, d, i0, len, ct + (size_t) j * d, acc);
      for (int q = 0; q < len; q++) {
        pj[q] = exp(-beta * (acc[q] - lo[q]));
        sum[q] += pj[q];
      }
    }
    for (int j = 0; j < k; j++) {
      double *pj = prob + (size_t) n * j + i0;
      for (int q = 0; q < len; q++)
        pj[q] /= sum[q];
    }
    for (int q = 0; q < len; q++)
      bad |= !isfinite(sum[q]);
  });
  }
  (void) nt;
  return bad ? CKM_ERR_NONFINITE : CKM_OK;
}

/*
 * update.c: the centre update, the one place where a fit adds over points:
 * per-centre sums, counts and weights over blocks of rows; relocation of
 * empty clusters to the farthest points; one division.
 *
 * Sums are formed in index order within fixed blocks of global rows (of
 * ckm_sum_block(k) rows), exactly as stats::kmeans adds them when X fits in
 * one block, and the block sums are added with the reproducible sums of
 * rsum.h. So the centres do not depend on the thread count, nor on how the
 * rows are split over the processes of a ckm_comm (each holding whole
 * blocks), and one block gives stats::kmeans' centres bit for bit. In a
 * fit the bound passes form a changed block's sums again as soon as its
 * labels are set (ckm_pass_tiles(): its rows may still be in the caches),
 * and the update adds the kept sums.
 */
#include <stdlib.h>
#include <string.h>

#include "ckm.h"
#include "ckm_omp.h"
#include "internal.h"
#include "kernels.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define CKM_UPDATE_SIMD 1
#include <immintrin.h>
#else
#define CKM_UPDATE_SIMD 0
#endif

/* The update's own state: its scratch, the collectives' buffers, the
 * relocation's heap, and the cache of a fit's block sums. */
struct ckm_update {
  ckm_idx block;         /* rows per block of the centre sums */
  int fresh;             /* the threads of the last pass when it added
                            every block's kept sums for the labels now into
                            their reproducible sums (ckm_pass_tiles()), or 0 */
  int nthreads;          /* threads the scratch below is for */
  double *ubuf;          /* the sums' scratch (area_of()) */
  ckm_rsum *trs;         /* threads 1..: their own sums (kd + k each) */
  double *tbuf;          /* per thread: a block's sums without cache (kd + k) */
  double *tacc;          /* per thread: a block's sums as rows of 8 (8 k) */
  ckm_idx *trows;        /* per thread: rows of a block (rows_len), then k
                            group ends and k group starts; with a cache */
  size_t rows_len;
  double *upack;         /* collectives' buffer (pack_doubles()) */
  double *gsend, *grecv; /* relocation candidates, sent and gathered */
  double *hd;            /* relocation heap: keys and rows (k) */
  ckm_idx *hi;
  struct {
    int *prev;          /* the labels the cached sums were formed from (n) */
    double *sums;       /* per block: the sums of each cluster (k x d) */
    double *bw;         /* per block: the weights of each cluster (k) */
    ckm_idx *cnt;       /* per block: the size of each cluster (k) */
    unsigned char *dirty; /* per block: 0 clean, 1 some clusters, 2 all */
    unsigned char *cl;  /* per block: the clusters to sum again (k) */
    int *first;         /* per block: the first segment with a change */
    double *cps;        /* per block: the checkpoints (seg_cps() x k x d) */
    ckm_idx seg;        /* rows per segment of a block */
  } cache;              /* incremental centre sums (a fit), or all NULL */
};

/* Checkpoints. A block's sums are sums in index order, so a change at
 * row i leaves every partial sum before i as it was: the block is cut
 * into segments (seg_rows(k) rows, a multiple of 256), the partial sums of
 * each cluster at the start of each segment after the first are kept, and
 * a block whose first change is in segment m is summed again from the
 * checkpoint of segment m, the additions after it the same as a sum from
 * the block's first row (without weights; with them every block is summed
 * from its start). At least 16 k rows a segment: the checkpoints take at
 * most a sixteenth of the memory of X. */
static ckm_idx seg_rows(int k)
{
  ckm_idx g = (ckm_idx) 16 * k;
  if (g < 256)
    g = 256;
  return (g + 255) / 256 * 256;
}

/* Checkpoints per block: the segments of a whole block after the first. */
static size_t seg_cps(int k)
{
  const ckm_idx B = ckm_sum_block(k), g = seg_rows(k);
  return (size_t) ((B + g - 1) / g - 1);
}

ckm_idx ckm_sum_block(int k)
{
  ckm_idx b = (ckm_idx) 64 * k;
  if (b < 8192)
    b = 8192;
  return (b + CKM_TILE - 1) / CKM_TILE * CKM_TILE;
}

/* The update's scratch: block weights and counts (k each), then the
 * reproducible sums of the centre sums (kd) and weights (k), 4 doubles
 * each (thread 0's; the others have their own, trs). */
static size_t area_doubles(int d, int k)
{
  const size_t kd = (size_t) k * d, kk = (size_t) k;
  size_t v = 2 * kk + (sizeof(ckm_rsum) / sizeof(double)) * (kd + kk);
  return (v + 7) / 8 * 8;
}

static size_t pack_doubles(int d, int k)
{
  return (size_t) CKM_RSUM_K * ((size_t) k * d + (size_t) k) + (size_t) k;
}

/* The cache of a fit (n_cache rows): the labels of the last update and,
 * per block, each cluster's sums and weights, what to sum again and the
 * checkpoints. The sums take at most about n / 64 + k rows of d (a block
 * has at least 64 k rows), the checkpoints n / 16 + k (a segment has at
 * least 16 k rows). */
static size_t cache_blocks(ckm_idx n, int k)
{
  const ckm_idx B = ckm_sum_block(k);
  return (size_t) ((n + B - 1) / B);
}

/* Per thread: a block's sums without a cache (kd + k doubles), and with
 * one the rows of a block (no more than n) and k group ends. */
static size_t thread_doubles(ckm_idx n_cache, int d, int k)
{
  return n_cache > 0 ? 0 : (size_t) k * (d + 1);
}

static size_t rows_len(ckm_idx n_cache, int k)
{
  const ckm_idx B = ckm_sum_block(k);
  return n_cache > 0 ? (size_t) (n_cache < B ? n_cache : B) : 0;
}

static size_t thread_rows(ckm_idx n_cache, int k)
{
  return n_cache > 0 ? rows_len(n_cache, k) + 2 * (size_t) k : 0;
}

size_t ckm_update_workspace(ckm_idx n_cache, int d, int k, int nthreads,
                            int nranks)
{
  const size_t nr = (size_t) (nranks < 1 ? 1 : nranks);
  const size_t nt = (size_t) (nthreads < 1 ? 1 : nthreads), kdk = (size_t) k * (d + 1);
  size_t bytes = carved(sizeof(struct ckm_update)) +
                 carved(sizeof(ckm_rsum) * kdk * (nt - 1)) +
                 carved(sizeof(double) * thread_doubles(n_cache, d, k) * nt) +
                 carved(sizeof(double) * 8 * (size_t) k * nt) +
                 carved(sizeof(ckm_idx) * thread_rows(n_cache, k) * nt) +
                 carved(sizeof(double) * (size_t) k) +  /* heap keys */
                 carved(sizeof(ckm_idx) * (size_t) k) + /* heap rows */
                 carved(sizeof(double) * area_doubles(d, k)) +
                 carved(sizeof(double) * pack_doubles(d, k)) +
                 carved(sizeof(double) * 3 * (size_t) k) +
                 carved(sizeof(double) * 3 * (size_t) k * nr);
  if (n_cache > 0) {
    const size_t nb = cache_blocks(n_cache, k), kk = (size_t) k;
    bytes += carved(sizeof(int) * (size_t) n_cache) +
             carved(sizeof(ckm_idx) * nb * kk) +
             carved(sizeof(double) * nb * kk * (size_t) d) +
             carved(sizeof(double) * nb * kk) + carved(nb) + carved(nb * kk) +
             carved(sizeof(int) * nb) +
             carved(sizeof(double) * nb * seg_cps(k) * kk * (size_t) d);
  }
  return bytes;
}

void ckm_update_carve(ckm_state *s, carver *cv, int cache, int nthreads)
{
  const int nr = s->comm && s->comm->size > 1 ? s->comm->size : 1;
  const size_t nt = (size_t) (nthreads < 1 ? 1 : nthreads), kdk = (size_t) s->k * (s->d + 1);
  s->upd = carve(cv, sizeof(struct ckm_update));
  s->upd->nthreads = (int) nt;
  s->upd->trs = carve(cv, sizeof(ckm_rsum) * kdk * (nt - 1));
  const ckm_idx n_cache = cache ? s->n : 0;
  s->upd->tbuf = carve(cv, sizeof(double) * thread_doubles(n_cache, s->d, s->k) * nt);
  s->upd->tacc = carve(cv, sizeof(double) * 8 * (size_t) s->k * nt);
  s->upd->trows = carve(cv, sizeof(ckm_idx) * thread_rows(n_cache, s->k) * nt);
  s->upd->rows_len = rows_len(n_cache, s->k);
  s->upd->hd = carve(cv, sizeof(double) * (size_t) s->k);
  s->upd->hi = carve(cv, sizeof(ckm_idx) * (size_t) s->k);
  s->upd->block = ckm_sum_block(s->k);
  s->upd->ubuf = carve(cv, sizeof(double) * area_doubles(s->d, s->k));
  s->upd->upack = carve(cv, sizeof(double) * pack_doubles(s->d, s->k));
  s->upd->gsend = carve(cv, sizeof(double) * 3 * (size_t) s->k);
  s->upd->grecv = carve(cv, sizeof(double) * 3 * (size_t) s->k * (size_t) nr);
  memset(&s->upd->cache, 0, sizeof s->upd->cache);
  s->upd->fresh = 0;
  if (cache && s->n > 0) {
    const size_t nb = cache_blocks(s->n, s->k), kk = (size_t) s->k;
    s->upd->cache.prev = carve(cv, sizeof(int) * (size_t) s->n);
    s->upd->cache.cnt = carve(cv, sizeof(ckm_idx) * nb * kk);
    s->upd->cache.sums = carve(cv, sizeof(double) * nb * kk * (size_t) s->d);
    s->upd->cache.bw = carve(cv, sizeof(double) * nb * kk);
    s->upd->cache.dirty = carve(cv, nb);
    memset(s->upd->cache.dirty, 0, nb); /* mark_dirty() reads it before writing */
    s->upd->cache.cl = carve(cv, nb * kk);
    s->upd->cache.first = carve(cv, sizeof(int) * nb);
    s->upd->cache.cps = carve(cv, sizeof(double) * nb * seg_cps(s->k) * kk * (size_t) s->d);
    s->upd->cache.seg = seg_rows(s->k);
    for (ckm_idx i = 0; i < s->n; i++)
      s->upd->cache.prev[i] = -1; /* nothing cached yet */
  }
}

typedef struct update_area {
  double *bw, *cnt;
  ckm_rsum *rs, *rw; /* rw follows rs: kd + k sums in one array */
} update_area;

static update_area area_of(const ckm_state *s)
{
  const size_t kd = (size_t) s->k * s->d, kk = (size_t) s->k;
  double *p = s->upd->ubuf;
  update_area a;
  a.bw = p;
  a.cnt = a.bw + kk;
  a.rs = (ckm_rsum *) (a.cnt + kk);
  a.rw = a.rs + kd;
  return a;
}

static void area_zero(const ckm_state *s, update_area *a, size_t m)
{
  memset(a->cnt, 0, sizeof(double) * (size_t) s->k);
  for (size_t q = 0; q < m; q++)
    ckm_rsum_zero(a->rs + q);
}

/* Where a block's checkpoints go: checkpoint m >= 1 (each cluster's sums
 * of the rows before i0 + m seg) at cp + (m - 1) kd, k x d column-major as
 * the sums; cp NULL: none kept. */
typedef struct seg_rec {
  double *cp;
  ckm_idx seg;
  size_t kd;
} seg_rec;

/* Checkpoint m of columns [c, c + cg): cluster j's from acc[w j + q]. */
static void seg_store(const seg_rec *sr, int m, const double *acc, size_t w,
                      int c, int cg, size_t k)
{
  double *o = sr->cp + (size_t) (m - 1) * sr->kd + k * (size_t) c;
  for (int q = 0; q < cg; q++)
    for (size_t j = 0; j < k; j++)
      o[j + k * (size_t) q] = acc[w * j + (size_t) q];
}

/* acc (k rows of w) from checkpoint m0 (its first cg columns; zero when
 * m0 = 0, and the other columns always). */
static void seg_load(const seg_rec *sr, int m0, double *acc, size_t w, int c,
                     int cg, size_t k)
{
  memset(acc, 0, sizeof(double) * w * k);
  if (m0 == 0)
    return;
  const double *o = sr->cp + (size_t) (m0 - 1) * sr->kd + k * (size_t) c;
  for (int q = 0; q < cg; q++)
    for (size_t j = 0; j < k; j++)
      acc[w * j + (size_t) q] = o[j + k * (size_t) q];
}

#if CKM_UPDATE_SIMD
/* The vector builds' end: the rows [i, i1) left over after their last
 * whole group, one at a time into acc (k rows of w), then acc's first cg
 * columns into sums (k x d, column-major) from column c. */
static void rows_rest(const double *xc, size_t n, const int *labels, ckm_idx i,
                      ckm_idx i1, int c, int cg, size_t k, int w, double *acc,
                      double *sums)
{
  for (; i < i1; i++) {
    double *a = acc + (size_t) w * (size_t) labels[i];
    for (int q = 0; q < cg; q++)
      a[q] += xc[(size_t) q * n + i];
  }
  for (int q = 0; q < cg; q++)
    for (size_t j = 0; j < k; j++)
      sums[j + k * (size_t) (c + q)] = acc[(size_t) w * j + q];
}

/* The unweighted block sums of columns [c, c + cg) (cg <= 8) with the rows
 * as vectors: 8 rows of 8 columns (those past cg zero) transposed in
 * registers, each row added to its cluster's row of acc (k x 8), so a row
 * costs one addition of a vector instead of cg scalar ones. Each lane is
 * still its cluster's sum of one column from 0 in index order (the rows
 * left over after the last 8 are added one at a time, after the others):
 * the bits of block_sums(). The sums start from checkpoint m0 of sr (0:
 * from zero, at i0) and the later ones are kept at the start of each
 * segment (a multiple of 8 rows). Then into sums (k x d, column-major). */
__attribute__((target("avx512f"))) static void
rows_avx512(const double *x, size_t n, const int *labels, ckm_idx i0,
            ckm_idx i1, int c, int cg, size_t k, double *acc, double *sums,
            const seg_rec *sr, int m0)
{
  seg_load(sr, m0, acc, 8, c, cg, k);
  i0 += (ckm_idx) m0 * sr->seg;
  /* the next segment's first row (a multiple of 8 rows on) */
  ckm_idx next = sr->cp ? i0 + sr->seg : i1;
  int m = m0 + 1;
  const __m512i I1 = _mm512_set_epi64(13, 12, 5, 4, 9, 8, 1, 0);
  const __m512i I2 = _mm512_set_epi64(15, 14, 7, 6, 11, 10, 3, 2);
  const __m512i J1 = _mm512_set_epi64(11, 10, 9, 8, 3, 2, 1, 0);
  const __m512i J2 = _mm512_set_epi64(15, 14, 13, 12, 7, 6, 5, 4);
  const double *xc = x + (size_t) c * n;
  ckm_idx i = i0;
  for (; i + 8 <= i1; i += 8) {
    if (i == next) {
      seg_store(sr, m++, acc, 8, c, cg, k);
      next += sr->seg;
    }
    __m512d v[8], r[8];
#pragma GCC unroll 8
    for (int q = 0; q < 8; q++)
      v[q] = q < cg ? _mm512_loadu_pd(xc + (size_t) q * n + i) : _mm512_setzero_pd();
    const __m512d t0 = _mm512_unpacklo_pd(v[0], v[1]), t1 = _mm512_unpackhi_pd(v[0], v[1]);
    const __m512d t2 = _mm512_unpacklo_pd(v[2], v[3]), t3 = _mm512_unpackhi_pd(v[2], v[3]);
    const __m512d t4 = _mm512_unpacklo_pd(v[4], v[5]), t5 = _mm512_unpackhi_pd(v[4], v[5]);
    const __m512d t6 = _mm512_unpacklo_pd(v[6], v[7]), t7 = _mm512_unpackhi_pd(v[6], v[7]);
    const __m512d u0 = _mm512_permutex2var_pd(t0, I1, t2), u2 = _mm512_permutex2var_pd(t0, I2, t2);
    const __m512d u1 = _mm512_permutex2var_pd(t1, I1, t3), u3 = _mm512_permutex2var_pd(t1, I2, t3);
    const __m512d w0 = _mm512_permutex2var_pd(t4, I1, t6), w2 = _mm512_permutex2var_pd(t4, I2, t6);
    const __m512d w1 = _mm512_permutex2var_pd(t5, I1, t7), w3 = _mm512_permutex2var_pd(t5, I2, t7);
    r[0] = _mm512_permutex2var_pd(u0, J1, w0);
    r[4] = _mm512_permutex2var_pd(u0, J2, w0);
    r[1] = _mm512_permutex2var_pd(u1, J1, w1);
    r[5] = _mm512_permutex2var_pd(u1, J2, w1);
    r[2] = _mm512_permutex2var_pd(u2, J1, w2);
    r[6] = _mm512_permutex2var_pd(u2, J2, w2);
    r[3] = _mm512_permutex2var_pd(u3, J1, w3);
    r[7] = _mm512_permutex2var_pd(u3, J2, w3);
#pragma GCC unroll 8
    for (int t = 0; t < 8; t++) {
      double *a = acc + 8 * (size_t) labels[i + t];
      _mm512_storeu_pd(a, _mm512_add_pd(_mm512_loadu_pd(a), r[t]));
    }
  }
  if (i == next && i < i1)
    seg_store(sr, m, acc, 8, c, cg, k);
  rows_rest(xc, n, labels, i, i1, c, cg, k, 8, acc, sums);
}

/* The same with 4 rows of 4 columns (cg <= 4), acc k x 4. */
__attribute__((target("avx2"))) static void
rows_avx2(const double *x, size_t n, const int *labels, ckm_idx i0,
          ckm_idx i1, int c, int cg, size_t k, double *acc, double *sums,
          const seg_rec *sr, int m0)
{
  seg_load(sr, m0, acc, 4, c, cg, k);
  i0 += (ckm_idx) m0 * sr->seg;
  ckm_idx next = sr->cp ? i0 + sr->seg : i1;
  int m = m0 + 1;
  const double *xc = x + (size_t) c * n;
  ckm_idx i = i0;
  for (; i + 4 <= i1; i += 4) {
    if (i == next) {
      seg_store(sr, m++, acc, 4, c, cg, k);
      next += sr->seg;
    }
    __m256d v[4], r[4];
#pragma GCC unroll 4
    for (int q = 0; q < 4; q++)
      v[q] = q < cg ? _mm256_loadu_pd(xc + (size_t) q * n + i) : _mm256_setzero_pd();
    const __m256d t0 = _mm256_unpacklo_pd(v[0], v[1]), t1 = _mm256_unpackhi_pd(v[0], v[1]);
    const __m256d t2 = _mm256_unpacklo_pd(v[2], v[3]), t3 = _mm256_unpackhi_pd(v[2], v[3]);
    r[0] = _mm256_permute2f128_pd(t0, t2, 0x20);
    r[1] = _mm256_permute2f128_pd(t1, t3, 0x20);
    r[2] = _mm256_permute2f128_pd(t0, t2, 0x31);
    r[3] = _mm256_permute2f128_pd(t1, t3, 0x31);
#pragma GCC unroll 4
    for (int t = 0; t < 4; t++) {
      double *a = acc + 4 * (size_t) labels[i + t];
      _mm256_storeu_pd(a, _mm256_add_pd(_mm256_loadu_pd(a), r[t]));
    }
  }
  if (i == next && i < i1)
    seg_store(sr, m, acc, 4, c, cg, k);
  rows_rest(xc, n, labels, i, i1, c, cg, k, 4, acc, sums);
  _mm256_zeroupper();
}
#endif

static void range_sums(const ckm_state *s, ckm_idx i0, ckm_idx i1, int c0,
                       int c1, double *sums);

/* Does this fit sum blocks with the rows as vectors (no weights, a
 * vector build)? Only then does a block's sum start from a checkpoint. */
static int update_vector(const ckm_state *s)
{
#if CKM_UPDATE_SIMD
  return !s->w && (s->wide == 2 || s->wide == 1 || s->wide == 3);
#else
  (void) s;
  return 0;
#endif
}

/* Sums over rows [i0, i1) of each cluster's points (of w_i x_i with
 * weights), columns [c0, c1), each in index order from 0, into sums (k x d,
 * column-major; those columns zeroed first), the checkpoints of sr kept on
 * the way (without weights). With m0 > 0 (only where update_vector()) the
 * sums start from checkpoint m0, at row i0 + m0 seg. The points are the
 * outer loop and four columns the inner one, their pointers in registers:
 * the sums of different columns are independent chains of additions, so
 * they overlap even when consecutive points share a cluster (sorted data),
 * and each column of X is read as a stream. */
static void block_sums(const ckm_state *s, ckm_idx i0, ckm_idx i1, int c0,
                       int c1, double *sums, double *acc, const seg_rec *sr,
                       int m0)
{
  const size_t k = (size_t) s->k;
#if CKM_UPDATE_SIMD
  if (update_vector(s)) {
    const size_t n = (size_t) s->n;
    const int g = s->wide == 2 ? 8 : 4;
    for (int c = c0; c < c1; c += g) {
      const int cg = c1 - c < g ? c1 - c : g;
      if (g == 8)
        rows_avx512(s->x, n, s->labels, i0, i1, c, cg, k, acc, sums, sr, m0);
      else
        rows_avx2(s->x, n, s->labels, i0, i1, c, cg, k, acc, sums, sr, m0);
    }
    return;
  }
#else
  (void) acc;
#endif
  (void) m0; /* 0: see update_vector() */
  memset(sums + k * c0, 0, sizeof(double) * k * (size_t) (c1 - c0));
  if (!sr->cp || s->w) {
    range_sums(s, i0, i1, c0, c1, sums);
    return;
  }
  /* segment by segment, the sums so far kept at the start of each */
  int m = 0;
  for (ckm_idx e0 = i0; e0 < i1; e0 += sr->seg, m++) {
    if (m > 0)
      memcpy(sr->cp + (size_t) (m - 1) * sr->kd + k * (size_t) c0, sums + k * (size_t) c0,
             sizeof(double) * k * (size_t) (c1 - c0));
    range_sums(s, e0, e0 + sr->seg < i1 ? e0 + sr->seg : i1, c0, c1, sums);
  }
}

/* Rows [i0, i1) added to the sums of columns [c0, c1) of sums. */
static void range_sums(const ckm_state *s, ckm_idx i0, ckm_idx i1, int c0,
                       int c1, double *sums)
{
  const size_t n = (size_t) s->n, k = (size_t) s->k;
  const int *labels = s->labels;
  const double *w = s->w;
  int c = c0;
  for (; c + 4 <= c1; c += 4) {
    const double *x0 = s->x + c * n, *x1 = x0 + n, *x2 = x1 + n, *x3 = x2 + n;
    double *s0 = sums + k * c, *s1 = s0 + k, *s2 = s1 + k, *s3 = s2 + k;
    if (w) {
      for (ckm_idx i = i0; i < i1; i++) {
        const int j = labels[i];
        const double wi = w[i];
        s0[j] += wi * x0[i];
        s1[j] += wi * x1[i];
        s2[j] += wi * x2[i];
        s3[j] += wi * x3[i];
      }
    } else {
      for (ckm_idx i = i0; i < i1; i++) {
        const int j = labels[i];
        s0[j] += x0[i];
        s1[j] += x1[i];
        s2[j] += x2[i];
        s3[j] += x3[i];
      }
    }
  }
  if (c + 2 <= c1) {
    const double *x0 = s->x + c * n, *x1 = x0 + n;
    double *s0 = sums + k * c, *s1 = s0 + k;
    if (w) {
      for (ckm_idx i = i0; i < i1; i++) {
        const int j = labels[i];
        s0[j] += w[i] * x0[i];
        s1[j] += w[i] * x1[i];
      }
    } else {
      for (ckm_idx i = i0; i < i1; i++) {
        const int j = labels[i];
        s0[j] += x0[i];
        s1[j] += x1[i];
      }
    }
    c += 2;
  }
  if (c < c1) {
    const double *x0 = s->x + c * n;
    double *s0 = sums + k * c;
    if (w) {
      for (ckm_idx i = i0; i < i1; i++)
        s0[labels[i]] += w[i] * x0[i];
    } else {
      for (ckm_idx i = i0; i < i1; i++)
        s0[labels[i]] += x0[i];
    }
  }
}

/* Has block b changed members since its sums were cached? Its state: 0
 * no, 1 some clusters (marked in cl; first: the segment of the first
 * change), 2 sum it whole (a block seen for the first time, or more than
 * half of its clusters changed). The cache's labels and the block's
 * cluster sizes follow the labels now. */
static unsigned char mark_block(ckm_state *s, ckm_idx b)
{
  const ckm_idx n = s->n, B = s->upd->block;
  const int k = s->k;
  const ckm_idx i0 = b * B, i1 = i0 + B < n ? i0 + B : n;
  unsigned char *cl = s->upd->cache.cl + (size_t) b * k;
  ckm_idx *cnt = s->upd->cache.cnt + (size_t) b * k;
  int *prev = s->upd->cache.prev;
  unsigned char state = 0;
  /* most blocks of a late iteration have not changed at all */
  /* (the flags of neighbouring blocks share a cache line, which the
   * threads would pass back and forth: written only when they change) */
  if (memcmp(s->labels + i0, prev + i0, sizeof(int) * (size_t) (i1 - i0)) == 0) {
    if (s->upd->cache.dirty[b] != 0)
      s->upd->cache.dirty[b] = 0;
    return 0;
  }
  memset(cl, 0, (size_t) k);
  ckm_idx first = -1;
  /* late in a fit a changed block has a few changed rows: runs of rows
   * equal to the cache are passed over 256 at a time */
  for (ckm_idx j0 = i0; j0 < i1; j0 += 256) {
    const ckm_idx j1 = j0 + 256 < i1 ? j0 + 256 : i1;
    if (memcmp(s->labels + j0, prev + j0, sizeof(int) * (size_t) (j1 - j0)) == 0)
      continue;
    if (first < 0)
      first = j0;
    for (ckm_idx i = j0; i < j1; i++) {
      const int now = s->labels[i], was = prev[i];
      if (now == was)
        continue;
      if (was < 0) {
        state = 2;
      } else {
        cl[was] = 1;
        cnt[was]--; /* the block's cluster sizes follow the moves */
        cnt[now]++;
      }
      cl[now] = 1;
      prev[i] = now;
      if (state == 0)
        state = 1;
    }
  }
  if (state == 2) { /* a block seen for the first time: counted */
    for (int j = 0; j < k; j++)
      cnt[j] = 0;
    for (ckm_idx i = i0; i < i1; i++)
      cnt[s->labels[i]]++;
  }
  if (state == 1) {
    int m = 0;
    for (int j = 0; j < k; j++)
      m += cl[j];
    if (2 * m > k)
      state = 2;
  }
  if (s->upd->cache.dirty[b] != state)
    s->upd->cache.dirty[b] = state;
  /* segments are whole runs of 256 rows: the run of the first change
   * is in the segment of the first change (a block seen for the first
   * time changed in its first row) */
  if (state != 0)
    s->upd->cache.first[b] = (int) ((first - i0) / s->upd->cache.seg);
  return state;
}

/* Which blocks, and which of their clusters, have changed members since
 * the sums were cached (mark_block()). Returns the number of blocks to sum
 * again. */
static ckm_idx mark_dirty(ckm_state *s, ckm_idx nblocks)
{
  ckm_idx ndirty = 0;
  const int nt = ckm_team(s->nthreads, (double) s->n);
  (void) nt;
  CKM_PARALLEL(nt, parallel for num_threads(nt) schedule(dynamic, 4) reduction(+:ndirty),
  for (ckm_idx b = 0; b < nblocks; b++)
    ndirty += mark_block(s, b) != 0;
  );
  return ndirty;
}

/* The sums over rows r[0..len) of w_i x_i of nc <= 4 columns from c, in
 * index order, into out[0], out[k], ... (with weights; without, see
 * group_resume()). */
static void group_wsums(const ckm_state *s, int c, int nc, const ckm_idx *r,
                        ckm_idx len, double *out, int k)
{
  const size_t n = (size_t) s->n;
  const double *x0 = s->x + (size_t) c * n;
  const double *w = s->w;
  for (int q = 0; q < nc; q++) {
    double a = 0.0;
    for (ckm_idx t = 0; t < len; t++)
      a += w[r[t]] * x0[q * n + r[t]];
    out[(size_t) q * k] = a;
  }
}

/* Cluster j's sums of NC columns from x0 (n rows a column) over its rows
 * r[*t ..] before row e, in index order, added to a (NC a constant after
 * inlining: the sums stay in registers, one chain of additions a column,
 * the columns side by side). */
static inline __attribute__((always_inline)) void
resume_cols(const double *x0, size_t n, const ckm_idx *r, ckm_idx len,
            ckm_idx *t, ckm_idx e, double *a, const int NC)
{
  double a0 = a[0], a1 = a[1], a2 = a[2], a3 = a[3];
  ckm_idx q = *t;
  for (; q < len && r[q] < e; q++) {
    const size_t i = (size_t) r[q];
    a0 += x0[i];
    if (NC > 1)
      a1 += x0[n + i];
    if (NC > 2)
      a2 += x0[2 * n + i];
    if (NC > 3)
      a3 += x0[3 * n + i];
  }
  a[0] = a0;
  a[1] = a1;
  a[2] = a2;
  a[3] = a3;
  *t = q;
}

/* Cluster j's sums of columns [c, c + nc) (nc <= 4, no weights) over its
 * rows r[0 .. len) of the block [i0, i1) from segment m0 on, in index
 * order, continued from its checkpoint m0 (from 0 when m0 = 0), its later
 * checkpoints written on the way; into sums[j + k c'] (k x d). */
static void group_resume(const ckm_state *s, const seg_rec *sr, ckm_idx i0,
                         ckm_idx i1, int m0, int j, int c, int nc,
                         const ckm_idx *r, ckm_idx len, double *sums)
{
  const size_t n = (size_t) s->n, k = (size_t) s->k;
  const double *x0 = s->x + (size_t) c * n;
  double a[4] = {0.0, 0.0, 0.0, 0.0};
  const size_t at = (size_t) j + k * (size_t) c;
  if (m0 > 0)
    for (int q = 0; q < nc; q++)
      a[q] = sr->cp[(size_t) (m0 - 1) * sr->kd + at + k * (size_t) q];
  ckm_idx t = 0;
  for (int m = m0;; m++) {
    const ckm_idx e = i1 - i0 > (ckm_idx) (m + 1) * sr->seg ? i0 + (ckm_idx) (m + 1) * sr->seg : i1;
    switch (nc) {
    case 4: resume_cols(x0, n, r, len, &t, e, a, 4); break;
    case 3: resume_cols(x0, n, r, len, &t, e, a, 3); break;
    case 2: resume_cols(x0, n, r, len, &t, e, a, 2); break;
    default: resume_cols(x0, n, r, len, &t, e, a, 1);
    }
    if (e >= i1)
      break;
    double *o = sr->cp + (size_t) m * sr->kd + at; /* checkpoint m + 1 */
    for (int q = 0; q < nc; q++)
      o[k * (size_t) q] = a[q];
  }
  for (int q = 0; q < nc; q++)
    sums[at + k * (size_t) q] = a[q];
}

/* The rows of [from, i1) in the clusters marked in cl, grouped by cluster
 * in rows, each group in index order: cluster j's from rows + beg[j] to
 * rows + end[j] (counted, then placed without a branch: which cluster a
 * row is in is data, and the rows of the other clusters all go to one
 * slot past the groups, never read). */
static void list_rows(const int *labels, ckm_idx from, ckm_idx i1,
                      const unsigned char *cl, int k, ckm_idx *rows,
                      ckm_idx *end, ckm_idx *beg)
{
  ckm_idx m = 0;
  for (int j = 0; j < k; j++)
    end[j] = 0;
  for (ckm_idx i = from; i < i1; i++)
    end[labels[i]] += cl[labels[i]];
  for (int j = 0; j < k; j++)
    if (cl[j]) {
      const ckm_idx c = end[j];
      beg[j] = end[j] = m;
      m += c;
    }
  for (int j = 0; j < k; j++)
    if (!cl[j])
      end[j] = m;
  for (ckm_idx i = from; i < i1; i++) {
    const int l = labels[i];
    rows[end[l]] = i;
    end[l] += cl[l];
  }
}

/* Block b's sums over columns [c0, c1) (and, for the first range, its
 * cluster weights) formed again into sums (k x d) and bw (k) as its state
 * st asks (2: whole; 1: where it changed). A block where few clusters
 * changed is read through the list of its rows in those clusters (rows:
 * scratch of up to a block's rows and k more), in index order, so each
 * sum is formed as in a full pass. */
static void block_form(const ckm_state *s, ckm_idx b, int c0, int c1,
                       unsigned char st, double *sums, double *bw,
                       ckm_idx *rows, double *acc)
{
  const ckm_idx n = s->n, B = s->upd->block;
  const ckm_idx i0 = b * B, i1 = i0 + B < n ? i0 + B : n;
  const int k = s->k;
  const size_t kd = (size_t) k * s->d;
  const int cached = s->upd->cache.prev != NULL;
  const unsigned char *cl = cached ? s->upd->cache.cl + (size_t) b * k : NULL;
  const int *labels = s->labels;
  const int wfirst = s->w && c0 == 0;
  seg_rec sr = {NULL, s->upd->cache.seg, kd};
  if (cached)
    sr.cp = s->upd->cache.cps + (size_t) b * seg_cps(k) * kd;
  if (st == 2) {
    /* with the rows as vectors, from the checkpoint of the first change */
    block_sums(s, i0, i1, c0, c1, sums, acc, &sr,
               cached && update_vector(s) ? s->upd->cache.first[b] : 0);
    if (wfirst) {
      memset(bw, 0, sizeof(double) * (size_t) k);
      for (ckm_idx i = i0; i < i1; i++)
        bw[labels[i]] += s->w[i];
    }
  } else if (st == 1 && update_vector(s)) {
    /* from the checkpoint of the segment of the first change, every
     * cluster (those that did not change get their sums again): a stream
     * through X with vector sums costs less than reading the rows of the
     * changed clusters alone */
    block_sums(s, i0, i1, c0, c1, sums, acc, &sr, s->upd->cache.first[b]);
  } else if (st == 1 && !s->w) {
    /* from the checkpoint of the segment of the first change: the rows
     * of the changed clusters from there (counted, then placed), grouped
     * by cluster, each group in index order */
    const int m0 = s->upd->cache.first[b];
    ckm_idx *end = rows + s->upd->rows_len, *beg = end + k;
    list_rows(labels, i0 + (ckm_idx) m0 * sr.seg, i1, cl, k, rows, end, beg);
    for (int j = 0; j < k; j++)
      if (cl[j])
        for (int c = c0; c < c1; c += 4)
          group_resume(s, &sr, i0, i1, m0, j, c, c1 - c < 4 ? c1 - c : 4, rows + beg[j],
                       end[j] - beg[j], sums);
  } else if (st == 1) {
    /* with weights: the rows of the changed clusters, from the block's
     * first row */
    ckm_idx *end = rows + s->upd->rows_len, *beg = end + k;
    list_rows(labels, i0, i1, cl, k, rows, end, beg);
    for (int j = 0; j < k; j++) {
      if (!cl[j])
        continue;
      const ckm_idx *r = rows + beg[j], len = end[j] - beg[j];
      for (int c = c0; c < c1; c += 4)
        group_wsums(s, c, c1 - c < 4 ? c1 - c : 4, r, len, sums + j + (size_t) k * c, k);
      if (wfirst) {
        double acc = 0.0;
        for (ckm_idx q = 0; q < len; q++)
          acc += s->w[r[q]];
        bw[j] = acc;
      }
    }
  }
}

/* One unit of the update: block b's sums over columns [c0, c1) (and, for
 * the first range, its cluster weights), formed again where the block
 * changed (block_form()), then added exactly into the thread's own
 * reproducible sums rs (the m = kd [+ k] sums of all clusters: rw follows
 * rs). Without a cache (bsum: scratch of kd + k) the block is summed
 * whole. */
static void unit_sums(const ckm_state *s, ckm_idx b, int c0, int c1,
                      ckm_rsum *rs, double *bsum, ckm_idx *rows, double *acc)
{
  const int k = s->k;
  const size_t kd = (size_t) k * s->d;
  const int cached = s->upd->cache.prev != NULL;
  double *sums = cached ? s->upd->cache.sums + (size_t) b * kd : bsum;
  double *bw = cached ? s->upd->cache.bw + (size_t) b * k : bsum + kd;
  const unsigned char st = cached ? s->upd->cache.dirty[b] : 2;
  if (st != 0)
    block_form(s, b, c0, c1, st, sums, bw, rows, acc);
  for (size_t q = (size_t) k * c0; q < (size_t) k * c1; q++)
    ckm_rsum_add(rs + q, sums[q]);
  if (s->w && c0 == 0)
    for (int j = 0; j < k; j++)
      ckm_rsum_add(rs + kd + j, bw[j]);
}

/* In a fit, as soon as a pass has set the labels of block b (thread me
 * of its team, no more than the update's threads): the block's sums
 * formed again at once, while its labels and the rows the pass read are
 * still in the caches; the update then finds the block clean. The same
 * sums as the update would form. */
static void update_block(ckm_state *s, ckm_idx b, int me)
{
  const unsigned char st = mark_block(s, b);
  if (st == 0)
    return;
  const int k = s->k;
  const size_t kd = (size_t) k * s->d;
  block_form(s, b, 0, s->d, st, s->upd->cache.sums + (size_t) b * kd,
             s->upd->cache.bw + (size_t) b * k,
             s->upd->trows + (size_t) me * thread_rows(s->n, k),
             s->upd->tacc + (size_t) me * 8 * (size_t) k);
  s->upd->cache.dirty[b] = 0;
}

ckm_idx ckm_pass_tiles(ckm_state *s, int nt, long poll, ckm_tile_fn fn, void *ctx)
{
  const ckm_idx ntiles = ckm_ntiles(s->n);
  const ckm_idx B = s->upd && s->upd->cache.prev ? s->upd->block : 0;
  const ckm_idx nblocks = B > 0 ? (s->n + B - 1) / B : 0;
  const int fused = B > 0 && nblocks >= 4 * (ckm_idx) nt && nt <= s->upd->nthreads;
  /* a unit: a block of the update's, or 4 tiles; units between polls */
  const ckm_idx tpu = fused ? B / CKM_TILE : 4, nunits = (ntiles + tpu - 1) / tpu;
  const ckm_idx per = poll > 0 ? (poll / tpu > 1 ? poll / tpu : 1) : nunits;
  const int k = s->k;
  const size_t kd = (size_t) k * s->d, m = kd + (s->w ? (size_t) k : 0);
  update_area a0 = {NULL, NULL, NULL, NULL};
  int used = 1;
  if (fused) {
    /* each block's sums, formed again once its tiles are done or kept,
     * go into the thread's own reproducible sums: ckm_cluster_sums()
     * merges them and takes no second pass over the blocks */
    a0 = area_of(s);
    area_zero(s, &a0, kd + (size_t) k); /* rw follows rs */
    for (int t = 1; t < nt; t++)
      for (size_t q = 0; q < m; q++)
        ckm_rsum_zero(s->upd->trs + (size_t) (t - 1) * (kd + k) + q);
  }
  ckm_idx changed = 0;
  for (ckm_idx u0 = 0; u0 < nunits; u0 += per) {
    if (u0 > 0 && ckm_should_stop(s->hooks)) {
      s->stopped = 1;
      return changed;
    }
    const ckm_idx u1 = u0 + per < nunits ? u0 + per : nunits;
    if (!fused) {
      CKM_PARALLEL(nt, parallel for num_threads(nt) schedule(dynamic, 1) reduction(+:changed),
      for (ckm_idx u = u0; u < u1; u++) {
        const int me = ckm_thread_num();
        const ckm_idx t1 = (u + 1) * tpu < ntiles ? (u + 1) * tpu : ntiles;
        for (ckm_idx t = u * tpu; t < t1; t++)
          changed += fn(s, ctx, t, me);
      });
      continue;
    }
    ckm_idx next = u0;
    CKM_PARALLEL(nt, parallel num_threads(nt) shared(next) reduction(+:changed),
    {
      const int me = ckm_thread_num(), team = ckm_num_threads();
      if (me == 0 && team > used)
        used = team;
      ckm_rsum *rs = me == 0 ? a0.rs : s->upd->trs + (size_t) (me - 1) * (kd + k);
      for (;;) {
        const ckm_idx b = team > 1 ? __atomic_fetch_add(&next, 1, __ATOMIC_RELAXED) : next++;
        if (b >= u1)
          break;
        const ckm_idx t1 = (b + 1) * tpu < ntiles ? (b + 1) * tpu : ntiles;
        for (ckm_idx t = b * tpu; t < t1; t++)
          changed += fn(s, ctx, t, me);
        update_block(s, b, me);
        unit_sums(s, b, 0, s->d, rs, NULL, NULL, NULL); /* kept: added only */
      }
    });
  }
  if (fused)
    s->upd->fresh = used;
  return changed;
}

/* Sizes (s->counts), total weights (s->wsum, with weights) and column sums
 * (s->centers: sums of the points, or of w_i x_i) per cluster, over all
 * rows of all processes.
 *
 * In a fit the block sums are kept from one update to the next, and only
 * the clusters whose members changed within a block are summed again (late
 * in a fit few points move: most of X is not read). The kept sums are the
 * ones a full pass would form, so the centres are the same bit for bit.
 *
 * Threads split the work by rows: each takes whole blocks (in turn, the
 * changed ones and the unchanged ones dealt out separately) and adds
 * their sums into reproducible sums of its own, merged at the end; with
 * fewer blocks than threads, blocks are split by columns too. Every block
 * sum is still a sum in index order, and exact addition makes the result
 * independent of who added what. */
int ckm_cluster_sums(ckm_state *s)
{
  const ckm_idx n = s->n, B = s->upd->block, nblocks = (n + B - 1) / B;
  const int k = s->k, d = s->d;
  const size_t kd = (size_t) k * d, m = kd + (s->w ? (size_t) k : 0);
  const int cached = s->upd->cache.prev != NULL;
  /* the threads of the last pass, when it added every block's sums for
   * the labels now (ckm_pass_tiles()), or 0 */
  const int pre = s->upd->fresh;
  s->upd->fresh = 0;
  update_area a0 = area_of(s);
  if (!pre)
    area_zero(s, &a0, kd + (size_t) k); /* rw follows rs */

  /* counts (integers: exact in any order), in a fit from the blocks' */
  ckm_idx todo = nblocks;
  for (int j = 0; j < k; j++)
    s->counts[j] = 0;
  if (cached) {
    todo = pre ? 0 : mark_dirty(s, nblocks);
    for (ckm_idx b = 0; b < nblocks; b++)
      for (int j = 0; j < k; j++)
        s->counts[j] += s->upd->cache.cnt[(size_t) b * k + j];
  } else {
    for (ckm_idx i = 0; i < n; i++)
      s->counts[s->labels[i]]++;
  }
  for (int j = 0; j < k; j++)
    a0.cnt[j] = (double) s->counts[j];

  const double work = (double) todo * B * d + 8.0 * (double) nblocks * kd;
  const int nt = pre ? 1 : ckm_team(s->nthreads < s->upd->nthreads ? s->nthreads : s->upd->nthreads, work);
  const int ncr = nblocks >= nt ? 1 : (d < nt ? d : nt);
  /* the team the runtime gave (it may give fewer threads than asked, as
   * with OMP_DYNAMIC): only their sums are merged */
  int used = pre ? pre : 1;
  ckm_idx next = 0;
  if (!pre) {
    CKM_PARALLEL(nt, parallel num_threads(nt) shared(next),
    {
      const int me = ckm_thread_num(), team = ckm_num_threads();
      if (me == 0)
        used = team;
      ckm_rsum *rs = me == 0 ? a0.rs : s->upd->trs + (size_t) (me - 1) * (kd + k);
      double *bsum = s->upd->tbuf + (size_t) me * thread_doubles(cached ? n : 0, d, k);
      ckm_idx *rows = s->upd->trows + (size_t) me * thread_rows(cached ? n : 0, k);
      double *acc = s->upd->tacc + (size_t) me * 8 * (size_t) k;
      if (me > 0)
        for (size_t q = 0; q < m; q++)
          ckm_rsum_zero(rs + q);
      /* units taken in turn as threads come free (a changed block costs
       * far more than one whose sums are kept) */
      for (;;) {
        const ckm_idx u = team > 1 ? __atomic_fetch_add(&next, 1, __ATOMIC_RELAXED) : next++;
        if (u >= nblocks * ncr)
          break;
        const ckm_idx b = u / ncr;
        const int r = (int) (u % ncr);
        unit_sums(s, b, (int) ((long) d * r / ncr), (int) ((long) d * (r + 1) / ncr),
                  rs, bsum, rows, acc);
      }
    });
  }
  for (int t = 1; t < used; t++)
    for (size_t q = 0; q < m; q++)
      ckm_rsum_merge(a0.rs + q, s->upd->trs + (size_t) (t - 1) * (kd + k) + q);

  /* rw follows rs, so the m sums are contiguous */
  int st = ckm_rsum_allreduce(s->comm, a0.rs, m, s->upd->upack);
  if (!st)
    st = ckm_allreduce(s->comm, a0.cnt, (size_t) k, CKM_OP_SUM);
  if (st)
    return s->status = st;
  for (size_t q = 0; q < kd; q++)
    s->centers[q] = ckm_rsum_value(a0.rs + q);
  for (int j = 0; j < k; j++) {
    s->counts[j] = (ckm_idx) a0.cnt[j];
    if (s->w)
      s->wsum[j] = ckm_rsum_value(a0.rw + j);
  }
  return CKM_OK;
}

/* Centres := sums / counts (or total weights), for non-empty clusters. */
void ckm_divide(ckm_state *s)
{
  for (int c = 0; c < s->d; c++)
    for (int j = 0; j < s->k; j++)
      if (s->counts[j] > 0)
        s->centers[j + (size_t) s->k * c] /=
            s->w ? s->wsum[j] : (double) s->counts[j];
}

/* Within-cluster sums of squares (weighted with weights) from s->dist,
 * each over its points by blocks, then exactly. */
void ckm_cluster_wss(ckm_state *s, double *wss)
{
  const ckm_idx n = s->n, B = s->upd->block, nblocks = (n + B - 1) / B;
  const int k = s->k;
  update_area a = area_of(s);
  s->upd->fresh = 0; /* the pass's sums are overwritten here */
  for (int j = 0; j < k; j++)
    ckm_rsum_zero(a.rw + j);
  for (ckm_idx b = 0; b < nblocks; b++) {
    const ckm_idx i0 = b * B, i1 = i0 + B < n ? i0 + B : n;
    memset(a.bw, 0, sizeof(double) * (size_t) k);
    if (s->w) {
      for (ckm_idx i = i0; i < i1; i++)
        a.bw[s->labels[i]] += s->w[i] * s->dist[i];
    } else {
      for (ckm_idx i = i0; i < i1; i++)
        a.bw[s->labels[i]] += s->dist[i];
    }
    for (int j = 0; j < k; j++)
      ckm_rsum_add(a.rw + j, a.bw[j]);
  }
  int st = ckm_rsum_allreduce(s->comm, a.rw, (size_t) k, s->upd->upack);
  if (st)
    s->status = st;
  for (int j = 0; j < k; j++)
    wss[j] = ckm_rsum_value(a.rw + j);
}

/* ---- relocation of empty clusters ---------------------------------------- */

/* Is candidate (da, ia) farther than (db, ib)? Ties: the lower row first. */
static inline int farther(double da, double ia, double db, double ib)
{
  return da > db || (da == db && ia < ib);
}

/* Min-heap of the m farthest candidates seen so far: the nearest on top. */
static void heap_sift_down(double *hd, ckm_idx *hi, int size, int pos,
                           ckm_idx row0)
{
  for (;;) {
    int l = 2 * pos + 1, r = l + 1, m = pos;
    if (l < size && farther(hd[m], (double) (hi[m] + row0), hd[l], (double) (hi[l] + row0)))
      m = l;
    if (r < size && farther(hd[m], (double) (hi[m] + row0), hd[r], (double) (hi[r] + row0)))
      m = r;
    if (m == pos)
      return;
    double td = hd[m]; hd[m] = hd[pos]; hd[pos] = td;
    ckm_idx ti = hi[m]; hi[m] = hi[pos]; hi[pos] = ti;
    pos = m;
  }
}

static void heap_sift_up(double *hd, ckm_idx *hi, int pos, ckm_idx row0)
{
  while (pos > 0) {
    int parent = (pos - 1) / 2;
    if (!farther(hd[parent], (double) (hi[parent] + row0), hd[pos], (double) (hi[pos] + row0)))
      return;
    double td = hd[parent]; hd[parent] = hd[pos]; hd[pos] = td;
    ckm_idx ti = hi[parent]; hi[parent] = hi[pos]; hi[pos] = ti;
    pos = parent;
  }
}

/* candidates: (distance, global row, label) triples */
static int cand_cmp(const void *pa, const void *pb)
{
  const double *a = (const double *) pa, *b = (const double *) pb;
  if (farther(a[0], a[1], b[0], b[1]))
    return -1;
  if (farther(b[0], b[1], a[0], a[1]))
    return 1;
  return 0;
}

/*
 * Give every empty cluster a point: the points farthest from their own
 * centre (dist, from the last assignment) over all processes move to the
 * empty clusters, the farthest to the lowest-numbered empty cluster, as
 * scikit-learn relocates empty clusters. A point is taken only from a
 * cluster that keeps at least one member. counts are the global sizes;
 * every process makes the same moves (and changes the labels and
 * distances of its own rows). Returns the number of moves, over all
 * processes; a failed collective sets *status.
 */
ckm_idx ckm_relocate(ckm_idx n, int k, int *labels, double *dist,
                     ckm_idx *counts, const ckm_comm *comm,
                     const ckm_reloc_work *w, int *status)
{
  const ckm_idx row0 = comm ? comm->row0 : 0;
  const int nr = comm && comm->size > 1 ? comm->size : 1;
  double *hd = w->hd;
  ckm_idx *hi = w->hi;
  double *send = w->send, *recv = w->recv;
  ckm_idx moved = 0;
  for (;;) {
    int m = 0;
    for (int j = 0; j < k; j++)
      m += counts[j] == 0;
    if (m == 0)
      return moved;

    /* this process's m farthest points of clusters with two or more */
    int size = 0;
    for (ckm_idx i = 0; i < n; i++) {
      if (counts[labels[i]] < 2)
        continue;
      if (size < m) {
        hd[size] = dist[i];
        hi[size] = i;
        heap_sift_up(hd, hi, size, row0);
        size++;
      } else if (farther(dist[i], (double) (i + row0), hd[0], (double) (hi[0] + row0))) {
        hd[0] = dist[i];
        hi[0] = i;
        heap_sift_down(hd, hi, size, 0, row0);
      }
    }
    for (int q = 0; q < m; q++) {
      send[3 * q] = q < size ? hd[q] : -1.0; /* -1: no candidate */
      send[3 * q + 1] = q < size ? (double) (hi[q] + row0) : -1.0;
      send[3 * q + 2] = q < size ? (double) labels[hi[q]] : -1.0;
    }
    int st = ckm_allgather(comm, send, 3 * (size_t) m, recv);
    if (st) {
      *status = st;
      return moved;
    }
    /* all candidates, farthest first (distances are >= 0) */
    size_t nc = 0;
    for (size_t q = 0; q < (size_t) m * nr; q++)
      if (recv[3 * q + 1] >= 0.0) {
        if (nc != q)
          memmove(recv + 3 * nc, recv + 3 * q, sizeof(double) * 3);
        nc++;
      }
    if (nc == 0)
      return moved; /* cannot happen while n >= k */
    qsort(recv, nc, sizeof(double) * 3, cand_cmp);

    int e = 0;
    for (size_t q = 0; q < nc && q < (size_t) m; q++) {
      while (e < k && counts[e] != 0)
        e++;
      if (e == k)
        break;
      const ckm_idx g = (ckm_idx) recv[3 * q + 1];
      const int from = (int) recv[3 * q + 2];
      if (counts[from] < 2)
        continue;
      counts[from]--;
      counts[e] = 1;
      if (g >= row0 && g < row0 + n) {
        labels[g - row0] = e;
        dist[g - row0] = 0.0;
      }
      moved++;
    }
  }
}

ckm_idx ckm_update_relocate(ckm_state *s)
{
  const ckm_reloc_work rw = {s->upd->hd, s->upd->hi, s->upd->gsend, s->upd->grecv};
  return ckm_relocate(s->n, s->k, s->labels, s->dist, s->counts, s->comm, &rw,
                      &s->status);
}

void ckm_global_sizes(ckm_state *s, ckm_idx *counts)
{
  double *c = s->upd->upack; /* has room for k */
  for (int j = 0; j < s->k; j++)
    c[j] = 0.0;
  for (ckm_idx i = 0; i < s->n; i++)
    c[s->labels[i]] += 1.0;
  int st = ckm_allreduce(s->comm, c, (size_t) s->k, CKM_OP_SUM);
  if (st)
    s->status = st;
  for (int j = 0; j < s->k; j++)
    counts[j] = (ckm_idx) c[j];
}

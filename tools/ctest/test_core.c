/*
 * test_core.c: edge cases of the numeric core, without R.
 *
 *   make -C tools/ctest test      (built with AddressSanitizer and UBSan)
 *
 * Each check prints a line only when it fails; the program exits 1 if any
 * did. The "bad inputs" counter is the number of degenerate or extreme
 * problems handed to the core.
 */
#include <stdio.h>

#include "common.h"
#include "bounds.h"
#include "fastassign.h"

static int failures = 0, checks = 0, bad_inputs = 0;

#define CHECK(cond, ...)                                                       \
  do {                                                                         \
    checks++;                                                                  \
    if (!(cond)) {                                                             \
      failures++;                                                              \
      printf("FAIL %s:%d: ", __FILE__, __LINE__);                              \
      printf(__VA_ARGS__);                                                     \
      printf("\n");                                                            \
    }                                                                          \
  } while (0)

static double *random_data(rng *r, ckm_idx n, int d, double scale)
{
  double *x = malloc(sizeof(double) * (size_t) n * d);
  for (size_t q = 0; q < (size_t) n * d; q++)
    x[q] = (rng_unif(r) - 0.5) * scale;
  return x;
}

/* k-means++ centres, or the status. */
static int seed(const double *x, ckm_idx n, int d, int k, int trials,
                const double *w, double *centers, rng *r, int nthreads)
{
  ckm_hooks h = make_hooks(r);
  ckm_idx *chosen = malloc(sizeof(ckm_idx) * (size_t) k);
  void *work = workspace(ckm_kmeanspp_workspace(n, d, k, trials, 1));
  int st = ckm_kmeanspp(x, n, d, k, w, trials, centers, chosen, nthreads,
                        CKM_KERNEL_AUTO, &h, NULL, work);
  free(work);
  free(chosen);
  return st;
}

/* The first k rows as centres. */
static double *first_rows(const double *x, ckm_idx n, int d, int k)
{
  double *c = malloc(sizeof(double) * (size_t) k * d);
  for (int j = 0; j < k; j++)
    for (int q = 0; q < d; q++)
      c[j + (size_t) k * q] = x[j + (size_t) n * q];
  return c;
}

static void all_algorithms_agree(const double *x, ckm_idx n, int d, int k,
                                 const double *start, const double *w,
                                 const char *what)
{
  fit_out ref = run_fit(x, n, d, k, start, CKM_LLOYD, CKM_KERNEL_PLAIN, 1, 100, 0.0, w);
  CHECK(ref.status == CKM_OK, "%s: status %d", what, ref.status);
  CHECK(sane_fit(&ref, n, d, k), "%s: insane result", what);
  for (int alg = 0; alg < 3; alg++)
    for (int kernel = 0; kernel < 6; kernel++)
      for (int nt = 1; nt <= 2; nt++) {
        fit_out f = run_fit(x, n, d, k, start, alg, kernel, nt, 100, 0.0, w);
        CHECK(same_fit(&ref, &f, n, d, k),
              "%s: algorithm %d kernel %d threads %d differs from Lloyd", what,
              alg, kernel, nt);
        free_fit(&f);
      }
  free_fit(&ref);
}


/* A fit refined by Hartigan's transfers (mode: enum ckm_hartigan_mode). */
static fit_out run_hartigan(const double *x, ckm_idx n, int d, int k,
                            const double *start, int mode, int nthreads,
                            const double *weights)
{
  return run_fit_h(x, n, d, k, start, CKM_LLOYD, CKM_KERNEL_AUTO, nthreads,
                   300, 0.0, weights, mode);
}

/* No single transfer lowers the (weighted) inertia of the fit: for every
 * point of a cluster of two or more, W_b / (W_b + w) d_b^2 >=
 * W_a / (W_a - w) d_a^2 (to rounding). */
static int hartigan_stable(const fit_out *f, const double *x, ckm_idx n,
                           int d, int k, const double *w)
{
  double *W = calloc((size_t) k, sizeof(double));
  for (ckm_idx i = 0; i < n; i++)
    W[f->labels[i]] += w ? w[i] : 1.0;
  int ok = 1;
  for (ckm_idx i = 0; i < n && ok; i++) {
    int a = f->labels[i];
    double wi = w ? w[i] : 1.0;
    if (f->size[a] < 2)
      continue;
    double d2[64];
    for (int j = 0; j < k; j++) {
      d2[j] = 0.0;
      for (int c = 0; c < d; c++) {
        double df = x[i + n * c] - f->centers[j + (size_t) k * c];
        d2[j] += df * df;
      }
    }
    double stay = W[a] / (W[a] - wi) * d2[a];
    for (int j = 0; j < k; j++)
      if (j != a && W[j] / (W[j] + wi) * d2[j] < stay * (1.0 - 1e-9))
        ok = 0;
  }
  free(W);
  return ok;
}

int main(void)
{
  rng r = {0x9E3779B97F4A7C15ULL};

  /* k = 1: the centre is the column means, every label 0 */
  {
    ckm_idx n = 1000; int d = 3;
    double *x = random_data(&r, n, d, 10.0);
    fit_out f = run_fit(x, n, d, 1, x, CKM_HAMERLY, CKM_KERNEL_AUTO, 2, 10, 0.0, NULL);
    CHECK(f.status == CKM_OK && sane_fit(&f, n, d, 1), "k = 1 status");
    for (int c = 0; c < d; c++) {
      double m = 0.0;
      for (ckm_idx i = 0; i < n; i++) m += x[i + n * c];
      m /= (double) n;
      CHECK(f.centers[c] == m, "k = 1 centre %d: %g vs %g", c, f.centers[c], m);
    }
    CHECK(f.info.converged && f.info.n_iter == 2, "k = 1 converges in 2 passes");
    free_fit(&f);
    free(x);
    bad_inputs++;
  }

  /* k = n: every point its own cluster, inertia 0 */
  {
    ckm_idx n = 50; int d = 2;
    double *x = random_data(&r, n, d, 1.0);
    for (int alg = 0; alg < 3; alg++) {
      fit_out f = run_fit(x, n, d, (int) n, x, alg, CKM_KERNEL_AUTO, 2, 10, 0.0, NULL);
      CHECK(f.status == CKM_OK && sane_fit(&f, n, d, (int) n), "k = n status");
      double tot = 0.0;
      for (ckm_idx j = 0; j < n; j++) tot += f.wss[j];
      CHECK(tot == 0.0, "k = n inertia %g", tot);
      for (ckm_idx i = 0; i < n; i++) CHECK(f.labels[i] == i, "k = n label");
      free_fit(&f);
    }
    free(x);
    bad_inputs++;
  }

  /* d = 1, and agreement of every algorithm, kernel and thread count */
  {
    ckm_idx n = 3000; int d = 1, k = 7;
    double *x = random_data(&r, n, d, 100.0);
    double *c = first_rows(x, n, d, k);
    all_algorithms_agree(x, n, d, k, c, NULL, "d = 1");
    free(c);
    free(x);
  }
  {
    ckm_idx n = 5000; int d = 5, k = 40;
    double *x = random_data(&r, n, d, 10.0);
    double *c = malloc(sizeof(double) * k * d);
    CHECK(seed(x, n, d, k, 1, NULL, c, &r, 2) == CKM_OK, "k-means++ status");
    all_algorithms_agree(x, n, d, k, c, NULL, "5000 x 5, k = 40");
    double *w = malloc(sizeof(double) * n);
    for (ckm_idx i = 0; i < n; i++) w[i] = 0.1 + rng_unif(&r);
    all_algorithms_agree(x, n, d, k, c, w, "weighted 5000 x 5, k = 40");
    free(w);
    free(c);
    free(x);
  }
  /* 17 blocks of centre sums: with 4 or more per thread the passes form
   * and add them in their own region (ckm_pass_tiles()), each thread into
   * its own sums; more threads than the machine may have cores (R caps
   * them there, the core takes what it is given): the same bits */
  {
    rng r2 = {0x2545F4914F6CDD1DULL}; /* its own stream: the sections after keep theirs */
    ckm_idx n = 140000; int d = 3, k = 12;
    double *x = random_data(&r2, n, d, 10.0);
    double *c = first_rows(x, n, d, k);
    double *w = malloc(sizeof(double) * n);
    for (ckm_idx i = 0; i < n; i++) w[i] = 0.5 + rng_unif(&r2);
    for (int wt = 0; wt < 2; wt++)
      for (int alg = 0; alg < 3; alg++) {
        fit_out one = run_fit(x, n, d, k, c, alg, CKM_KERNEL_AUTO, 1, 40, 0.0, wt ? w : NULL);
        CHECK(one.status == CKM_OK && sane_fit(&one, n, d, k), "17 blocks: status");
        for (int nt = 2; nt <= 4; nt++) {
          fit_out f = run_fit(x, n, d, k, c, alg, CKM_KERNEL_AUTO, nt, 40, 0.0, wt ? w : NULL);
          CHECK(same_fit(&one, &f, n, d, k),
                "17 blocks: algorithm %d weights %d threads %d differs from 1 thread", alg, wt, nt);
          free_fit(&f);
        }
        free_fit(&one);
      }
    free(w);
    free(c);
    free(x);
  }


  /* Hartigan's transfers: bit-identical on 1 and 2 threads, from the first
   * pass and after convergence, weighted, at tiny magnitudes and with
   * repeated rows; the result admits no improving transfer; restarts with
   * a given first start equal a fit from it */
  {
    ckm_idx n = 3000; int d = 3, k = 6;
    double *x = random_data(&r, n, d, 10.0);
    double *w = malloc(sizeof(double) * n);
    for (ckm_idx i = 0; i < n; i++) w[i] = 0.1 + rng_unif(&r);
    double *tiny = malloc(sizeof(double) * n * d);
    for (ckm_idx q = 0; q < n * d; q++) tiny[q] = x[q] * 1e-150;
    double *c = first_rows(x, n, d, k);
    double *ct = first_rows(tiny, n, d, k);
    /* (Hartigan and Wong's algorithm alone may end where one transfer
     * still lowers the inertia; with weights it gives way to the sweeps) */
    for (int mode = CKM_HARTIGAN_FIRST; mode <= CKM_HARTIGAN_WONG_SWEEP; mode++) {
      for (int wt = 0; wt < 2; wt++) {
        const double *ww = wt ? w : NULL;
        fit_out a = run_hartigan(x, n, d, k, c, mode, 1, ww);
        fit_out b = run_hartigan(x, n, d, k, c, mode, 2, ww);
        CHECK(a.status == CKM_OK && sane_fit(&a, n, d, k), "hartigan status (mode %d)", mode);
        CHECK(same_fit(&a, &b, n, d, k), "hartigan 1 vs 2 threads (mode %d, weights %d)", mode, wt);
        CHECK(a.info.converged, "hartigan converges (mode %d)", mode);
        CHECK(mode == CKM_HARTIGAN_WONG || hartigan_stable(&a, x, n, d, k, ww),
              "hartigan stable (mode %d, weights %d)", mode, wt);
        fit_out l = run_fit(x, n, d, k, c, CKM_LLOYD, CKM_KERNEL_AUTO, 1, 300, 0.0, ww);
        double ia = 0.0, il = 0.0;
        for (int j = 0; j < k; j++) { ia += a.wss[j]; il += l.wss[j]; }
        if (mode == CKM_HARTIGAN_AFTER)
          CHECK(ia <= il, "hartigan after Lloyd no worse: %.17g vs %.17g", ia, il);
        free_fit(&a); free_fit(&b); free_fit(&l);
      }
      fit_out t = run_hartigan(tiny, n, d, k, ct, mode, 2, NULL);
      CHECK(t.status == CKM_OK && t.info.converged, "hartigan at 1e-150 (mode %d)", mode);
      CHECK(mode == CKM_HARTIGAN_WONG || hartigan_stable(&t, tiny, n, d, k, NULL),
            "hartigan stable at 1e-150");
      free_fit(&t);
    }
    /* restarts: the given first start alone equals a fit from it */
    {
      ckm_options opt = {300, 0.0, CKM_LLOYD, CKM_KERNEL_AUTO, 2, NULL, NULL, 0.0, NULL,
                         CKM_HARTIGAN_FIRST};
      fit_out a = run_hartigan(x, n, d, k, c, CKM_HARTIGAN_FIRST, 2, NULL);
      int *lab = malloc(sizeof(int) * n);
      double *cen = malloc(sizeof(double) * k * d), *st = malloc(sizeof(double) * k * d);
      double *wss = malloc(sizeof(double) * k);
      ckm_idx *sz = malloc(sizeof(ckm_idx) * k);
      ckm_info info;
      ckm_hooks h = make_hooks(&r);
      void *work = workspace(ckm_fit_starts_workspace(n, d, k, 1, &opt));
      int st1 = ckm_fit_starts(x, n, d, k, 1, 1, c, cen, st, lab, wss, sz, &opt, &h, work, &info);
      CHECK(st1 == CKM_OK && memcmp(lab, a.labels, sizeof(int) * n) == 0 &&
            memcmp(cen, a.centers, sizeof(double) * k * d) == 0,
            "ckm_fit_starts with one given start is the fit from it");
      /* more starts: the kept one is no worse */
      int st3 = ckm_fit_starts(x, n, d, k, 1, 3, c, cen, st, lab, wss, sz, &opt, &h, work, &info);
      double i1 = 0.0, i3 = 0.0;
      for (int j = 0; j < k; j++) { i1 += a.wss[j]; i3 += wss[j]; }
      CHECK(st3 == CKM_OK && i3 <= i1, "three starts no worse than the first");
      free(work); free(lab); free(cen); free(st); free(wss); free(sz);
      free_fit(&a);
    }
    /* three distinct rows, k = 3 */
    {
      ckm_idx m = 300;
      double *y = malloc(sizeof(double) * m * 2);
      for (ckm_idx i = 0; i < m; i++) { y[i] = (double) (i % 3); y[i + m] = (double) (i % 3) * 2.0; }
      double *cy = first_rows(y, m, 2, 3);
      fit_out f = run_hartigan(y, m, 2, 3, cy, CKM_HARTIGAN_FIRST, 2, NULL);
      CHECK(f.status == CKM_OK && f.wss[0] + f.wss[1] + f.wss[2] == 0.0, "hartigan on repeated rows");
      free_fit(&f); free(cy); free(y);
      bad_inputs++;
    }
    free(c); free(ct); free(tiny); free(w); free(x);
  }

  /* MacQueen: converged, every point is nearest its own centre; a start
   * far from all data leaves that cluster empty without a NaN */
  {
    ckm_idx n = 2000; int d = 3, k = 5;
    double *x = random_data(&r, n, d, 10.0);
    double *c = first_rows(x, n, d, k);
    int *lab = malloc(sizeof(int) * n), it = 0;
    ckm_idx *sz = malloc(sizeof(ckm_idx) * k);
    double *wss = malloc(sizeof(double) * k);
    int st = ckm_macqueen(x, n, d, k, c, 100, lab, sz, wss, &it, NULL);
    CHECK(st == CKM_OK && it <= 100, "macqueen converges");
    int ok = 1;
    for (ckm_idx i = 0; i < n; i++) {
      double own = 0.0;
      for (int cc = 0; cc < d; cc++) { double df = x[i + n * cc] - c[lab[i] + k * cc]; own += df * df; }
      for (int j = 0; j < k; j++) {
        double dj = 0.0;
        for (int cc = 0; cc < d; cc++) { double df = x[i + n * cc] - c[j + k * cc]; dj += df * df; }
        if (dj < own) ok = 0;
      }
    }
    CHECK(ok, "macqueen: every point nearest its centre");
    for (int cc = 0; cc < d; cc++) c[4 + k * cc] = 1e6;
    st = ckm_macqueen(x, n, d, k, c, 100, lab, sz, wss, &it, NULL);
    CHECK(st == CKM_OK && sz[4] == 0, "macqueen with an empty cluster");
    free(lab); free(sz); free(wss); free(c); free(x);
    bad_inputs++;
  }

  /* duplicates: 3 distinct rows; k = 3 works, k = 4 is CKM_ERR_DISTINCT */
  {
    ckm_idx n = 30; int d = 2;
    double *x = malloc(sizeof(double) * n * d);
    for (ckm_idx i = 0; i < n; i++) {
      x[i] = (double) (i % 3);
      x[i + n] = (double) (i % 3) * 2.0;
    }
    double c[8];
    for (int trials = 1; trials <= 3; trials += 2) {
      CHECK(seed(x, n, d, 3, trials, NULL, c, &r, 1) == CKM_OK, "3 distinct, k = 3");
      fit_out f = run_fit(x, n, d, 3, c, CKM_YINYANG, CKM_KERNEL_AUTO, 2, 10, 0.0, NULL);
      CHECK(f.status == CKM_OK && sane_fit(&f, n, d, 3), "duplicates fit");
      CHECK(f.wss[0] + f.wss[1] + f.wss[2] == 0.0, "duplicates inertia");
      free_fit(&f);
      CHECK(seed(x, n, d, 4, trials, NULL, c, &r, 1) == CKM_ERR_DISTINCT,
            "3 distinct, k = 4 must be CKM_ERR_DISTINCT");
    }
    free(x);
    bad_inputs += 4;
  }

  /* all points equal: k = 1 fine, k = 2 CKM_ERR_DISTINCT */
  {
    ckm_idx n = 100; int d = 3;
    double *x = malloc(sizeof(double) * n * d);
    for (size_t q = 0; q < (size_t) n * d; q++) x[q] = 4.25;
    double c[6];
    CHECK(seed(x, n, d, 1, 1, NULL, c, &r, 1) == CKM_OK, "all equal, k = 1");
    fit_out f = run_fit(x, n, d, 1, c, CKM_LLOYD, CKM_KERNEL_AUTO, 1, 10, 0.0, NULL);
    CHECK(f.status == CKM_OK && f.wss[0] == 0.0 && f.centers[0] == 4.25, "all equal fit");
    free_fit(&f);
    CHECK(seed(x, n, d, 2, 1, NULL, c, &r, 1) == CKM_ERR_DISTINCT, "all equal, k = 2");
    {
      void *tw = malloc(ckm_totss_workspace(d));
      CHECK(ckm_totss(x, n, d, NULL, 1, NULL, NULL, NULL, tw) == 0.0, "all equal totss");
      free(tw);
    }
    free(x);
    bad_inputs += 3;
  }

  /* huge magnitudes: squared distances overflow -> CKM_ERR_NONFINITE,
   * never Inf or NaN centres; large values that square fine are fine */
  {
    ckm_idx n = 200; int d = 2;
    double *x = random_data(&r, n, d, 2e300);
    double *c = first_rows(x, n, d, 3);
    double cc[6];
    CHECK(seed(x, n, d, 3, 1, NULL, cc, &r, 1) == CKM_ERR_NONFINITE, "1e300 seeding");
    for (int alg = 0; alg < 3; alg++) {
      fit_out f = run_fit(x, n, d, 3, c, alg, CKM_KERNEL_AUTO, 2, 10, 0.0, NULL);
      CHECK(f.status == CKM_ERR_NONFINITE, "1e300 fit status %d", f.status);
      free_fit(&f);
    }
    free(c);
    free(x);
    x = random_data(&r, n, d, 1e150);
    c = first_rows(x, n, d, 3);
    all_algorithms_agree(x, n, d, 3, c, NULL, "1e150");
    free(c);
    free(x);
    bad_inputs += 5;
  }

  /* tiny magnitudes: squared distances underflow to 0 (1e-300^2); the fit
   * must still give labels in range and finite centres */
  {
    ckm_idx n = 200; int d = 2;
    double *x = random_data(&r, n, d, 2e-300);
    double *c = first_rows(x, n, d, 4);
    for (int alg = 0; alg < 3; alg++) {
      fit_out f = run_fit(x, n, d, 4, c, alg, CKM_KERNEL_AUTO, 2, 20, 0.0, NULL);
      CHECK(f.status == CKM_OK && sane_fit(&f, n, d, 4), "1e-300 fit (alg %d)", alg);
      free_fit(&f);
    }
    double cc[8];
    int st = seed(x, n, d, 4, 1, NULL, cc, &r, 1);
    CHECK(st == CKM_OK, "1e-300 seeding status %d (rows differ, distances underflow)", st);
    free(c);
    free(x);
    bad_inputs += 4;
  }

  /* near 1e-150 the centres move by less than 1e-154 and their squared
   * moves underflow: the bounds must still cover them (found by the
   * fuzzer: Hamerly left Lloyd here before the absolute slack) */
  {
    /* the fuzzer's input: 60 values from 4 bytes, weights 1..7, k = 30 */
    const int8_t v[4] = {88, -111, 75, 102};
    ckm_idx n = 60; int d = 1, k = 30;
    double x[60], w[60], c[30];
    for (ckm_idx i = 0; i < n; i++) {
      x[i] = ((double) v[i % 4] + 0.5 * (double) (i / 4)) * 1e-150;
      w[i] = 1.0 + (double) ((uint8_t) v[i % 4] % 7);
    }
    for (int rep = 0; rep < 40; rep++) {
      CHECK(seed(x, n, d, k, 1, w, c, &r, 1) == CKM_OK, "1e-150 seeding");
      all_algorithms_agree(x, n, d, k, c, w, "1e-150, weighted");
      all_algorithms_agree(x, n, d, k, c, NULL, "1e-150");
    }
    double *x3 = random_data(&r, 2000, 4, 1e-150);
    double *c3 = malloc(sizeof(double) * 20 * 4);
    CHECK(seed(x3, 2000, 4, 20, 1, NULL, c3, &r, 1) == CKM_OK, "1e-150 seeding");
    all_algorithms_agree(x3, 2000, 4, 20, c3, NULL, "1e-150, 2000 x 4, k = 20");
    free(c3);
    free(x3);
    bad_inputs += 3;
  }

  /* empty clusters: a start far from every point gets a point back */
  {
    ckm_idx n = 500; int d = 2, k = 5;
    double *x = random_data(&r, n, d, 1.0);
    double *c = first_rows(x, n, d, k);
    c[4] = 1e6; c[4 + k] = 1e6;
    c[3] = -1e6; c[3 + k] = 1e6;
    all_algorithms_agree(x, n, d, k, c, NULL, "relocation");
    fit_out f = run_fit(x, n, d, k, c, CKM_LLOYD, CKM_KERNEL_AUTO, 1, 100, 0.0, NULL);
    CHECK(f.info.relocated >= 2, "relocated %ld", (long) f.info.relocated);
    for (int j = 0; j < k; j++) CHECK(f.size[j] > 0, "empty cluster %d", j);
    free_fit(&f);
    free(c);
    free(x);
    bad_inputs++;
  }

  /* soft assignment rows sum to 1 even far from every centre */
  {
    ckm_idx n = 100; int d = 2, k = 3;
    double *x = random_data(&r, n, d, 1e5);
    double *c = first_rows(x, n, d, k);
    double *p = malloc(sizeof(double) * n * k);
    void *work = workspace(sizeof(double) * k * d);
    CHECK(ckm_soft_assign(x, n, d, c, k, 1e3, p, 2, NULL, work) == CKM_OK, "soft status");
    for (ckm_idx i = 0; i < n; i++) {
      double s = 0.0;
      for (int j = 0; j < k; j++) s += p[i + n * j];
      CHECK(fabs(s - 1.0) < 1e-12, "soft row %ld sums to %g", (long) i, s);
    }
    free(work);
    free(p);
    free(c);
    free(x);
  }

  /* metrics on degenerate labelings */
  {
    ckm_idx n = 10;
    int a[10] = {0}, b[10];
    for (int i = 0; i < 10; i++) b[i] = i;
    void *w1 = workspace(ckm_contingency_workspace(n, 10, 10));
    CHECK(ckm_ari(a, a, n, 1, 1, w1) == 1.0, "ARI of one cluster with itself");
    CHECK(ckm_ari(b, b, n, 10, 10, w1) == 1.0, "ARI of singletons with themselves");
    double nmi = ckm_nmi(a, b, n, 1, 10, CKM_NMI_ARITHMETIC, w1);
    CHECK(isfinite(nmi) && nmi >= 0.0 && nmi <= 1.0, "NMI %g", nmi);
    free(w1);
    ckm_idx one = 1;
    int l0 = 0;
    void *w2 = workspace(ckm_contingency_workspace(one, 1, 1));
    CHECK(ckm_ari(&l0, &l0, one, 1, 1, w2) == 1.0, "ARI of one point");
    free(w2);
    bad_inputs += 4;
  }

  /* silhouette: singleton clusters have width 0 */
  {
    ckm_idx n = 6; int d = 1, k = 3;
    double x[6] = {0, 0.1, 0.2, 5, 5.1, 9};
    int cl[6] = {0, 0, 0, 1, 1, 2};
    ckm_idx size[3] = {3, 2, 1};
    double width[6];
    int nb[6];
    double *work = workspace(ckm_silhouette_workspace(d, k, 2));
    ckm_silhouette(x, n, d, cl, k, size, width, nb, 2, NULL, work);
    CHECK(width[5] == 0.0, "singleton width %g", width[5]);
    for (int i = 0; i < 6; i++) CHECK(width[i] >= -1.0 && width[i] <= 1.0, "width %d", i);
    free(work);
    bad_inputs++;
  }

  /* mini-batch: batch of 1, batch of n, k = n; finite centres */
  {
    ckm_idx n = 40; int d = 2;
    double *x = random_data(&r, n, d, 1.0);
    int bs[3] = {1, 7, 40};
    for (int q = 0; q < 3; q++) {
      for (int k = 1; k <= (int) n; k += 13) {
        double *c = first_rows(x, n, d, k);
        double counts[64], trace[200];
        ckm_minibatch_options o = {bs[q], 200, 5, 0.0, 0.01, CKM_KERNEL_AUTO, 2, NULL};
        void *work = workspace(ckm_minibatch_workspace(n, d, k, &o));
        ckm_hooks h = make_hooks(&r);
        ckm_minibatch_info info;
        int st = ckm_minibatch(x, n, d, k, c, counts, trace, &o, &h, work, &info);
        CHECK(st == CKM_OK, "minibatch batch %d k %d status %d", bs[q], k, st);
        for (int t = 0; t < k * d; t++) CHECK(isfinite(c[t]), "minibatch centre");
        free(work);
        free(c);
        bad_inputs++;
      }
    }
    free(x);
  }

  /* k-medians on duplicates and k = n */
  {
    ckm_idx n = 20; int d = 2;
    double *x = random_data(&r, n, d, 1.0);
    for (ckm_idx i = 10; i < n; i++) { x[i] = x[i - 10]; x[i + n] = x[i - 10 + n]; }
    for (int k = 1; k <= 10; k += 3) {
      double *c = first_rows(x, n, d, k);
      int lab[20]; double dist[20], wss[10], trace[50]; ckm_idx size[10];
      ckm_kmedians_info info;
      void *work = workspace(ckm_kmedians_workspace(n, d, k, 2));
      int st = ckm_kmedians(x, n, d, k, c, 50, lab, dist, wss, size, trace, &info, 2, NULL, work);
      CHECK(st == CKM_OK, "kmedians k %d status %d", k, st);
      for (ckm_idx i = 0; i < n; i++) CHECK(lab[i] >= 0 && lab[i] < k, "kmedians label");
      free(work);
      free(c);
      bad_inputs++;
    }
    free(x);
  }

  /* k-medoids: the cost of the medoids recomputed, no single swap lowers
   * it (brute force), the same result on 1 and 2 threads, from a matrix
   * and from the packed distances; duplicates and k = n */
  {
    ckm_idx n = 60; int d = 3;
    double *x = random_data(&r, n, d, 1.0);
    for (ckm_idx i = 50; i < n; i++) for (int c = 0; c < d; c++) x[i + n * c] = x[i - 50 + n * c];
    double *packed = malloc(sizeof(double) * (size_t) (n * (n - 1) / 2));
    size_t at = 0;
    for (ckm_idx i = 0; i < n; i++)
      for (ckm_idx j = i + 1; j < n; j++) {
        double s2 = 0.0;
        for (int c = 0; c < d; c++) { double df = x[j + n * c] - x[i + n * c]; s2 += df * df; }
        packed[at++] = sqrt(s2);
      }
    for (int k = 1; k <= 8; k += 3) {
      for (int steep = 0; steep <= 1; steep++) {
        ckm_idx med[3][8]; int lab[3][60]; double dist[3][60], cost[3];
        for (int v = 0; v < 3; v++) {
          ckm_dissim D = {v < 2 ? x : NULL, v < 2 ? NULL : packed, n, d,
                          v < 2 ? CKM_METRIC_EUCLIDEAN : CKM_METRIC_DIST};
          ckm_kmedoids_info info;
          void *work = workspace(ckm_kmedoids_workspace(n, d, k, 2));
          int st = ckm_kmedoids(&D, k, CKM_KMEDOIDS_BUILD, steep, med[v], 100, lab[v], dist[v],
                                &cost[v], v == 1 ? 2 : 1, NULL, work, &info);
          CHECK(st == CKM_OK && info.converged, "kmedoids k %d status %d", k, st);
          free(work);
        }
        CHECK(memcmp(med[0], med[1], sizeof(ckm_idx) * k) == 0 && cost[0] == cost[1],
              "kmedoids 1 vs 2 threads k %d", k);
        CHECK(fabs(cost[0] - cost[2]) <= 1e-12 * cost[0], "kmedoids matrix vs dist k %d", k);
        /* the cost, and no improving swap */
        double best_change = 0.0;
        for (int m = 0; m < k; m++)
          for (ckm_idx h = 0; h < n; h++) {
            int is_med = 0;
            for (int j = 0; j < k; j++) is_med |= med[0][j] == h;
            if (is_med) continue;
            double total = 0.0;
            for (ckm_idx o = 0; o < n; o++) {
              double bo = INFINITY;
              for (int j = 0; j < k; j++) {
                ckm_idx mj = j == m ? h : med[0][j];
                double s2 = 0.0;
                for (int c = 0; c < d; c++) { double df = x[o + n * c] - x[mj + n * c]; s2 += df * df; }
                if (sqrt(s2) < bo) bo = sqrt(s2);
              }
              total += bo;
            }
            if (total - cost[0] < best_change) best_change = total - cost[0];
          }
        CHECK(best_change > -1e-9 * cost[0], "kmedoids local optimum k %d: %g", k, best_change);
      }
    }
    /* fewer distinct rows than k */
    {
      ckm_idx m3[55]; int lab[60]; double dist[60], cost;
      double *y = malloc(sizeof(double) * (size_t) (n * d));
      for (ckm_idx i = 0; i < n; i++) for (int c = 0; c < d; c++) y[i + n * c] = x[(i % 4) + n * c];
      ckm_dissim D = {y, NULL, n, d, CKM_METRIC_EUCLIDEAN};
      ckm_kmedoids_info info;
      void *work = workspace(ckm_kmedoids_workspace(n, d, 5, 1));
      int st = ckm_kmedoids(&D, 5, CKM_KMEDOIDS_BUILD, 0, m3, 100, lab, dist, &cost, 1, NULL, work, &info);
      CHECK(st == CKM_ERR_DISTINCT, "kmedoids distinct: %d", st);
      ckm_hooks h = make_hooks(&r);
      st = ckm_kmedoids(&D, 5, CKM_KMEDOIDS_PLUSPLUS, 0, m3, 100, lab, dist, &cost, 1, &h, work, &info);
      CHECK(st == CKM_ERR_DISTINCT, "kmedoids++ distinct: %d", st);
      free(work);
      free(y);
      bad_inputs++;
    }
    free(packed);
    free(x);
  }

  /* nearest neighbours against brute force; components */
  {
    ckm_idx n = 300; int d = 2, m = 5;
    double *x = random_data(&r, n, d, 1.0);
    int *idx = malloc(sizeof(int) * (size_t) (n * m));
    double *d2 = malloc(sizeof(double) * (size_t) (n * m));
    void *work = workspace(ckm_knn_workspace(d, 2));
    CHECK(ckm_knn(x, n, d, m, idx, d2, 2, NULL, work) == CKM_OK, "knn status");
    for (ckm_idx i = 0; i < n; i++) {
      double prev = -1.0;
      for (int q = 0; q < m; q++) {
        CHECK(idx[i * m + q] != i && d2[i * m + q] >= prev, "knn order");
        prev = d2[i * m + q];
      }
      ckm_idx closer = 0;
      for (ckm_idx j = 0; j < n; j++) {
        if (j == i) continue;
        double s2 = 0.0;
        for (int c = 0; c < d; c++) { double df = x[j + n * c] - x[i + n * c]; s2 += df * df; }
        closer += s2 < d2[i * m + m - 1];
      }
      CHECK(closer <= m - 1, "knn misses a nearer row of %ld", (long) i);
    }
    free(work);
    free(idx);
    free(d2);
    free(x);
    int from[] = {0, 2, 3, 6, 1}, to[] = {1, 3, 4, 5, 7}, lab[9];
    int count = ckm_components(9, from, to, 5, lab);
    int want[] = {0, 0, 1, 1, 1, 2, 2, 0, 3};
    CHECK(count == 4 && memcmp(lab, want, sizeof want) == 0, "components");
  }

  /* the gap statistic's fits: log W of the data equals a fit's; the same
   * draws give the same references */
  {
    ckm_idx n = 200; int d = 2, ks[] = {1, 2, 3}, B = 4;
    double *x = random_data(&r, n, d, 1.0);
    double lo[] = {-3, -3}, hi[] = {3, 3}, logw[3][3], ref[3][12];
    ckm_options opt = {100, 0.0, CKM_LLOYD, CKM_KERNEL_AUTO, 1, NULL, NULL, 0.0, NULL, 0};
    for (int v = 0; v < 3; v++) {
      /* the third on two threads: the sets fitted in parallel, each fit's
       * regions of one thread inside the team (their per-thread scratch
       * must be indexed 0, not by the outer thread) */
      opt.nthreads = v == 2 ? 2 : 1;
      opt.algorithm = v == 2 ? CKM_HAMERLY : CKM_LLOYD;
      rng rr = {12345};
      ckm_hooks h = make_hooks(&rr);
      void *work = workspace(ckm_gap_workspace(n, d, 3, d, &opt));
      int st = ckm_gap(x, n, d, ks, 3, B, 2, 1, lo, hi, NULL, NULL, d, &opt, &h, work,
                       logw[v], ref[v]);
      CHECK(st == CKM_OK, "gap status %d", st);
      free(work);
    }
    CHECK(memcmp(logw[0], logw[1], sizeof logw[0]) == 0 && memcmp(ref[0], ref[1], sizeof ref[0]) == 0,
          "gap reproducible");
    for (int q = 0; q < 12; q++)
      CHECK(fabs(ref[2][q] - ref[0][q]) <= 1e-9 * fabs(ref[0][q]) + 1e-9, "gap on two threads (Hamerly) %d", q);
    double mean[2] = {0, 0}, tot = 0.0;
    for (ckm_idx i = 0; i < n; i++) for (int c = 0; c < d; c++) mean[c] += x[i + n * c] / n;
    for (ckm_idx i = 0; i < n; i++) for (int c = 0; c < d; c++) tot += (x[i + n * c] - mean[c]) * (x[i + n * c] - mean[c]);
    CHECK(fabs(logw[0][0] - log(tot)) < 1e-12, "gap log W for k = 1");
    CHECK(logw[0][2] < logw[0][1] && logw[0][1] < logw[0][0], "gap log W decreases");
    free(x);
  }

  /* the bound sweep (sweep.c): its AVX2 and AVX-512 builds give the scalar
   * build's bounds, list and list bounds bit for bit, on every tile length,
   * with and without Hamerly's half-distances, on zeros, infinities and
   * ties between the bounds */
  {
    const int isa = ckm_fast_isa(CKM_KERNEL_AUTO);
    double drift[40], half[40];
    int lab[CKM_TILE];
    double up0[CKM_TILE], lo0[CKM_TILE];
    for (int rep = 0; rep < 200; rep++) {
      const int len = rep % 2 ? CKM_TILE - (rep % 13) : rep % (CKM_TILE + 1);
      /* k = 7 and 16: tables in registers in the AVX-512 build; 40: gathers */
      const int k = rep % 4 == 0 ? 40 : rep % 4 == 1 ? 16 : 7;
      const int jmax = rep % 3 == 0 ? -1 : rep % k;
      for (int j = 0; j < k; j++) {
        drift[j] = rep % 5 == 0 && j == 2 ? 0.0 : rng_unif(&r);
        half[j] = rng_unif(&r) * 2.0;
      }
      for (int t = 0; t < len; t++) {
        lab[t] = (int) (rng_unif(&r) * k);
        const double v = rng_unif(&r);
        up0[t] = v < 0.05 ? INFINITY : v < 0.1 ? 0.0 : rng_unif(&r) * 2.0;
        lo0[t] = v > 0.95 ? 0.0 : v > 0.9 ? up0[t] : rng_unif(&r) * 2.5;
      }
      const double p1 = rng_unif(&r) * 0.3, p2 = rep % 7 == 0 ? p1 : p1 * 0.5;
      double up[3][CKM_TILE], lo[3][CKM_TILE], bd[3][CKM_TILE];
      int fl[3][CKM_TILE], nf[3];
      for (int w = 0; w < 3; w++) {
        if ((w == 1 && isa < CKM_KERNEL_AVX2) || (w == 2 && isa != CKM_KERNEL_AVX512)) {
          nf[w] = -1;
          continue;
        }
        memcpy(up[w], up0, sizeof(double) * len);
        memcpy(lo[w], lo0, sizeof(double) * len);
        nf[w] = ckm_sweep_bounds(w, len, lab, up[w], lo[w], drift,
                                 rep % 2 ? half : NULL, k, jmax, p1, p2, fl[w], bd[w],
                                 rep % 3 ? up0 : NULL, len, 1); /* a hint only */
      }
      for (int w = 1; w < 3; w++) {
        if (nf[w] < 0)
          continue;
        CHECK(nf[w] == nf[0] && memcmp(up[w], up[0], sizeof(double) * len) == 0 &&
                  memcmp(lo[w], lo[0], sizeof(double) * len) == 0 &&
                  memcmp(fl[w], fl[0], sizeof(int) * nf[0]) == 0 &&
                  memcmp(bd[w], bd[0], sizeof(double) * nf[0]) == 0,
              "sweep build %d = scalar (len %d, rep %d)", w, len, rep);
      }
      /* the scalar build against the rules written out */
      int q = 0;
      for (int t = 0; t < len; t++) {
        const double u = (up0[t] + drift[lab[t]]) * (1.0 + 2.0 * DBL_EPSILON);
        const double v = lo0[t] - (lab[t] == jmax ? p2 : p1);
        const double l = v > 0.0 ? v * (1.0 - 2.0 * DBL_EPSILON) : 0.0;
        const double m = rep % 2 ? (l > half[lab[t]] ? l : half[lab[t]]) : l;
        CHECK(up[0][t] == u && lo[0][t] == l, "sweep bounds (rep %d, point %d)", rep, t);
        if (!(u < m)) {
          CHECK(q < nf[0] && fl[0][q] == t && bd[0][q] == m, "sweep list (rep %d, point %d)", rep, t);
          q++;
        }
      }
      CHECK(q == nf[0], "sweep list length (rep %d): %d vs %d", rep, nf[0], q);
    }
  }

  /* the sweep over gaps (one-group Yinyang, sweep.c): its AVX2 and AVX-512
   * builds give the scalar build's list and bounds bit for bit (k = 7 and
   * 16: thresholds in registers; 40: gathers; NaN, infinite and equal
   * gaps); the scalar build is the rule written out; and the gaps are
   * sound: after random drifts, a point the sweep passes over has its
   * upper bound (u grown by its centre's drifts) strictly below its lower
   * bound (l shrunk by the largest drifts) */
  {
    const int isa = ckm_fast_isa(CKM_KERNEL_AUTO);
    double T[40], A0[40], A[40];
    int lab[CKM_TILE];
    double g[CKM_TILE], lp[CKM_TILE], u0[CKM_TILE], l0[CKM_TILE];
    for (int rep = 0; rep < 300; rep++) {
      const int len = rep % 2 ? CKM_TILE - (rep % 13) : rep % (CKM_TILE + 1);
      const int k = rep % 3 == 0 ? 40 : rep % 3 == 1 ? 16 : 7;
      /* paths and moves so far, the bounds set then */
      double M0 = rng_unif(&r) * (rep % 5 ? 3.0 : 1e6);
      for (int j = 0; j < k; j++)
        A0[j] = rng_unif(&r) * (rep % 5 ? 3.0 : 1e6);
      for (int t = 0; t < len; t++) {
        lab[t] = (int) (rng_unif(&r) * k);
        const double v = rng_unif(&r);
        u0[t] = v < 0.03 ? INFINITY : rng_unif(&r) * 2.0;
        l0[t] = v > 0.97 ? INFINITY : u0[t] + (rng_unif(&r) - 0.3) * 2.0;
        if (!(l0[t] > 0.0))
          l0[t] = 0.0;
        lp[t] = ckm_gap_lp(l0[t], M0);
        g[t] = ckm_gap_g(lp[t], u0[t], A0[lab[t]]);
        if (rep % 11 == 0 && t % 17 == 0)
          g[t] = NAN;
      }
      /* a few passes of drifts, accumulated as yinyang.c does */
      const double up = 1.0 + 2.0 * DBL_EPSILON;
      double M = M0, dsum[40] = {0}, msum = 0.0;
      for (int j = 0; j < k; j++)
        A[j] = A0[j];
      const int passes = 1 + rep % 4;
      for (int ps = 0; ps < passes; ps++) {
        double mx = 0.0;
        for (int j = 0; j < k; j++) {
          const double dr = rng_unif(&r) * (rep % 7 == 0 ? 0.0 : 0.2);
          A[j] = (A[j] + dr) * up;
          dsum[j] += dr;
          mx = dr > mx ? dr : mx;
        }
        M = (M + mx) * up;
        msum += mx;
      }
      for (int j = 0; j < k; j++)
        T[j] = (A[j] + M) * up;
      if (rep % 9 == 0 && len > 0)
        g[0] = T[lab[0]]; /* equal: listed */
      double bd[3][CKM_TILE];
      int fl[3][CKM_TILE], nf[3];
      for (int w = 0; w < 3; w++) {
        if ((w == 1 && isa < CKM_KERNEL_AVX2) || (w == 2 && isa != CKM_KERNEL_AVX512)) {
          nf[w] = -1;
          continue;
        }
        nf[w] = ckm_sweep_gaps(w, len, lab, g, lp, T, M, k, fl[w], bd[w],
                               rep % 3 ? u0 : NULL, len, 1);
      }
      for (int w = 1; w < 3; w++) {
        if (nf[w] < 0)
          continue;
        CHECK(nf[w] == nf[0] && memcmp(fl[w], fl[0], sizeof(int) * nf[0]) == 0 &&
                  memcmp(bd[w], bd[0], sizeof(double) * nf[0]) == 0,
              "gap sweep build %d = scalar (len %d, rep %d)", w, len, rep);
      }
      int q = 0;
      for (int t = 0; t < len; t++) {
        if (!(g[t] > T[lab[t]])) {
          const double b = lp[t] - M - 2.0 * DBL_EPSILON * (fabs(lp[t]) + M);
          CHECK(q < nf[0] && fl[0][q] == t && (bd[0][q] == b || (isnan(b) && isnan(bd[0][q]))),
                "gap sweep list (rep %d, point %d)", rep, t);
          /* the bound now is below the lower bound grown by the moves */
          CHECK(!(bd[0][q] > l0[t] - msum), "gap sweep bound (rep %d, point %d)", rep, t);
          q++;
        } else {
          CHECK(u0[t] + dsum[lab[t]] < l0[t] - msum,
                "gap sweep passes over a point that may move (rep %d, point %d)", rep, t);
        }
      }
      CHECK(q == nf[0], "gap sweep list length (rep %d): %d vs %d", rep, nf[0], q);
    }
  }

  /* ckm_plain_rows(): listed rows through each build of the plain kernel
   * give the nearest centre (ties to the lowest index), its distance and
   * the second distance of one point and one centre at a time
   * (ckm_exact_range, the operations of Lloyd's distances); integer data
   * for exact ties; row counts across the 16-point blocks and the 64-row
   * chunks */
  {
    const int isa = ckm_fast_isa(CKM_KERNEL_AUTO);
    const ckm_idx n = 3001;
    for (int rep = 0; rep < 24; rep++) {
      const int d = 1 + rep % 9, k = 1 + (rep * 7) % 19;
      double *x = malloc(sizeof(double) * (size_t) n * d);
      double *ct = malloc(sizeof(double) * (size_t) k * d);
      double *buf = malloc(sizeof(double) * (size_t) CKM_ROWS_CHUNK * d);
      for (ckm_idx i = 0; i < n * d; i++)
        x[i] = rep % 2 ? floor(rng_unif(&r) * 5) : rng_unif(&r) * 10 - 5;
      for (int q = 0; q < k * d; q++)
        ct[q] = rep % 2 ? floor(rng_unif(&r) * 5) : rng_unif(&r) * 10 - 5;
      const int m = 1 + (int) (rng_unif(&r) * 200);
      ckm_idx rows[256];
      for (int q = 0; q < m; q++)
        rows[q] = (ckm_idx) (rng_unif(&r) * n);
      for (int w = 0; w < 4; w++) {
        if ((w == 1 || w == 3) && isa < CKM_KERNEL_AVX2)
          continue;
        if (w == 2 && isa != CKM_KERNEL_AVX512)
          continue;
        int lab[256];
        double best[256], sec[256], pt[64], dd[64];
        ckm_plain_rows(w, x, n, d, ct, k, rows, m, buf, lab, best, sec);
        for (int q = 0; q < m; q++) {
          ckm_gather(x, n, d, rows[q], pt);
          ckm_exact_range(pt, ct, d, 0, k, dd);
          int b = 0;
          for (int j = 1; j < k; j++)
            if (dd[j] < dd[b])
              b = j;
          double s2 = INFINITY;
          for (int j = 0; j < k; j++)
            if (j != b && dd[j] < s2)
              s2 = dd[j];
          CHECK(lab[q] == b && best[q] == dd[b] && sec[q] == s2,
                "plain rows (build %d, rep %d, row %d): %d %d %g %g %g %g", w, rep, q,
                lab[q], b, best[q], dd[b], sec[q], s2);
        }
      }
      free(x);
      free(ct);
      free(buf);
    }
  }

  /* ckm_dist_all(): every build gives ckm_exact_d2()'s bits for every
   * point of the tile and every centre (the Hartigan sweep's chunks): d
   * and k across the builds' 4-centre groups, tile lengths across their
   * lanes, integer data for exact ties, zeros and large values */
  {
    const int isa = ckm_fast_isa(CKM_KERNEL_AUTO);
    for (int rep = 0; rep < 30; rep++) {
      const int d = 1 + rep % 11, k = 1 + (rep * 5) % 23;
      double tile[40 * CKM_HART_CHUNK], ct[23 * 11], out[4][23 * CKM_HART_CHUNK];
      for (int q = 0; q < d * CKM_HART_CHUNK; q++)
        tile[q] = rep % 3 == 0 ? floor(rng_unif(&r) * 5)
                               : (rng_unif(&r) - 0.5) * (rep % 3 == 1 ? 10 : 1e150);
      for (int q = 0; q < k * d; q++)
        ct[q] = rep % 3 == 0 ? floor(rng_unif(&r) * 5)
                             : (rng_unif(&r) - 0.5) * (rep % 3 == 1 ? 10 : 1e150);
      for (int w = 0; w < 4; w++) {
        if ((w == 1 || w == 3) && isa < CKM_KERNEL_AVX2)
          continue;
        if (w == 2 && isa != CKM_KERNEL_AVX512)
          continue;
        const int vw = ckm_dist_all_width(w);
        const int len = (1 + rep % CKM_HART_CHUNK + vw - 1) / vw * vw;
        if (len > CKM_HART_CHUNK)
          continue;
        ckm_dist_all(w, tile, CKM_HART_CHUNK, len, d, ct, k, out[w]);
        for (int q = 0; q < len; q++) {
          double pt[11];
          for (int c = 0; c < d; c++)
            pt[c] = tile[q + c * CKM_HART_CHUNK];
          for (int j = 0; j < k; j++) {
            const double v = ckm_exact_d2(pt, ct + (size_t) j * d, d);
            CHECK(memcmp(&v, &out[w][j * CKM_HART_CHUNK + q], sizeof v) == 0,
                  "dist_all (build %d, rep %d, point %d, centre %d): %.17g vs %.17g", w, rep,
                  q, j, out[w][j * CKM_HART_CHUNK + q], v);
          }
        }
      }
    }
  }

  printf("%d checks, %d failed; %d degenerate or extreme inputs\n", checks,
         failures, bad_inputs);
  return failures ? 1 : 0;
}

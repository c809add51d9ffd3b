"""Time scikit-learn and FAISS on the data and start written by bench.R.

Usage: python3 peers.py DIR N D K MAX_ITER NITER REPS THREADS

Reads DIR/X.bin (n x d doubles, column-major as R writes a matrix),
DIR/C0.bin (k x d) and DIR/y.bin (the true labels, n int32), runs each
available method from that start and prints one CSV line per method:
  method,runs,median_s,cpu_s,iter,inertia,peak_mb,ari
median_s and cpu_s are the medians of the wall and CPU (process) times;
peak_mb is the peak of Python-side allocations during the fit (tracemalloc);
ari is the adjusted Rand index of the fit's labels against the truth.
FAISS has no convergence test, so it runs NITER iterations (the number ckm
needed) and works in float32 (its only precision); its inertia is recomputed
in float64 from its final centres.
"""
import statistics
import sys
import time
import tracemalloc

import numpy as np


def load(path, rows, cols):
    return np.ascontiguousarray(np.fromfile(path, dtype=np.float64).reshape(cols, rows).T)


def inertia64(X, C):
    # exact float64 inertia of the nearest-centre assignment, in chunks
    total = 0.0
    cn = (C * C).sum(axis=1)
    for s in range(0, X.shape[0], 65536):
        x = X[s:s + 65536]
        d2 = (x * x).sum(axis=1)[:, None] - 2.0 * x @ C.T + cn[None, :]
        lab = d2.argmin(axis=1)
        total += ((x - C[lab]) ** 2).sum()
    return total


def timed(fn, reps):
    times, cpus, out, peak = [], [], None, 0.0
    for r in range(reps):
        tracemalloc.start()
        c0 = time.process_time()
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
        peak = max(peak, tracemalloc.get_traced_memory()[1] / 2**20)
        tracemalloc.stop()
        if times[-1] > 20.0:  # slow: one run is enough
            break
    timed.cpu = statistics.median(cpus)
    return statistics.median(times), len(times), out, peak


def labels_of(X, C):
    lab = np.empty(X.shape[0], dtype=np.int64)
    cn = (C * C).sum(axis=1)
    for s in range(0, X.shape[0], 65536):
        x = X[s:s + 65536]
        lab[s:s + 65536] = (cn[None, :] - 2.0 * x @ C.T).argmin(axis=1)
    return lab


def main():
    d_, n, d, k, max_iter, niter, reps, threads = sys.argv[1:9]
    n, d, k, max_iter, niter, reps, threads = map(int, (n, d, k, max_iter, niter, reps, threads))
    X = load(d_ + "/X.bin", n, d)
    C0 = load(d_ + "/C0.bin", k, d)
    y = np.fromfile(d_ + "/y.bin", dtype=np.int32)
    try:
        from sklearn.metrics import adjusted_rand_score as ari
    except ImportError:
        def ari(a, b):
            return float("nan")
    rows = []
    try:
        from sklearn.cluster import KMeans
        from threadpoolctl import threadpool_limits
        for alg in ("lloyd", "elkan"):
            def fit(alg=alg):
                with threadpool_limits(limits=threads):
                    return KMeans(n_clusters=k, init=C0, n_init=1, max_iter=max_iter,
                                  tol=0.0, algorithm=alg).fit(X)
            med, runs, km, peak = timed(fit, reps)
            rows.append(("sklearn " + alg, runs, med, timed.cpu, km.n_iter_, km.inertia_, peak,
                         ari(y, km.labels_)))
    except ImportError as e:
        print("# scikit-learn not available: %s" % e, file=sys.stderr)
    try:
        import faiss
        faiss.omp_set_num_threads(threads)
        X32 = X.astype(np.float32)
        C32 = C0.astype(np.float32)

        def fit_faiss():
            km = faiss.Kmeans(d, k, niter=niter, verbose=False, nredo=1, seed=1,
                              max_points_per_centroid=10**9, min_points_per_centroid=1)
            km.train(X32, init_centroids=C32)
            return km
        med, runs, km, peak = timed(fit_faiss, reps)
        C = km.centroids.astype(np.float64)
        rows.append(("faiss (float32)", runs, med, timed.cpu, niter, inertia64(X, C), peak,
                     ari(y, labels_of(X, C))))
    except ImportError as e:
        print("# faiss not available: %s" % e, file=sys.stderr)
    for r in rows:
        print("%s,%d,%.6f,%.6f,%d,%.10g,%.1f,%.6f" % r)


def seeding():
    # python3 peers.py seed DIR N D K REPS THREADS: scikit-learn's greedy k-means++
    _, _, d_, n, d, k, reps, threads = sys.argv
    n, d, k, reps, threads = map(int, (n, d, k, reps, threads))
    X = load(d_ + "/X.bin", n, d)
    from sklearn.cluster import kmeans_plusplus
    from threadpoolctl import threadpool_limits
    def fit():
        with threadpool_limits(limits=threads):
            return kmeans_plusplus(X, k, random_state=0)
    med, runs, _, _ = timed(fit, reps)
    print("sklearn kmeans_plusplus (greedy),%d,%.6f" % (runs, med))


if __name__ == "__main__":
    if sys.argv[1] == "seed":
        seeding()
    else:
        main()

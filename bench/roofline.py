"""The peers and the machine for bench/roofline.R.

  python3 roofline.py machine
      prints "dgemm_gflops,read_gbs": OpenBLAS's dgemm (numpy, one thread,
      OpenBLAS choosing its own kernel) and the memory read speed of one
      core (a dot product of two 256 MB vectors, one BLAS thread).
  python3 roofline.py iter DIR N D K ITERS REPS
      prints "method,t1,tn,iters": the time of fits of 1 and of ITERS Lloyd
      iterations from the start in DIR/C0.bin (medians of REPS), one thread:
      scikit-learn's Lloyd (float64) and FAISS (float32, its only
      precision).
  python3 roofline.py fit DIR N D K MAX_ITER REPS THREADS
      prints "method,seconds,iter,inertia": whole fits to convergence
      (tol = 0) from that start, scikit-learn's lloyd and elkan.

DIR/X.bin holds the n x d doubles as R writes a matrix (column-major).
"""
import os
import statistics
import sys
import time
import warnings

warnings.filterwarnings("ignore")  # scikit-learn's notes on duplicate points
os.environ.pop("OPENBLAS_CORETYPE", None)  # OpenBLAS chooses its own kernel
import numpy as np  # noqa: E402


def load(path, rows, cols):
    return np.ascontiguousarray(np.fromfile(path, dtype=np.float64).reshape(cols, rows).T)


def median_time(fn, reps):
    ts, out = [], None
    for _ in range(reps):
        t0 = time.perf_counter()
        out = fn()
        ts.append(time.perf_counter() - t0)
        if ts[-1] > 30.0:
            break
    return statistics.median(ts), out


def machine():
    from threadpoolctl import threadpool_limits
    with threadpool_limits(limits=1):
        a = np.random.rand(3000, 3000)
        a @ a
        t, _ = median_time(lambda: a @ a, 5)
        gflops = 2 * 3000 ** 3 / t / 1e9
        v = np.random.rand(2 ** 25)
        w = np.random.rand(2 ** 25)
        v.dot(w)
        t, _ = median_time(lambda: v.dot(w), 7)
        gbs = 2 * v.nbytes / t / 1e9
    print("%.3f,%.3f" % (gflops, gbs))


def per_iteration(d_, n, d, k, iters, reps):
    from threadpoolctl import threadpool_limits
    X = load(d_ + "/X.bin", n, d)
    C0 = load(d_ + "/C0.bin", k, d)
    rows = []
    try:
        from sklearn.cluster import KMeans

        def sk(m):
            with threadpool_limits(limits=1):
                return KMeans(n_clusters=k, init=C0, n_init=1, max_iter=m, tol=0.0,
                              algorithm="lloyd").fit(X)
        sk(1)
        t1, _ = median_time(lambda: sk(1), reps)
        tn, km = median_time(lambda: sk(iters), reps)
        rows.append(("sklearn lloyd", t1, tn, km.n_iter_))
    except ImportError as e:
        print("# scikit-learn not available: %s" % e, file=sys.stderr)
    try:
        import faiss
        faiss.omp_set_num_threads(1)
        X32 = np.ascontiguousarray(X.astype(np.float32))
        C32 = np.ascontiguousarray(C0.astype(np.float32))

        def fa(m):
            km = faiss.Kmeans(d, k, niter=m, verbose=False, nredo=1, seed=1,
                              max_points_per_centroid=10 ** 9, min_points_per_centroid=1)
            km.train(X32, init_centroids=C32)
            return km
        with threadpool_limits(limits=1):
            fa(1)
            t1, _ = median_time(lambda: fa(1), reps)
            tn, _ = median_time(lambda: fa(iters), reps)
        rows.append(("faiss float32", t1, tn, iters))
    except ImportError as e:
        print("# faiss not available: %s" % e, file=sys.stderr)
    for r in rows:
        print("%s,%.6f,%.6f,%d" % r)


def whole(d_, n, d, k, max_iter, reps, threads):
    from threadpoolctl import threadpool_limits
    from sklearn.cluster import KMeans
    X = load(d_ + "/X.bin", n, d)
    C0 = load(d_ + "/C0.bin", k, d)
    for alg in ("lloyd", "elkan"):
        def fit(alg=alg):
            with threadpool_limits(limits=threads):
                return KMeans(n_clusters=k, init=C0, n_init=1, max_iter=max_iter, tol=0.0,
                              algorithm=alg).fit(X)
        t, km = median_time(fit, reps)
        print("sklearn %s,%.6f,%d,%.10g" % (alg, t, km.n_iter_, km.inertia_))


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "machine":
        machine()
    elif cmd == "iter":
        per_iteration(sys.argv[2], *map(int, sys.argv[3:8]))
    elif cmd == "fit":
        whole(sys.argv[2], *map(int, sys.argv[3:9]))

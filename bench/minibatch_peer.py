"""Time scikit-learn's MiniBatchKMeans (defaults: batch 1024, n_init 3) on
the matrix bench/minibatch.R writes.

Usage: python3 minibatch_peer.py X.bin N D K SEEDS [Y.bin]
Prints one CSV line per seed: seed,seconds,steps,inertia,cpu_seconds,peak_mb,ari
(peak_mb: tracemalloc's peak; ari against the labels in Y.bin, int32, when
given, else NaN).
"""
import sys
import time
import tracemalloc

import numpy as np
from sklearn.cluster import MiniBatchKMeans
from sklearn.metrics import adjusted_rand_score

path, n, d, k, seeds = sys.argv[1], *map(int, sys.argv[2:6])
y = np.fromfile(sys.argv[6], dtype=np.int32) if len(sys.argv) > 6 else None
X = np.ascontiguousarray(np.fromfile(path, dtype=np.float64).reshape(d, n).T)
for s in range(1, seeds + 1):
    tracemalloc.start()
    c = time.process_time()
    t = time.perf_counter()
    m = MiniBatchKMeans(k, batch_size=1024, n_init=3, random_state=s).fit(X)
    t = time.perf_counter() - t
    c = time.process_time() - c
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    ari = adjusted_rand_score(y, m.labels_) if y is not None else float("nan")
    print(f"{s},{t:.6f},{m.n_steps_},{m.inertia_:.17g},{c:.6f},{peak:.1f},{ari:.6f}", flush=True)

"""Peer timings for the search benchmark, on the data make_data.py wrote: FAISS IndexBinaryFlat
(sign bits), FAISS IndexScalarQuantizer QT_8bit (inner product), FAISS IndexFlatIP (float32) and
USearch exact brute-force search over int8 vectors. All queries go in one batch call, as EmbedQ's
benchmark does. Prints one JSON object per line: {"name", "threads", "ms_per_query", "runs"},
and the agreement of EmbedQ's top-k ids (when EmbedQ wrote them) with the matching peer.

Usage: peers.py CORPUS.f32 QUERIES.f32 DIM K RUNS THREADS [THREADS ...]"""
import json
import os
import statistics
import sys
import time

import faiss
import numpy as np
from usearch.index import MetricKind
from usearch.index import search as usearch_search


def timed(fn, runs, queries):
    fn()  # warm-up
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000.0 / queries


def agreement(ids_path, peer_ids, k):
    if not os.path.exists(ids_path):
        return None
    ours = np.fromfile(ids_path, dtype="<i4").reshape(-1, k)
    hits = sum(len(set(a.tolist()) & set(b.tolist())) for a, b in zip(ours, peer_ids))
    return hits / ours.size


def main():
    corpus_path, queries_path, dim, k, runs = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
    thread_counts = [int(t) for t in sys.argv[6:]]
    x = np.fromfile(corpus_path, dtype="<f4").reshape(-1, dim)
    q = np.fromfile(queries_path, dtype="<f4").reshape(-1, dim)
    nq = len(q)
    data_dir = os.path.dirname(corpus_path)

    binary = faiss.IndexBinaryFlat(dim)
    binary.add(np.packbits(x > 0, axis=1))
    qb = np.packbits(q > 0, axis=1)

    sq8 = faiss.IndexScalarQuantizer(dim, faiss.ScalarQuantizer.QT_8bit, faiss.METRIC_INNER_PRODUCT)
    sq8.train(x)
    sq8.add(x)

    flat = faiss.IndexFlatIP(dim)
    flat.add(x)

    xi8 = np.clip(np.rint(x * 127), -127, 127).astype(np.int8)
    qi8 = np.clip(np.rint(q * 127), -127, 127).astype(np.int8)
    del x

    for threads in thread_counts:
        faiss.omp_set_num_threads(threads)
        cases = [
            ("faiss-binary-flat", lambda: binary.search(qb, k)),
            ("faiss-sq8", lambda: sq8.search(q, k)),
            ("usearch-exact-i8", lambda: usearch_search(xi8, qi8, k, MetricKind.IP, exact=True, threads=threads)),
            ("faiss-flat-ip", lambda: flat.search(q, k)),
        ]
        for name, fn in cases:
            ms = timed(fn, runs, nq)
            print(json.dumps({"name": name, "threads": threads, "ms_per_query": ms, "runs": runs}), flush=True)

    faiss.omp_set_num_threads(max(thread_counts))
    checks = [
        ("binary", binary.search(qb, k)[1]),
        ("int8", sq8.search(q, k)[1]),
        ("float32", flat.search(q, k)[1]),
    ]
    for precision, peer_ids in checks:
        value = agreement(os.path.join(data_dir, f"embedq-{precision}-ids.i32"), peer_ids, k)
        if value is not None:
            print(json.dumps({"agreement": precision, "value": value}), flush=True)


if __name__ == "__main__":
    main()

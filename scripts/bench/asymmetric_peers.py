"""Peer timings for the asymmetric rows of the search benchmark (float32 queries against
compressed vectors), one thread, on the data make_data.py wrote: FAISS IndexScalarQuantizer
QT_8bit and QT_4bit (inner product; FAISS decodes the codes and scores the float query against
them) and NumPy (float32 matrix product against the corpus dequantized to float32 once, the
dequantization not timed). All queries go in one batch call, as EmbedQ's benchmark does. Prints
one JSON object per line: {"name", "threads", "ms_per_query", "runs", "queries"}.

Usage: asymmetric_peers.py CORPUS.f32 QUERIES.f32 DIM K RUNS [QUERIES_USED]"""
import json
import statistics
import sys
import time

import faiss
import numpy as np


def timed(fn, runs, queries):
    fn()  # warm-up
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000.0 / queries


def main():
    corpus_path, queries_path, dim, k, runs = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
    x = np.fromfile(corpus_path, dtype="<f4").reshape(-1, dim)
    q = np.fromfile(queries_path, dtype="<f4").reshape(-1, dim)
    if len(sys.argv) > 6:
        q = q[: int(sys.argv[6])]
    nq = len(q)
    faiss.omp_set_num_threads(1)

    def emit(name, ms):
        print(json.dumps({"name": name, "threads": 1, "ms_per_query": ms, "runs": runs, "queries": nq}), flush=True)

    for name, kind in [("faiss-sq8", faiss.ScalarQuantizer.QT_8bit), ("faiss-sq4", faiss.ScalarQuantizer.QT_4bit)]:
        index = faiss.IndexScalarQuantizer(dim, kind, faiss.METRIC_INNER_PRODUCT)
        index.train(x)
        index.add(x)
        emit(name, timed(lambda: index.search(q, k), runs, nq))
        del index

    # NumPy: the int4 codes of a per-dimension min/max grid, dequantized to float32 once; each
    # batch is one matrix product and a partial sort. OpenBLAS is pinned to one thread by the caller.
    low, high = x.min(axis=0), x.max(axis=0)
    step = np.where(high > low, (high - low) / 15, 1).astype(np.float32)
    codes = np.clip(np.floor((x - low) / step), 0, 15).astype(np.uint8)
    del x
    dequantized = (low + (codes.astype(np.float32) + 0.5) * step).astype(np.float32)
    del codes

    def numpy_search():
        scores = q @ dequantized.T
        top = np.argpartition(-scores, k, axis=1)[:, :k]
        return np.take_along_axis(scores, top, axis=1)

    emit("numpy-float-x-dequantized-int4", timed(numpy_search, runs, nq))


if __name__ == "__main__":
    main()

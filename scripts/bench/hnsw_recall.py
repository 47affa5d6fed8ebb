"""Recall@k of HNSW answers (scripts/bench-hnsw.sh), ties counted: a returned row counts as a hit
when its exact score on the same codes is at least as good as the k-th exact score (so an
answer is never penalized for choosing another of several equally distant rows).

recall_on_codes(codes_dir, precision, ids, k): against exact search on the same codes
(ubinary: Hamming distance; int8: integer dot product).
recall_float(codes_dir, ids, k): against float32 exact search (the ids of the true top k
that were returned; the float scores are not recomputed here, so ties are not counted)."""
import os

import numpy as np

POPCOUNT = np.array([bin(i).count("1") for i in range(256)], dtype=np.int32)


def load(codes_dir, precision, dim):
    dtype = np.uint8 if precision == "ubinary" else np.int8
    width = (dim + 7) // 8 if precision == "ubinary" else dim
    corpus = np.fromfile(os.path.join(codes_dir, f"codes-{precision}.bin"), dtype=dtype).reshape(-1, width)
    queries = np.fromfile(os.path.join(codes_dir, f"queries-{precision}.bin"), dtype=dtype).reshape(-1, width)
    return corpus, queries


def truth(codes_dir, precision, k):
    ids = np.fromfile(os.path.join(codes_dir, f"truth-{precision}-ids.i32"), dtype=np.int32).reshape(-1, k)
    scores = np.fromfile(os.path.join(codes_dir, f"truth-{precision}-scores.f64"), dtype=np.float64).reshape(-1, k)
    return ids, scores


def recall_on_codes(codes_dir, precision, dim, ids, k, cache={}):
    key = (codes_dir, precision)
    if key not in cache:
        cache[key] = (load(codes_dir, precision, dim), truth(codes_dir, precision, k))
    (corpus, queries), (_, scores) = cache[key]
    ids = ids.reshape(len(queries), -1)[:, :k]
    hits = 0
    for q in range(len(queries)):
        rows = ids[q][ids[q] >= 0]
        if precision == "ubinary":
            found = POPCOUNT[np.bitwise_xor(corpus[rows], queries[q])].sum(axis=1)
            hits += int(np.sum(found <= scores[q, k - 1]))
        else:
            found = corpus[rows].astype(np.int32) @ queries[q].astype(np.int32)
            hits += int(np.sum(found >= scores[q, k - 1]))
    return hits / (len(queries) * k)


def recall_float(codes_dir, ids, k, queries):
    true_ids, _ = truth(codes_dir, "float32", k)
    ids = ids.reshape(queries, -1)[:, :k]
    return float(np.mean([len(set(ids[q]) & set(true_ids[q])) / k for q in range(queries)]))

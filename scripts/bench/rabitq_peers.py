"""FAISS RaBitQ on EmbedQ's exported embeddings: one JSON run file per setting.

    python rabitq_peers.py EXPORT_FOLDER OUTPUT_FOLDER [--quantized-queries-only]

EXPORT_FOLDER is what `embedq eval --export-embeddings` writes (corpus.npy, queries.npy,
corpus-ids.txt, query-ids.txt). For nb_bits 1, 2 and 4, with and without FAISS's random rotation
in front (IndexPreTransform + RandomRotationMatrix), and the query quantized to qb = 4 or 8 bits
(1-bit codes; 8 for multi-bit) or kept float (qb = 0), it builds faiss.IndexRaBitQ (inner product; trained on
the corpus, so the centroid is the corpus mean), searches the top 100 per query on one thread,
and writes {"name", "bytes_per_vector", "ms_per_query", "rankings"} (see EmbedQ's PeerRun). The
bytes per vector are FAISS's own code_size (codes + correction factors). `embedq eval --peer-run`
scores the files with the same metrics as EmbedQ's rows. --quantized-queries-only skips qb = 0
(FAISS's float-query path is ~100x slower: minutes per setting on 800 queries).
"""
import json
import os
import sys
import time

import faiss
import numpy as np

DEPTH = 100


def main():
    source, output = sys.argv[1], sys.argv[2]
    quantized_only = "--quantized-queries-only" in sys.argv[3:]
    os.makedirs(output, exist_ok=True)
    corpus = np.load(os.path.join(source, "corpus.npy")).astype("float32")
    queries = np.load(os.path.join(source, "queries.npy")).astype("float32")
    with open(os.path.join(source, "corpus-ids.txt")) as f:
        corpus_ids = f.read().split("\n")[: len(corpus)]
    with open(os.path.join(source, "query-ids.txt")) as f:
        query_ids = f.read().split("\n")[: len(queries)]
    faiss.omp_set_num_threads(1)
    d = corpus.shape[1]
    settings = []
    for bits in (1, 2, 4):
        for rotate in (False, True):
            for qb in ((0, 4, 8) if bits == 1 else (0, 8)):
                if not (quantized_only and qb == 0):
                    settings.append((bits, rotate, qb))
    print(f"faiss {faiss.__version__}: {len(corpus)} x {d} corpus, {len(queries)} queries", file=sys.stderr)
    for bits, rotate, qb in settings:
        base = faiss.IndexRaBitQ(d, faiss.METRIC_INNER_PRODUCT, bits)
        index = base
        if rotate:
            rotation = faiss.RandomRotationMatrix(d, d)
            rotation.init(1234)
            index = faiss.IndexPreTransform(rotation, base)
        index.train(corpus)
        index.add(corpus)
        params = faiss.RaBitQSearchParameters()
        params.qb = qb
        timings = []
        # Three timed runs (median) unless one already takes over a second (the float-query paths).
        for _ in range(3):
            if timings and timings[0] > 1:
                break
            start = time.perf_counter()
            if rotate:
                scores, rows = base.search(rotation.apply(queries), DEPTH, params=params)
            else:
                scores, rows = base.search(queries, DEPTH, params=params)
            timings.append(time.perf_counter() - start)
        name = f"FAISS RaBitQ {bits}-bit qb={qb}" + (" +rotation" if rotate else "")
        rankings = {}
        for q, query_id in enumerate(query_ids):
            keep = rows[q] >= 0
            rankings[query_id] = {
                "ids": [corpus_ids[r] for r in rows[q][keep]],
                "scores": [float(s) for s in scores[q][keep]],
            }
        run = {
            "name": name,
            "bytes_per_vector": int(base.code_size),
            "ms_per_query": 1000 * sorted(timings)[len(timings) // 2] / len(queries),
            "rankings": rankings,
        }
        slug = f"faiss-rabitq{bits}-qb{qb}" + ("-rot" if rotate else "")
        with open(os.path.join(output, slug + ".json"), "w") as f:
            json.dump(run, f)
        print(f"  {name}: {base.code_size} B/vector, {run['ms_per_query']:.3f} ms/query", file=sys.stderr)


if __name__ == "__main__":
    main()

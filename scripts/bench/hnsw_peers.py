"""The HNSW benchmark's peers on the same codes as EmbedQ (scripts/bench-hnsw.sh): USearch
(`b1` Hamming HNSW on the packed bits, `i8` inner-product HNSW on the int8 codes) and FAISS
`IndexBinaryHNSW` (Hamming), with the same M and ef_construction. One process per (system,
precision, build threads), so that its peak memory is its own. Prints JSON lines like
`embedq-bench hnsw` and writes PREFIX-ef<ef>.i32 (the ids of the first search thread count).

Usage: hnsw_peers.py SYSTEM PRECISION CODES_DIR DIM M EF_CONSTRUCTION BUILD_THREADS SEARCH_THREADS EFS K RUNS PREFIX
  SYSTEM usearch | faiss; PRECISION ubinary | int8; SEARCH_THREADS and EFS comma-separated."""
import json
import os
import resource
import sys
import time

import numpy as np


def emit(**fields):
    print(json.dumps(fields, sort_keys=True), flush=True)


def peak_rss_bytes():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def median_seconds(runs, body):
    """Median wall seconds of `runs` calls after a warm-up, and the CPU seconds per call."""
    body()
    times = []
    cpu = time.process_time()
    for _ in range(runs):
        start = time.perf_counter()
        body()
        times.append(time.perf_counter() - start)
    return sorted(times)[len(times) // 2], (time.process_time() - cpu) / runs


def main():
    system, precision, codes_dir, dim, m, ef_construction, build_threads, search_threads, efs, k, runs, prefix = sys.argv[1:13]
    dim, m, ef_construction, build_threads, k, runs = int(dim), int(m), int(ef_construction), int(build_threads), int(k), int(runs)
    search_threads = [int(t) for t in search_threads.split(",")]
    efs = [int(e) for e in efs.split(",")]
    dtype = np.uint8 if precision == "ubinary" else np.int8
    width = (dim + 7) // 8 if precision == "ubinary" else dim
    corpus = np.fromfile(os.path.join(codes_dir, f"codes-{precision}.bin"), dtype=dtype).reshape(-1, width)
    queries = np.fromfile(os.path.join(codes_dir, f"queries-{precision}.bin"), dtype=dtype).reshape(-1, width)
    n = len(corpus)

    if system == "usearch":
        from usearch.index import Index
        if precision == "ubinary":
            index = Index(ndim=dim, metric="hamming", dtype="b1", connectivity=m, expansion_add=ef_construction)
        else:
            index = Index(ndim=dim, metric="ip", dtype="i8", connectivity=m, expansion_add=ef_construction)
        keys = np.arange(n, dtype=np.uint64)
        start, cpu = time.perf_counter(), time.process_time()
        index.add(keys, corpus, threads=build_threads)
        build, build_cpu = time.perf_counter() - start, time.process_time() - cpu
        index_bytes = int(index.memory_usage)

        def search(ef, threads):
            index.expansion_search = ef
            return index.search(queries, k, threads=threads).keys.astype(np.int32)
        name = f"usearch {index.dtype}"
    elif system == "faiss":
        import faiss
        faiss.omp_set_num_threads(build_threads)
        index = faiss.IndexBinaryHNSW(dim, m)
        index.hnsw.efConstruction = ef_construction
        start, cpu = time.perf_counter(), time.process_time()
        index.add(corpus)
        build, build_cpu = time.perf_counter() - start, time.process_time() - cpu
        index_bytes = int(faiss.serialize_index_binary(index).nbytes)

        def search(ef, threads):
            faiss.omp_set_num_threads(threads)
            index.hnsw.efSearch = ef
            return index.search(queries, k)[1].astype(np.int32)
        name = "faiss IndexBinaryHNSW"
    else:
        raise SystemExit(f"unknown system {system}")

    emit(system=system, name=name, precision=precision, event="build", rows=n, build_threads=build_threads,
         build_seconds=build, build_cpu_seconds=build_cpu, index_bytes=index_bytes, peak_rss_bytes=peak_rss_bytes(), m=m, ef_construction=ef_construction)
    for threads in search_threads:
        for ef in efs:
            found = {}

            def body():
                found["ids"] = search(ef, threads)
            seconds, cpu = median_seconds(runs, body)
            emit(system=system, precision=precision, event="search", build_threads=build_threads, threads=threads, ef=ef,
                 qps=len(queries) / seconds, cpu_us_per_query=cpu * 1e6 / len(queries))
            if threads == search_threads[0]:
                found["ids"].tofile(f"{prefix}-ef{ef}.i32")
    emit(system=system, precision=precision, event="done", peak_rss_bytes=peak_rss_bytes())


if __name__ == "__main__":
    main()

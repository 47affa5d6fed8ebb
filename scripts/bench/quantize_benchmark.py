"""EmbedQ vs sentence_transformers.util.quantize_embeddings on the same data.

Generates n x d normalized float32 rows once (seed 0), runs the NumPy reference (median of
several runs), runs `embedq-bench quantize` on the same file, checks the bytes are identical and
prints a table with both times and the ratio, plus the memory read floor (one streaming pass
over the input, measured by embedq-bench in the same run).
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time
import warnings

import numpy as np


def log(message):
    print(message, file=sys.stderr, flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--embedq-bench", required=True)
    parser.add_argument("--data-dir", default=".bench-data")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--dim", type=int, default=384)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    warnings.filterwarnings("ignore")
    from sentence_transformers.quantization import quantize_embeddings

    os.makedirs(args.data_dir, exist_ok=True)
    stem = os.path.join(args.data_dir, f"quantize-{args.rows}x{args.dim}")
    data_path, ranges_path = stem + ".npy", stem + "-ranges.npy"
    if not (os.path.exists(data_path) and os.path.exists(ranges_path)):
        log(f"generating {args.rows} x {args.dim} normalized float32 rows (seed 0) -> {data_path}")
        rng = np.random.default_rng(0)
        x = rng.standard_normal((args.rows, args.dim), dtype=np.float32)
        x /= np.linalg.norm(x, axis=1, keepdims=True)
        ranges = np.vstack([np.quantile(x[:10_000], 0.001, axis=0), np.quantile(x[:10_000], 0.999, axis=0)]).astype(np.float32)
        np.save(data_path, x)
        np.save(ranges_path, ranges)
        del x
    x = np.load(data_path)
    ranges = np.load(ranges_path)

    peer = {}
    for precision in ("int8", "binary"):
        log(f"sentence-transformers {precision}: {args.runs} runs")
        out = quantize_embeddings(x, precision, ranges=ranges)  # warm-up
        times = []
        for _ in range(args.runs):
            start = time.perf_counter()
            out = quantize_embeddings(x, precision, ranges=ranges)
            times.append(time.perf_counter() - start)
        np.save(f"{stem}-st-{precision}.npy", out)
        peer[precision] = statistics.median(times)
        del out
    del x

    log("embedq: same data, same runs")
    result = subprocess.run(
        [args.embedq_bench, "quantize", data_path, "--ranges", ranges_path, "--runs", str(args.runs),
         "--reference-int8", f"{stem}-st-int8.npy", "--reference-binary", f"{stem}-st-binary.npy"],
        check=True, capture_output=True, text=True)
    ours = json.loads(result.stdout)

    gb = ours["input_bytes"] / 1e9
    floor = ours["read_floor_s"]
    print(f"\nQuantize {ours['rows']:,} x {ours['dimension']} float32 ({gb:.2f} GB), 1 thread, median of {args.runs} runs")
    print(f"memory read floor (one streaming pass over the input): {floor * 1000:.1f} ms ({gb / floor:.1f} GB/s)\n")
    print("| precision | sentence-transformers (NumPy) ms | EmbedQ ms | speed-up | EmbedQ / floor | bytes identical |")
    print("|---|---:|---:|---:|---:|---|")
    for precision in ("int8", "binary"):
        mine = ours["results"][precision]
        print(f"| {precision} | {peer[precision] * 1000:.1f} | {mine['median_s'] * 1000:.1f} | "
              f"{peer[precision] / mine['median_s']:.1f}x | {mine['median_s'] / floor:.2f}x | "
              f"{'yes' if mine['bytes_identical'] else 'NO'} |")
    if not all(ours["results"][p]["bytes_identical"] for p in ("int8", "binary")):
        sys.exit("bytes differ from sentence-transformers")


if __name__ == "__main__":
    main()

"""Generates the search benchmark's data once: N x D float32 vectors drawn from a standard
normal distribution with a fixed seed, each row L2-normalized, stored raw (little-endian,
row-major) so that the Swift benchmark and the Python peers read the very same bytes.

Usage: make_data.py DIR [N] [D] [QUERIES]
Writes DIR/corpus-NxD.f32 and DIR/queries-QUERIESxD.f32 unless they already exist."""
import os
import sys

import numpy as np


def write_normalized(path, rows, dim, seed, chunk=100_000):
    if os.path.exists(path) and os.path.getsize(path) == rows * dim * 4:
        return
    rng = np.random.default_rng(seed)
    tmp = path + ".tmp"
    with open(tmp, "wb") as out:
        for start in range(0, rows, chunk):
            block = rng.standard_normal((min(chunk, rows - start), dim), dtype=np.float32)
            block /= np.linalg.norm(block, axis=1, keepdims=True)
            out.write(np.ascontiguousarray(block, dtype="<f4").tobytes())
    os.replace(tmp, path)


def main():
    directory = sys.argv[1]
    rows = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
    dim = int(sys.argv[3]) if len(sys.argv) > 3 else 384
    queries = int(sys.argv[4]) if len(sys.argv) > 4 else 100
    os.makedirs(directory, exist_ok=True)
    write_normalized(os.path.join(directory, f"corpus-{rows}x{dim}.f32"), rows, dim, seed=20261126)
    write_normalized(os.path.join(directory, f"queries-{queries}x{dim}.f32"), queries, dim, seed=7)


if __name__ == "__main__":
    main()

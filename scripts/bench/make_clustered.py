"""Generates the HNSW benchmark's data once: N x D float32 unit vectors drawn from a mixture of
Gaussian clusters (fixed seed), and Q queries from the same mixture, stored raw (little-endian,
row-major) so that EmbedQ and the Python peers read the very same bytes.

Each of C clusters has a centre drawn from N(0, I) and a covariance of low rank plus a little
isotropic noise: x = centre + 0.7 · B_c z / sqrt(r) + 0.25 · e, z ~ N(0, I_r), e ~ N(0, I_d), with
B_c a random D x r Gaussian basis (r = 24), then L2-normalized. Real sentence embeddings have
that kind of structure (topics, and a low intrinsic dimension within a topic); uniform random
vectors have no neighbourhood structure at all. Rows are shuffled (the insertion order of the
graphs is not the cluster order).

Usage: make_clustered.py DIR N D Q
Writes DIR/clustered-corpus-NxD.f32 and DIR/clustered-queries-QxD.f32 unless they exist."""
import os
import sys

import numpy as np

CLUSTERS = 1000
RANK = 24
SEED = 20261201


def draw(rng, centres, bases, count):
    labels = rng.integers(0, len(centres), size=count)
    out = np.empty((count, centres.shape[1]), dtype=np.float32)
    for cluster in np.unique(labels):
        members = np.nonzero(labels == cluster)[0]
        z = rng.standard_normal((len(members), RANK), dtype=np.float32)
        e = rng.standard_normal((len(members), centres.shape[1]), dtype=np.float32)
        out[members] = centres[cluster] + 0.7 * (z @ bases[cluster].T) / np.sqrt(RANK) + 0.25 * e
    out /= np.linalg.norm(out, axis=1, keepdims=True)
    return out


def main():
    directory, rows, dim, queries = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    corpus_path = os.path.join(directory, f"clustered-corpus-{rows}x{dim}.f32")
    query_path = os.path.join(directory, f"clustered-queries-{queries}x{dim}.f32")
    if os.path.exists(corpus_path) and os.path.exists(query_path):
        return
    os.makedirs(directory, exist_ok=True)
    rng = np.random.default_rng(SEED)
    centres = rng.standard_normal((CLUSTERS, dim), dtype=np.float32)
    bases = rng.standard_normal((CLUSTERS, dim, RANK), dtype=np.float32)
    for path, count, stream in ((corpus_path, rows, 1), (query_path, queries, 2)):
        data = draw(np.random.default_rng([SEED, stream]), centres, bases, count)
        tmp = path + ".tmp"
        with open(tmp, "wb") as out:
            out.write(np.ascontiguousarray(data, dtype="<f4").tobytes())
        os.replace(tmp, path)


if __name__ == "__main__":
    main()

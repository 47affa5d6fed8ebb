#!/usr/bin/env bash
# Benchmark: EmbedQ vs sentence-transformers' quantize_embeddings (NumPy) on the same
# 1M × 384 random float32 rows, int8 and binary, one thread each, medians of several runs.
#   scripts/bench-quantize.sh [--rows N] [--runs R]
# Data is generated once (fixed seed) under .bench-data/ (git-ignored).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/ensure-deps.sh
source scripts/lib/bench-venv.sh
ensure_bench_venv numpy sentence_transformers
echo "embedq: building embedq-bench (release)" >&2
swift build -c release --product embedq-bench >&2
# One thread for the peer; the OpenBLAS core-type override slows a current NumPy (see env docs).
unset OPENBLAS_CORETYPE OPENBLAS_L2_SIZE
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1
exec "$BENCH_PYTHON" scripts/bench/quantize_benchmark.py \
    --embedq-bench "$(swift build -c release --show-bin-path)/embedq-bench" --data-dir .bench-data "$@"

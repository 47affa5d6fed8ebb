#!/usr/bin/env bash
# Search benchmark: EmbedQ's exact search against FAISS and USearch on the same data, same run.
#
#   scripts/bench-search.sh [ROWS] [RUNS]        # defaults: 1000000 rows, 5 runs
#   EMBEDQ_BENCH_BIN=PATH/embedq-bench …          # reuse a built embedq-bench (scripts/test.sh builds one)
#
# Ends with the asymmetric rows (scripts/bench-asymmetric.sh; EMBEDQ_BENCH_ASYMMETRIC=0 skips them).
#
# Generates ROWS x 384 normalized random float32 vectors and 100 queries once (fixed seeds,
# cached in .bench-data/), builds embedq-bench in release mode, times EmbedQ binary / int8 /
# float32 search (k = 10, 1 and 2 threads), then the peers (FAISS IndexBinaryFlat,
# IndexScalarQuantizer QT_8bit, IndexFlatIP; USearch exact i8) in the Python venv named by
# EMBEDQ_BENCH_VENV, and prints the table with the ratios (medians of RUNS runs).
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS="${1:-1000000}"
RUNS="${2:-5}"
DIM=384
QUERIES=100
K=10
source scripts/lib/ensure-deps.sh
source scripts/lib/bench-venv.sh
ensure_bench_venv numpy faiss usearch
PYTHON="$BENCH_PYTHON"
DATA=.bench-data
mkdir -p "$DATA"

"$PYTHON" scripts/bench/make_data.py "$DATA" "$ROWS" "$DIM" "$QUERIES"
CORPUS="$DATA/corpus-${ROWS}x${DIM}.f32"
QFILE="$DATA/queries-${QUERIES}x${DIM}.f32"

# EMBEDQ_BENCH_BIN: an embedq-bench already built (e.g. by scripts/test.sh's release build).
BIN="${EMBEDQ_BENCH_BIN:-}"
if [ -z "$BIN" ]; then
    swift build -c release --product embedq-bench 2>&1 | grep -E "error|warning" || true
    BIN="$(swift build -c release --show-bin-path)/embedq-bench"
fi

echo "EmbedQ ($ROWS x $DIM, $QUERIES queries, k = $K, median of $RUNS runs)..." >&2
"$BIN" search "$CORPUS" "$QFILE" "$DIM" "$K" "$RUNS" 1 2 | tee "$DATA/embedq.jsonl" >&2

echo "Peers (median of 3 runs)..." >&2
# The peers pick their own BLAS kernels: no inherited OpenBLAS overrides in this command.
env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$PYTHON" scripts/bench/peers.py \
    "$CORPUS" "$QFILE" "$DIM" "$K" 3 1 2 | tee "$DATA/peers.jsonl" >&2

"$PYTHON" scripts/bench/report.py "$DATA/embedq.jsonl" "$DATA/peers.jsonl"

# The asymmetric scans (float queries × codes, one thread), with their own peers and table.
if [ "${EMBEDQ_BENCH_ASYMMETRIC:-1}" != 0 ]; then
    bash scripts/bench-asymmetric.sh "$ROWS" 3
fi

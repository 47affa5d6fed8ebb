#!/usr/bin/env bash
# The asymmetric rows of the search benchmark (scripts/bench-search.sh runs it last): float32
# queries × int4 / ternary / ±1 bits / int8 codes (AsymmetricIndex, the blocked asymmetric
# kernels) against the symmetric int8 × int8 and Hamming scans, one thread, 100 queries, k = 10,
# median of RUNS runs, at every EMBEDQ_ISA level of this CPU (best first, then avx2 when the best is
# not avx2, and portable;
# the portable rows use PORTABLE_QUERIES queries: its fmaf is slow without FMA hardware), then the
# peers in the same command: FAISS IndexScalarQuantizer QT_8bit / QT_4bit and NumPy (float32
# matrix product against the dequantized corpus), one thread.
#
#   scripts/bench-asymmetric.sh [ROWS] [RUNS] [PORTABLE_QUERIES]    # defaults: 1000000 3 5
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS="${1:-1000000}"
RUNS="${2:-3}"
PORTABLE_QUERIES="${3:-5}"
DIM=384
QUERIES=100
K=10
source scripts/lib/ensure-deps.sh
source scripts/lib/bench-venv.sh
ensure_bench_venv numpy faiss
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

reports=()
for level in native avx2 portable; do
    if [ "$level" = native ]; then env=(); else env=(EMBEDQ_ISA="$level"); fi
    # On an AVX2-only CPU the native rows are the avx2 rows: not timed twice.
    if [ "$level" = avx2 ] && grep -q '"asymmetric":"avx2"' "$DATA/asymmetric-native.jsonl"; then continue; fi
    used=$QUERIES
    [ "$level" = portable ] && used=$PORTABLE_QUERIES
    echo "EmbedQ asymmetric scans, EMBEDQ_ISA=$level ($ROWS x $DIM, $used queries, k = $K, 1 thread, median of $RUNS)..." >&2
    env "${env[@]}" "$BIN" asymmetric "$CORPUS" "$QFILE" "$DIM" "$K" "$RUNS" "$used" | tee "$DATA/asymmetric-$level.jsonl" >&2
    reports+=("$DATA/asymmetric-$level.jsonl")
done

echo "Peers (1 thread, median of $RUNS)..." >&2
env -u OPENBLAS_CORETYPE OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 "$PYTHON" scripts/bench/asymmetric_peers.py \
    "$CORPUS" "$QFILE" "$DIM" "$K" "$RUNS" | tee "$DATA/asymmetric-peers.jsonl" >&2

"$PYTHON" scripts/bench/asymmetric_report.py "$DATA/asymmetric-peers.jsonl" "${reports[@]}"

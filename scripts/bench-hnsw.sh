#!/usr/bin/env bash
# HNSW benchmark (issue 14): EmbedQ's graph over ubinary and int8 codes beside USearch (`b1`
# Hamming, `i8` inner product) and FAISS `IndexBinaryHNSW`, same data, same M and
# ef_construction, in one run. Build time, index bytes, peak RSS (one process per system, so the
# peak is its own), and the ef sweep: queries per second at 1 and 2 search threads and recall@10
# against exact search on the same codes (ties counted) and against float32 exact search.
#
#   scripts/bench-hnsw.sh [ROWS] [RUNS] [BUILD_THREADS]   # defaults: 1000000 rows, 3 runs, "1 2"
#   EMBEDQ_BENCH_BIN=.build/release/embedq-bench scripts/bench-hnsw.sh 100000 3 2   # reuse a built binary
#
# Data: ROWS × 384 unit vectors from a mixture of Gaussian clusters (scripts/bench/make_clustered.py)
# and 1,000 queries from the same mixture. Writes .bench-data/hnsw-ROWS/results.jsonl and prints the
# report (scripts/bench/hnsw_report.py), which also writes the recall / QPS chart
# (.bench-data/hnsw-ROWS/hnsw-recall-qps.svg; docs/hnsw-recall-qps.svg is a committed copy).
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS="${1:-1000000}"
RUNS="${2:-3}"
BUILD_THREADS="${3:-1 2}"
DIM=384
QUERIES=1000
K=10
M=16
EF_CONSTRUCTION=128
EFS="10,16,24,32,48,64,96,128,192,256"
source scripts/lib/ensure-deps.sh
source scripts/lib/bench-venv.sh
ensure_bench_venv numpy usearch faiss
DATA=.bench-data
OUT="$DATA/hnsw-$ROWS"
mkdir -p "$OUT"
"$BENCH_PYTHON" scripts/bench/make_clustered.py "$DATA" "$ROWS" "$DIM" "$QUERIES"
# EMBEDQ_BENCH_BIN: an embedq-bench already built (e.g. by scripts/test.sh) instead of building one.
if [ -n "${EMBEDQ_BENCH_BIN:-}" ]; then
    BIN="$EMBEDQ_BENCH_BIN"
else
    swift build -c release --product embedq-bench 2>&1 | grep -E "error|warning" || true
    BIN="$(swift build -c release --show-bin-path)/embedq-bench"
fi
CPU="$(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')"
echo "HNSW benchmark: $ROWS x $DIM clustered, $QUERIES queries, k = $K, M = $M, ef_construction = $EF_CONSTRUCTION," \
     "median of $RUNS runs; $CPU; EMBEDQ_ISA=${EMBEDQ_ISA:-unset}; load: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
if [ ! -f "$OUT/truth-float32-ids.i32" ]; then
    "$BIN" hnsw-prepare --corpus "$DATA/clustered-corpus-${ROWS}x${DIM}.f32" \
        --queries "$DATA/clustered-queries-${QUERIES}x${DIM}.f32" --dimension "$DIM" --k "$K" --out "$OUT" >/dev/null
fi
RESULTS="$OUT/results.jsonl"
: > "$RESULTS"
for precision in ubinary int8; do
    for threads in $BUILD_THREADS; do
        echo "  $precision, $threads build thread(s): embedq" >&2
        "$BIN" hnsw --codes "$OUT" --precision "$precision" --dimension "$DIM" --m "$M" --ef-construction "$EF_CONSTRUCTION" \
            --build-threads "$threads" --search-threads 1,2 --efs "$EFS" --k "$K" --runs "$RUNS" \
            --ids "$OUT/embedq-$precision-b$threads" >> "$RESULTS"
        peers="usearch"
        [ "$precision" = ubinary ] && peers="usearch faiss"
        for peer in $peers; do
            echo "  $precision, $threads build thread(s): $peer" >&2
            "$BENCH_PYTHON" scripts/bench/hnsw_peers.py "$peer" "$precision" "$OUT" "$DIM" "$M" "$EF_CONSTRUCTION" "$threads" \
                1,2 "$EFS" "$K" "$RUNS" "$OUT/$peer-$precision-b$threads" >> "$RESULTS"
        done
    done
done
"$BENCH_PYTHON" scripts/bench/hnsw_report.py "$OUT" "$DIM" "$K" "$QUERIES" \
    "$ROWS x $DIM clustered, $QUERIES queries, M $M, ef_construction $EF_CONSTRUCTION; $CPU; load $(cut -d' ' -f1-3 /proc/loadavg)"

#!/usr/bin/env bash
# Row-filter benchmark: what an allow-list costs inside EmbedQ's flat scan, binary and int8,
# one thread, against the unfiltered scan of the same index (same run, same data).
#
#   scripts/bench-filter.sh [ROWS] [RUNS]        # defaults: 1000000 rows, 5 runs
#
# Filters keep 50 %, 10 %, 1 % and 0.1 % of the rows, scattered at random or as one contiguous
# run (the scan skips blocks of 16 rows without an allowed row). The hits are exact in every case
# (the conformance suite checks that); this measures time only. Data as scripts/bench-search.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS="${1:-1000000}"
RUNS="${2:-5}"
DIM=384
QUERIES=100
K=10
source scripts/lib/ensure-deps.sh
source scripts/lib/bench-venv.sh
ensure_bench_venv numpy
DATA=.bench-data
mkdir -p "$DATA"
"$BENCH_PYTHON" scripts/bench/make_data.py "$DATA" "$ROWS" "$DIM" "$QUERIES"
swift build -c release --product embedq-bench 2>&1 | grep -E "error|warning" || true
BIN="$(swift build -c release --show-bin-path)/embedq-bench"
echo "EmbedQ flat search with row filters ($ROWS x $DIM, $QUERIES queries, k = $K, median of $RUNS runs, 1 thread)" >&2
"$BIN" filter "$DATA/corpus-${ROWS}x${DIM}.f32" "$DATA/queries-${QUERIES}x${DIM}.f32" "$DIM" "$K" "$RUNS" \
    | tee "$DATA/filter.jsonl" | "$BENCH_PYTHON" scripts/bench/filter_report.py

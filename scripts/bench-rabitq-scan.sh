#!/usr/bin/env bash
# The 1-bit RaBitQ estimator scan against the Hamming scan of the same bits: 1M × 384, 100
# queries, k = 10, one thread, medians (embedq-bench rabitq-scan; random codes, fixed seed).
#
#   scripts/bench-rabitq-scan.sh [ROWS] [QUERIES] [RUNS]    # defaults 1000000 100 5
#   EMBEDQ_BENCH_BIN=… scripts/bench-rabitq-scan.sh          # an embedq-bench already built
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/ensure-deps.sh
# EMBEDQ_BENCH_BIN: an embedq-bench already built (e.g. by scripts/test.sh's release build).
BIN="${EMBEDQ_BENCH_BIN:-}"
if [ -z "$BIN" ]; then
    swift build -c release --product embedq-bench 2>&1 | grep -E "error|warning" || true
    BIN="$(swift build -c release --show-bin-path)/embedq-bench"
fi
echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs) ($(grep -m1 flags /proc/cpuinfo | grep -o 'avx512vbmi\|avx512_vpopcntdq\|avx2' | sort -u | xargs)); load: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
"$BIN" rabitq-scan "${1:-1000000}" "${2:-100}" "${3:-5}"

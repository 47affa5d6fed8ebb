#!/usr/bin/env bash
# What a change costs in a collection (issue 13): an acknowledged add of 1,000 vectors to a
# collection of ROWS (default 1M) × 384 binary (or --precision P) + int8 points, in the library and as a whole
# `embedq collection add` process, against the same add to an index file (which rewrites the
# file); search over ten segments plus a memory chunk against one segment; merge throughput;
# filtered search at 50 %, 5 % and 0.1 % selectivity; peak RSS. Seeded random vectors.
# Usage: scripts/bench-collection.sh [ROWS [embedq-bench collection options, e.g. --precision rabitq1]]
# EMBEDQ_BIN=PATH/embedq runs that build (its folder's embedq-bench too) instead of building one
# (scripts/test.sh builds with other flags).
set -euo pipefail
cd "$(dirname "$0")/.."
rows="${1:-1000000}"
if [ -n "${EMBEDQ_BIN:-}" ]; then
    bin="$(dirname "$EMBEDQ_BIN")"
else
    swift build -c release --product embedq-bench >&2
    swift build -c release --product embedq >&2
    bin="$(swift build -c release --show-bin-path)"
fi
echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), EMBEDQ_ISA=${EMBEDQ_ISA:-unset}" >&2
echo "load before: $(uptime)" >&2
"$bin/embedq-bench" collection --rows "$rows" --embedq "$bin/embedq" "${@:2}"
echo "load after: $(uptime)" >&2

#!/usr/bin/env bash
# Runs the whole EmbedQ test suite (the README's test command).
# Installs the system packages the build needs when they are missing (Debian), then builds in
# release mode with testability enabled: the numeric kernels run 10-100x slower in debug builds.
# Tests read ../shared (golden files, the real model, SciFact) through EMBEDQ_SHARED.
# Extra arguments go to `swift test` (e.g. --filter GoldenQuantizationTests).
# After a full run (no arguments) that passed, a bounded schemathesis run (about two minutes,
# scripts/schemathesis.sh, PyPI) drives `embedq serve` from its OpenAPI document; set
# EMBEDQ_SKIP_SCHEMATHESIS=1 to skip it.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/ensure-deps.sh
export EMBEDQ_SHARED="${EMBEDQ_SHARED:-$(cd .. && pwd)/shared}"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
swift test -c release -Xswiftc -enable-testing --disable-swift-testing "$@" 2>&1 | tee "$log" || status=$?
# A plain closing line: XCTest's own summary for the whole run is its last "Executed" line.
# XCTest's summary line: "Executed N tests, with [K tests skipped and] M failures (…)".
summary=$(grep -E "^[[:space:]]*Executed [0-9]+ tests?, with" "$log" | tail -n 1 || true)
if [ -n "$summary" ]; then
    executed=$(echo "$summary" | sed -E 's/.*Executed ([0-9]+) tests?.*/\1/')
    failed=$(echo "$summary" | sed -E 's/.* ([0-9]+) failures?.*/\1/')
    skipped=0
    if echo "$summary" | grep -qE "[0-9]+ tests? skipped"; then
        skipped=$(echo "$summary" | sed -E 's/.* ([0-9]+) tests? skipped.*/\1/')
    fi
    echo "$((executed - failed - skipped)) passed, $failed failed, $skipped skipped"
fi
if [ $status -eq 0 ] && [ $# -eq 0 ] && [ "${EMBEDQ_SKIP_SCHEMATHESIS:-0}" != 1 ]; then
    if [ -f "$EMBEDQ_SHARED/models/all-MiniLM-L6-v2/model.safetensors" ]; then
        echo "schemathesis: driving embedq serve from its OpenAPI document (bounded)"
        bash scripts/schemathesis.sh --embedq "$(swift build -c release --show-bin-path)/embedq" || status=$?
    else
        echo "schemathesis: skipped (no model at $EMBEDQ_SHARED/models/all-MiniLM-L6-v2)"
    fi
fi
exit $status

#!/usr/bin/env bash
# Runs the whole EmbedQ test suite (the README's test command).
# Installs the system packages the build needs when they are missing (Debian), then builds in
# release mode with testability enabled: the numeric kernels run 10-100x slower in debug builds.
# Tests read ../shared (golden files, the real model, SciFact) through EMBEDQ_SHARED; in CI
# (CI=true, which .ci/run sets) a missing ../shared fails the run instead of skipping tests.
# Extra arguments go to `swift test` (e.g. --filter GoldenQuantizationTests).
# The closing line counts passed, failed and skipped tests and names every skipped one.
# After a full run (no arguments) that passed, a bounded schemathesis run (about two minutes,
# scripts/schemathesis.sh, PyPI) drives `embedq serve` from its OpenAPI document; set
# EMBEDQ_SKIP_SCHEMATHESIS=1 to skip it.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/ensure-deps.sh
# python3 serves the loopback hub in the model download test.
command -v dpkg >/dev/null 2>&1 && ensure_debian_packages python3
export EMBEDQ_SHARED="${EMBEDQ_SHARED:-$(cd .. && pwd)/shared}"
case "${CI:-}" in
    true|1|yes|TRUE|True)
        if [ ! -d "$EMBEDQ_SHARED/models" ] || [ ! -d "$EMBEDQ_SHARED/golden" ] || [ ! -d "$EMBEDQ_SHARED/datasets" ]; then
            echo "embedq: CI=true but the shared data is missing at $EMBEDQ_SHARED (models/, golden/, datasets/)." >&2
            echo "embedq: put the shared folder beside the repository or set EMBEDQ_SHARED." >&2
            exit 1
        fi ;;
esac
# The CLI tests run the built `embedq` from here (not from the test binary's arguments).
swift_flags=(-c release -Xswiftc -enable-testing)
EMBEDQ_BUILD_PRODUCTS="$(swift build "${swift_flags[@]}" --show-bin-path)"
export EMBEDQ_BUILD_PRODUCTS
log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
swift test "${swift_flags[@]}" --disable-swift-testing "$@" 2>&1 | tee "$log" || status=$?
# XCTest's summary line for the whole run is its last
# "Executed N tests, with [K tests skipped and] M failures (…)".
summary=$(grep -E "^[[:space:]]*Executed [0-9]+ tests?, with" "$log" | tail -n 1 || true)
if [ -n "$summary" ]; then
    executed=$(echo "$summary" | sed -E 's/.*Executed ([0-9]+) tests?.*/\1/')
    failed=$(echo "$summary" | sed -E 's/.* ([0-9]+) failures?.*/\1/')
    skipped=0
    if echo "$summary" | grep -qE "[0-9]+ tests? skipped"; then
        skipped=$(echo "$summary" | sed -E 's/.* ([0-9]+) tests? skipped.*/\1/')
    fi
    # "Test Case 'Class.testName' skipped (0.001 seconds)" (Linux) or
    # "Test Case '-[Module.Class testName]' skipped (…)" (Apple platforms).
    names=$(sed -nE "s/^Test Case '(-\[)?([^' ]+)( ([^]']+))?\]?' skipped.*/\2\3/p" "$log" | tr ' ' '.' | sort -u | paste -sd ',' - | sed 's/,/, /g')
    line="$((executed - failed - skipped)) passed, $failed failed, $skipped skipped"
    [ -n "$names" ] && line="$line ($names)"
    echo "$line"
fi
if [ $status -eq 0 ] && [ $# -eq 0 ] && [ "${EMBEDQ_SKIP_SCHEMATHESIS:-0}" != 1 ]; then
    if [ -f "$EMBEDQ_SHARED/models/all-MiniLM-L6-v2/model.safetensors" ]; then
        echo "schemathesis: driving embedq serve from its OpenAPI document (bounded)"
        bash scripts/schemathesis.sh --embedq "$(swift build -c release --show-bin-path)/embedq" || status=$?
    elif [ "${CI:-}" = true ]; then
        echo "schemathesis: no model at $EMBEDQ_SHARED/models/all-MiniLM-L6-v2 (CI=true: failing)"
        status=1
    else
        echo "schemathesis: skipped (no model at $EMBEDQ_SHARED/models/all-MiniLM-L6-v2)"
    fi
fi
exit $status

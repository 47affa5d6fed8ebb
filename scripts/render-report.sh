#!/usr/bin/env bash
# Renders an HTML report to a PNG with headless Chromium, to look at it as a reader would.
#   scripts/render-report.sh REPORT.html [OUT.png] [WIDTHxHEIGHT]
# Without a report path, writes the test suite's example report (EMBEDQ_EXAMPLE_REPORT) first.
# Needs the Debian package `chromium` (apt-get install -y chromium).
set -euo pipefail
cd "$(dirname "$0")/.."
html="${1:-}"
png="${2:-/tmp/embedq-report.png}"
size="${3:-1200x2000}"
if [[ -z "$html" ]]; then
    html=/tmp/embedq-example-report.html
    EMBEDQ_EXAMPLE_REPORT="$html" swift test -c release -Xswiftc -enable-testing \
        --filter 'QuantizationReportTests/testExampleReport' >/dev/null
fi
[[ -f "$html" ]] || { echo "no such report: $html" >&2; exit 1; }
browser="$(command -v chromium || command -v chromium-browser || true)"
[[ -n "$browser" ]] || { echo "chromium not found: apt-get install -y chromium" >&2; exit 1; }
"$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars \
    --screenshot="$png" --window-size="${size/x/,}" "file://$(realpath "$html")" 2>/dev/null
echo "$png"

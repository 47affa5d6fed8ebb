#!/usr/bin/env bash
# The main job (the README's first command): builds EmbedQ in release mode and runs the demo:
# calibrate and quantize the sample embeddings, print the memory per precision and search results.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/ensure-deps.sh
echo "embedq: building (release; the first build takes a minute or two)" >&2
swift build -c release --product embedq >&2
exec "$(swift build -c release --show-bin-path)/embedq" demo --data-directory examples/demo "$@"

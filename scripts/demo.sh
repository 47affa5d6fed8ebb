#!/usr/bin/env bash
# The main job (the README's first command): builds EmbedQ in release mode and runs the demo:
# fetch the default model, encode the sample texts, quantize, index, search, print memory and retention.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/ensure-deps.sh
echo "embedq: building (release; the first build takes a minute or two)" >&2
swift build -c release --product embedq >&2
model="$(scripts/lib/fetch-model.sh)" || { echo "embedq: no model; the demo uses the precomputed sample embeddings" >&2; model=all-MiniLM-L6-v2; }
exec "$(swift build -c release --show-bin-path)/embedq" demo --data-directory examples/demo --model "$model" "$@"

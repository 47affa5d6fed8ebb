#!/usr/bin/env bash
# Builds the API documentation (DocC, through swift-docc-plugin) of every EmbedQ library module:
# one catalog per module (Sources/<Module>/<Module>.docc) with the module's article, plus every
# public symbol's doc comment. Fails on any DocC warning (unresolved links, malformed comments).
# Archives land in .build/plugins/Swift-DocC/outputs/<Module>.doccarchive.
# Usage: scripts/docs.sh [MODULE…]   (default: every library module)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/ensure-deps.sh
modules=("$@")
if [ ${#modules[@]} -eq 0 ]; then
    modules=(EmbeddingQuantization EmbeddingSearch EmbeddingGraph EmbeddingStore EmbeddingIndex EmbeddingCollection
             SemanticSearch SentenceEncoder EmbeddingStream EmbeddingTraining RetrievalEvaluation QuantizationEvaluation
             EmbedQ EmbedQServer)
fi
targets=()
for module in "${modules[@]}"; do targets+=(--target "$module"); done
# A separate build folder keeps the documentation's debug build away from the tests' release build.
swift package --scratch-path .build-docs generate-documentation "${targets[@]}" --warnings-as-errors
echo "documentation built without warnings: ${modules[*]}"

#!/usr/bin/env bash
# RaBitQ benchmark: EmbedQ's RaBitQ rows, trained heads and ITQ beside FAISS IndexRaBitQ on the
# same all-MiniLM-L6-v2 SciFact embeddings, in one report per query set.
#
#   scripts/bench-rabitq.sh [OUT]        # default OUT: .bench-data/rabitq
#   EMBEDQ_BIN=… scripts/bench-rabitq.sh # an embedq already built
#
# For each query set (SciFact test, and SciFact train as a second set) it
#   1. runs `embedq eval --export-embeddings` (encodes once, cached in ~/.cache/embedq/embeddings),
#   2. runs FAISS RaBitQ (faiss-cpu from PyPI: 1, 2 and 4 bits, qb 0 / 4 / 8, ± random rotation)
#      on the exported embeddings (scripts/bench/rabitq_peers.py) and writes its rankings,
#   3. trains projection heads (quantization-aware binary and ternary heads, and ITQ) — for the
#      test queries on the corpus plus the *train* queries, for the train queries on the corpus
#      alone, so no head has seen the queries it is scored on — and computes two uncentred PCA
#      heads for RaBitQ codes on the corpus (192 components for 2-bit codes: 56 bytes per vector,
#      the 1-bit budget; 256 components for 3-bit codes: 104 bytes, the 2-bit budget),
#   4. runs `embedq eval --head … --peer-run …`: every row (EmbedQ and FAISS) scored by the same
#      metric code, printed as Markdown and written as an HTML report with the retention-vs-bytes
#      chart; the chart is also saved as OUT/<split>-retention.svg.
# Needs ../shared (or a fetched model: scripts/lib/fetch-model.sh) and PyPI for faiss-cpu.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT="${1:-.bench-data/rabitq}"
mkdir -p "$OUT"
source scripts/lib/ensure-deps.sh
source scripts/lib/bench-venv.sh
ensure_bench_venv numpy faiss
MODEL="$(scripts/lib/fetch-model.sh)"
DATASET="${EMBEDQ_SHARED:-../shared}/datasets/scifact"
# EMBEDQ_BIN: an embedq already built (e.g. by scripts/test.sh's release build).
BIN="${EMBEDQ_BIN:-}"
if [ -z "$BIN" ]; then
    swift build -c release --product embedq 2>&1 | grep -E "error|warning" || true
    BIN="$(swift build -c release --show-bin-path)/embedq"
fi
echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); load: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

for split in test train; do
    echo "== SciFact $split ==" >&2
    "$BIN" eval --model "$MODEL" --dataset "$DATASET" --split "$split" --no-rabitq \
        --export-embeddings "$OUT/$split" > /dev/null
done
for split in test train; do
    # The train set's 809 queries make FAISS's float-query (qb = 0) path take minutes per setting.
    "$BENCH_PYTHON" scripts/bench/rabitq_peers.py "$OUT/$split" "$OUT/faiss-$split" $([ "$split" = train ] && echo --quantized-queries-only)
done
# Heads: for the test queries trained with the train queries; for the train queries, corpus only.
"$BIN" train-head "$OUT/test/corpus.npy" --queries "$OUT/train/queries.npy" -p binary -o "$OUT/head-binary-q.json"
"$BIN" train-head "$OUT/test/corpus.npy" --queries "$OUT/train/queries.npy" -p ternary -o "$OUT/head-ternary-q.json"
"$BIN" train-head "$OUT/test/corpus.npy" -p binary -o "$OUT/head-binary.json"
"$BIN" train-head "$OUT/test/corpus.npy" -p ternary -o "$OUT/head-ternary.json"
"$BIN" train-head "$OUT/test/corpus.npy" -p binary --method itq -o "$OUT/head-itq.json"
"$BIN" train-head "$OUT/test/corpus.npy" -p rabitq2 --method pca --dimension 192 -o "$OUT/head-pca192.json"
"$BIN" train-head "$OUT/test/corpus.npy" -p rabitq3 --method pca --dimension 256 -o "$OUT/head-pca256.json"

for split in test train; do
    if [ "$split" = test ]; then heads=(head-binary-q head-ternary-q head-itq); else heads=(head-binary head-ternary head-itq); fi
    heads+=(head-pca192 head-pca256)
    args=()
    for head in "${heads[@]}"; do args+=(--head "$OUT/$head.json"); done
    for run in "$OUT/faiss-$split"/*.json; do args+=(--peer-run "$run"); done
    echo "== SciFact $split: EmbedQ and FAISS ==" >&2
    # The exported files themselves (--embeddings), exactly what FAISS read.
    "$BIN" eval --embeddings "$OUT/$split" --dataset "$DATASET" --split "$split" "${args[@]}" \
        --report "$OUT/$split.html" --json > "$OUT/$split.json"
    "$BIN" eval --embeddings "$OUT/$split" --dataset "$DATASET" --split "$split" "${args[@]}" 2> /dev/null | tee "$OUT/$split.md"
    # The first chart of the report (retention against bytes per vector), on its own.
    "$BENCH_PYTHON" -c 'import re,sys; s=open(sys.argv[1]).read(); m=re.search(r"<svg.*?</svg>", s, re.S); open(sys.argv[2],"w").write(m.group(0).replace("<svg ", "<svg xmlns=\"http://www.w3.org/2000/svg\" ", 1) + "\n")' \
        "$OUT/$split.html" "$OUT/$split-retention.svg"
done
echo "reports: $OUT/test.html $OUT/train.html; charts: $OUT/test-retention.svg $OUT/train-retention.svg" >&2

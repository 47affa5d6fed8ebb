#!/usr/bin/env bash
# SciFact through an index file with a graph: binary HNSW (M 16, ef_construction 128) → int8
# rescoring, against the exact binary → int8 scan of the same index (issue 14's goal: NDCG@10 of
# the graph ≥ 99.5 % of the exact pipeline's), at several ef and rescoring multipliers, with the
# float32 exact search as a reference. Everything goes through the CLI (`embedq index build
# --graph`, `embedq search --ef / --exact`).
#
#   scripts/bench-hnsw-scifact.sh [CORPUS.npy QUERIES.npy]
#
# Without arguments the SciFact corpus (title + text) and the 300 judged test queries are encoded
# with all-MiniLM-L6-v2 by `embedq embed` (minutes on 2 cores); give the two .npy files to reuse
# embeddings made before (rows in corpus.jsonl order; queries in the order of
# .bench-data/scifact-hnsw/query-ids.txt, which this script writes first).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/ensure-deps.sh
DATASET="${EMBEDQ_SHARED:-$(cd .. && pwd)/shared}/datasets/scifact"
OUT=.bench-data/scifact-hnsw
mkdir -p "$OUT"
python3 - "$DATASET" "$OUT" <<'PY'
import json, sys
dataset, out = sys.argv[1], sys.argv[2]
docs = [json.loads(line) for line in open(f"{dataset}/corpus.jsonl")]
with open(f"{out}/ids.txt", "w") as f:
    f.writelines(d["_id"] + "\n" for d in docs)
with open(f"{out}/corpus.jsonl", "w") as f:
    for d in docs:
        text = (d["title"] + " " + d["text"]).strip() if d["title"] else d["text"]
        f.write(json.dumps({"text": text}) + "\n")
judged = list(dict.fromkeys(line.split("\t")[0] for line in list(open(f"{dataset}/qrels/test.tsv"))[1:]))  # first appearance
queries = {q["_id"]: q["text"] for q in map(json.loads, open(f"{dataset}/queries.jsonl"))}
with open(f"{out}/query-ids.txt", "w") as f:
    f.writelines(q + "\n" for q in judged)
with open(f"{out}/queries.jsonl", "w") as f:
    f.writelines(json.dumps({"text": queries[q]}) + "\n" for q in judged)
PY
# EMBEDQ_BIN: an embedq already built (e.g. by scripts/test.sh) instead of building one.
if [ -n "${EMBEDQ_BIN:-}" ]; then
    EMBEDQ="$EMBEDQ_BIN"
else
    swift build -c release --product embedq 2>&1 | grep -E "error|warning" || true
    EMBEDQ="$(swift build -c release --show-bin-path)/embedq"
fi
CORPUS="${1:-$OUT/corpus.npy}"
QUERIES="${2:-$OUT/queries.npy}"
[ -f "$CORPUS" ] || "$EMBEDQ" embed "$OUT/corpus.jsonl" --output "$CORPUS"
[ -f "$QUERIES" ] || "$EMBEDQ" embed "$OUT/queries.jsonl" --output "$QUERIES"
INDEX="$OUT/scifact.embq"
"$EMBEDQ" index build "$CORPUS" --ids "$OUT/ids.txt" --precision binary --rescore int8 --graph --m 16 --ef-construction 128 \
    --output "$INDEX"
"$EMBEDQ" index build "$CORPUS" --ids "$OUT/ids.txt" --precision float32 --rescore none --output "$OUT/float.embq"
"$EMBEDQ" search "$OUT/float.embq" --queries "$QUERIES" -k 10 --json > "$OUT/float32.jsonl"
answers=("float32 exact=$OUT/float32.jsonl")
for multiplier in 1 4 10; do
    "$EMBEDQ" search "$INDEX" --queries "$QUERIES" -k 10 --rescore "$multiplier" --exact --json > "$OUT/exact-x$multiplier.jsonl"
    answers+=("binary → int8 ×$multiplier exact=$OUT/exact-x$multiplier.jsonl")
    for ef in 16 32 64 128; do
        "$EMBEDQ" search "$INDEX" --queries "$QUERIES" -k 10 --rescore "$multiplier" --ef "$ef" --json > "$OUT/graph-x$multiplier-ef$ef.jsonl"
        answers+=("binary HNSW ef $ef → int8 ×$multiplier=$OUT/graph-x$multiplier-ef$ef.jsonl")
    done
done
python3 scripts/bench/hnsw_scifact.py "$DATASET" "$OUT/query-ids.txt" "${answers[@]}"

#!/usr/bin/env bash
# Benchmarks tokenization alone: EmbedQ's tokenizer against the Hugging Face fast tokenizer
# (`tokenizers`, Rust) on the SciFact corpus, one thread each and then in parallel
# (HF encode_batch with RAYON_NUM_THREADS vs EmbedQ on as many threads), for the BERT
# (all-MiniLM-L6-v2), MPNet (all-mpnet-base-v2, when scripts/check-real-tokenizers.sh has
# fetched it), XLM-R Unigram and ModernBERT BPE (the test fixtures) tokenizers.
#
#   scripts/bench-tokenizers.sh [--docs N] [--runs R] [--threads T]
#
# Default: all 5,183 documents, 5 runs, 2 threads. Prints tokens/s, the ratio and load times.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/ensure-deps.sh

docs=0 runs=5 threads=2
while [ $# -gt 0 ]; do
    case "$1" in
        --docs) docs="$2"; shift 2 ;;
        --runs) runs="$2"; shift 2 ;;
        --threads) threads="$2"; shift 2 ;;
        -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
        *) echo "bench-tokenizers: unknown option $1" >&2; exit 2 ;;
    esac
done

shared="${EMBEDQ_SHARED:-$(cd .. && pwd)/shared}"
corpus="$shared/datasets/scifact/corpus.jsonl"
[ -f "$corpus" ] || { echo "bench-tokenizers: SciFact corpus not found at $corpus (set EMBEDQ_SHARED)" >&2; exit 1; }
source scripts/lib/bench-venv.sh
ensure_bench_venv tokenizers

echo "bench-tokenizers: building embedq-bench (release)" >&2
swift build -c release --product embedq-bench >&2
bench="$(swift build -c release --show-bin-path)/embedq-bench"

workdir="$(mktemp -d)"
trap 'rm -rf "$workdir"' EXIT
"$BENCH_PYTHON" - "$corpus" "$docs" "$workdir/texts.jsonl" <<'PY'
import json, sys
corpus, docs, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
with open(corpus, encoding="utf-8") as f, open(out, "w", encoding="utf-8") as o:
    for index, line in enumerate(f):
        if docs and index >= docs:
            break
        row = json.loads(line)
        title, text = row.get("title", ""), row.get("text", "")
        o.write(json.dumps({"text": (title + " " + text).strip() if title else text.strip()}, ensure_ascii=True) + "\n")
PY
tokenizers=("bert-minilm=$shared/models/all-MiniLM-L6-v2:256")
mpnet="${EMBEDQ_REAL_TOKENIZERS:-$HOME/.cache/embedq/real-tokenizers}/all-mpnet-base-v2"
[ -f "$mpnet/tokenizer.json" ] && tokenizers+=("mpnet=$mpnet:384")
tokenizers+=("xlmr-unigram-2k=Tests/Fixtures/tokenizers/xlmr-unigram/tokenizer.json:512"
             "modernbert-bpe-2k=Tests/Fixtures/tokenizers/modernbert-bpe/tokenizer.json:512")
"$BENCH_PYTHON" scripts/lib/bench_tokenizers.py --bench "$bench" --texts "$workdir/texts.jsonl" --runs "$runs" \
    --threads "$threads" "${tokenizers[@]}"

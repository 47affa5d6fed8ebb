#!/usr/bin/env bash
# Prints single-thread GFLOP/s of OpenBLAS sgemm beside every variant of the encoder's linear
# kernels this CPU has (fp32 GEMM, int8 with activation quantization, bf16 with activation
# rounding), on one product: by default the feed-forward up projection of 2048 tokens
# (2048 × 1536 × 384). Respects EMBEDQ_ISA.
#
#   scripts/bench-linear-kernels.sh [M N K]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/ensure-deps.sh
cc="${CC:-$(command -v clang || echo cc)}"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
kernels=Sources/SentenceEncoderKernels
"$cc" -O2 -I"$kernels/include" -ISources/CPUCapabilities/include $(pkg-config --cflags openblas) \
    scripts/bench/linear_kernels.c "$kernels"/*.c Sources/CPUCapabilities/*.c $(pkg-config --libs openblas) -lm -lpthread \
    -o "$out/linear_kernels"
grep -m1 "model name" /proc/cpuinfo 2>/dev/null || true
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || uptime)"
OPENBLAS_NUM_THREADS=1 "$out/linear_kernels" "$@"

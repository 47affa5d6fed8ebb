#!/usr/bin/env bash
# Runs the NEON RaBitQ kernels against the portable variant on arm64 under qemu-user: cross-built
# with clang for aarch64-linux-gnu (Debian: qemu-user, libc6-dev-arm64-cross, libgcc-*-dev-arm64-cross).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/ensure-deps.sh
command -v qemu-aarch64 >/dev/null || { apt-get update -qq && apt-get install -y -qq qemu-user >/dev/null; }
[ -d /usr/aarch64-linux-gnu/lib ] || { apt-get update -qq && apt-get install -y -qq libc6-dev-arm64-cross libgcc-12-dev-arm64-cross >/dev/null; }
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
k=Sources/EmbeddingKernels
gcc_dir="$(ls -d /usr/lib/gcc-cross/aarch64-linux-gnu/*/ | head -1)"
clang --target=aarch64-linux-gnu -fuse-ld=lld -O2 -isystem /usr/aarch64-linux-gnu/include -B /usr/aarch64-linux-gnu/lib -L /usr/aarch64-linux-gnu/lib -B "$gcc_dir" -L "$gcc_dir" \
    -I "$k/include" -I Sources/CPUCapabilities/include \
    Tests/arm64/EmbeddingKernels/rabitq_kernels_test.c "$k/rabitq_scan_portable.c" "$k/rabitq_scan_neon.c" \
    -lm -o "$out/rabitq_kernels_test"
qemu-aarch64 -L /usr/aarch64-linux-gnu "$out/rabitq_kernels_test"

#!/usr/bin/env bash
# Checks the arm64 (NEON, dot product, i8mm, BF16) kernel variants without arm64 hardware: for
# every folder Tests/arm64/<CTarget>/, compiles its C driver (Tests/arm64/<CTarget>/*.c, the
# reference comparisons with their own plain C references) with Sources/<CTarget>/*.c and
# Sources/CPUCapabilities/*.c for aarch64 (the Swift toolchain's clang, --target=aarch64-linux-gnu,
# Debian's arm64 cross sysroot) and runs it under qemu-aarch64 at several CPU models and
# EMBEDQ_ISA levels. Installs what it needs (Debian: qemu-user, libc6-dev-arm64-cross,
# libgcc-12-dev-arm64-cross). Exit status non-zero when any run fails.
#
#   scripts/test-arm64.sh [CTarget …]     (default: every folder under Tests/arm64)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/ensure-deps.sh
if command -v dpkg >/dev/null 2>&1; then
    ensure_debian_packages qemu-user libc6-dev-arm64-cross libgcc-12-dev-arm64-cross
fi

cc="${CC:-$(command -v clang)}"
[ -n "$cc" ] || { echo "test-arm64: clang not found (the Swift toolchain's clang is expected)" >&2; exit 1; }
sysroot=/usr/aarch64-linux-gnu
qemu="$(command -v qemu-aarch64 || command -v qemu-aarch64-static || true)"
[ -n "$qemu" ] || { echo "test-arm64: qemu-aarch64 not found" >&2; exit 1; }

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    for dir in Tests/arm64/*/; do targets+=("$(basename "$dir")"); done
fi

out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
# CPU models: no dot product (Cortex-A53), dot product (Cortex-A76), everything QEMU has
# (dot product, i8mm, BF16). Levels cap what the kernels may use (CPUCapabilities).
models=(cortex-a53 cortex-a76 max)
levels=(native portable neon neondot neoni8mm neonbf16)
status=0
for target in "${targets[@]}"; do
    binary="$out/$target"
    echo "test-arm64: building $target for aarch64" >&2
    "$cc" --target=aarch64-linux-gnu -fuse-ld=lld -O2 -Wall -Wextra -Werror \
        -I"Sources/$target/include" -ISources/CPUCapabilities/include \
        Tests/arm64/"$target"/*.c Sources/"$target"/*.c Sources/CPUCapabilities/*.c -lm -lpthread -o "$binary"
    for model in "${models[@]}"; do
        for level in "${levels[@]}"; do
            if EMBEDQ_ISA="$level" "$qemu" -cpu "$model" -L "$sysroot" "$binary" > "$out/log" 2>&1; then
                echo "test-arm64: $target on $model, EMBEDQ_ISA=$level: ok ($(grep -c ': ok$' "$out/log") kernel tables)"
            else
                echo "test-arm64: $target on $model, EMBEDQ_ISA=$level: FAILED" >&2
                cat "$out/log" >&2
                status=1
            fi
        done
    done
done
exit $status

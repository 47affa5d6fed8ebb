#!/usr/bin/env bash
# Runs the NEON RaBitQ kernels against the portable variant on arm64 under qemu-user. The RaBitQ
# comparison is one part of the EmbeddingKernels arm64 driver (Tests/arm64/EmbeddingKernels,
# which has the only main), so this runs that driver: scripts/test-arm64.sh EmbeddingKernels.
set -euo pipefail
cd "$(dirname "$0")/.."
exec bash scripts/test-arm64.sh EmbeddingKernels

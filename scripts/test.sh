#!/usr/bin/env bash
# Runs the whole EmbedQ test suite (the README's test command).
# Installs the system packages the build needs when they are missing (Debian), then builds in
# release mode with testability enabled: the numeric kernels run 10-100x slower in debug builds.
# Tests read ../shared (golden files, the real model, SciFact) through EMBEDQ_SHARED.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/ensure-deps.sh
export EMBEDQ_SHARED="${EMBEDQ_SHARED:-$(cd .. && pwd)/shared}"
exec swift test -c release -Xswiftc -enable-testing --parallel "$@"

# Sourced by the benchmark scripts: a Python virtual environment with the peers, made once
# outside the repository (~/.cache/embedq/bench-venv). Sets BENCH_PYTHON.
BENCH_VENV="${EMBEDQ_BENCH_VENV:-$HOME/.cache/embedq/bench-venv}"
ensure_bench_venv() {
    if [ ! -x "$BENCH_VENV/bin/python" ]; then
        echo "embedq: creating the benchmark virtual environment in $BENCH_VENV (once; PyTorch is a large download)" >&2
        mkdir -p "$(dirname "$BENCH_VENV")"
        python3 -m venv "$BENCH_VENV"
        "$BENCH_VENV/bin/pip" install -q --upgrade pip >&2
    fi
    local missing=()
    local module
    for module in "$@"; do
        "$BENCH_VENV/bin/python" -c "import $module" >/dev/null 2>&1 || missing+=("$module")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        local packages=()
        for module in "${missing[@]}"; do
            case "$module" in
                sentence_transformers) packages+=(sentence-transformers) ;;
                faiss) packages+=(faiss-cpu) ;;
                google.protobuf) packages+=(protobuf) ;;
                *) packages+=("$module") ;;
            esac
        done
        echo "embedq: installing into the benchmark environment: ${packages[*]}" >&2
        "$BENCH_VENV/bin/pip" install -q "${packages[@]}" >&2
    fi
    BENCH_PYTHON="$BENCH_VENV/bin/python"
}

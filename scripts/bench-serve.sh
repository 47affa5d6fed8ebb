#!/usr/bin/env bash
# Benchmarks `embedq serve` under load: embedding throughput (tokens/s) at concurrency 1, 8 and
# 32, against Infinity (infinity-emb from PyPI, same model folder, PyTorch on the CPU) and against
# `embedq embed`'s batch throughput on the same texts; p50 / p99 latency; peak resident memory of
# each server under load.
#
#   scripts/bench-serve.sh [--docs N] [--seconds S] [--runs R] [--threads T] [--levels "1 8 32"] [--no-infinity]
#                          [--embedq PATH]
#
# --embedq: a built binary (default: build the release product with scripts/test.sh's flags).
# Default: the first 512 SciFact documents (title + text, cut at 256 tokens), one document per
# request, 20 s per level, 3 runs (medians; the two servers alternate), 2 encoder threads. The
# load comes from scripts/bench/serve_load.py (closed loop, keep-alive connections, counts the
# tokens of completed requests only). Needs ../shared/datasets/scifact (EMBEDQ_SHARED); creates
# ~/.cache/embedq/infinity-venv (infinity-emb[server,torch] 0.0.78, which needs numpy < 2 and
# sentence-transformers < 4, hence not the shared bench venv) when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/ensure-deps.sh

docs=512 seconds=20 runs=3 threads=2 levels="1 8 32" infinity=1 embedq=
while [ $# -gt 0 ]; do
    case "$1" in
        --docs) docs="$2"; shift 2 ;;
        --seconds) seconds="$2"; shift 2 ;;
        --runs) runs="$2"; shift 2 ;;
        --threads) threads="$2"; shift 2 ;;
        --levels) levels="$2"; shift 2 ;;
        --no-infinity) infinity=0; shift ;;
        --embedq) embedq="$2"; shift 2 ;;
        -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
        *) echo "bench-serve: unknown option $1" >&2; exit 2 ;;
    esac
done

shared="${EMBEDQ_SHARED:-$(cd .. && pwd)/shared}"
corpus="$shared/datasets/scifact/corpus.jsonl"
[ -f "$corpus" ] || { echo "bench-serve: SciFact corpus not found at $corpus (set EMBEDQ_SHARED)" >&2; exit 1; }
model="$(scripts/lib/fetch-model.sh)"
if [ -z "$embedq" ]; then
    # The flags of scripts/test.sh, so that a tested build is reused rather than rebuilt.
    echo "bench-serve: building embedq (release)" >&2
    swift build -c release -Xswiftc -enable-testing --product embedq >&2
    embedq="$(swift build -c release -Xswiftc -enable-testing --show-bin-path)/embedq"
fi

if [ "$infinity" = 1 ]; then
    infinity_venv="${EMBEDQ_INFINITY_VENV:-$HOME/.cache/embedq/infinity-venv}"
    if ! "$infinity_venv/bin/python" -c "import infinity_emb, torch" >/dev/null 2>&1; then
        echo "bench-serve: creating $infinity_venv (infinity-emb[server,torch] from PyPI; PyTorch is a large download)" >&2
        python3 -m venv "$infinity_venv"
        "$infinity_venv/bin/pip" install -q --disable-pip-version-check "infinity-emb[server,torch]==0.0.78" >&2
    fi
fi

workdir="$(mktemp -d)"
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    rm -rf "$workdir"
}
trap cleanup EXIT

# The texts (MTEB's document text), their token counts, and one request body per document.
python3 - "$corpus" "$docs" >"$workdir/texts.jsonl" <<'PY'
import json, sys
limit = int(sys.argv[2])
with open(sys.argv[1]) as corpus:
    for count, line in enumerate(corpus):
        if count == limit:
            break
        doc = json.loads(line)
        text = (doc.get("title", "") + " " + doc.get("text", "")).strip() if doc.get("title") else doc.get("text", "").strip()
        print(json.dumps({"text": text}))
PY
"$embedq" tokenize --model "$model" "$workdir/texts.jsonl" >"$workdir/ids.jsonl"
python3 - "$workdir/texts.jsonl" "$workdir/ids.jsonl" >"$workdir/bodies.tsv" <<'PY'
import json, sys
with open(sys.argv[1]) as texts, open(sys.argv[2]) as ids:
    for text, line in zip(texts, ids):
        print(f'{len(json.loads(line)["input_ids"])}\t{json.dumps({"input": [json.loads(text)["text"]], "model": "all-MiniLM-L6-v2"})}')
PY
echo "bench-serve: $(wc -l <"$workdir/bodies.tsv") documents, $(awk -F"\t" "{s += \$1} END {print s}" "$workdir/bodies.tsv") tokens" >&2

# Peak resident memory (kB) of a process and its children while a command runs.
peak_rss() {
    local pid="$1" out="$2"
    local peak=0
    while [ -e "$out.running" ]; do
        local total=0
        for p in "$pid" $(pgrep -P "$pid" 2>/dev/null || true); do
            local rss
            rss=$(awk '/^VmRSS/ {print $2}' "/proc/$p/status" 2>/dev/null || echo 0)
            total=$((total + ${rss:-0}))
        done
        [ "$total" -gt "$peak" ] && peak=$total
        sleep 0.25
    done
    echo "$peak" >"$out"
}

load() {  # load NAME PID URL LEVEL RUN
    local name="$1" pid="$2" url="$3" level="$4" run="$5"
    local tag="$workdir/$name-$level-$run"
    touch "$tag.rss.running"
    peak_rss "$pid" "$tag.rss" &
    local sampler=$!
    python3 scripts/bench/serve_load.py --url "$url" --bodies "$workdir/bodies.tsv" --concurrency "$level" \
        --seconds "$seconds" >"$tag.json"
    rm -f "$tag.rss.running"
    wait "$sampler"
    echo "bench-serve: $name c=$level run $run: $(cat "$tag.json") rss_kb=$(cat "$tag.rss")" >&2
}

wait_ready() {  # wait_ready URL PID
    for _ in $(seq 1 1200); do
        python3 -c "import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)" "$1" >/dev/null 2>&1 && return 0
        kill -0 "$2" 2>/dev/null || return 1
        sleep 0.25
    done
    return 1
}

echo "bench-serve: starting embedq serve ($threads threads)" >&2
"$embedq" serve --model "$model" --threads "$threads" --port 0 --log-level warning --log-format json \
    --max-concurrent-requests 256 >"$workdir/embedq.url" 2>"$workdir/embedq.log" &
embedq_pid=$!
pids+=("$embedq_pid")
for _ in $(seq 1 200); do [ -s "$workdir/embedq.url" ] && break; sleep 0.1; done
embedq_url="$(head -n 1 "$workdir/embedq.url")"
wait_ready "$embedq_url/ready" "$embedq_pid" || { cat "$workdir/embedq.log" >&2; exit 1; }

if [ "$infinity" = 1 ]; then
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    echo "bench-serve: starting Infinity on port $port (torch, CPU, $threads threads)" >&2
    HF_HUB_OFFLINE=1 INFINITY_ANONYMOUS_USAGE_STATS=0 DO_NOT_TRACK=1 OMP_NUM_THREADS="$threads" \
        CUDA_VISIBLE_DEVICES="" "$infinity_venv/bin/infinity_emb" v2 --model-id "$model" \
        --served-model-name all-MiniLM-L6-v2 --engine torch --device cpu --batch-size 32 \
        --host 127.0.0.1 --port "$port" >"$workdir/infinity.log" 2>&1 &
    infinity_pid=$!
    pids+=("$infinity_pid")
    if ! wait_ready "http://127.0.0.1:$port/health" "$infinity_pid"; then
        echo "bench-serve: Infinity did not start; its log:" >&2
        tail -n 30 "$workdir/infinity.log" >&2
        infinity=0
    fi
fi

# Batch baseline: `embedq embed` over the same texts.
for run in $(seq 1 "$runs"); do
    "$embedq" embed --model "$model" --threads "$threads" --quiet "$workdir/texts.jsonl" \
        --output "$workdir/batch.npy" 2>"$workdir/batch-$run.log"
    grep -o '[0-9.]* tokens/s' "$workdir/batch-$run.log" | awk '{print $1}' >"$workdir/batch-$run.tps"
    echo "bench-serve: embedq embed run $run: $(cat "$workdir/batch-$run.tps") tokens/s" >&2
done

for run in $(seq 1 "$runs"); do
    for level in $levels; do
        load embedq "$embedq_pid" "$embedq_url/v1/embeddings" "$level" "$run"
        [ "$infinity" = 1 ] && load infinity "$infinity_pid" "http://127.0.0.1:$port/embeddings" "$level" "$run"
    done
done

kill -TERM "$embedq_pid"
wait "$embedq_pid" && embedq_status=0 || embedq_status=$?

python3 - "$workdir" "$runs" "$levels" "$infinity" "$embedq_status" <<'PY'
import glob, json, os, statistics, sys
workdir, runs, levels, infinity, status = sys.argv[1], int(sys.argv[2]), sys.argv[3].split(), sys.argv[4] == "1", sys.argv[5]
def median(values):
    return statistics.median(values) if values else float("nan")
batch = median([float(open(f).read().strip()) for f in glob.glob(f"{workdir}/batch-*.tps") if open(f).read().strip()])
def stats(name, level):
    runs_ = [json.load(open(f)) for f in sorted(glob.glob(f"{workdir}/{name}-{level}-*.json"))]
    rss = [int(open(f).read()) for f in glob.glob(f"{workdir}/{name}-{level}-*.rss")]
    return {key: median([r[key] for r in runs_ if r.get(key) is not None]) for key in ("tokens_per_s", "p50_ms", "p99_ms", "errors")} | {"rss_mb": max(rss, default=0) / 1024}
cpu = open("/proc/cpuinfo").read()
model = next((l.split(":", 1)[1].strip() for l in cpu.splitlines() if l.startswith("model name")), "?")
print(f"\nCPU: {model}; load {os.getloadavg()[0]:.2f} (1 min) at the end; {runs} runs, medians; one document per request")
print(f"embedq embed (batch): {batch:,.0f} tokens/s\n")
print("| concurrency | embedq serve tokens/s | p50 / p99 ms | peak RSS MB | vs batch |" + (" Infinity tokens/s | p50 / p99 ms | peak RSS MB | embedq / Infinity |" if infinity else ""))
print("|---:|---:|---:|---:|---:|" + ("---:|---:|---:|---:|" if infinity else ""))
for level in levels:
    e = stats("embedq", level)
    row = f"| {level} | {e['tokens_per_s']:,.0f} | {e['p50_ms']:.0f} / {e['p99_ms']:.0f} | {e['rss_mb']:.0f} | {e['tokens_per_s'] / batch:.0%} |"
    if infinity:
        i = stats("infinity", level)
        row += f" {i['tokens_per_s']:,.0f} | {i['p50_ms']:.0f} / {i['p99_ms']:.0f} | {i['rss_mb']:.0f} | {e['tokens_per_s'] / i['tokens_per_s']:.2f}× |"
    print(row)
print(f"\nembedq serve exit status after SIGTERM: {status}")
PY

#!/usr/bin/env bash
# Benchmarks collection search through `embedq serve --collections`: queries/s and p50 / p99
# latency at concurrency 1, 8 and 32 over an N-point collection (default 1M × 384) with binary
# fast codes (resident) and int8 rescoring codes (on disk, read with pread), searched with and
# without rescoring; the server's peak resident memory under load.
#
#   scripts/bench-serve-search.sh [--points N] [--queries Q] [--seconds S] [--levels "1 8 32"] [--k K]
#                                 [--data DIR] [--embedq PATH]
#
# The vectors are synthetic: clustered unit vectors from scripts/bench/make_clustered.py (fixed
# seed; cached in --data, default ~/.cache/embedq/bench-serve-search). The collection is built
# offline (calibrate on the first 100k rows, `collection create`, `build-segment`, `attach`), then
# served; one query vector per request, k = 10, no payloads. The load comes from
# scripts/bench/serve_load.py (closed loop, keep-alive connections; its "tokens" count queries).
set -euo pipefail
cd "$(dirname "$0")/.."

points=1000000 queries=1000 seconds=15 levels="1 8 32" k=10 data="$HOME/.cache/embedq/bench-serve-search" embedq= dimension=384
while [ $# -gt 0 ]; do
    case "$1" in
        --points) points="$2"; shift 2 ;;
        --queries) queries="$2"; shift 2 ;;
        --seconds) seconds="$2"; shift 2 ;;
        --levels) levels="$2"; shift 2 ;;
        --k) k="$2"; shift 2 ;;
        --data) data="$2"; shift 2 ;;
        --embedq) embedq="$2"; shift 2 ;;
        -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
        *) echo "bench-serve-search: unknown option $1" >&2; exit 2 ;;
    esac
done
if [ -z "$embedq" ]; then
    echo "bench-serve-search: building embedq (release)" >&2
    swift build -c release -Xswiftc -enable-testing --product embedq >&2
    embedq="$(swift build -c release -Xswiftc -enable-testing --show-bin-path)/embedq"
fi
model="$(scripts/lib/fetch-model.sh)"
mkdir -p "$data"

corpus_f32="$data/clustered-corpus-${points}x${dimension}.f32"
queries_f32="$data/clustered-queries-${queries}x${dimension}.f32"
python3 scripts/bench/make_clustered.py "$data" "$points" "$dimension" "$queries" >&2
corpus="$data/corpus-${points}x${dimension}.npy"
[ -f "$corpus" ] || python3 scripts/bench/f32_to_npy.py "$corpus_f32" "$corpus" "$points" "$dimension"

collections="$data/collections-$points"
if [ ! -f "$collections/c/MANIFEST" ]; then
    rm -rf "$collections"
    mkdir -p "$collections"
    sample="$data/sample.npy"
    sample_rows=$(( points < 100000 ? points : 100000 ))
    python3 - "$corpus" "$sample" "$sample_rows" <<'PY'
import sys, numpy as np
np.save(sys.argv[2], np.load(sys.argv[1], mmap_mode="r")[: int(sys.argv[3])])
PY
    "$embedq" calibrate "$sample" -o "$data/ranges.npy" 2>/dev/null
    seq 0 $((points - 1)) >"$data/ids.txt"
    start=$(date +%s.%N)
    "$embedq" collection create "$collections/c" --dimension "$dimension" --precision binary --rescore int8 --ranges "$data/ranges.npy"
    "$embedq" collection build-segment "$collections/c" --vectors "$corpus" --ids "$data/ids.txt" --output "$data/segment.eqi"
    "$embedq" collection attach "$collections/c" "$data/segment.eqi"
    rm -f "$data/segment.eqi"
    echo "bench-serve-search: built the $points-point collection in $(python3 -c "import sys, time; print(f'{time.time() - float(sys.argv[1]):.0f}')" "$start") s" >&2
fi

workdir="$(mktemp -d)"
server_pid=""
cleanup() {
    [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
    rm -rf "$workdir"
}
trap cleanup EXIT

for rescore in true false; do
    python3 - "$queries_f32" "$queries" "$dimension" "$k" "$rescore" >"$workdir/bodies-$rescore.tsv" <<'PY'
import json, sys, numpy as np
rows = np.fromfile(sys.argv[1], dtype="<f4").reshape(int(sys.argv[2]), int(sys.argv[3]))
for row in rows:
    print("1\t" + json.dumps({"vector": [float(x) for x in row], "k": int(sys.argv[4]), "with_payload": False, "rescore": sys.argv[5] == "true"}))
PY
done

start=$(date +%s.%N)
"$embedq" serve --model "$model" --collections "$collections" --port 0 --log-level warning --log-format json \
    --max-concurrent-requests 256 >"$workdir/url" 2>"$workdir/log" &
server_pid=$!
for _ in $(seq 1 1200); do
    [ -s "$workdir/url" ] && python3 -c "import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)" "$(head -n 1 "$workdir/url")/ready" >/dev/null 2>&1 && break
    kill -0 "$server_pid" 2>/dev/null || { cat "$workdir/log" >&2; exit 1; }
    sleep 0.1
done
url="$(head -n 1 "$workdir/url")"
idle_rss=$(awk '/^VmRSS/ {print $2}' "/proc/$server_pid/status")
echo "bench-serve-search: serving after $(python3 -c "import sys, time; print(f'{time.time() - float(sys.argv[1]):.1f}')" "$start") s; idle RSS $((idle_rss / 1024)) MB" >&2

results="$workdir/results.jsonl"
for rescore in true false; do
    for level in $levels; do
        touch "$workdir/running"
        ( peak=0; while [ -e "$workdir/running" ]; do
              rss=$(awk '/^VmRSS/ {print $2}' "/proc/$server_pid/status" 2>/dev/null || echo 0)
              [ "${rss:-0}" -gt "$peak" ] && peak=$rss
              sleep 0.25
          done; echo "$peak" >"$workdir/peak" ) &
        sampler=$!
        out=$(python3 scripts/bench/serve_load.py --url "$url/collections/c/search" --bodies "$workdir/bodies-$rescore.tsv" \
            --concurrency "$level" --seconds "$seconds")
        rm -f "$workdir/running"
        wait "$sampler"
        echo "{\"rescore\": $rescore, \"concurrency\": $level, \"load\": $out, \"peak_rss_kb\": $(cat "$workdir/peak")}" | tee -a "$results" >&2
    done
done
kill -TERM "$server_pid"
wait "$server_pid" && status=0 || status=$?
server_pid=""

python3 - "$results" "$points" "$dimension" "$k" "$idle_rss" "$status" <<'PY'
import json, os, sys
results = [json.loads(line) for line in open(sys.argv[1])]
cpu = open("/proc/cpuinfo").read()
model = next((l.split(":", 1)[1].strip() for l in cpu.splitlines() if l.startswith("model name")), "?")
print(f"\nCPU: {model} ({os.cpu_count()} cores); load {os.getloadavg()[0]:.2f} (1 min) at the end")
print(f"{int(sys.argv[2]):,} points × {sys.argv[3]} (binary fast codes, int8 rescoring codes), k = {sys.argv[4]}; idle RSS {int(sys.argv[5]) / 1024:.0f} MB\n")
print("| rescore | concurrency | queries/s | p50 ms | p99 ms | errors | peak RSS MB |")
print("|---|---:|---:|---:|---:|---:|---:|")
for r in results:
    load = r["load"]
    print(f"| {'int8 ×4' if r['rescore'] else 'none (Hamming)'} | {r['concurrency']} | {load['requests_per_s']:,.1f} | {load['p50_ms']:.1f} | {load['p99_ms']:.1f} | {load['errors']} | {r['peak_rss_kb'] / 1024:.0f} |")
print(f"\nembedq serve exit status after SIGTERM: {sys.argv[6]}")
PY

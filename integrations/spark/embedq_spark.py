"""Encode a corpus with EmbedQ on Apache Spark.

Reads a JSONL or Parquet corpus (an id column and a text column), repartitions it by id, pipes
every partition through ``embedq embed --stream`` on the executors (``RDD.pipe``: one process per
partition, the model loaded once per process) and writes the answer lines, one JSON object per
document, as Spark text part files::

    {"id": ID, "embedding": BASE64 little-endian float32}    (--precision float32)
    {"id": ID, "codes": BASE64}                              (any other precision)
    {"id": ID, "error": "line N: ..."}                       (a document that could not be encoded)

The bytes equal a single ``embedq embed --stream`` over the same documents (the vectors do not
depend on their batch or partition). The ``embedq`` binary and the model folder must be at the
given paths on every node (a shared file system, or copied there beforehand); see README.md.

    spark-submit --master spark://HOST:7077 embedq_spark.py --input corpus.jsonl \\
        --output out/ --embedq /opt/embedq/bin/embedq --model /opt/models/all-MiniLM-L6-v2

Segments (issue 13): ``--sink segments --collection DIR`` pipes the partitions through
``embedq collection build-segment DIR --stream --output SEG`` instead and attaches the segments
they report from the driver with ``embedq collection attach`` (needs an embedq with those
commands; ``build-segment --stream`` is not written yet).

Prints one JSON line with the counts and the times (SparkSession start, job) on stdout.
"""
from __future__ import annotations

import argparse
import json
import os
import shlex
import subprocess
import sys
import time


def parse_arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--input", required=True, help="corpus: .jsonl/.json (JSON lines) or .parquet (file or folder)")
    parser.add_argument("--format", choices=["auto", "json", "parquet"], default="auto")
    parser.add_argument("--id-column", default="id")
    parser.add_argument("--text-column", default="text")
    parser.add_argument("--output", required=True, help="output folder (Spark text part files); must not exist")
    parser.add_argument("--partitions", type=int, default=0, help="partitions (default: 4 per executor core)")
    parser.add_argument("--embedq", required=True, help="path of the embedq binary on every node")
    parser.add_argument("--model", required=True, help="model folder (or hub id in the nodes' caches)")
    parser.add_argument("--precision", default="float32")
    parser.add_argument("--ranges", help="calibration ranges on every node (int8 / uint8 / int4 / ternary)")
    parser.add_argument("--dimensions", type=int)
    parser.add_argument("--normalize", action="store_true")
    parser.add_argument("--prompt-name")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--threads", type=int, default=1, help="encoder threads per embedq process (= cores per task)")
    parser.add_argument("--sink", choices=["embeddings", "segments"], default="embeddings")
    parser.add_argument("--collection", help="collection folder for --sink segments (shared by every node)")
    parser.add_argument("--app-name", default="embedq-embed")
    return parser.parse_args(argv)


def stream_options(arguments: argparse.Namespace) -> list[str]:
    """The options `embed --stream` and `collection build-segment --stream` share."""
    options = ["--model", arguments.model, "--threads", str(arguments.threads), "--batch-size", str(arguments.batch_size)]
    if arguments.dimensions:
        options += ["--dimensions", str(arguments.dimensions)]
    if arguments.normalize:
        options += ["--normalize"]
    if arguments.prompt_name:
        options += ["--prompt-name", arguments.prompt_name]
    return options


def embed_command(arguments: argparse.Namespace) -> list[str]:
    """``embedq embed --stream …`` as run on the executors."""
    command = [arguments.embedq, "embed", "--stream", "--precision", arguments.precision] + stream_options(arguments)
    if arguments.ranges:
        command += ["--ranges", arguments.ranges]
    return command


def segment_command(arguments: argparse.Namespace, staging: str) -> list[str]:
    """``embedq collection build-segment DIR --stream --output SEG …`` as run on the executors.

    RDD.pipe runs one fixed command for every partition, so the segment's unique name comes from
    ``mktemp`` (O_EXCL on the staging folder, unique across nodes on a shared file system). The
    collection supplies precision and ranges; build-segment reports ``{"segment", "count"}`` on
    stdout when its input ends.
    """
    build = [arguments.embedq, "collection", "build-segment", arguments.collection, "--stream"] + stream_options(arguments)
    script = f'segment="$(mktemp {shlex.quote(staging)}/part-XXXXXXXXXX.segment)" && exec {shlex.join(build)} --output "$segment"'
    return ["sh", "-c", script]


def read_corpus(spark, arguments: argparse.Namespace):
    """The corpus as a DataFrame with columns ``id`` and ``text``."""
    from pyspark.sql import functions as F
    kind = arguments.format
    if kind == "auto":
        kind = "parquet" if arguments.input.rstrip("/").endswith(".parquet") else "json"
    frame = spark.read.parquet(arguments.input) if kind == "parquet" else spark.read.json(arguments.input)
    return frame.select(F.col(arguments.id_column).alias("id"), F.col(arguments.text_column).alias("text"))


def request_lines(frame, partitions: int):
    """``{"id", "text"}`` JSON lines, hash-partitioned by id.

    Hash partitioning is deterministic, so a partition recomputed after a lost executor holds the
    same documents as the first attempt (a round-robin repartition of unordered input would not).
    """
    def line(row) -> str:
        return json.dumps({"id": row["id"], "text": row["text"]}, ensure_ascii=False)
    return frame.repartition(partitions, "id").rdd.map(line)


def run(arguments: argparse.Namespace) -> dict:
    from pyspark.sql import SparkSession

    began = time.monotonic()
    spark = SparkSession.builder.appName(arguments.app_name).getOrCreate()
    context = spark.sparkContext
    session_seconds = time.monotonic() - began
    partitions = arguments.partitions or 4 * max(1, context.defaultParallelism)
    frame = read_corpus(spark, arguments)
    requests = request_lines(frame, partitions)
    job_began = time.monotonic()
    summary = {"partitions": partitions, "session_seconds": round(session_seconds, 3)}
    if arguments.sink == "embeddings":
        answers = requests.pipe(shlex.join(embed_command(arguments)), checkCode=True)
        answers.saveAsTextFile(arguments.output)
        summary["job_seconds"] = round(time.monotonic() - job_began, 3)
        written = spark.read.text(arguments.output)
        summary["documents"] = written.count()
        summary["errors"] = written.filter(written.value.contains('"error":')).count()
    else:
        if not arguments.collection:
            raise SystemExit("--sink segments needs --collection")
        staging = os.path.join(arguments.output, "segments")
        os.makedirs(staging, exist_ok=True)
        # build-segment prints one {"segment": PATH, "count": N, ...} line when its input ends;
        # only the segments of the successful task attempts come back to the driver.
        reports = [json.loads(line) for line in
                   requests.pipe(shlex.join(segment_command(arguments, staging)), checkCode=True).collect()]
        summary["job_seconds"] = round(time.monotonic() - job_began, 3)
        attach_began = time.monotonic()
        subprocess.run([arguments.embedq, "collection", "attach", arguments.collection]
                       + [report["segment"] for report in reports], check=True)
        summary["attach_seconds"] = round(time.monotonic() - attach_began, 3)
        summary["documents"] = sum(report.get("count", 0) for report in reports)
        summary["segments"] = len(reports)
    summary["documents_per_second"] = round(summary["documents"] / summary["job_seconds"], 2) if summary["job_seconds"] else None
    spark.stop()
    return summary


if __name__ == "__main__":
    print(json.dumps(run(parse_arguments(sys.argv[1:]))), flush=True)

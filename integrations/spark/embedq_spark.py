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

Segments: ``--sink segments --collection DIR`` pipes every partition through
``embedq collection build-segment DIR --stream --output STAGING/part-XXXXXXXXXX.segment`` instead
(the collection supplies model, precision and ranges; a bad document gets an ``{"id", "error"}``
line), collects the one ``{"segment", "count", ...}`` line each successful task prints, and
attaches those segments from the driver with ``embedq collection attach DIR SEG...`` (one atomic
manifest replacement; attaching a segment again does nothing). Segments of failed or lost task
attempts are never reported, so never attached. ``--output`` holds the staging folder and must be
shared by every node and the driver.

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
    arguments = parser.parse_args(argv)
    if arguments.sink == "segments":
        if not arguments.collection:
            parser.error("--sink segments needs --collection DIR")
        if arguments.ranges or arguments.dimensions or arguments.normalize or arguments.prompt_name or arguments.precision != "float32":
            parser.error("--sink segments takes precision, ranges and model options from the collection: "
                         "no --precision, --ranges, --dimensions, --normalize or --prompt-name")
    return arguments


def stream_options(arguments: argparse.Namespace) -> list[str]:
    """The stream options of ``embed --stream``."""
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
    collection supplies model, precision and ranges; build-segment writes an ``{"id", "error"}``
    line per bad document and ``{"segment", "count", ...}`` when its input ends. Its exit status 2
    (segment written, bad documents skipped) is a success for the task: the error lines say which.
    """
    build = [arguments.embedq, "collection", "build-segment", arguments.collection, "--stream",
             "--model", arguments.model, "--threads", str(arguments.threads), "--batch-size", str(arguments.batch_size)]
    script = (f'segment="$(mktemp {shlex.quote(staging)}/part-XXXXXXXXXX.segment)" || exit 1; '
              f'{shlex.join(build)} --output "$segment"; status=$?; [ $status -eq 2 ] && exit 0; exit $status')
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
        staging = os.path.join(arguments.output, "segments")
        os.makedirs(staging, exist_ok=True)
        # build-segment prints one {"segment": PATH, "count": N, ...} line when its input ends
        # (after an {"id", "error"} line per bad document); only the lines of the successful task
        # attempts come back to the driver, so a killed attempt's partial segment is never attached.
        lines = [json.loads(line) for line in
                 requests.pipe(shlex.join(segment_command(arguments, staging)), checkCode=True).collect()]
        reports = [line for line in lines if "segment" in line]
        errors = [line for line in lines if "error" in line]
        summary["job_seconds"] = round(time.monotonic() - job_began, 3)
        attach_began = time.monotonic()
        subprocess.run([arguments.embedq, "collection", "attach", arguments.collection]
                       + [report["segment"] for report in reports], check=True)
        summary["attach_seconds"] = round(time.monotonic() - attach_began, 3)
        summary["documents"] = sum(report["count"] for report in reports)
        summary["replaced"] = sum(report.get("replaced", 0) for report in reports)
        summary["errors"] = len(errors)
        summary["error_lines"] = errors[:20]
        summary["segments"] = len(reports)
    summary["documents_per_second"] = round(summary["documents"] / summary["job_seconds"], 2) if summary["job_seconds"] else None
    spark.stop()
    return summary


if __name__ == "__main__":
    print(json.dumps(run(parse_arguments(sys.argv[1:]))), flush=True)

"""What the cluster test and the cluster benchmark share: the SciFact sample, the single-process
reference run, spark-submit of ``embedq_spark.py`` against a ``LocalCluster``, and reading back
the answer lines."""
from __future__ import annotations

import glob
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def scifact_sample(corpus: str, count: int, folder: str) -> tuple[str, str]:
    """The first ``count`` SciFact documents as ``{"id", "text"}`` JSON lines and as Parquet.

    Text as MTEB encodes it: ``(title + " " + text).strip()``. Returns (jsonl path, parquet path).
    """
    import pyarrow
    import pyarrow.parquet

    records = []
    with open(corpus, encoding="utf-8") as handle:
        for line in handle:
            if len(records) == count:
                break
            document = json.loads(line)
            title, text = document.get("title") or "", document.get("text") or ""
            records.append({"id": str(document["_id"]), "text": (title + " " + text).strip()})
    jsonl = os.path.join(folder, "corpus.jsonl")
    with open(jsonl, "w", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    parquet = os.path.join(folder, "corpus.parquet")
    pyarrow.parquet.write_table(pyarrow.Table.from_pylist(records), parquet)
    return jsonl, parquet


def single_process(embedq: str, model: str, jsonl: str, output: str, threads: int, extra: list[str]) -> float:
    """``embedq embed --stream`` over ``jsonl`` into ``output``; returns the seconds it took."""
    began = time.monotonic()
    with open(jsonl, "rb") as source, open(output, "wb") as sink:
        subprocess.run([embedq, "embed", "--stream", "--model", model, "--threads", str(threads)] + extra,
                       stdin=source, stdout=sink, check=True)
    return time.monotonic() - began


def answer_lines(path: str) -> dict[str, str]:
    """Answer lines by id, from one file or a folder of Spark part files; fails on a repeated id."""
    files = sorted(glob.glob(os.path.join(path, "part-*"))) if os.path.isdir(path) else [path]
    answers: dict[str, str] = {}
    for name in files:
        with open(name, encoding="utf-8") as handle:
            for line in handle:
                line = line.rstrip("\n")
                if not line:
                    continue
                key = json.dumps(json.loads(line)["id"])
                if key in answers:
                    raise AssertionError(f"id {key} answered twice ({name})")
                answers[key] = line
    return answers


def submit(cluster, job_arguments: list[str], log: str, executor_cores: int = 1) -> subprocess.Popen:
    """Starts ``spark-submit embedq_spark.py`` against ``cluster`` (driver on the master's host)."""
    command = [
        os.path.join(os.environ["SPARK_HOME"], "bin", "spark-submit"),
        "--master", cluster.master_url,
        "--conf", f"spark.driver.host={cluster.driver_host}",
        "--conf", f"spark.driver.bindAddress={cluster.driver_host}",
        "--conf", "spark.ui.enabled=false",
        "--conf", f"spark.executor.cores={executor_cores}",
        "--conf", "spark.executor.memory=1g",
        "--conf", "spark.driver.memory=1g",
        "--conf", f"spark.pyspark.python={sys.executable}",
        "--conf", f"spark.pyspark.driver.python={sys.executable}",
        # Lost executors are noticed within seconds rather than the default two minutes.
        "--conf", "spark.network.timeout=30s",
        "--conf", "spark.network.timeoutInterval=10s",
        "--conf", "spark.executor.heartbeatInterval=3s",
        os.path.join(HERE, "embedq_spark.py"),
    ] + job_arguments
    handle = open(log, "w")
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=handle, text=True,
                            env=dict(os.environ, SPARK_LOCAL_IP=cluster.driver_host))


def finish(process: subprocess.Popen, log: str, seconds: float) -> dict:
    """Waits for a submitted job and returns its summary line; raises with the log's tail on failure."""
    try:
        output, _ = process.communicate(timeout=seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        raise AssertionError(f"the Spark job did not finish in {seconds:.0f} s:\n{tail_of(log)}")
    if process.returncode != 0:
        raise AssertionError(f"the Spark job failed ({process.returncode}):\n{tail_of(log)}")
    return json.loads(output.strip().splitlines()[-1])


def tail_of(path: str, lines: int = 40) -> str:
    with open(path, errors="replace") as handle:
        return "".join(handle.readlines()[-lines:])

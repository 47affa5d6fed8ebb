"""Documents per second of ``embedq_spark.py`` on a local standalone cluster with 1 and 2 workers
(one core each), beside a single ``embedq embed --stream`` process with 1 and 2 threads on the
same documents, with the overheads apart: JVM start (master and workers until registered),
driver session (spark-submit to a ready SparkContext), one embedq process start with model load
(paid once per partition), and the job itself. Medians of ``--runs`` runs. Prints a Markdown
table (docs/SCALING.md). Run through ``integrations/spark/run.sh bench``.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import harness
from local_cluster import LocalCluster


def startup_seconds(embedq: str, model: str, runs: int) -> float:
    """Median time of an ``embed --stream`` process over empty input: process start + model load."""
    times = []
    for _ in range(runs):
        began = time.monotonic()
        subprocess.run([embedq, "embed", "--stream", "--model", model, "--threads", "1"], stdin=subprocess.DEVNULL,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        times.append(time.monotonic() - began)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--embedq", required=True)
    parser.add_argument("--model", required=True)
    parser.add_argument("--corpus", required=True)
    parser.add_argument("--documents", type=int, default=1000)
    parser.add_argument("--partitions", type=int, default=8)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--isolation", default="auto", choices=["auto", "netns", "loopback"])
    arguments = parser.parse_args()
    work = tempfile.mkdtemp(prefix="embedq-spark-bench-")
    rows = []
    try:
        jsonl, _ = harness.scifact_sample(arguments.corpus, arguments.documents, work)
        n = arguments.documents
        startup = startup_seconds(arguments.embedq, arguments.model, 5)
        for threads in (1, 2):
            seconds = statistics.median(
                harness.single_process(arguments.embedq, arguments.model, jsonl, os.path.join(work, "single.jsonl"), threads, [])
                for _ in range(arguments.runs))
            rows.append((f"single embedq process, {threads} thread(s)", None, None, seconds, n / seconds, n / seconds / threads))
            print(f"bench: single process, {threads} thread(s): {seconds:.2f} s", file=sys.stderr)
        for workers in (1, 2):
            cluster_times, session_times, job_times = [], [], []
            for run in range(arguments.runs):
                with LocalCluster(workers=workers, cores=1, isolation=arguments.isolation,
                                  work_dir=os.path.join(work, f"cluster-{workers}-{run}")) as cluster:
                    output = os.path.join(work, f"out-{workers}-{run}")
                    log = os.path.join(work, f"job-{workers}-{run}.log")
                    summary = harness.finish(harness.submit(cluster, [
                        "--embedq", arguments.embedq, "--model", arguments.model, "--input", jsonl,
                        "--output", output, "--partitions", str(arguments.partitions)], log), log, 1800)
                    assert summary["documents"] == n and summary["errors"] == 0, summary
                    cluster_times.append(cluster.startup_seconds)
                    session_times.append(summary["session_seconds"])
                    job_times.append(summary["job_seconds"])
                    print(f"bench: {workers} worker(s), {cluster.isolation}: cluster {cluster.startup_seconds:.1f} s, "
                          f"{summary}", file=sys.stderr)
            job = statistics.median(job_times)
            rows.append((f"Spark, {workers} worker(s) × 1 core, {arguments.partitions} partitions",
                         statistics.median(cluster_times), statistics.median(session_times), job, n / job, n / job / workers))
        print(f"\n{n} SciFact documents (all-MiniLM-L6-v2, float32), medians of {arguments.runs} runs; "
              f"embedq process start + model load: {startup:.3f} s (paid once per partition: "
              f"{arguments.partitions} × {startup:.3f} s = {arguments.partitions * startup:.2f} s of task time)\n")
        print("| setup | JVM start (master + workers) s | driver session s | encode / job s | docs/s | docs/s per core |")
        print("|---|---:|---:|---:|---:|---:|")
        for name, cluster_s, session_s, job_s, rate, per_core in rows:
            def cell(value):
                return "—" if value is None else f"{value:.2f}"
            print(f"| {name} | {cell(cluster_s)} | {cell(session_s)} | {job_s:.2f} | {rate:.1f} | {per_core:.1f} |")
        return 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

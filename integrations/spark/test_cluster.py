"""The Spark integration test (issue 17): a standalone master and two workers, each a separate
process in its own network namespace (loopback where namespaces are unavailable), encode 1,000
SciFact documents with ``embedq_spark.py``; every answer line must equal, byte for byte, the line
a single ``embedq embed --stream`` process writes for the same document. Twice: from JSON lines,
then from Parquet while one worker is killed (SIGKILL to all of its processes) in the middle of
encoding a partition, so Spark must re-run the lost partitions on the other worker.

Bounded: the whole run is given ``--deadline`` seconds (default 600) and fails past it.
Run through ``integrations/spark/run.sh test``, which installs Java and pyspark first.
"""
from __future__ import annotations

import argparse
import os
import shutil
import signal
import sys
import tempfile
import threading
import time

import harness
from local_cluster import LocalCluster


def compare(expected: dict[str, str], actual: dict[str, str], what: str) -> None:
    missing = expected.keys() - actual.keys()
    extra = actual.keys() - expected.keys()
    differing = [key for key in expected.keys() & actual.keys() if expected[key] != actual[key]]
    if missing or extra or differing:
        raise AssertionError(f"{what}: {len(missing)} missing, {len(extra)} unexpected, {len(differing)} different "
                             f"(e.g. {sorted(missing)[:3]} {sorted(extra)[:3]} {sorted(differing)[:3]})")
    print(f"spark test: {what}: {len(actual)} answers, byte-identical to the single process", file=sys.stderr)


def kill_during_encoding(cluster: LocalCluster, index: int, done: threading.Event, report: dict) -> None:
    """Kills worker ``index`` once one of its `embedq` processes has been encoding for 2 s."""
    worker = cluster.started[index - 1]
    first_seen: dict[int, float] = {}
    while not done.is_set():
        for pid in cluster.worker_processes(worker):
            try:
                with open(f"/proc/{pid}/cmdline", "rb") as handle:
                    command = handle.read().split(b"\0")
            except OSError:
                continue
            if len(command) > 2 and command[0].endswith(b"embedq") and command[1:3] == [b"embed", b"--stream"]:
                first_seen.setdefault(pid, time.monotonic())
                if time.monotonic() - first_seen[pid] >= 2:
                    report["killed"] = cluster.kill_worker(index)
                    report["at"] = time.monotonic()
                    return
        time.sleep(0.2)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--embedq", required=True)
    parser.add_argument("--model", required=True)
    parser.add_argument("--corpus", required=True, help="SciFact corpus.jsonl")
    parser.add_argument("--documents", type=int, default=1000)
    parser.add_argument("--partitions", type=int, default=8)
    parser.add_argument("--isolation", default="auto", choices=["auto", "netns", "loopback"])
    parser.add_argument("--deadline", type=float, default=600)
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    arguments = parser.parse_args()
    began = time.monotonic()
    # `timeout` (run.sh) sends SIGTERM: unwind, so the cluster and its namespaces are removed.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(124))

    def remaining() -> float:
        left = arguments.deadline - (time.monotonic() - began)
        if left <= 0:
            raise AssertionError(f"past the {arguments.deadline:.0f} s bound")
        return left

    work = tempfile.mkdtemp(prefix="embedq-spark-test-")
    try:
        jsonl, parquet = harness.scifact_sample(arguments.corpus, arguments.documents, work)
        reference_path = os.path.join(work, "reference.jsonl")
        seconds = harness.single_process(arguments.embedq, arguments.model, jsonl, reference_path, 2, [])
        reference = harness.answer_lines(reference_path)
        assert len(reference) == arguments.documents, f"the reference has {len(reference)} answers"
        assert not [line for line in reference.values() if '"error":' in line], "the reference has error lines"
        print(f"spark test: single process: {arguments.documents} documents in {seconds:.1f} s", file=sys.stderr)
        job = ["--embedq", arguments.embedq, "--model", arguments.model, "--partitions", str(arguments.partitions)]
        with LocalCluster(workers=2, cores=1, isolation=arguments.isolation,
                          work_dir=os.path.join(work, "cluster")) as cluster:
            print(f"spark test: cluster up ({cluster.isolation}) in {cluster.startup_seconds:.1f} s: {cluster.master_url}, "
                  f"workers {[w.host for w in cluster.started]}", file=sys.stderr)
            # 1. JSON lines, both workers.
            log = os.path.join(work, "job-jsonl.log")
            summary = harness.finish(harness.submit(cluster, job + ["--input", jsonl, "--output", os.path.join(work, "out-jsonl")], log),
                                     log, remaining())
            print(f"spark test: JSON lines job: {summary}", file=sys.stderr)
            compare(reference, harness.answer_lines(os.path.join(work, "out-jsonl")), "JSON lines, 2 workers")
            # 2. Parquet, worker 1 killed while it encodes.
            log = os.path.join(work, "job-parquet.log")
            process = harness.submit(cluster, job + ["--input", parquet, "--output", os.path.join(work, "out-parquet")], log)
            done, report = threading.Event(), {}
            killer = threading.Thread(target=kill_during_encoding, args=(cluster, 1, done, report))
            killer.start()
            try:
                summary = harness.finish(process, log, remaining())
            finally:
                done.set()
                killer.join()
            if "killed" not in report:
                raise AssertionError("worker 1 never ran an embedq process for 2 s: the kill did not happen")
            with open(log, errors="replace") as handle:
                driver_log = handle.read()
            if "Lost executor" not in driver_log and "ExecutorLostFailure" not in driver_log:
                raise AssertionError("the driver log shows no lost executor after the kill")
            print(f"spark test: Parquet job with worker 1 killed ({len(report['killed'])} processes): {summary}", file=sys.stderr)
            compare(reference, harness.answer_lines(os.path.join(work, "out-parquet")), "Parquet, worker 1 killed mid-job")
        print(f"spark test: passed in {time.monotonic() - began:.0f} s", file=sys.stderr)
        return 0
    finally:
        if arguments.keep:
            print(f"spark test: work folder kept: {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

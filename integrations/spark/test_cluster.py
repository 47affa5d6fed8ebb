"""The Spark integration test (issue 17): a standalone master and two workers, each a separate
process in its own network namespace (loopback where namespaces are unavailable), build a
collection from ``--documents`` SciFact documents with ``embedq_spark.py --sink segments`` (every
partition piped through ``embedq collection build-segment --stream``, the segments attached from
the driver). The collection must equal a single-process ``embedq collection add --texts`` of the
same documents: the stored codes of every id (binary fast codes, int8 finer codes with fixed
ranges; ``collection get --codes``) byte for byte, and the hits of a few text queries. Twice: from
JSON lines with both workers, then from Parquet while one worker is killed (SIGKILL to all of its
processes) in the middle of building a segment, so Spark must re-run the lost partitions on the
other worker and only the segments of successful attempts are attached.

The collections' int8 ranges come from ``embedq calibrate`` over the float vectors one
``embedq embed --stream`` process gives the first 100 documents. ``--embeddings-job`` adds the
embeddings sink's check (one more cluster job, and that process then encodes every document):
its answer lines must equal the single process's byte for byte.

Bounded: the whole run is given ``--deadline`` seconds (default 600) and fails past it.
Run through ``integrations/spark/run.sh test``, which installs Java and pyspark first.
"""
from __future__ import annotations

import argparse
import base64
import json
import os
import shutil
import signal
import subprocess
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


QUERIES = ["What do cancer cells do?", "vitamin D deficiency and bone health", "How does aging affect the brain?",
           "antibiotic resistance in bacteria", "effect of exercise on blood pressure"]


def write_npy(vectors: list[bytes], dimension: int, path: str) -> None:
    """Rows of little-endian float32 bytes as an n × dimension .npy file (format 1.0)."""
    header = "{'descr': '<f4', 'fortran_order': False, 'shape': (%d, %d), }" % (len(vectors), dimension)
    header += " " * (63 - (10 + len(header)) % 64) + "\n"
    with open(path, "wb") as handle:
        handle.write(b"\x93NUMPY\x01\x00" + len(header).to_bytes(2, "little") + header.encode("ascii"))
        for row in vectors:
            handle.write(row)


def embedq(binary: str, *arguments: str, stdin=None) -> str:
    """Runs ``embedq arguments…`` and returns its standard output; raises with its stderr on failure."""
    done = subprocess.run([binary, *arguments], stdin=stdin, capture_output=True, text=True)
    if done.returncode != 0:
        raise AssertionError(f"embedq {' '.join(arguments)} failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return done.stdout


class Collections:
    """The reference collection and the cluster's, created with the same settings."""

    def __init__(self, binary: str, model: str, work: str, ranges: str):
        self.binary, self.model, self.work, self.ranges = binary, model, work, ranges

    def create(self, name: str) -> str:
        path = os.path.join(self.work, name)
        embedq(self.binary, "collection", "create", path, "--dimension", "384", "--precision", "binary",
               "--rescore", "int8", "--ranges", self.ranges, "--model", self.model)
        return path

    def state(self, path: str, ids_file: str) -> tuple[dict[str, str], list[str], int]:
        """(codes line by id from ``get --json --codes``, ``search --json`` lines, live points)."""
        points = {}
        for line in embedq(self.binary, "collection", "get", path, "--ids", ids_file, "--json", "--codes").splitlines():
            point = json.loads(line)
            points[point["id"]] = line if point["found"] else None
        query_options = [option for query in QUERIES for option in ("--query-text", query)]
        hits = embedq(self.binary, "collection", "search", path, *query_options, "-k", "10", "--rescore", "4",
                      "--json").splitlines()
        count = json.loads(embedq(self.binary, "collection", "info", path, "--json"))["count"]
        return points, hits, count


def compare_collections(expected: tuple, actual: tuple, what: str) -> None:
    """Fails unless two collections hold the same codes for every id and give the same hits."""
    (expected_points, expected_hits, expected_count), (points, hits, count) = expected, actual
    missing = [key for key, line in points.items() if line is None]
    differing = [key for key in expected_points if points.get(key) != expected_points[key]]
    if missing or differing or count != expected_count:
        raise AssertionError(f"{what}: {count} points for {expected_count}, {len(missing)} missing, "
                             f"{len(differing)} with other codes (e.g. {missing[:3]} {differing[:3]})")
    if hits != expected_hits:
        raise AssertionError(f"{what}: the search results differ:\n{hits[:2]}\nexpected\n{expected_hits[:2]}")
    print(f"spark test: {what}: {count} points, codes of every id byte-identical to `collection add --texts`, "
          f"{len(hits)} queries with identical hits", file=sys.stderr)


def kill_during_encoding(cluster: LocalCluster, index: int, done: threading.Event, report: dict,
                         command_words: list[bytes]) -> None:
    """Kills worker ``index`` once one of its `embedq` processes (``embedq command_words…``) has run for 2 s."""
    worker = cluster.started[index - 1]
    first_seen: dict[int, float] = {}
    while not done.is_set():
        for pid in cluster.worker_processes(worker):
            try:
                with open(f"/proc/{pid}/cmdline", "rb") as handle:
                    command = handle.read().split(b"\0")
            except OSError:
                continue
            if len(command) > len(command_words) and command[0].endswith(b"embedq") and command[1:1 + len(command_words)] == command_words:
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
    parser.add_argument("--embeddings-job", action="store_true",
                        help="also run the embeddings sink and compare its answer lines with embed --stream")
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
    timings = {}
    try:
        jsonl, parquet = harness.scifact_sample(arguments.corpus, arguments.documents, work)
        ids = [json.loads(line)["id"] for line in open(jsonl, encoding="utf-8")]
        ids_file = os.path.join(work, "ids.txt")
        with open(ids_file, "w", encoding="utf-8") as handle:
            handle.write("".join(f"{key}\n" for key in ids))
        # Float vectors from one `embed --stream` process: of every document for the embeddings
        # job's answer lines, else of the first 100 only, enough for the collections' int8 ranges.
        calibration_count = arguments.documents if arguments.embeddings_job else min(arguments.documents, 100)
        calibration_jsonl = os.path.join(work, "calibration.jsonl")
        with open(jsonl, encoding="utf-8") as source, open(calibration_jsonl, "w", encoding="utf-8") as sink:
            sink.writelines(line for _, line in zip(range(calibration_count), source))
        reference_path = os.path.join(work, "reference.jsonl")
        seconds = harness.single_process(arguments.embedq, arguments.model, calibration_jsonl, reference_path, 2, [])
        reference = harness.answer_lines(reference_path)
        assert len(reference) == calibration_count, f"the reference has {len(reference)} answers"
        assert not [line for line in reference.values() if '"error":' in line], "the reference has error lines"
        timings["single process embed --stream, 2 threads"] = {"documents": calibration_count, "seconds": round(seconds, 1)}
        print(f"spark test: single process embed --stream: {calibration_count} documents in {seconds:.1f} s", file=sys.stderr)

        # Ranges from those vectors; the reference collection from `collection add --texts`.
        vectors = [base64.b64decode(json.loads(reference[json.dumps(key)])["embedding"]) for key in ids[:calibration_count]]
        write_npy(vectors, 384, os.path.join(work, "reference.npy"))
        ranges = os.path.join(work, "ranges.json")
        embedq(arguments.embedq, "calibrate", os.path.join(work, "reference.npy"), "-o", ranges)
        collections = Collections(arguments.embedq, arguments.model, work, ranges)
        reference_collection = collections.create("reference-collection")
        began_add = time.monotonic()
        embedq(arguments.embedq, "collection", "add", reference_collection, "--texts", jsonl, "--ids", ids_file)
        timings["single process collection add --texts"] = round(time.monotonic() - began_add, 1)
        expected = collections.state(reference_collection, ids_file)
        assert expected[2] == arguments.documents, f"the reference collection has {expected[2]} points"
        print(f"spark test: single process collection add --texts: {timings['single process collection add --texts']} s",
              file=sys.stderr)

        job = ["--embedq", arguments.embedq, "--model", arguments.model, "--partitions", str(arguments.partitions)]
        with LocalCluster(workers=2, cores=1, isolation=arguments.isolation,
                          work_dir=os.path.join(work, "cluster")) as cluster:
            timings["cluster start (JVMs: master + 2 workers registered)"] = round(cluster.startup_seconds, 1)
            print(f"spark test: cluster up ({cluster.isolation}) in {cluster.startup_seconds:.1f} s: {cluster.master_url}, "
                  f"workers {[w.host for w in cluster.started]}", file=sys.stderr)
            # 1. JSON lines, both workers, segments attached from the driver.
            target = collections.create("cluster-jsonl")
            log = os.path.join(work, "job-jsonl.log")
            summary = harness.finish(harness.submit(cluster, job + [
                "--input", jsonl, "--output", os.path.join(work, "out-jsonl"), "--sink", "segments", "--collection", target], log),
                log, remaining())
            print(f"spark test: JSON lines job: {summary}", file=sys.stderr)
            timings["JSON lines job, 2 workers"] = summary
            assert summary["documents"] == arguments.documents and summary["errors"] == 0, summary
            compare_collections(expected, collections.state(target, ids_file), "JSON lines, 2 workers")
            # Attaching the same segments again changes nothing (what a retried driver would do).
            segments = sorted(os.path.join(work, "out-jsonl", "segments", name)
                              for name in os.listdir(os.path.join(work, "out-jsonl", "segments")))
            embedq(arguments.embedq, "collection", "attach", target, *segments)
            compare_collections(expected, collections.state(target, ids_file), "JSON lines, segments attached twice")
            if arguments.embeddings_job:
                log = os.path.join(work, "job-embeddings.log")
                summary = harness.finish(harness.submit(cluster, job + ["--input", jsonl, "--output", os.path.join(work, "out-embeddings")], log),
                                         log, remaining())
                print(f"spark test: embeddings job: {summary}", file=sys.stderr)
                compare(reference, harness.answer_lines(os.path.join(work, "out-embeddings")), "embeddings sink, 2 workers")
            # 2. Parquet, worker 1 killed while it builds a segment.
            target = collections.create("cluster-parquet")
            log = os.path.join(work, "job-parquet.log")
            process = harness.submit(cluster, job + [
                "--input", parquet, "--output", os.path.join(work, "out-parquet"), "--sink", "segments", "--collection", target], log)
            done, report = threading.Event(), {}
            killer = threading.Thread(target=kill_during_encoding,
                                      args=(cluster, 1, done, report, [b"collection", b"build-segment"]))
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
            timings["Parquet job, worker 1 killed"] = summary
            assert summary["documents"] == arguments.documents and summary["errors"] == 0, summary
            compare_collections(expected, collections.state(target, ids_file), "Parquet, worker 1 killed mid-job")
        print(f"spark test: timings: {json.dumps(timings)}", file=sys.stderr)
        print(f"spark test: passed in {time.monotonic() - began:.0f} s", file=sys.stderr)
        return 0
    finally:
        if arguments.keep:
            print(f"spark test: work folder kept: {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Tokenization alone: EmbedQ's tokenizer against the Hugging Face fast tokenizer (`tokenizers`)
on the same SciFact texts with the same truncation; medians of several runs, alternating the
two; checks that both give the same ids. Run through scripts/bench-tokenizers.sh.

usage: bench_tokenizers.py --bench EMBEDQ_BENCH --texts TEXTS.jsonl --runs R --threads T NAME=PATH:MAX_LENGTH ...
"""
import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time


def hf_times(path, texts, max_length, runs, threads):
    os.environ["RAYON_NUM_THREADS"] = str(threads)
    from tokenizers import Tokenizer
    file = path if path.endswith(".json") else os.path.join(path, "tokenizer.json")
    start = time.perf_counter()
    tokenizer = Tokenizer.from_file(file)
    load = time.perf_counter() - start
    tokenizer.enable_truncation(max_length=max_length)
    tokenizer.no_padding()
    encodings = [tokenizer.encode(text) for text in texts]  # warm-up and count
    tokens = sum(len(e.ids) for e in encodings)
    single, batch = [], []
    for _ in range(runs):
        start = time.perf_counter()
        for text in texts:
            tokenizer.encode(text)
        single.append(time.perf_counter() - start)
        start = time.perf_counter()
        tokenizer.encode_batch(texts)
        batch.append(time.perf_counter() - start)
    return {"tokens": tokens, "load": load, "single": single, "batch": batch, "ids": [e.ids for e in encodings]}


def embedq_times(bench, path, texts_file, max_length, runs, threads):
    output = subprocess.run([bench, "tokenize", path, "--texts", texts_file, "--max-length", str(max_length),
                             "--runs", str(runs), "--threads", str(threads)], check=True, capture_output=True, text=True)
    return json.loads(output.stdout)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bench", required=True)
    parser.add_argument("--texts", required=True)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("tokenizers", nargs="+")
    args = parser.parse_args()
    with open(args.texts, encoding="utf-8") as f:
        texts = [json.loads(line)["text"] for line in f]
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), platform.processor())
    print(f"CPU: {cpu}; load average before: {os.getloadavg()[0]:.1f}; {len(texts)} SciFact documents; "
          f"{args.runs} runs, medians; parallel = {args.threads} threads")
    print()
    print("| tokenizer | tokens | HF 1 thread tok/s | EmbedQ 1 thread tok/s | ratio | HF encode_batch tok/s | EmbedQ parallel tok/s | ratio | load HF / EmbedQ (s) |")
    print("|---|---|---|---|---|---|---|---|---|")
    for spec in args.tokenizers:
        name, rest = spec.split("=", 1)
        path, max_length = rest.rsplit(":", 1)
        max_length = int(max_length)
        singles_hf, batches_hf, singles_eq, parallels_eq = [], [], [], []
        hf = eq = None
        for _ in range(args.runs):
            hf = hf_times(path, texts, max_length, 1, args.threads)
            eq = embedq_times(args.bench, path, args.texts, max_length, 1, args.threads)
            singles_hf += hf["single"]
            batches_hf += hf["batch"]
            singles_eq += eq["singleThreadRuns"]
            parallels_eq += eq["parallelRuns"]
        if hf["tokens"] != eq["tokens"]:
            print(f"warning: {name}: HF counts {hf['tokens']} tokens, EmbedQ {eq['tokens']}", file=sys.stderr)
        tokens = hf["tokens"]
        rate = lambda seconds: tokens / statistics.median(seconds)
        print(f"| {name} | {tokens:,} | {rate(singles_hf):,.0f} | {rate(singles_eq):,.0f} | {rate(singles_eq) / rate(singles_hf):.2f}× "
              f"| {rate(batches_hf):,.0f} | {rate(parallels_eq):,.0f} | {rate(parallels_eq) / rate(batches_hf):.2f}× "
              f"| {hf['load']:.3f} / {eq['loadSeconds']:.3f} |", flush=True)
    print()
    print(f"load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Closed-loop HTTP load for an embeddings server (standard library only).

`--concurrency` workers each keep one keep-alive HTTP/1.1 connection and send one request after
another for `--seconds`; bodies are taken round robin from `--bodies` (one JSON request per line,
with its token count in the line before a tab: `TOKENS<TAB>{"input": ...}`). Every request that
was sent is awaited, and the throughput counts the tokens of the completed requests over the time
from the first send to the last answer, so nothing in flight at the end is miscounted.

Prints one JSON line: requests, tokens, seconds, tokens_per_s, requests_per_s, latency p50 / p99
(ms), errors.
"""
import argparse
import asyncio
import json
import statistics
import sys
import time
from urllib.parse import urlparse


async def worker(host, port, path, bodies, cursor, deadline, results, headers, once=False):
    reader, writer = await asyncio.open_connection(host, port)
    try:
        while once or time.perf_counter() < deadline:
            once = False
            index = cursor[0]
            cursor[0] = (index + 1) % len(bodies)
            tokens, body = bodies[index]
            request = (
                f"POST {path} HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(body)}\r\n{headers}\r\n"
            ).encode() + body
            start = time.perf_counter()
            writer.write(request)
            await writer.drain()
            status_line = await reader.readline()
            status = int(status_line.split()[1])
            length = None
            chunked = False
            while True:
                line = await reader.readline()
                if line in (b"\r\n", b""):
                    break
                name, _, value = line.decode("latin-1").partition(":")
                if name.lower() == "content-length":
                    length = int(value.strip())
                elif name.lower() == "transfer-encoding" and "chunked" in value.lower():
                    chunked = True
            if chunked:
                while True:
                    size = int((await reader.readline()).strip(), 16)
                    await reader.readexactly(size + 2)
                    if size == 0:
                        break
            elif length is not None:
                await reader.readexactly(length)
            end = time.perf_counter()
            results.append((start, end, tokens, status))
    finally:
        writer.close()


async def run(args):
    url = urlparse(args.url)
    bodies = []
    with open(args.bodies, "rb") as handle:
        for line in handle:
            tokens, _, body = line.rstrip(b"\n").partition(b"\t")
            bodies.append((int(tokens), body))
    headers = "".join(f"{h}\r\n" for h in args.header)
    results = []
    cursor = [0]
    # Warm-up: one request, not counted.
    await worker(url.hostname, url.port, url.path, bodies, [0], 0, [], headers, once=True)
    deadline = time.perf_counter() + args.seconds
    await asyncio.gather(*[
        worker(url.hostname, url.port, url.path, bodies, cursor, deadline, results, headers)
        for _ in range(args.concurrency)
    ])
    ok = [r for r in results if r[3] == 200]
    first = min(r[0] for r in results)
    last = max(r[1] for r in results)
    seconds = last - first
    latencies = sorted((r[1] - r[0]) * 1000 for r in ok)
    tokens = sum(r[2] for r in ok)
    print(json.dumps({
        "concurrency": args.concurrency,
        "requests": len(ok),
        "errors": len(results) - len(ok),
        "tokens": tokens,
        "seconds": round(seconds, 3),
        "tokens_per_s": round(tokens / seconds, 1),
        "requests_per_s": round(len(ok) / seconds, 2),
        "p50_ms": round(statistics.median(latencies), 1) if latencies else None,
        "p99_ms": round(latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))], 1) if latencies else None,
    }))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="http://HOST:PORT/PATH of the embeddings route")
    parser.add_argument("--bodies", required=True)
    parser.add_argument("--concurrency", type=int, default=1)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--header", action="append", default=[])
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    sys.exit(main())

"""Report of scripts/bench-hnsw.sh: build table, ef sweeps with recall, queries per second at
recall 0.90 / 0.95 / 0.99 with the EmbedQ / peer ratios, and an SVG chart of recall@10 (same
codes, ties counted) against queries per CPU-second (one search thread).

QPS at a recall target: the fastest measured ef whose recall reaches the target (no
interpolation); "-" when no ef of the sweep reaches it. Wall-clock QPS and queries per CPU-second
(1e6 / CPU µs per query: what the search costs whatever else the machine runs, the fairer figure
on a loaded machine) are both reported; build time likewise as wall and CPU seconds.

Usage: hnsw_report.py OUT_DIR DIM K QUERIES TITLE"""
import json
import math
import os
import sys
from collections import defaultdict

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
from hnsw_recall import recall_float, recall_on_codes  # noqa: E402

LABELS = {
    ("embedq", "ubinary"): "EmbedQ ubinary",
    ("usearch", "ubinary"): "USearch b1",
    ("faiss", "ubinary"): "FAISS IndexBinaryHNSW",
    ("embedq", "int8"): "EmbedQ int8",
    ("usearch", "int8"): "USearch i8",
}
COLORS = {"embedq": "#d62728", "usearch": "#1f77b4", "faiss": "#2ca02c"}
TARGETS = (0.90, 0.95, 0.99)


def main():
    out, dim, k, queries, title = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
    events = [json.loads(line) for line in open(os.path.join(out, "results.jsonl")) if line.strip()]
    builds = {}
    peaks = {}
    sweeps = defaultdict(dict)  # (system, precision, build threads) -> {(threads, ef): qps}
    cpu_sweeps = defaultdict(dict)  # the same, queries per CPU-second
    for e in events:
        if e["event"] == "done":  # the process's peak, after its searches: its last build's
            last = [k for k in builds if k[:2] == (e["system"], e["precision"])]
            if last:
                peaks[last[-1]] = e["peak_rss_bytes"]
            continue
        key = (e["system"], e["precision"], e["build_threads"])
        if e["event"] == "build":
            builds[key] = e
        elif e["event"] == "search":
            sweeps[key][(e["threads"], e["ef"])] = e["qps"]
            cpu_sweeps[key][(e["threads"], e["ef"])] = 1e6 / e["cpu_us_per_query"] if e["cpu_us_per_query"] > 0 else math.nan
    recalls = {}  # (system, precision, build threads, ef) -> (codes recall, float recall)
    for key, points in sweeps.items():
        system, precision, build_threads = key
        for ef in sorted({ef for _, ef in points}):
            path = os.path.join(out, f"{system}-{precision}-b{build_threads}-ef{ef}.i32")
            if not os.path.exists(path):
                continue
            ids = np.fromfile(path, dtype=np.int32)
            recalls[key + (ef,)] = (recall_on_codes(out, precision, dim, ids, k), recall_float(out, ids, k, queries))

    print(f"# HNSW benchmark: {title}\n")
    print("## Build\n")
    print("| system | codes | build threads | build s (wall) | build CPU s | index MB | peak RSS MB | build CPU vs USearch |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for key in sorted(builds, key=lambda x: (x[1], x[2], x[0])):
        b = builds[key]
        system, precision, build_threads = key
        peer = builds.get(("usearch", precision, build_threads))
        ratio = f"{b['build_cpu_seconds'] / peer['build_cpu_seconds']:.2f}×" if peer and system != "usearch" else ""
        print(f"| {LABELS[(system, precision)]} | {precision} | {build_threads} | {b['build_seconds']:.1f} | {b['build_cpu_seconds']:.1f} | "
              f"{b['index_bytes'] / 1e6:.1f} | {peaks.get(key, b['peak_rss_bytes']) / 1e6:.0f} | {ratio} |")

    print("\n## Sweep (recall@10 on the same codes with ties, recall@10 against float32, QPS)\n")
    for key in sorted(sweeps, key=lambda x: (x[1], x[2], x[0])):
        system, precision, build_threads = key
        threads_list = sorted({t for t, _ in sweeps[key]})
        print(f"**{LABELS[(system, precision)]}**, built on {build_threads} thread(s)\n")
        print("| ef | recall (codes) | recall (float32) | " + " | ".join(f"QPS {t} thr" for t in threads_list)
              + " | queries / CPU s |")
        print("|---:|---:|---:|" + "---:|" * (len(threads_list) + 1))
        for ef in sorted({ef for _, ef in sweeps[key]}):
            codes_recall, float_recall = recalls.get(key + (ef,), (math.nan, math.nan))
            qps = " | ".join(f"{sweeps[key].get((t, ef), math.nan):,.0f}" for t in threads_list)
            per_cpu = cpu_sweeps[key].get((threads_list[0], ef), math.nan)
            print(f"| {ef} | {codes_recall:.4f} | {float_recall:.4f} | {qps} | {per_cpu:,.0f} |")
        print()

    for label, table in (("queries per second (wall clock)", sweeps), ("queries per CPU-second", cpu_sweeps)):
        print(f"## {label[0].upper() + label[1:]} at a recall@10 target (same codes, ties counted)\n")
        print("| codes | build thr | search thr | target | EmbedQ | USearch | FAISS | EmbedQ / USearch | EmbedQ / FAISS |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
        for precision in ("ubinary", "int8"):
            for build_threads in sorted({key[2] for key in table if key[1] == precision}):
                for threads in ((1, 2) if table is sweeps else (1,)):
                    for target in TARGETS:
                        row = {system: qps_at(table.get((system, precision, build_threads), {}), recalls,
                                              (system, precision, build_threads), threads, target)
                               for system in ("embedq", "usearch", "faiss")}
                        cells = [fmt(row[s]) for s in ("embedq", "usearch", "faiss")]
                        cells += [ratio_of(row["embedq"], row["usearch"]), ratio_of(row["embedq"], row["faiss"])]
                        print(f"| {precision} | {build_threads} | {threads} | {target:.2f} | " + " | ".join(cells) + " |")
        print()
    chart(os.path.join(out, "hnsw-recall-qps.svg"), cpu_sweeps, recalls, title)
    print(f"\nchart: {os.path.join(out, 'hnsw-recall-qps.svg')}")


def qps_at(points, recalls, key, threads, target):
    best = None
    for (t, ef), qps in points.items():
        r = recalls.get(key + (ef,))
        if t == threads and r and r[0] >= target:
            best = qps if best is None else max(best, qps)
    return best


def fmt(value):
    return "-" if value is None else f"{value:,.0f}"


def ratio_of(a, b):
    return "-" if a is None or b is None else f"{a / b:.2f}×"


def chart(path, sweeps, recalls, title):
    """Recall (x) against queries per CPU-second (y, log scale), one search thread, first build thread count."""
    width, height, left, right, top, bottom = 760, 460, 70, 210, 40, 50
    series = []
    for (system, precision, build_threads), points in sweeps.items():
        if build_threads != min(k[2] for k in sweeps if k[:2] == (system, precision)):
            continue
        curve = sorted((recalls[(system, precision, build_threads, ef)][0], qps)
                       for (t, ef), qps in points.items() if t == 1 and (system, precision, build_threads, ef) in recalls)
        if curve:
            series.append(((system, precision), curve))
    if not series:
        return
    all_qps = [q for _, c in series for _, q in c]
    low, high = 10 ** math.floor(math.log10(min(all_qps))), 10 ** math.ceil(math.log10(max(all_qps)))
    xmin = min(0.5, math.floor(min(r for _, c in series for r, _ in c) * 10) / 10)

    def x(r):
        return left + (r - xmin) / (1 - xmin) * (width - left - right)

    def y(q):
        return top + (math.log10(high) - math.log10(q)) / (math.log10(high) - math.log10(low)) * (height - top - bottom)

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" font-size="12">',
             f'<rect width="{width}" height="{height}" fill="white"/>',
             f'<text x="{left}" y="20" font-size="12">Recall@10 vs queries per CPU-second (1 search thread): {escape(title)}</text>']
    for i in range(int(round((1 - xmin) * 10)) + 1):
        r = xmin + i / 10
        parts.append(f'<line x1="{x(r):.1f}" y1="{top}" x2="{x(r):.1f}" y2="{height - bottom}" stroke="#ddd"/>')
        parts.append(f'<text x="{x(r):.1f}" y="{height - bottom + 16}" text-anchor="middle">{r:.1f}</text>')
    decade = low
    while decade <= high:
        parts.append(f'<line x1="{left}" y1="{y(decade):.1f}" x2="{width - right}" y2="{y(decade):.1f}" stroke="#ddd"/>')
        parts.append(f'<text x="{left - 6}" y="{y(decade) + 4:.1f}" text-anchor="end">{decade:,.0f}</text>')
        decade *= 10
    parts.append(f'<text x="{(left + width - right) / 2}" y="{height - 12}" text-anchor="middle">recall@10 against exact search on the same codes (ties counted)</text>')
    parts.append(f'<text x="16" y="{(top + height - bottom) / 2}" transform="rotate(-90 16 {(top + height - bottom) / 2})" text-anchor="middle">queries per CPU-second</text>')
    for n, ((system, precision), curve) in enumerate(sorted(series)):
        dash = "" if precision == "ubinary" else ' stroke-dasharray="6 3"'
        color = COLORS[system]
        points = " ".join(f"{x(r):.1f},{y(q):.1f}" for r, q in curve)
        parts.append(f'<polyline points="{points}" fill="none" stroke="{color}" stroke-width="2"{dash}/>')
        parts += [f'<circle cx="{x(r):.1f}" cy="{y(q):.1f}" r="3" fill="{color}"/>' for r, q in curve]
        ly = top + 10 + 20 * n
        parts.append(f'<line x1="{width - right + 15}" y1="{ly}" x2="{width - right + 45}" y2="{ly}" stroke="{color}" stroke-width="2"{dash}/>')
        parts.append(f'<text x="{width - right + 52}" y="{ly + 4}">{escape(LABELS[(system, precision)])}</text>')
    parts.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(parts) + "\n")


def escape(text):
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


if __name__ == "__main__":
    main()

"""Prints the search benchmark table from the JSON lines of embedq-bench and peers.py.

Usage: report.py EMBEDQ.jsonl PEERS.jsonl"""
import json
import sys


def load(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip().startswith("{")]


def main():
    ours = load(sys.argv[1])
    peers = load(sys.argv[2])
    timing = {(r["name"], r["threads"]): r["ms_per_query"] for r in ours + peers if "ms_per_query" in r}
    threads = sorted({t for (_, t) in timing})
    rows = [
        ("binary", "embedq-binary", ["faiss-binary-flat"], 2.0),
        ("int8", "embedq-int8", ["faiss-sq8", "usearch-exact-i8"], 2.0),
        ("float32", "embedq-float32", ["faiss-flat-ip"], 1.0),
    ]
    for r in ours:
        if r.get("name") == "kernels":
            print(f"EmbedQ search kernels: {r['variant']}")
    print(f"{'precision':9} {'thr':>3} {'EmbedQ ms/q':>11}  {'peer':18} {'peer ms/q':>9} {'speed-up':>8}  goal")
    for precision, mine, names, goal in rows:
        for t in threads:
            if (mine, t) not in timing:
                continue
            m = timing[(mine, t)]
            best = min((timing[(n, t)] for n in names if (n, t) in timing), default=None)
            for n in names:
                if (n, t) not in timing:
                    continue
                p = timing[(n, t)]
                is_goal = best is not None and p == best
                verdict = ("met" if p / m >= goal else "MISSED") if is_goal else ""
                goal_text = f">= {goal:g}x {verdict}" if is_goal else ""
                print(f"{precision:9} {t:>3} {m:11.3f}  {n:18} {p:9.3f} {p / m:7.2f}x  {goal_text}")
    busy = [f"{r['name'].removeprefix('embedq-')}/{r['threads']}: {r['cores_busy']:.2f}" for r in ours if "cores_busy" in r]
    if busy:
        print("cores EmbedQ kept busy (CPU time / wall time; below the thread count when other jobs compete): " + ", ".join(busy))
    for r in ours:
        if r.get("name") == "embedq-binary-single-query":
            ratio = r["ms_per_query"] / r["floor_ms"]
            verdict = "met" if ratio <= 1.25 else "MISSED"
            print(f"single-query binary ({r.get('mode', 'back to back')}), {r['threads']} thread(s): {r['ms_per_query']:.3f} ms; memory floor "
                  f"{r['floor_ms']:.3f} ms ({r['bytes'] / 1e6:.1f} MB at {r['bandwidth_gbs']:.1f} GB/s); "
                  f"{ratio:.2f}x the floor (goal <= 1.25x: {verdict})")
        if r.get("name") == "dram-read-bandwidth":
            print(f"read bandwidth over {r['bytes'] / 1e9:.2f} GB, {r['threads']} thread(s): {r['bandwidth_gbs']:.1f} GB/s")
    for r in ours:
        if r.get("name") == "embedq-binary-rescore-int8":
            print(f"binary + int8 rescoring (x4 candidates, float queries), {r['threads']} thread(s): {r['ms_per_query']:.3f} ms/query")
        if r.get("name") == "build":
            print(f"build {r['what']}: {r['ms'] / 1000:.2f} s")
        if r.get("name") == "recall":
            print(f"recall@k of EmbedQ {r['what']} against exact float32 search: {100 * r['value']:.1f}%")
    for r in peers:
        if "agreement" in r:
            print(f"top-k agreement of EmbedQ {r['agreement']} with the FAISS peer: {100 * r['value']:.2f}%")


if __name__ == "__main__":
    main()

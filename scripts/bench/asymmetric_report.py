"""Prints the asymmetric scan table from the JSON lines of `embedq-bench asymmetric` (one file per
EMBEDQ_ISA level) and asymmetric_peers.py, with the ratios and the goals of issue 10: float × int4
and float × ternary within 2× of int8 × int8, float × bits within 2× of Hamming (same ISA).

Usage: asymmetric_report.py PEERS.jsonl EMBEDQ.jsonl [EMBEDQ.jsonl ...]"""
import json
import sys


def load(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip().startswith("{")]


def main():
    peers = {r["name"]: r for r in load(sys.argv[1]) if "ms_per_query" in r}
    print(f"{'ISA':9} {'scan':34} {'ms/query':>9} {'queries':>7}  vs baseline           goal")
    for path in sys.argv[2:]:
        rows = load(path)
        kernels = next((r for r in rows if r.get("name") == "kernels"), {})
        isa = f"{kernels.get('asymmetric', '?')}"
        t = {r["name"]: r for r in rows if "ms_per_query" in r}
        goals = {
            "embedq-float-x-int4": "embedq-int8-x-int8",
            "embedq-float-x-ternary": "embedq-int8-x-int8",
            "embedq-float-x-bits": "embedq-hamming",
            "embedq-float-x-int8": "embedq-int8-x-int8",
        }
        for name, r in t.items():
            base = goals.get(name)
            text = ""
            if base in t:
                ratio = r["ms_per_query"] / t[base]["ms_per_query"]
                text = f"{ratio:5.2f}x {base.removeprefix('embedq-'):14}"
                if name != "embedq-float-x-int8":
                    text += f" <= 2x {'met' if ratio <= 2 else 'MISSED'}"
            print(f"{isa:9} {name.removeprefix('embedq-'):34} {r['ms_per_query']:9.3f} {r['queries']:7}  {text}")
        for r in rows:
            if r.get("name") == "check":
                print(f"{isa:9} check: {r['what']}: {r['identical']} of {r['queries']} queries")
        for peer, mine in [("faiss-sq8", "embedq-float-x-int8"), ("faiss-sq4", "embedq-float-x-int4"),
                           ("numpy-float-x-dequantized-int4", "embedq-float-x-int4")]:
            if peer in peers and mine in t:
                ratio = peers[peer]["ms_per_query"] / t[mine]["ms_per_query"]
                print(f"{isa:9} peer {peer:29} {peers[peer]['ms_per_query']:9.3f} {peers[peer]['queries']:7}  "
                      f"EmbedQ {mine.removeprefix('embedq-')} is {ratio:.2f}x faster")


if __name__ == "__main__":
    main()

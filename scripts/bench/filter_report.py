"""Prints the row-filter benchmark's table from embedq-bench filter's JSON lines (stdin)."""
import json
import sys


def main():
    rows = [json.loads(line) for line in sys.stdin if line.strip()]
    base = {r["name"]: r["ms_per_query"] for r in rows if r.get("filter") == "none"}
    print("| index | filter | rows kept | ms / query | vs no filter |")
    print("|---|---|---:|---:|---:|")
    for r in rows:
        if "filter" not in r:
            continue
        ratio = r["ms_per_query"] / base[r["name"]]
        print(f"| {r['name']} | {r['filter']} | {100 * r['selectivity']:g} % | {r['ms_per_query']:.3f} | {ratio:.2f}x |")


if __name__ == "__main__":
    main()

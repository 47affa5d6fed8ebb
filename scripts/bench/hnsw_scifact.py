"""SciFact NDCG@10 of `embedq search INDEX --json` answers (scripts/bench-hnsw-scifact.sh):
the graph walk (binary HNSW → int8 rescoring) against the exact scan of the same index.

NDCG@10 as pytrec_eval computes it (graded gains, log2 discount, ideal ranking from the qrels),
averaged over the judged test queries.

Usage: hnsw_scifact.py DATASET_DIR QUERY_IDS.txt NAME=ANSWERS.jsonl ..."""
import json
import math
import sys
from collections import defaultdict


def ndcg_at_10(ranking, judged):
    dcg = sum(judged.get(doc, 0) / math.log2(rank + 2) for rank, doc in enumerate(ranking[:10]))
    ideal = sorted(judged.values(), reverse=True)[:10]
    idcg = sum(gain / math.log2(rank + 2) for rank, gain in enumerate(ideal))
    return dcg / idcg if idcg > 0 else 0.0


def main():
    dataset, query_ids_path = sys.argv[1], sys.argv[2]
    qrels = defaultdict(dict)
    with open(f"{dataset}/qrels/test.tsv") as f:
        next(f)
        for line in f:
            query, doc, score = line.rstrip("\n").split("\t")
            qrels[query][doc] = int(score)
    query_ids = open(query_ids_path).read().split("\n")[:-1]
    scores = {}
    for argument in sys.argv[3:]:
        name, path = argument.split("=", 1)
        answers = [json.loads(line) for line in open(path) if line.strip()]
        assert len(answers) == len(query_ids), f"{path}: {len(answers)} answers for {len(query_ids)} queries"
        values = [ndcg_at_10([hit["id"] for hit in answer["hits"]], qrels[query_ids[answer["query"]]])
                  for answer in answers]
        scores[name] = sum(values) / len(values)
    print("| pipeline | NDCG@10 | vs exact binary → int8 at the same multiplier |")
    print("|---|---:|---:|")
    for name, value in scores.items():
        multiplier = name.rsplit("×", 1)[-1].split()[0] if "×" in name else None
        exact = scores.get(f"binary → int8 ×{multiplier} exact") if multiplier else None
        ratio = f"{100 * value / exact:.2f} %" if exact and "HNSW" in name else ""
        print(f"| {name} | {100 * value:.2f} | {ratio} |")

if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Generates Tests/Fixtures/evaluation/scifact_synthetic_run.json: pytrec_eval's mean metrics
for a synthetic but deterministic run over the real SciFact test split, so that the Swift test
`SciFactCrossCheckTests` can rebuild the same run from the loaded dataset and compare its means.

The run scores every corpus document for every judged query with integer arithmetic both
languages evaluate identically (hence many exact ties, which exercises trec_eval's tie order):

    h(q, d)  = (q * 2654435761 + d * 40503) % 1000          # q, d: the numeric _ids
    score    = 1 + (h % 7) / 10   if grade(q, d) > 0 and (q + d) % 3 != 0
               h / 1000            otherwise

Usage: python scripts/evaluation/scifact_synthetic_run.py [SCIFACT_FOLDER] [OUTPUT]
(needs `pip install pytrec-eval-terrier`).
"""
import csv
import json
import sys
from pathlib import Path

import pytrec_eval

ROOT = Path(__file__).resolve().parents[2]
CUTOFFS = [1, 10, 100, 1000]


def score(q: int, d: int, grade: int) -> float:
    h = (q * 2654435761 + d * 40503) % 1000
    if grade > 0 and (q + d) % 3 != 0:
        return 1 + (h % 7) / 10
    return h / 1000


def main() -> None:
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared/datasets/scifact"
    out = Path(sys.argv[2]) if len(sys.argv) > 2 else ROOT / "Tests/Fixtures/evaluation/scifact_synthetic_run.json"
    doc_ids = [json.loads(line)["_id"] for line in open(folder / "corpus.jsonl") if line.strip()]
    qrels: dict[str, dict[str, int]] = {}
    with open(folder / "qrels/test.tsv", newline="") as f:
        reader = csv.reader(f, delimiter="\t")
        next(reader)
        for qid, did, grade in reader:
            qrels.setdefault(qid, {})[did] = int(grade)
    run = {
        qid: {d: score(int(qid), int(d), grades.get(d, 0)) for d in doc_ids}
        for qid, grades in qrels.items()
    }
    measures = {f"{name}.{','.join(map(str, CUTOFFS))}" for name in ("ndcg_cut", "recall", "P", "map_cut", "success")}
    results = pytrec_eval.RelevanceEvaluator(qrels, measures).evaluate(run)
    names = sorted(next(iter(results.values())))
    means = {m: sum(r[m] for r in results.values()) / len(results) for m in names}
    sample = sorted(results)[:3]
    document = {
        "generator": "scripts/evaluation/scifact_synthetic_run.py",
        "pytrec_eval": getattr(pytrec_eval, "__version__", "unknown"),
        "queries": len(results),
        "documents": len(doc_ids),
        "cutoffs": CUTOFFS,
        "means": means,
        "per_query": {qid: results[qid] for qid in sample},
    }
    out.write_text(json.dumps(document, indent=1) + "\n")
    print(f"wrote {out}: {len(results)} queries; ndcg_cut_10 = {means['ndcg_cut_10']:.5f}")


if __name__ == "__main__":
    main()

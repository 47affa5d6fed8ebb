#!/usr/bin/env python3
"""Generates Tests/Fixtures/evaluation/pytrec_eval_crosscheck.json: random graded qrels and
runs (with many tied scores and identifiers of mixed length, so trec_eval's tie-breaking is
exercised) and the per-query values pytrec_eval computes for them. The Swift test
`RankingMetricsCrossCheckTests` recomputes every value with `RankingMetrics` and compares.

Usage (in a venv with `pip install pytrec-eval-terrier`, the maintained pytrec_eval build):
    python scripts/evaluation/crosscheck_pytrec_eval.py [output.json]
"""
import json
import random
import sys
from pathlib import Path

import pytrec_eval

CUTOFFS = [1, 3, 5, 10, 1000]
MEASURES = {
    "ndcg_cut." + ",".join(map(str, CUTOFFS)),
    "recall." + ",".join(map(str, CUTOFFS)),
    "P." + ",".join(map(str, CUTOFFS)),
    "map_cut." + ",".join(map(str, CUTOFFS)),
    "success." + ",".join(map(str, CUTOFFS)),
    "recip_rank",
}


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else (
        Path(__file__).resolve().parents[2] / "Tests/Fixtures/evaluation/pytrec_eval_crosscheck.json")
    rng = random.Random(20261126)
    # Identifiers of mixed length and case, so byte-wise descending order matters ("9" > "10").
    pool = [str(n) for n in rng.sample(range(1, 400), 24)] + ["doc-a", "doc-B", "Doc-c", "d"]
    qrels, runs = {}, {}
    for q in range(14):
        qid = f"q{q}"
        judged = rng.sample(pool, rng.randint(1, 6))
        grades = {d: rng.choice([0, 1, 1, 2, 3]) for d in judged}
        if q == 0:
            grades = {d: 0 for d in judged}  # judged, nothing relevant
        retrieved = rng.sample(pool, rng.randint(1, 14))
        # Scores from a handful of values: plenty of ties, including negative scores.
        scores = {d: rng.choice([0.9, 0.5, 0.5, 0.25, 0.1, -0.3]) for d in retrieved}
        qrels[qid] = grades
        runs[qid] = scores
    evaluator = pytrec_eval.RelevanceEvaluator(qrels, MEASURES)
    results = evaluator.evaluate(runs)
    queries = []
    for qid in sorted(qrels):
        queries.append({
            "id": qid,
            "qrels": qrels[qid],
            "run": [[d, s] for d, s in runs[qid].items()],
            "expected": {m: results[qid][m] for m in sorted(results[qid])} if qid in results else None,
        })
    document = {
        "generator": "scripts/evaluation/crosscheck_pytrec_eval.py",
        "pytrec_eval": getattr(pytrec_eval, "__version__", "unknown"),
        "cutoffs": CUTOFFS,
        "queries": queries,
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    # One query a line keeps the fixture small and its diffs readable.
    header = json.dumps({k: v for k, v in document.items() if k != "queries"})[:-1]
    body = ",\n".join(json.dumps(q, separators=(",", ":")) for q in queries)
    out.write_text(header + ', "queries": [\n' + body + "\n]}\n")
    print(f"wrote {out} ({out.stat().st_size} bytes, {len(queries)} queries)")


if __name__ == "__main__":
    main()

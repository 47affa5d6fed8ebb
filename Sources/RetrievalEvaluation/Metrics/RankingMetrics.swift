import Foundation

/// Ranking metrics computed exactly as `pytrec_eval` (trec_eval 9.x) and MTEB compute them.
///
/// Conventions, checked against trec_eval's `form_res_rels.c`, `m_ndcg_cut.c`, `m_recall.c`,
/// `m_P.c`, `m_map_cut.c`, `m_success.c` and MTEB's `retrieval_metrics.py` (and, numerically,
/// against `pytrec_eval` itself by `scripts/crosscheck_pytrec_eval.py`):
///
/// - **Order and ties.** A ranking is re-sorted by score, highest first; equal scores are
///   ordered by document identifier *descending*, comparing UTF-8 bytes (trec_eval's
///   `comp_sim_docno`: `strcmp(p2->docno, p1->docno)`). The order the caller passes is
///   therefore irrelevant. MTEB's own MRR keeps the caller's order among equal scores (a stable
///   Python sort); this type applies trec_eval's order to MRR as well, so MRR can differ from
///   MTEB's only when scores tie.
/// - **Relevance.** A document is relevant when its grade is ≥ 1; grade 0 (judged not relevant),
///   negative grades and unjudged documents are not.
/// - **NDCG@k.** `DCG = Σ_{rank r ≤ k} gain_r / log2(r + 1)` with **gain = the grade itself**
///   (trec_eval's `ndcg_cut`: "Gain values are the relevance values in the qrels file"; not
///   `2^grade − 1`). The ideal DCG orders the query's positive grades from the qrels
///   (retrieved or not) highest first and applies the same formula over the top k;
///   `NDCG = DCG / IDCG`, or 0 when IDCG is 0.
/// - **Recall@k** = relevant in top k / relevant in qrels (0 when none is relevant).
/// - **Precision@k** = relevant in top k / k, even when fewer than k are retrieved.
/// - **MAP@k** = Σ over relevant documents at rank r ≤ k of (relevant within top r) / r,
///   divided by the number of relevant documents in the qrels (not by min(k, R)).
/// - **MRR@k** = 1 / rank of the first relevant document within the top k, else 0.
/// - **Hit rate@k** = 1 when a relevant document is within the top k, else 0.
/// - **Averaging.** Means are taken over every judged query. A judged query without a ranking,
///   or whose ranking holds no relevant document, scores 0 (pytrec_eval would leave a query
///   absent from the run out of the mean; retrieval with a fixed top-k never produces one).
///   Rankings of unjudged queries are ignored, as pytrec_eval ignores them.
public enum RankingMetrics {
    /// `ranking` in trec_eval's order: score descending, ties by identifier descending (bytes).
    public static func trecOrder(_ ranking: [ScoredDocument]) -> [ScoredDocument] {
        ranking.sorted { first, second in
            if first.score != second.score { return first.score > second.score }
            return second.id.utf8.lexicographicallyPrecedes(first.id.utf8)
        }
    }

    /// The value of each metric in `metrics` for one query.
    ///
    /// - Parameters:
    ///   - ranking: the retrieved documents with their scores, in any order.
    ///   - grades: the query's judgments, `document id → grade`.
    ///   - metrics: the measures to compute.
    ///   - queryID: the query's identifier, used in error messages.
    /// - Throws: ``EvaluationError`` for a cutoff below 1, a repeated document or a non-finite
    ///   score.
    public static func evaluate(
        ranking: [ScoredDocument], grades: [String: Int], metrics: [RankingMetric], queryID: String = ""
    ) throws(EvaluationError) -> [RankingMetric: Double] {
        try validate(metrics)
        return try evaluateValidated(ranking: ranking, grades: grades, metrics: metrics, queryID: queryID)
    }

    /// Evaluates the rankings of every judged query and averages each metric over them.
    ///
    /// - Parameters:
    ///   - rankings: `query id → retrieved documents` (any order within a ranking).
    ///   - judgments: the qrels; their queries are the ones evaluated.
    ///   - metrics: the measures to compute.
    ///   - ignoringIdenticalIDs: drop a retrieved document whose identifier equals the query's
    ///     before evaluating (MTEB's `ignore_identical_ids`, off by default as in MTEB 2).
    /// - Throws: ``EvaluationError`` for empty judgments, a cutoff below 1, a repeated document
    ///   or a non-finite score.
    public static func evaluate(
        rankings: [String: [ScoredDocument]], judgments: RelevanceJudgments, metrics: [RankingMetric],
        ignoringIdenticalIDs: Bool = false
    ) throws(EvaluationError) -> MetricSummary {
        try validate(metrics)
        guard judgments.queryCount > 0 else { throw .noJudgedQueries }
        var perQuery: [String: [RankingMetric: Double]] = [:]
        for queryID in judgments.queryIDs {
            var ranking = rankings[queryID] ?? []
            if ignoringIdenticalIDs { ranking.removeAll { $0.id == queryID } }
            perQuery[queryID] = try evaluateValidated(
                ranking: ranking, grades: judgments[queryID] ?? [:], metrics: metrics, queryID: queryID)
        }
        return MetricSummary(metrics: metrics, queryIDs: judgments.queryIDs, perQuery: perQuery)
    }

    private static func validate(_ metrics: [RankingMetric]) throws(EvaluationError) {
        if let invalid = metrics.first(where: { $0.cutoff < 1 }) { throw .invalidCutoff(invalid) }
    }

    private static func evaluateValidated(
        ranking: [ScoredDocument], grades: [String: Int], metrics: [RankingMetric], queryID: String
    ) throws(EvaluationError) -> [RankingMetric: Double] {
        var seen = Set<String>()
        for document in ranking {
            guard document.score.isFinite else {
                throw .nonFiniteScore(queryID: queryID, documentID: document.id)
            }
            guard seen.insert(document.id).inserted else {
                throw .duplicateDocument(queryID: queryID, documentID: document.id)
            }
        }
        let ordered = trecOrder(ranking)
        // Grade of the document at each rank (0 for unjudged), and the query's positive grades.
        let retrievedGrades = ordered.map { grades[$0.id] ?? 0 }
        let idealGrades = grades.values.filter { $0 > 0 }.sorted(by: >)
        let relevantCount = idealGrades.count

        var values: [RankingMetric: Double] = [:]
        for metric in metrics {
            let k = metric.cutoff
            let top = retrievedGrades.prefix(k)
            switch metric {
            case .ndcg:
                let ideal = discountedCumulativeGain(idealGrades.prefix(k))
                values[metric] = ideal > 0 ? discountedCumulativeGain(top) / ideal : 0
            case .recall:
                let hits = top.reduce(0) { $0 + ($1 > 0 ? 1 : 0) }
                values[metric] = relevantCount > 0 ? Double(hits) / Double(relevantCount) : 0
            case .precision:
                let hits = top.reduce(0) { $0 + ($1 > 0 ? 1 : 0) }
                values[metric] = Double(hits) / Double(k)
            case .mrr:
                let first = top.firstIndex { $0 > 0 }
                values[metric] = first.map { 1 / Double($0 + 1) } ?? 0
            case .map:
                var hits = 0
                var sum = 0.0
                for (index, grade) in top.enumerated() where grade > 0 {
                    hits += 1
                    sum += Double(hits) / Double(index + 1)
                }
                values[metric] = relevantCount > 0 ? sum / Double(relevantCount) : 0
            case .hitRate:
                values[metric] = top.contains { $0 > 0 } ? 1 : 0
            }
        }
        return values
    }

    /// `Σ grade / log2(rank + 1)` over positive grades, ranks starting at 1 (trec_eval's
    /// `gain / log2(i + 2)` with 0-based `i`), summed in rank order as trec_eval does.
    private static func discountedCumulativeGain(_ grades: ArraySlice<Int>) -> Double {
        var sum = 0.0
        for (index, grade) in grades.enumerated() where grade > 0 {
            sum += Double(grade) / log2(Double(index + 2))
        }
        return sum
    }
}

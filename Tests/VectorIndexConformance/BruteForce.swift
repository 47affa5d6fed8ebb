import EmbeddingSearch

/// What a ``VectorIndex`` must answer, computed by brute force: the oracle of the conformance
/// suite. Conformers' tests build one from an independent scoring of every (query, row) pair.
public protocol BruteForceOracle {
    /// The expected results for `k` hits per query among the rows `allows` accepts.
    func expected(k: Int, allows: (Int) -> Bool) -> SearchResults
}

/// Every row scored against every query (`scores[q][row]`), ranked by `metric`: the oracle of
/// exact single-stage indexes.
public struct ExhaustiveScores: BruteForceOracle {
    /// The metric (direction) of the scores.
    public let metric: Metric
    /// `scores[q][row]`: query `q`'s score of `row`.
    public let scores: [[Double]]

    /// Wraps precomputed scores, `scores[q][row]`.
    public init(metric: Metric, scores: [[Double]]) {
        self.metric = metric
        self.scores = scores
    }

    /// Scores `rowCount` rows against `queryCount` queries with `score(query, row)`.
    public init(metric: Metric, queryCount: Int, rowCount: Int, score: (Int, Int) -> Double) {
        self.metric = metric
        scores = (0..<queryCount).map { q in (0..<rowCount).map { score(q, $0) } }
    }

    /// Sorts the allowed rows of each query best first (ties by ascending row) and keeps `k`.
    public func expected(k: Int, allows: (Int) -> Bool) -> SearchResults {
        SearchResults(metric: metric, hits: scores.map { row in
            BruteForce.best(row.indices.filter(allows).map { SearchHit(row: $0, score: row[$0]) }, k: k, metric: metric)
        })
    }
}

/// Two stages: the best `k × multiplier` allowed rows by `candidates`, then those rows ranked by
/// `finer` (an inner product): the oracle of refine indexes.
public struct RefinedScores: BruteForceOracle {
    /// The first stage's scores.
    public let candidates: ExhaustiveScores
    /// `finer[q][row]`: the rescoring score (higher is better).
    public let finer: [[Double]]
    /// Candidates per hit.
    public let multiplier: Int

    /// The oracle of refining `candidates` with `finer` scores, `multiplier` candidates per hit.
    public init(candidates: ExhaustiveScores, finer: [[Double]], multiplier: Int) {
        self.candidates = candidates
        self.finer = finer
        self.multiplier = multiplier
    }

    /// The best `k` by `finer` among each query's first-stage candidates.
    public func expected(k: Int, allows: (Int) -> Bool) -> SearchResults {
        let (product, overflow) = k.multipliedReportingOverflow(by: multiplier)
        let first = candidates.expected(k: overflow ? Int.max : product, allows: allows)
        return SearchResults(metric: .innerProduct, hits: first.enumerated().map { q, hits in
            BruteForce.best(hits.map { SearchHit(row: $0.row, score: finer[q][$0.row]) }, k: k, metric: .innerProduct)
        })
    }
}

/// Sorting helpers of the oracles.
public enum BruteForce {
    /// `hits` best first by `metric`, equal scores by ascending row, cut to `k`.
    public static func best(_ hits: [SearchHit], k: Int, metric: Metric) -> [SearchHit] {
        let sorted = hits.sorted { a, b in
            if a.score != b.score { return metric.higherIsBetter ? a.score > b.score : a.score < b.score }
            return a.row < b.row
        }
        return Array(sorted.prefix(k))
    }
}

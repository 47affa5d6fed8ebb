/// What one precision (one row of the report) achieved on a dataset.
///
/// Metrics are fractions (0.6451, not 64.51), as in MTEB's JSON and the report's JSON.
public struct QuantizationResult: Hashable, Sendable {
    /// The precision or pipeline, e.g. `float32`, `int8`, `binary + rescore ×4`.
    public var name: String
    /// Mean NDCG@10 over the judged queries.
    public var ndcgAt10: Double
    /// Mean Recall@10.
    public var recallAt10: Double
    /// Mean Recall@100.
    public var recallAt100: Double
    /// Mean MRR@10.
    public var mrrAt10: Double
    /// Memory per stored corpus vector, in bytes (1536 for 384-dimensional float32).
    public var bytesPerVector: Double
    /// Mean search time per query, in milliseconds.
    public var millisecondsPerQuery: Double

    /// Creates a result from its measurements.
    public init(
        name: String, ndcgAt10: Double, recallAt10: Double, recallAt100: Double, mrrAt10: Double,
        bytesPerVector: Double, millisecondsPerQuery: Double
    ) {
        self.name = name
        self.ndcgAt10 = ndcgAt10
        self.recallAt10 = recallAt10
        self.recallAt100 = recallAt100
        self.mrrAt10 = mrrAt10
        self.bytesPerVector = bytesPerVector
        self.millisecondsPerQuery = millisecondsPerQuery
    }

    /// Creates a result from a metric summary holding ``RankingMetric/reportMetrics``.
    ///
    /// - Throws: ``ReportError/missingMetric(row:metric:)`` when the summary lacks one.
    public init(
        name: String, summary: MetricSummary, bytesPerVector: Double, millisecondsPerQuery: Double
    ) throws(ReportError) {
        func mean(_ metric: RankingMetric) throws(ReportError) -> Double {
            guard let value = summary[metric] else { throw .missingMetric(row: name, metric: metric) }
            return value
        }
        self.init(
            name: name, ndcgAt10: try mean(.ndcg(at: 10)), recallAt10: try mean(.recall(at: 10)),
            recallAt100: try mean(.recall(at: 100)), mrrAt10: try mean(.mrr(at: 10)),
            bytesPerVector: bytesPerVector, millisecondsPerQuery: millisecondsPerQuery)
    }
}

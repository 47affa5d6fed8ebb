/// Metric values per query and their means over the judged queries.
public struct MetricSummary: Equatable, Sendable {
    /// The measures computed, in the order they were requested.
    public let metrics: [RankingMetric]
    /// The evaluated (judged) queries, in qrels order.
    public let queryIDs: [String]
    private let perQuery: [String: [RankingMetric: Double]]
    private let means: [RankingMetric: Double]

    /// Creates a summary from per-query values; every query in `queryIDs` must have a value for
    /// every metric (missing values count as 0).
    public init(metrics: [RankingMetric], queryIDs: [String], perQuery: [String: [RankingMetric: Double]]) {
        self.metrics = metrics
        self.queryIDs = queryIDs
        self.perQuery = perQuery
        var means: [RankingMetric: Double] = [:]
        for metric in metrics {
            // Summed in qrels order, then divided once, as MTEB averages pytrec_eval's values.
            var sum = 0.0
            for queryID in queryIDs { sum += perQuery[queryID]?[metric] ?? 0 }
            means[metric] = queryIDs.isEmpty ? 0 : sum / Double(queryIDs.count)
        }
        self.means = means
    }

    /// The number of queries averaged over.
    public var queryCount: Int { queryIDs.count }

    /// The mean of `metric` over the judged queries, as a fraction (0.6451, not 64.51);
    /// `nil` when the metric was not computed.
    public subscript(metric: RankingMetric) -> Double? {
        means[metric]
    }

    /// The value of `metric` for one query; `nil` when the query or metric was not evaluated.
    public func value(of metric: RankingMetric, forQuery queryID: String) -> Double? {
        perQuery[queryID]?[metric]
    }
}

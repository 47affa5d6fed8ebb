import EmbeddingSearch

/// A search of an index file with the document ids attached: one list of ``IndexHit``s per query,
/// best first, and the `Metric` of their scores (from ``SearchableIndex/documents(_:)``).
public struct DocumentResults: Sendable, Equatable, RandomAccessCollection {
    /// How the scores were computed; `Metric/higherIsBetter` gives their direction.
    public let metric: Metric
    /// One list per query, best first, equal scores by ascending row.
    public let hits: [[IndexHit]]

    /// Wraps per-query hit lists scored with `metric`.
    public init(metric: Metric, hits: [[IndexHit]]) {
        self.metric = metric
        self.hits = hits
    }

    /// The first query's position (0).
    public var startIndex: Int { hits.startIndex }
    /// One past the last query's position (the query count).
    public var endIndex: Int { hits.endIndex }
    /// The hits of query `query`, best first.
    public subscript(query: Int) -> [IndexHit] { hits[query] }
}

/// The answer of a ``VectorIndex`` search: one list of hits per query, best first, and the
/// ``Metric`` that says what the scores mean and which direction ranks first.
///
/// A collection of the per-query lists: `results[q]` is query `q`'s hits.
public struct SearchResults: Sendable, Equatable, RandomAccessCollection {
    /// How the scores were computed; ``Metric/higherIsBetter`` gives their direction.
    public let metric: Metric
    /// One list per query, best first, equal scores by ascending row.
    public let hits: [[SearchHit]]

    /// Wraps per-query hit lists scored with `metric`.
    public init(metric: Metric, hits: [[SearchHit]]) {
        self.metric = metric
        self.hits = hits
    }

    /// The first query's position (0).
    public var startIndex: Int { hits.startIndex }
    /// One past the last query's position (the query count).
    public var endIndex: Int { hits.endIndex }
    /// The hits of query `query`, best first.
    public subscript(query: Int) -> [SearchHit] { hits[query] }
}

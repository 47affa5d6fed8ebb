import EmbeddingSearch

/// One hit of a collection search: the point's id, its score (see ``CollectionResults/metric``)
/// and, when asked for, its payload.
public struct CollectionHit: Sendable, Equatable {
    /// The point's id.
    public let id: String
    /// The score; ``CollectionResults/metric`` says whether higher or lower is better.
    public let score: Double
    /// The point's payload, when the search was asked for payloads.
    public let payload: Payload?

    /// A hit.
    public init(id: String, score: Double, payload: Payload?) {
        self.id = id
        self.score = score
        self.payload = payload
    }
}

/// The hits of a collection search: one list per query, best first, and the metric of the scores.
public struct CollectionResults: Sendable, Equatable {
    /// What the scores mean (Hamming distance of binary codes, or an inner product).
    public let metric: Metric
    /// One list per query, best first.
    public let hits: [[CollectionHit]]
}

/// What ``CollectionSnapshot/get(_:)`` found for one id.
public struct CollectionPoint: Sendable, Equatable {
    /// The id asked for.
    public let id: String
    /// Whether the collection holds it.
    public let found: Bool
    /// Its payload (empty when it has none), `nil` when not found.
    public let payload: Payload?
}

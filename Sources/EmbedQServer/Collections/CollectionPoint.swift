/// One point of a collection: an id, its vector (float32, the collection's dimension) and an
/// optional JSON payload.
public struct CollectionPoint: Sendable, Equatable {
    /// The point's id: a string, or an unsigned integer written in decimal (`7` and `"7"` name the
    /// same point).
    public var id: String
    /// The float32 vector (`nil` when a store answers without vectors).
    public var vector: [Float]?
    /// The payload (a JSON object), or `nil`.
    public var payload: JSONValue?

    /// Creates a point.
    public init(id: String, vector: [Float]?, payload: JSONValue? = nil) {
        self.id = id
        self.vector = vector
        self.payload = payload
    }
}

/// Which points `POST /collections/{name}/points/delete` removes.
public enum PointSelector: Sendable, Equatable {
    /// These ids (ids not in the collection are ignored).
    case ids([String])
    /// Every point the filter matches: Qdrant's filter object (`must` / `should` / `must_not`),
    /// as the client sent it; the store reads it (``PointFilter/init(json:field:)`` or its own
    /// reader) and throws ``CollectionStoreError/invalid(_:)`` naming what it cannot use.
    case filter(JSONValue)
}

/// One search: a float32 query, how many hits, and what may be returned.
public struct CollectionQuery: Sendable, Equatable {
    /// The query vector (the collection's dimension).
    public var vector: [Float]
    /// Hits wanted (≥ 1); fewer when fewer points match.
    public var k: Int
    /// The points that may be returned, as Qdrant's filter object the client sent (see
    /// ``PointSelector/filter(_:)``); `nil` allows all.
    public var filter: JSONValue?
    /// Rescore the candidates with the finer codes: `nil` keeps the collection's default.
    public var rescore: Bool?
    /// Whether hits carry their payloads.
    public var withPayload: Bool
    /// The graph walk's breadth in an `hnsw` collection (≥ 1; `nil`: 64, and at least the
    /// candidates rescored); ignored by flat collections.
    public var ef: Int?
    /// Scan every segment exactly even when the collection has graphs.
    public var exact: Bool

    /// Creates a query.
    public init(
        vector: [Float], k: Int, filter: JSONValue? = nil, rescore: Bool? = nil, withPayload: Bool = true, ef: Int? = nil,
        exact: Bool = false
    ) {
        self.vector = vector
        self.k = k
        self.filter = filter
        self.rescore = rescore
        self.withPayload = withPayload
        self.ef = ef
        self.exact = exact
    }
}

/// One hit of a collection search.
public struct CollectionHit: Sendable, Equatable {
    /// The point's id.
    public var id: String
    /// Its score under the result's metric.
    public var score: Float
    /// Its payload, when asked for and present.
    public var payload: JSONValue?

    /// Creates a hit.
    public init(id: String, score: Float, payload: JSONValue? = nil) {
        self.id = id
        self.score = score
        self.payload = payload
    }
}

import EmbeddingSearch

/// What the collections routes (`/collections/…`, ``CollectionsModule``) need from the layer
/// that stores collections: Qdrant's operations, with vectors already embedded by the server.
///
/// The collections layer (segments that change, issue 13) implements it; this module ships
/// ``IndexFileCollections``, which serves index files read-only through `VectorIndex`. Every
/// method may be called from many tasks at once. Throw ``CollectionStoreError`` for anything
/// the client caused; the routes answer it with its status.
public protocol CollectionStore: Sendable {
    /// Every collection, by name.
    func collections() async throws -> [CollectionDescription]

    /// The collection `name`.
    ///
    /// - Throws: ``CollectionStoreError/collectionNotFound(_:)``.
    func collection(named name: String) async throws -> CollectionDescription

    /// Creates a collection.
    ///
    /// - Throws: ``CollectionStoreError/collectionExists(_:)``; ``CollectionStoreError/unsupported(_:)``
    ///   for an option the store lacks (e.g. a graph index); ``CollectionStoreError/readOnly(_:)``.
    func createCollection(_ spec: CollectionSpec) async throws -> CollectionDescription

    /// Deletes the collection `name` and its files.
    ///
    /// - Throws: ``CollectionStoreError/collectionNotFound(_:)``, ``CollectionStoreError/readOnly(_:)``.
    func deleteCollection(named name: String) async throws

    /// Inserts or replaces `points` (every one has a vector of the collection's dimension). Returns
    /// only once the write is durable (a crash afterwards keeps every point).
    ///
    /// - Returns: the number of points written.
    /// - Throws: ``CollectionStoreError`` (not found, read-only, wrong dimension, non-finite value).
    func upsert(_ points: [CollectionPoint], into name: String) async throws -> Int

    /// The point `id` of collection `name`, with its payload and (when the store keeps one) its vector.
    ///
    /// - Throws: ``CollectionStoreError/collectionNotFound(_:)``, ``CollectionStoreError/pointNotFound(collection:id:)``.
    func point(_ id: String, in name: String) async throws -> CollectionPoint

    /// Deletes the points `selector` names; durable when it returns.
    ///
    /// - Returns: how many points were deleted.
    /// - Throws: ``CollectionStoreError`` (not found, read-only).
    func deletePoints(_ selector: PointSelector, from name: String) async throws -> Int

    /// The best `query.k` points for `query.vector` among those `query.filter` allows, best first
    /// (equal scores by ascending position), and the `Metric` of their scores. Implementations
    /// answer with a `VectorIndex` search, the filter turned into its `RowFilter`.
    ///
    /// - Throws: ``CollectionStoreError`` (not found, wrong dimension, k out of range).
    func search(_ query: CollectionQuery, in name: String) async throws -> (hits: [CollectionHit], metric: Metric)

    /// A file holding a consistent copy of the collection, for download; the store keeps it
    /// unchanged until the next snapshot or shutdown.
    ///
    /// - Returns: the file's path and the name to offer the client.
    /// - Throws: ``CollectionStoreError/collectionNotFound(_:)`` or a failure to write it.
    func snapshot(of name: String) async throws -> (path: String, fileName: String)

    /// Makes everything acknowledged durable and closes files; called once at shutdown, after the
    /// HTTP server has drained.
    ///
    /// - Throws: a failure to flush (logged; the process exits non-zero).
    func close() async throws
}

/// A failure a collection request caused, mapped to an HTTP status by ``apiError``.
public enum CollectionStoreError: Error, Sendable, Equatable {
    /// No collection of this name (404).
    case collectionNotFound(String)
    /// A collection of this name exists (409).
    case collectionExists(String)
    /// The collection refuses writes (409).
    case readOnly(String)
    /// No point with this id (404).
    case pointNotFound(collection: String, id: String)
    /// A vector of the wrong width (422); `what` names it (`"points[3].vector"`, `"the query"`).
    case dimensionMismatch(expected: Int, actual: Int, what: String)
    /// A request the store cannot honour as asked (422), e.g. a graph index it does not have.
    case unsupported(String)
    /// Any other invalid argument (422), described.
    case invalid(String)

    /// The answer for this error.
    public var apiError: APIError {
        switch self {
        case .collectionNotFound(let name): return .notFound("no collection named '\(name)'")
        case .collectionExists(let name): return .conflict("a collection named '\(name)' exists")
        case .readOnly(let name): return .conflict("collection '\(name)' is read-only (an index file served as it is)")
        case .pointNotFound(let collection, let id): return .notFound("collection '\(collection)' has no point '\(id)'")
        case .dimensionMismatch(let expected, let actual, let what):
            return .unprocessable("\(what) has \(actual) dimensions; the collection has \(expected)")
        case .unsupported(let message), .invalid(let message): return .unprocessable(message)
        }
    }
}

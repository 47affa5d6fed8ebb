/// The collections API (`/collections/…`, shapes after Qdrant's REST API) as a ``ServerModule``
/// over any ``CollectionStore``:
///
/// | route | does |
/// |---|---|
/// | `GET /collections` | every collection |
/// | `PUT /collections/{name}` | create (`dimension`, `precision`, `rescore`, `ranges` or `calibration`, `model`, `index`) |
/// | `GET` / `DELETE /collections/{name}` | describe / delete |
/// | `PUT /collections/{name}/points` | upsert `{"points": [{"id", "vector" \| "text", "payload"}]}`, answered once durable |
/// | `GET /collections/{name}/points/{id}` | one point |
/// | `POST /collections/{name}/points/delete` | by `points` (ids) or `filter` |
/// | `POST /collections/{name}/search` | `vector` or `text`, `k`, `filter`, `rescore`, `with_payload` → `{"hits": [{"id", "score", "payload"}]}` |
/// | `GET /collections/{name}/snapshot` | a consistent copy of the collection's file |
///
/// ```swift
/// let server = try EmbeddingServer(configuration: configuration, model: model,
///                                  modules: [CollectionsModule(store: try IndexFileCollections(files: ["docs": "docs.eqi"]))],
///                                  logger: logger)
/// ```
public struct CollectionsModule: ServerModule {
    /// Hits per search when the request gives no `k`.
    public static let defaultK = 10
    /// The largest `k` a search may ask for (larger: 422).
    public static let maximumK = 10_000

    /// The store the routes call.
    public let store: any CollectionStore

    /// The collections routes over `store`.
    public init(store: any CollectionStore) {
        self.store = store
    }

    /// The `/collections/…` routes.
    public func routes(server: ServerContext) -> [ServerRoute] {
        CollectionsRoutes(server: server, store: store).routes
    }

    /// The OpenAPI path items of the routes.
    public func openAPIPaths(requiresKey: Bool) -> JSONValue {
        CollectionsOpenAPI.paths(requiresKey: requiresKey)
    }

    /// The schemas the path items refer to.
    public var openAPISchemas: JSONValue { CollectionsOpenAPI.schemas }

    /// `"collections": {"count", "points", "default_k", "maximum_k"}` in `GET /info`.
    public func info() async -> (key: String, value: JSONValue)? {
        let all = (try? await store.collections()) ?? []
        return ("collections", [
            "count": .int(all.count), "points": .int(all.reduce(0) { $0 + $1.pointCount }),
            "default_k": .int(Self.defaultK), "maximum_k": .int(Self.maximumK),
        ])
    }

    /// Closes the store (acknowledged writes durable, files closed) after the HTTP server drained.
    ///
    /// - Throws: the store's failure to flush.
    public func shutdown() async throws {
        try await store.close()
    }
}

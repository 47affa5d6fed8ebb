import HTTPTypes
import Hummingbird

/// The request context every EmbedQ route handler receives (Hummingbird's basic context:
/// logger, path parameters such as `{name}` through `context.parameters`).
public typealias ServerRequestContext = BasicRequestContext

/// Who may call a route when the server has keys (`--api-key`, `--read-only-key`).
public enum RouteAccess: String, Sendable, CaseIterable {
    /// No key needed: `/health`, `/ready`, `/openapi.json`.
    case open
    /// The full key or the read-only key: embeddings, ranges, info, metrics, searches.
    case read
    /// The full key only: routes that change data (collection writes). The read-only key gets 403.
    case write
}

/// One route of the API: method, OpenAPI path template, access and handler.
///
/// Every route the server answers is one of these, so the router, the key checks, the
/// concurrency limit and the OpenAPI document are built from the same list.
public struct ServerRoute: Sendable {
    /// The HTTP method.
    public var method: HTTPRequest.Method
    /// The path as an OpenAPI template: `/collections/{name}/points`.
    public var path: String
    /// Who may call it.
    public var access: RouteAccess
    /// Whether a call counts against the server's limit on concurrent requests (work that costs
    /// encoder or search time). Cheap routes (health, metrics) are never refused with 429.
    public var countsAgainstConcurrencyLimit: Bool
    /// Answers one request. Throw ``APIError`` for anything the client did wrong.
    public var handler: @Sendable (Request, ServerRequestContext) async throws -> Response

    /// Creates a route.
    public init(_ method: HTTPRequest.Method, _ path: String, access: RouteAccess, countsAgainstConcurrencyLimit: Bool = false,
                handler: @escaping @Sendable (Request, ServerRequestContext) async throws -> Response) {
        self.method = method
        self.path = path
        self.access = access
        self.countsAgainstConcurrencyLimit = countsAgainstConcurrencyLimit
        self.handler = handler
    }

    /// The Hummingbird router path: `{name}` becomes `:name`.
    var routerPath: String {
        path.split(separator: "/", omittingEmptySubsequences: false).map { segment in
            segment.hasPrefix("{") && segment.hasSuffix("}") ? ":" + segment.dropFirst().dropLast() : String(segment)
        }.joined(separator: "/")
    }
}

/// A part of the API that plugs into ``EmbeddingServer``: its routes, their OpenAPI
/// description, and what it must do at shutdown.
///
/// The embeddings and operations routes are built in; the collections layer (the
/// `/collections/…` routes: create, points upsert / get / delete, search, snapshot) implements
/// this protocol and is passed in ``EmbeddingServer/init(configuration:model:modules:logger:)``.
/// Its routes get the same key checks, limits, metrics and JSON errors as the built-in ones, and
/// appear in `/openapi.json` through ``openAPIPaths(requiresKey:)`` and ``openAPISchemas``.
public protocol ServerModule: Sendable {
    /// The routes this module answers.
    func routes(server: ServerContext) -> [ServerRoute]
    /// OpenAPI path items, keyed by the paths of ``routes(server:)`` (an object); with security
    /// requirements and 401 / 403 responses when the server has keys (`requiresKey`).
    func openAPIPaths(requiresKey: Bool) -> JSONValue
    /// OpenAPI component schemas the path items refer to (an object; may be empty).
    var openAPISchemas: JSONValue { get }
    /// Values for `GET /info` under the module's own key (e.g. collection count), or `nil`.
    func info() async -> (key: String, value: JSONValue)?
    /// Runs after the HTTP server has stopped accepting and drained its requests, before the
    /// process exits: flush and close files.
    ///
    /// - Throws: a failure to flush; it is logged and the process exits non-zero.
    func shutdown() async throws
}

extension ServerModule {
    /// No extra `/info` values.
    public func info() async -> (key: String, value: JSONValue)? { nil }
    /// Nothing to flush.
    public func shutdown() async throws {}
}

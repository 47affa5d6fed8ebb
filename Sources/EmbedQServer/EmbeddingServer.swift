import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// The EmbedQ HTTP server (`embedq serve`): embeddings in OpenAI's and Cohere's shapes with
/// EmbedQ's quantized codes, dynamic batching, key checks, limits, metrics and an OpenAPI
/// document, on Hummingbird 2.
///
/// ```swift
/// let server = try EmbeddingServer(
///     configuration: ServerConfiguration(port: 8080, apiKey: "secret"),
///     model: .load(ModelLoadOptions(model: "all-MiniLM-L6-v2", ranges: .fixed(ranges))),
///     logger: Logger(label: "embedq"))
/// try await server.run()   // until SIGTERM / SIGINT: stop accepting, drain, flush, return
/// ```
///
/// Routes: `POST /v1/embeddings`, `GET /v1/ranges`, `GET /health`, `/ready`, `/info`,
/// `/metrics`, `/openapi.json`, plus those of each ``ServerModule`` (the collections layer).
/// Every error is a JSON body `{"error": "…", "type": "…"}` (see ``APIError``).
public final class EmbeddingServer: Sendable {
    /// The server's version (`/info`, the OpenAPI document).
    public static let version = "0.1.0"

    /// How it listens and whom it answers.
    public let configuration: ServerConfiguration
    /// Its metrics.
    public let metrics: ServerMetrics
    /// Every route, built-in and from the modules, in registration order.
    public let routes: [ServerRoute]
    let context: ServerContext
    let source: ModelSource
    let modules: [any ServerModule]
    let logger: Logger
    private let routeGuard: RouteGuard

    /// Builds the server (it does not listen until ``run(onListening:)`` or ``makeApplication(onListening:)``).
    ///
    /// - Parameters:
    ///   - configuration: address, keys, limits.
    ///   - model: a loaded engine, or what to load at start.
    ///   - modules: further parts of the API (the collections layer).
    ///   - logger: where the server logs (structured metadata; `embedq serve` writes it to stderr).
    /// - Throws: ``ServerStartError`` for invalid limits or keys.
    public init(configuration: ServerConfiguration, model: ModelSource, modules: [any ServerModule] = [],
                logger: Logger) throws {
        try configuration.limits.validate()
        if configuration.apiKey == "" || configuration.readOnlyKey == "" {
            throw ServerStartError.invalidKeys("a key must not be empty")
        }
        if let key = configuration.apiKey, key == configuration.readOnlyKey {
            throw ServerStartError.invalidKeys("the read-only key must differ from the API key")
        }
        self.configuration = configuration
        self.source = model
        self.modules = modules
        self.logger = logger
        let metrics = ServerMetrics()
        self.metrics = metrics
        let host: ModelHost
        let modelName: String
        switch model {
        case .loaded(let engine):
            engine.observe(with: metrics.batchObserver)
            host = ModelHost(.ready(engine))
            modelName = engine.modelName
        case .load(let options):
            host = ModelHost(.loading)
            modelName = options.model
        }
        let context = ServerContext(
            configuration: configuration, metrics: metrics, logger: logger,
            json: RequestJSON(maximumBodyBytes: configuration.limits.maxBodyBytes), host: host)
        self.context = context
        routeGuard = RouteGuard(
            apiKey: configuration.apiKey, readOnlyKey: configuration.readOnlyKey,
            maxConcurrentRequests: configuration.limits.maxConcurrentRequests,
            retryAfterSeconds: configuration.limits.retryAfterSeconds)
        let document: @Sendable () -> JSONValue = { Self.document(context: context, modules: modules) }
        routes = EmbeddingsRoutes(server: context).routes
            + OperationsRoutes(server: context, modelName: modelName, modules: modules, document: document).routes
            + modules.flatMap { $0.routes(server: context) }
    }

    /// The OpenAPI document as `/openapi.json` serves it now.
    public func openAPIDocument() -> JSONValue {
        Self.document(context: context, modules: modules)
    }

    /// The document with the server's limits and, once loaded, the model's numbers and prompts.
    static func document(context: ServerContext, modules: [any ServerModule]) -> JSONValue {
        let engine = try? context.engine()
        let configuration = context.configuration
        return OpenAPIDocument.make(.init(
            version: configuration.version, limits: configuration.limits, requiresKey: configuration.requiresKey,
            dimension: engine?.dimension, vocabularySize: engine?.vocabularySize,
            prompts: engine.map { $0.prompts.keys.sorted() }, embeddingTypes: engine?.availableEmbeddingTypes, modules: modules))
    }

    /// The router with every route behind the request log, the JSON errors, the key checks and
    /// the concurrency limit. A path that exists under another method answers 405 with `Allow`.
    public func makeRouter() -> Router<ServerRequestContext> {
        let router = Router(context: ServerRequestContext.self)
        router.add(middleware: RequestLogMiddleware(metrics: metrics, inFlight: InFlightCounter()))
        router.add(middleware: ErrorMiddleware())
        router.add(middleware: MethodNotAllowedMiddleware(routes: routes.map { ($0.method, $0.path) }))
        for route in routes {
            router.on(RouterPath(route.routerPath), method: route.method, use: routeGuard.guarded(route))
        }
        return router
    }

    /// The Hummingbird application: the router, the address, and the service that loads the
    /// model and, at graceful shutdown, drains the encoder queue and shuts the modules down.
    ///
    /// - Parameter onListening: called with the bound port once the server accepts connections.
    public func makeApplication(onListening: @escaping @Sendable (Int) async -> Void = { _ in })
        -> some ApplicationProtocol
    {
        let lifecycle = EngineLifecycle(
            source: source, host: context.host, configuration: configuration, metrics: metrics, modules: modules,
            logger: logger)
        let logger = self.logger
        return Application(
            router: makeRouter(),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "embedq"),
            services: [lifecycle],
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? 0
                logger.info("listening", metadata: ["address": .string(channel.localAddress.map { "\($0)" } ?? "?"),
                                                    "port": .stringConvertible(port)])
                await onListening(port)
            },
            logger: logger)
    }

    /// Serves until SIGTERM or SIGINT, then stops accepting connections, finishes the requests
    /// in flight, drains the encoder queue, lets the modules flush, and returns.
    ///
    /// - Parameter onListening: called with the bound port once the server accepts connections.
    /// - Throws: a failure to bind or to load the model (``ServerStartError``), or a module's
    ///   failure to shut down.
    public func run(onListening: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        try await makeApplication(onListening: onListening).runService(gracefulShutdownSignals: [.sigterm, .sigint])
    }
}

import Logging

/// What the server hands to its routes and to each ``ServerModule``: configuration, metrics,
/// logger, the body reader, and the engine once the model is loaded.
public struct ServerContext: Sendable {
    /// The server's configuration.
    public let configuration: ServerConfiguration
    /// The server's metrics (modules add theirs through ``ServerMetrics/factory``).
    public let metrics: ServerMetrics
    /// The server's logger.
    public let logger: Logger
    /// Reads and decodes JSON bodies under ``ServerLimits/maxBodyBytes``.
    public let json: RequestJSON
    let host: ModelHost

    /// The engine.
    ///
    /// - Throws: ``APIError`` 503 while the model is loading.
    public func engine() throws -> EmbeddingEngine {
        try host.engine()
    }

    /// Whether the model is loaded.
    public var isReady: Bool {
        if case .ready = host.current { return true }
        return false
    }
}

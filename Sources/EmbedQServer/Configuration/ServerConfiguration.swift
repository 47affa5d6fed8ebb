/// How ``EmbeddingServer`` listens and whom it answers.
public struct ServerConfiguration: Sendable {
    /// The address to bind (`127.0.0.1`, `0.0.0.0`, `::1`).
    public var host: String
    /// The TCP port; 0 picks a free one (see ``EmbeddingServer/onListening``).
    public var port: Int
    /// The key for every route (`Authorization: Bearer <key>` or `api-key: <key>`); `nil` with
    /// no ``readOnlyKey`` leaves the server open.
    public var apiKey: String?
    /// A key for reading routes only (write routes answer it 403).
    public var readOnlyKey: String?
    /// Request limits.
    public var limits: ServerLimits
    /// Sequences per encoder batch inside a forward pass.
    public var encodeBatchSize: Int
    /// The version reported by `/info` and the OpenAPI document.
    public var version: String

    /// A configuration; the defaults listen on `127.0.0.1:8080` without keys.
    public init(host: String = "127.0.0.1", port: Int = 8080, apiKey: String? = nil, readOnlyKey: String? = nil,
                limits: ServerLimits = ServerLimits(), encodeBatchSize: Int = 32, version: String = EmbeddingServer.version) {
        self.host = host
        self.port = port
        self.apiKey = apiKey
        self.readOnlyKey = readOnlyKey
        self.limits = limits
        self.encodeBatchSize = encodeBatchSize
        self.version = version
    }

    /// Whether requests need a key.
    public var requiresKey: Bool { apiKey != nil || readOnlyKey != nil }
}

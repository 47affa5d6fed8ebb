/// What one client may ask of the server; all of it is readable at `GET /info`.
public struct ServerLimits: Sendable, Equatable {
    /// Default ``maxBodyBytes``: 16 MiB.
    public static let defaultMaxBodyBytes = 16 << 20
    /// Default ``maxInputsPerRequest`` (OpenAI's limit).
    public static let defaultMaxInputsPerRequest = 2048
    /// Default ``maxConcurrentRequests``.
    public static let defaultMaxConcurrentRequests = 64
    /// Default ``maxBatchTokens``.
    public static let defaultMaxBatchTokens = 16384

    /// The largest request body in bytes; larger ones get 413.
    public var maxBodyBytes: Int
    /// The most inputs in one embeddings request; more get 422.
    public var maxInputsPerRequest: Int
    /// The most requests doing work (embedding, searching) at once; more get 429 with
    /// `Retry-After`. Health, readiness, metrics and the OpenAPI document are never refused.
    public var maxConcurrentRequests: Int
    /// The token budget of one forward pass shared by concurrent requests.
    public var maxBatchTokens: Int
    /// The `Retry-After` seconds sent with a 429.
    public var retryAfterSeconds: Int

    /// Limits with the given values (defaults as the `default…` constants, `Retry-After: 1`).
    public init(maxBodyBytes: Int = defaultMaxBodyBytes, maxInputsPerRequest: Int = defaultMaxInputsPerRequest,
                maxConcurrentRequests: Int = defaultMaxConcurrentRequests, maxBatchTokens: Int = defaultMaxBatchTokens,
                retryAfterSeconds: Int = 1) {
        self.maxBodyBytes = maxBodyBytes
        self.maxInputsPerRequest = maxInputsPerRequest
        self.maxConcurrentRequests = maxConcurrentRequests
        self.maxBatchTokens = maxBatchTokens
        self.retryAfterSeconds = retryAfterSeconds
    }

    /// Checks that every limit is positive.
    ///
    /// - Throws: ``ServerStartError/invalidLimit(name:value:)``.
    public func validate() throws {
        for (name, value) in [("max body bytes", maxBodyBytes), ("max inputs per request", maxInputsPerRequest),
                              ("max concurrent requests", maxConcurrentRequests), ("max batch tokens", maxBatchTokens),
                              ("retry after seconds", retryAfterSeconds)] where value < 1 {
            throw ServerStartError.invalidLimit(name: name, value: value)
        }
    }
}

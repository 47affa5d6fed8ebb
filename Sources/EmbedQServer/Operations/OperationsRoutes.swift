import Foundation
import Hummingbird

/// `GET /health`, `/ready`, `/info`, `/metrics` and `/openapi.json`.
struct OperationsRoutes {
    let server: ServerContext
    let modelName: String
    let modules: [any ServerModule]
    /// The document, built once the routes are known (it lists the server's own limits).
    let document: @Sendable () -> JSONValue

    var routes: [ServerRoute] {
        [
            ServerRoute(.get, "/health", access: .open) { _, _ in
                JSONResponse.make(["status": "ok"])
            },
            ServerRoute(.get, "/ready", access: .open) { _, _ in
                _ = try server.engine()
                return JSONResponse.make(["status": "ready"])
            },
            ServerRoute(.get, "/info", access: .read) { _, _ in
                JSONResponse.make(await info())
            },
            ServerRoute(.get, "/metrics", access: .read) { _, _ in
                Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                         body: ResponseBody(byteBuffer: ByteBuffer(bytes: server.metrics.exposition())))
            },
            ServerRoute(.get, "/openapi.json", access: .open) { _, _ in
                JSONResponse.make(document())
            },
        ]
    }

    /// The `/info` document: version, model, output types, limits, and each module's part.
    func info() async -> JSONValue {
        let limits = server.configuration.limits
        var model: JSONValue = ["name": .string(modelName)]
        var types: [JSONValue] = []
        var hasRanges = false
        if let engine = try? server.engine() {
            model = [
                "name": .string(engine.modelName),
                "dimension": .int(engine.dimension),
                "max_input_tokens": .int(engine.maxInputTokens),
                "vocabulary_size": .int(engine.vocabularySize),
                "normalized": .bool(engine.encoder.normalizes),
                "weights": .string(engine.weights.rawValue),
                "prompts": .array(engine.prompts.keys.sorted().map { .string($0) }),
            ]
            hasRanges = engine.ranges != nil
            types = engine.availableEmbeddingTypes.map { .string($0.rawValue) }
        }
        var document: JSONValue = [
            "name": "embedq",
            "version": .string(server.configuration.version),
            "ready": .bool(server.isReady),
            "model": model,
            "embedding_types": .array(types),
            "ranges": .bool(hasRanges),
            "limits": [
                "max_body_bytes": .int(limits.maxBodyBytes),
                "max_inputs_per_request": .int(limits.maxInputsPerRequest),
                "max_tokens_per_input": (try? server.engine()).map { .int($0.maxInputTokens) } ?? .null,
                "max_concurrent_requests": .int(limits.maxConcurrentRequests),
                "max_batch_tokens": .int(limits.maxBatchTokens),
                "retry_after_seconds": .int(limits.retryAfterSeconds),
            ],
            "auth": [
                "keys": .bool(server.configuration.requiresKey),
                "read_only_key": .bool(server.configuration.readOnlyKey != nil),
            ],
        ]
        for module in modules {
            if let (key, value) = await module.info() { document = document.setting(key, to: value) }
        }
        return document
    }
}

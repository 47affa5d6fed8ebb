/// The OpenAPI 3.0 document served at `/openapi.json`, written by hand here and checked
/// against the router by the tests (every route is in it and nothing else; its examples are
/// sent to the server and must succeed).
///
/// Optional request fields are `nullable` (a JSON `null` means "absent", as OpenAI clients send it).
/// It is built when requested, with the server's limits, the model's dimension and vocabulary
/// (when loaded), and the security schemes only when the server has keys, so that a schema-driven
/// client (schemathesis) can rely on every number in it.
enum OpenAPIDocument {
    /// What the document needs to know about the running server.
    struct Facts {
        var version: String
        var limits: ServerLimits
        var requiresKey: Bool
        var dimension: Int?
        var vocabularySize: Int?
        /// The model's prompt names (`nil` before the model is loaded).
        var prompts: [String]?
        /// The embedding types the server can answer (`nil` before the model is loaded: all).
        var embeddingTypes: [EmbeddingType]?
        var modules: [any ServerModule]
    }

    static func make(_ facts: Facts) -> JSONValue {
        var paths: [(String, JSONValue)] = builtInPaths(facts)
        var schemas: [(String, JSONValue)] = builtInSchemas(facts)
        for module in facts.modules {
            if case .object(let extra) = module.openAPIPaths(requiresKey: facts.requiresKey) { paths += extra }
            if case .object(let extra) = module.openAPISchemas { schemas += extra }
        }
        var components: [(String, JSONValue)] = [("schemas", .object(schemas))]
        if facts.requiresKey {
            components.append(("securitySchemes", [
                "bearerAuth": ["type": "http", "scheme": "bearer"],
                "apiKeyHeader": ["type": "apiKey", "in": "header", "name": "api-key"],
            ]))
        }
        return [
            "openapi": "3.0.3",
            "info": [
                "title": "EmbedQ server",
                "version": .string(facts.version),
                "description": .string("""
                    Sentence embeddings and their compact codes over HTTP. POST /v1/embeddings is OpenAI-compatible; \
                    with embedding_types it answers in Cohere's embeddings_by_type shape. Codes are byte for byte \
                    what `embedq embed` then `embedq quantize --ranges` give with the server's ranges (GET /v1/ranges). \
                    Bits are packed most-significant first; binary = ubinary - 128. Errors are {"error", "type"}.
                    """),
            ],
            "paths": .object(paths),
            "components": .object(components),
        ]
    }

    // MARK: - Paths

    /// An operation's security requirement: none for open routes; either scheme otherwise.
    static func security(_ access: RouteAccess, _ facts: Facts) -> JSONValue? {
        security(access, requiresKey: facts.requiresKey)
    }

    /// An operation's security requirement on a server that has keys (`requiresKey`) or not.
    static func security(_ access: RouteAccess, requiresKey: Bool) -> JSONValue? {
        guard requiresKey else { return nil }
        return access == .open ? [] : [["bearerAuth": []], ["apiKeyHeader": []]]
    }

    /// A response with a JSON body of `schema`.
    static func json(_ description: String, _ schema: JSONValue, headers: JSONValue? = nil) -> JSONValue {
        var response: JSONValue = ["description": .string(description), "content": ["application/json": ["schema": schema]]]
        if let headers { response = response.setting("headers", to: headers) }
        return response
    }

    static func reference(_ name: String) -> JSONValue { ["$ref": .string("#/components/schemas/\(name)")] }

    static let errorResponse = reference("Error")
    static let retryAfter: JSONValue = ["Retry-After": ["description": "Seconds to wait", "schema": ["type": "integer"]]]

    /// The error responses every keyed operation may give.
    static func errors(_ codes: [Int], _ facts: Facts, access: RouteAccess) -> [(String, JSONValue)] {
        errors(codes, requiresKey: facts.requiresKey, access: access)
    }

    /// The error responses of an operation with `access` on a server with or without keys.
    static func errors(_ codes: [Int], requiresKey: Bool, access: RouteAccess) -> [(String, JSONValue)] {
        var all = codes
        if requiresKey, access != .open { all.append(401) }
        if requiresKey, access == .write { all.append(403) }
        let descriptions = [
            400: "Malformed JSON or a field of the wrong type", 401: "Missing or unknown key",
            403: "Read-only key on a route that changes data", 404: "Not found", 409: "Conflict",
            413: "Body over the size limit", 422: "Values the server cannot serve",
            429: "Too many requests in flight", 503: "Model not loaded yet, or shutting down",
        ]
        return all.sorted().map { code in
            let headers: JSONValue? = (code == 429 || code == 503) ? retryAfter : nil
            return (String(code), json(descriptions[code] ?? "Error", errorResponse, headers: headers))
        }
    }

    static func operation(_ id: String, _ summary: String, access: RouteAccess, _ facts: Facts,
                          requestBody: JSONValue? = nil, responses: [(String, JSONValue)]) -> JSONValue {
        operation(id, summary, access: access, requiresKey: facts.requiresKey, requestBody: requestBody, responses: responses)
    }

    /// One operation object: id, summary, optional request body, responses and security.
    static func operation(_ id: String, _ summary: String, access: RouteAccess, requiresKey: Bool,
                          requestBody: JSONValue? = nil, responses: [(String, JSONValue)]) -> JSONValue {
        var pairs: [(String, JSONValue)] = [("operationId", .string(id)), ("summary", .string(summary))]
        if let requestBody { pairs.append(("requestBody", requestBody)) }
        pairs.append(("responses", .object(responses)))
        if let security = security(access, requiresKey: requiresKey) { pairs.append(("security", security)) }
        return .object(pairs)
    }

    static func builtInPaths(_ facts: Facts) -> [(String, JSONValue)] {
        let status: JSONValue = ["type": "object", "required": ["status"], "properties": ["status": ["type": "string"]]]
        return [
            ("/v1/embeddings", ["post": operation(
                "createEmbeddings", "Embed texts or token arrays; floats (OpenAI shape) or codes by type (Cohere shape)",
                access: .read, facts,
                requestBody: [
                    "required": true,
                    "content": ["application/json": [
                        "schema": reference("EmbeddingsRequest"),
                        "examples": .object(examples.map { ($0.name, ["summary": .string($0.summary), "value": $0.value]) }),
                    ]],
                ],
                responses: [("200", json("The embeddings", ["oneOf": [reference("EmbeddingsList"), reference("EmbeddingsByType")]]))]
                    + errors([400, 413, 422, 429, 503], facts, access: .read))]),
            ("/v1/ranges", ["get": operation(
                "getRanges", "The server's quantization ranges (2 × d: minimums, maximums)", access: .read, facts,
                responses: [("200", json("The ranges", reference("Ranges")))] + errors([404, 503], facts, access: .read))]),
            ("/health", ["get": operation(
                "getHealth", "The process is up", access: .open, facts,
                responses: [("200", json("Up", status))])]),
            ("/ready", ["get": operation(
                "getReady", "The model is loaded and requests are served", access: .open, facts,
                responses: [("200", json("Ready", status))] + errors([503], facts, access: .open))]),
            ("/info", ["get": operation(
                "getInfo", "Version, model, output types and limits", access: .read, facts,
                responses: [("200", json("Server facts", reference("Info")))] + errors([], facts, access: .read))]),
            ("/metrics", ["get": operation(
                "getMetrics", "Prometheus metrics (text exposition format)", access: .read, facts,
                responses: [("200", ["description": "Metrics", "content": ["text/plain": ["schema": ["type": "string"]]]])]
                    + errors([], facts, access: .read))]),
            ("/openapi.json", ["get": operation(
                "getOpenAPI", "This document", access: .open, facts,
                responses: [("200", json("OpenAPI 3.0 document", ["type": "object"]))])]),
        ]
    }

    // MARK: - Schemas

    static func builtInSchemas(_ facts: Facts) -> [(String, JSONValue)] {
        var tokenID: JSONValue = ["type": "integer", "minimum": 0]
        if let vocabulary = facts.vocabularySize { tokenID = tokenID.setting("maximum", to: .int(vocabulary - 1)) }
        let tokenArray: JSONValue = ["type": "array", "minItems": 1, "items": tokenID]
        let maxInputs = JSONValue.int(facts.limits.maxInputsPerRequest)
        var dimensions: JSONValue = ["type": "integer", "minimum": 1, "nullable": true,
                                     "description": "Keep the first n values, re-normalized to unit length when the model normalizes"]
        if let dimension = facts.dimension { dimensions = dimensions.setting("maximum", to: .int(dimension)) }
        let numbers: JSONValue = ["type": "array", "items": ["type": "number"]]
        let integers: JSONValue = ["type": "array", "items": ["type": "integer"]]
        let usage: JSONValue = [
            "type": "object", "required": ["prompt_tokens", "total_tokens"],
            "properties": ["prompt_tokens": ["type": "integer"], "total_tokens": ["type": "integer"]],
        ]
        return [
            ("Error", [
                "type": "object", "required": ["error", "type"],
                "properties": ["error": ["type": "string"], "type": ["type": "string"]],
            ]),
            ("EmbeddingsRequest", [
                "type": "object", "required": ["input"],
                "properties": [
                    "input": ["oneOf": [
                        ["type": "string"],
                        ["type": "array", "minItems": 1, "maxItems": maxInputs, "items": ["type": "string"]],
                        tokenArray,
                        ["type": "array", "minItems": 1, "maxItems": maxInputs, "items": tokenArray],
                    ], "description": "Texts, or token ids of the model's vocabulary (the whole model input, [CLS] … [SEP])"],
                    "model": ["type": "string", "nullable": true, "description": "Accepted; the server answers with its own model"],
                    "encoding_format": ["type": "string", "nullable": true, "enum": ["float", "base64", .null],
                                        "description": "base64: little-endian float32 bytes (OpenAI shape only)"],
                    "dimensions": dimensions,
                    "embedding_types": ["type": "array", "nullable": true, "minItems": 1,
                                        "items": ["type": "string", "enum": .array((facts.embeddingTypes ?? EmbeddingType.allCases).map { .string($0.rawValue) })],
                                        "description": "Types this server answers (int8 / uint8 / ternary need its ranges; at dimensions < d, ranges of that width)"],
                    "input_type": promptField("search_query / search_document (or query / document): one of the model's prompts", facts),
                    "prompt_name": promptField("One of the model's prompts", facts),
                    "truncate": ["type": "string", "nullable": true, "enum": ["end", "none", "END", "NONE", .null],
                                 "description": "none: inputs over the model's limit are refused (422)"],
                    "user": ["type": "string", "nullable": true],
                ],
            ]),
            ("EmbeddingsList", [
                "type": "object", "required": ["object", "data", "model", "usage"],
                "properties": [
                    "object": ["type": "string", "enum": ["list"]],
                    "data": ["type": "array", "items": [
                        "type": "object", "required": ["object", "index", "embedding"],
                        "properties": [
                            "object": ["type": "string", "enum": ["embedding"]],
                            "index": ["type": "integer"],
                            "embedding": ["oneOf": [numbers, ["type": "string", "format": "byte"]]],
                        ],
                    ]],
                    "model": ["type": "string"],
                    "usage": usage,
                ],
            ]),
            ("EmbeddingsByType", [
                "type": "object", "required": ["id", "response_type", "embeddings", "model", "usage", "meta"],
                "properties": [
                    "id": ["type": "string"],
                    "response_type": ["type": "string", "enum": ["embeddings_by_type"]],
                    "embeddings": [
                        "type": "object",
                        "properties": [
                            "float": ["type": "array", "items": numbers],
                            "base64": ["type": "array", "items": ["type": "string", "format": "byte"]],
                            "float16": ["type": "array", "items": numbers],
                            "int8": ["type": "array", "items": integers],
                            "uint8": ["type": "array", "items": integers],
                            "binary": ["type": "array", "items": integers],
                            "ubinary": ["type": "array", "items": integers],
                            "ternary": ["type": "array", "items": integers],
                        ],
                    ],
                    "texts": ["type": "array", "items": ["type": "string"]],
                    "model": ["type": "string"],
                    "usage": usage,
                    "meta": ["type": "object"],
                ],
            ]),
            ("Ranges", [
                "type": "object", "required": ["model", "ranges"],
                "properties": [
                    "model": ["type": "string"],
                    "ranges": ["type": "array", "minItems": 2, "maxItems": 2, "items": numbers],
                    "ternary_thresholds": numbers,
                ],
            ]),
            ("Info", [
                "type": "object", "required": ["name", "version", "ready", "model", "embedding_types", "limits"],
                "properties": [
                    "name": ["type": "string"], "version": ["type": "string"], "ready": ["type": "boolean"],
                    "model": ["type": "object"], "embedding_types": ["type": "array", "items": ["type": "string"]],
                    "ranges": ["type": "boolean"], "limits": ["type": "object"], "auth": ["type": "object"],
                ],
            ]),
        ]
    }

    /// A nullable string that, once the model is known, can only name one of its prompts
    /// (no prompts: only `null`).
    static func promptField(_ description: String, _ facts: Facts) -> JSONValue {
        var field: JSONValue = ["type": "string", "nullable": true, "description": .string(description)]
        if let prompts = facts.prompts {
            field = field.setting("enum", to: .array(prompts.map { .string($0) } + [.null]))
        }
        return field
    }

    // MARK: - Examples

    /// The request examples in the document (the tests send each and expect 200).
    static let examples: [(name: String, summary: String, value: JSONValue)] = [
        ("text", "One text, float vector (OpenAI shape)", ["input": "The quick brown fox.", "model": "all-MiniLM-L6-v2"]),
        ("batch_base64", "Several texts, base64 float32", [
            "input": ["Statins lower LDL cholesterol.", "Vitamin D and colorectal cancer."], "encoding_format": "base64",
        ]),
        ("by_type", "Codes by type (Cohere shape): int8 with the server's ranges, packed bits", [
            "input": ["What is a qubit?"], "embedding_types": ["float", "int8", "binary", "ubinary"],
        ]),
        ("token_ids", "Token ids, cut to 8 dimensions", ["input": [[101, 7592, 102]], "dimensions": 8]),
    ]
}

import EmbeddingQuantization
import Foundation
import Hummingbird
import SentenceEncoder

/// `POST /v1/embeddings` and `GET /v1/ranges`.
struct EmbeddingsRoutes {
    let server: ServerContext

    var routes: [ServerRoute] {
        [
            ServerRoute(.post, "/v1/embeddings", access: .read, countsAgainstConcurrencyLimit: true) { request, _ in
                try await embeddings(request)
            },
            ServerRoute(.get, "/v1/ranges", access: .read) { _, _ in
                try ranges()
            },
        ]
    }

    /// `{"model": …, "ranges": [[minimums…], [maximums…]]}`, plus `"ternary_thresholds"` when known.
    func ranges() throws -> Response {
        let engine = try server.engine()
        guard let ranges = engine.ranges else {
            throw APIError.notFound("the server has no ranges: start it with --ranges or --calibrate-corpus")
        }
        var writer = JSONWriter(reservingCapacity: ranges.dimension * 24 + 64)
        writer.append("{\"model\":")
        writer.writeString(engine.modelName)
        writer.append(",\"ranges\":[")
        writer.writeArray(ranges.minimums) { $0.writeNumber($1) }
        writer.append(",")
        writer.writeArray(ranges.maximums) { $0.writeNumber($1) }
        writer.append("]")
        if let thresholds = ranges.ternaryThresholds {
            writer.append(",\"ternary_thresholds\":")
            writer.writeArray(thresholds) { $0.writeNumber($1) }
        }
        writer.append("}")
        return JSONResponse.make(writer.bytes)
    }

    func embeddings(_ request: Request) async throws -> Response {
        let engine = try server.engine()
        let data = try await server.json.body(of: request)
        let body = try RequestJSON.decode(EmbeddingsRequest.self, from: data)
        if case .tokens = body.input { try EmbeddingInputs.checkIntegerLiterals(in: data) }
        let plan = try EmbeddingsPlan(body, engine: engine, limits: server.configuration.limits)
        let inputs = try engine.tokenize(body.input, truncation: body.truncate ?? .end, prompt: plan.prompt)
        let tokens = inputs.tokenCount
        let vectors = try plan.shaped(await engine.embed(inputs))
        server.metrics.recordEmbedded(inputs: inputs.sequences.count, tokens: tokens)
        guard let types = plan.types else {
            return JSONResponse.make(EmbeddingsResponse.openAI(
                vectors, base64: body.encodingFormat == .base64, model: engine.modelName, tokens: tokens))
        }
        let outputs = try types.map { type -> (EmbeddingType, EmbeddingOutput) in
            switch type {
            case .float: return (type, .floats(vectors))
            case .base64: return (type, .base64(vectors))
            default:
                // The same call `embedq quantize -p <type> --ranges <ranges>` makes.
                let codes = try EmbeddingQuantizer(precision: type.precision!, ranges: engine.ranges).quantize(vectors)
                return (type, .codes(codes))
            }
        }
        var texts: [String]?
        if case .texts(let values) = body.input { texts = values }
        return JSONResponse.make(EmbeddingsResponse.byType(
            outputs, texts: texts, model: engine.modelName, tokens: tokens, id: UUID().uuidString.lowercased()))
    }
}

/// The checked options of one embeddings request: output types and dimension.
struct EmbeddingsPlan {
    /// The Cohere-shaped types in request order without repeats; `nil` for the OpenAI shape.
    let types: [EmbeddingType]?
    /// The output dimension.
    let dimension: Int
    /// Whether cut vectors are re-normalized to unit length.
    let renormalizes: Bool
    /// The model's dimension.
    let modelDimension: Int
    /// The prompt for text inputs: the one `prompt_name` / `input_type` names, else the model's default.
    let prompt: Prompt

    /// Checks `request` against the engine and the limits.
    ///
    /// - Throws: ``APIError``: 400 for no inputs or an empty type list; 422 over the input limit,
    ///   for a dimension outside `1…d`, a prompt the model lacks, `encoding_format: base64`
    ///   with `embedding_types`, or a quantized type the server's ranges cannot serve.
    init(_ request: EmbeddingsRequest, engine: EmbeddingEngine, limits: ServerLimits) throws {
        let count = request.input.count
        guard count > 0 else { throw APIError.invalidRequest("'input' is empty: give at least one text or token array") }
        guard count <= limits.maxInputsPerRequest else {
            throw APIError.unprocessable("\(count) inputs; the limit is \(limits.maxInputsPerRequest) per request")
        }
        prompt = try Self.prompt(promptName: request.promptName, inputType: request.inputType, prompts: engine.prompts)
        modelDimension = engine.dimension
        dimension = request.dimensions ?? engine.dimension
        guard dimension >= 1, dimension <= engine.dimension else {
            throw APIError.unprocessable("'dimensions' must be in 1…\(engine.dimension), got \(dimension)")
        }
        renormalizes = engine.encoder.normalizes && dimension < engine.dimension
        guard let requested = request.embeddingTypes else {
            types = nil
            return
        }
        guard !requested.isEmpty else {
            throw APIError.invalidRequest("'embedding_types' is empty: name at least one of "
                + EmbeddingType.allCases.map(\.rawValue).joined(separator: ", "))
        }
        if request.encodingFormat == .base64 {
            throw APIError.unprocessable("'encoding_format: base64' shapes the OpenAI answer; with 'embedding_types' ask for the \"base64\" type")
        }
        var unique: [EmbeddingType] = []
        for type in requested where !unique.contains(type) { unique.append(type) }
        for type in unique {
            guard let precision = type.precision, precision.needsCalibration else { continue }
            guard let ranges = engine.ranges else {
                throw APIError.unprocessable("\(type.rawValue) needs the server's ranges: start it with --ranges or --calibrate-corpus")
            }
            guard ranges.dimension == dimension else {
                throw APIError.unprocessable(
                    "the server's ranges cover \(ranges.dimension) dimensions; \(type.rawValue) at dimensions=\(dimension) needs ranges calibrated at \(dimension)")
            }
            if precision == .ternary, ranges.ternaryThresholds == nil {
                throw APIError.unprocessable("ternary needs ranges with ternary thresholds (a 3 × d ranges file from `embedq calibrate`)")
            }
        }
        types = unique
    }

    /// The prompt `prompt_name` names, else the one `input_type` names (Cohere's `search_query` /
    /// `search_document` stand for `query` / `document`, or `passage`), else the model's default.
    ///
    /// - Throws: ``APIError`` 422 naming the model's prompts when the name is not one of them.
    static func prompt(promptName: String?, inputType: String?, prompts: [String: String]) throws -> Prompt {
        guard let asked = promptName ?? inputType else { return .modelDefault }
        var candidates = [asked]
        if promptName == nil {
            switch asked.lowercased() {
            case "search_query", "query": candidates += ["query", "search_query"]
            case "search_document", "document", "passage": candidates += ["document", "passage", "search_document"]
            default: break
            }
        }
        if let name = candidates.first(where: { prompts[$0] != nil }) { return .named(name) }
        guard !prompts.isEmpty else { throw APIError.unprocessable("prompts not supported by this model (asked for '\(asked)')") }
        throw APIError.unprocessable("the model has no prompt '\(asked)'; its prompts: \(prompts.keys.sorted().joined(separator: ", "))")
    }

    /// `vectors` cut to ``dimension`` columns (and re-normalized when ``renormalizes``).
    func shaped(_ vectors: EmbeddingMatrix) throws -> EmbeddingMatrix {
        guard dimension < modelDimension else { return vectors }
        var values = [Float]()
        values.reserveCapacity(vectors.rowCount * dimension)
        for row in 0..<vectors.rowCount {
            let kept = vectors[row: row].prefix(dimension)
            if renormalizes {
                // As the model's Normalize module: x / max(‖x‖, 1e-12), the norm in double.
                let norm = kept.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
                let scale = Float(1 / max(norm, 1e-12))
                values.append(contentsOf: kept.map { $0 * scale })
            } else {
                values.append(contentsOf: kept)
            }
        }
        return try EmbeddingMatrix(rowCount: vectors.rowCount, dimension: dimension, values: values)
    }
}

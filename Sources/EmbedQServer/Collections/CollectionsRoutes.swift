import EmbeddingQuantization
import Foundation
import HTTPTypes
import Hummingbird
import Metrics

/// The `/collections/…` routes over a ``CollectionStore``: request bodies read and checked here
/// (400 / 413 / 422 before the store is called), texts embedded through the server's engine
/// (the dynamic batcher), the store's answers written as JSON.
struct CollectionsRoutes {
    let server: ServerContext
    let store: any CollectionStore

    var routes: [ServerRoute] {
        [
            ServerRoute(.get, "/collections", access: .read) { _, _ in try await list() },
            ServerRoute(.put, "/collections/{name}", access: .write) { request, context in
                try await create(request, name: name(context))
            },
            ServerRoute(.get, "/collections/{name}", access: .read) { _, context in
                try await describe(name(context))
            },
            ServerRoute(.delete, "/collections/{name}", access: .write) { _, context in
                try await delete(name(context))
            },
            ServerRoute(.put, "/collections/{name}/points", access: .write, countsAgainstConcurrencyLimit: true) { request, context in
                try await upsert(request, name: name(context))
            },
            ServerRoute(.get, "/collections/{name}/points/{id}", access: .read) { _, context in
                try await point(context.parameters.get("id") ?? "", name: name(context))
            },
            ServerRoute(.post, "/collections/{name}/points/delete", access: .write, countsAgainstConcurrencyLimit: true) { request, context in
                try await deletePoints(request, name: name(context))
            },
            ServerRoute(.post, "/collections/{name}/search", access: .read, countsAgainstConcurrencyLimit: true) { request, context in
                try await search(request, name: name(context))
            },
            ServerRoute(.get, "/collections/{name}/snapshot", access: .read, countsAgainstConcurrencyLimit: true) { _, context in
                try await snapshot(name(context), context: context)
            },
        ]
    }

    private func name(_ context: ServerRequestContext) -> String {
        context.parameters.get("name") ?? ""
    }

    /// Records the size of a collection the store described (`embedq_collection_points`).
    private func observe(_ description: CollectionDescription) {
        Gauge(label: "embedq_collection_points", dimensions: [("collection", description.name)], factory: server.metrics.factory)
            .record(description.pointCount)
    }

    func list() async throws -> Response {
        let all = try await store.collections()
        all.forEach(observe)
        return JSONResponse.make(["collections": .array(all.map(\.json))])
    }

    func create(_ request: Request, name: String) async throws -> Response {
        let body = try await server.json.decode(CreateCollectionRequest.self, from: request)
        let description = try await store.createCollection(body.spec(name: name, engine: server.engine()))
        observe(description)
        return JSONResponse.make(description.json)
    }

    func describe(_ name: String) async throws -> Response {
        let description = try await store.collection(named: name)
        observe(description)
        return JSONResponse.make(description.json)
    }

    func delete(_ name: String) async throws -> Response {
        try await store.deleteCollection(named: name)
        Gauge(label: "embedq_collection_points", dimensions: [("collection", name)], factory: server.metrics.factory).record(0)
        return JSONResponse.make(["deleted": .string(name)])
    }

    func upsert(_ request: Request, name: String) async throws -> Response {
        let body = try await server.json.decode(UpsertPointsRequest.self, from: request)
        let limit = server.configuration.limits.maxInputsPerRequest
        guard !body.points.isEmpty else { throw APIError.invalidRequest("'points' is empty: give at least one point") }
        guard body.points.count <= limit else {
            throw APIError.unprocessable("\(body.points.count) points; the limit is \(limit) per request")
        }
        let collection = try await store.collection(named: name)
        var points: [CollectionPoint] = []
        var textRows: [(point: Int, text: String)] = []
        for (index, point) in body.points.enumerated() {
            let id = try CollectionRequestValues.pointID(point.id, field: "points[\(index)].id")
            if let payload = point.payload, payload != .null {
                guard case .object = payload else { throw APIError.invalidRequest("'points[\(index)].payload' must be an object") }
            }
            switch (point.vector, point.text) {
            case (let vector?, nil):
                guard vector.count == collection.dimension else {
                    throw CollectionStoreError.dimensionMismatch(expected: collection.dimension, actual: vector.count, what: "points[\(index)].vector")
                }
            case (nil, let text?):
                textRows.append((index, text))
            default:
                throw APIError.invalidRequest("'points[\(index)]' needs exactly one of 'vector' and 'text'")
            }
            points.append(CollectionPoint(id: id, vector: point.vector, payload: point.payload == .null ? nil : point.payload))
        }
        if !textRows.isEmpty {
            let vectors = try await embed(textRows.map(\.text), for: collection)
            for (row, entry) in textRows.enumerated() { points[entry.point].vector = Array(vectors[row: row]) }
        }
        let written = try await store.upsert(points, into: name)
        if let description = try? await store.collection(named: name) { observe(description) }
        return JSONResponse.make(["status": "completed", "upserted": .int(written)])
    }

    func point(_ id: String, name: String) async throws -> Response {
        let point = try await store.point(id, in: name)
        var writer = JSONWriter(reservingCapacity: 64 + (point.vector?.count ?? 0) * 12)
        writer.append("{\"id\":")
        writer.writeString(point.id)
        writer.append(",\"payload\":")
        writer.write(point.payload ?? .null)
        if let vector = point.vector {
            writer.append(",\"vector\":")
            writer.writeArray(vector) { $0.writeNumber($1) }
        }
        writer.append("}")
        return JSONResponse.make(writer.bytes)
    }

    func deletePoints(_ request: Request, name: String) async throws -> Response {
        let body = try await server.json.decode(DeletePointsRequest.self, from: request)
        let filter = try CollectionRequestValues.filter(body.filter, field: "filter")
        let selector: PointSelector
        switch (body.points, filter) {
        case (let ids?, nil):
            selector = .ids(try ids.enumerated().map { try CollectionRequestValues.pointID($1, field: "points[\($0)]") })
        case (nil, let filter?):
            selector = .filter(filter)
        default:
            throw APIError.invalidRequest("give exactly one of 'points' (a list of ids) and 'filter'")
        }
        let deleted = try await store.deletePoints(selector, from: name)
        if let description = try? await store.collection(named: name) { observe(description) }
        return JSONResponse.make(["status": "completed", "deleted": .int(deleted)])
    }

    func search(_ request: Request, name: String) async throws -> Response {
        let body = try await server.json.decode(SearchCollectionRequest.self, from: request)
        let k = body.k ?? CollectionsModule.defaultK
        guard (1...CollectionsModule.maximumK).contains(k) else {
            throw APIError.unprocessable("'k' must be in 1…\(CollectionsModule.maximumK), got \(k)")
        }
        if let ef = body.ef, ef < 1 { throw APIError.unprocessable("'ef' must be ≥ 1, got \(ef)") }
        let filter = try CollectionRequestValues.filter(body.filter, field: "filter")
        let collection = try await store.collection(named: name)
        let vector: [Float]
        switch (body.vector, body.text) {
        case (let given?, nil):
            guard given.count == collection.dimension else {
                throw CollectionStoreError.dimensionMismatch(expected: collection.dimension, actual: given.count, what: "'vector'")
            }
            vector = given
        case (nil, let text?):
            vector = Array(try await embed([text], for: collection)[row: 0])
        default:
            throw APIError.invalidRequest("give exactly one of 'vector' and 'text'")
        }
        let query = CollectionQuery(
            vector: vector, k: k, filter: filter, rescore: body.rescore, withPayload: body.withPayload ?? true, ef: body.ef,
            exact: body.exact ?? false)
        let (hits, metric) = try await store.search(query, in: name)
        var writer = JSONWriter(reservingCapacity: 64 + hits.count * 48)
        writer.append("{\"hits\":[")
        for (index, hit) in hits.enumerated() {
            if index > 0 { writer.append(",") }
            writer.append("{\"id\":")
            writer.writeString(hit.id)
            writer.append(",\"score\":")
            writer.writeNumber(hit.score)
            if query.withPayload {
                writer.append(",\"payload\":")
                writer.write(hit.payload ?? .null)
            }
            writer.append("}")
        }
        writer.append("],\"metric\":")
        writer.writeString(metric.rawValue)
        writer.append(",\"higher_is_better\":")
        writer.append(metric.higherIsBetter ? "true" : "false")
        writer.append("}")
        return JSONResponse.make(writer.bytes)
    }

    func snapshot(_ name: String, context: ServerRequestContext) async throws -> Response {
        let (path, fileName) = try await store.snapshot(of: name)
        let body = try await FileIO().loadFile(path: path, context: context)
        var headers: HTTPFields = [.contentType: "application/octet-stream"]
        headers[.contentDisposition] = "attachment; filename=\"\(fileName)\""
        return Response(status: .ok, headers: headers, body: body)
    }

    /// The server model's vectors of `texts` (cut to the model's limit), for a collection of that model.
    ///
    /// - Throws: ``APIError`` 422 when the collection holds another model's vectors or another dimension.
    private func embed(_ texts: [String], for collection: CollectionDescription) async throws -> EmbeddingMatrix {
        let engine = try server.engine()
        guard collection.dimension == engine.dimension, collection.model.map({ Self.sameModel($0, engine.modelName) }) ?? true else {
            throw APIError.unprocessable(
                "collection '\(collection.name)' holds \(collection.model ?? "other") vectors of \(collection.dimension) dimensions; "
                    + "the server embeds text with \(engine.modelName) (\(engine.dimension)): send 'vector' instead of 'text'")
        }
        let inputs = try engine.tokenize(.texts(texts), truncation: .end)
        let vectors = try await engine.embed(inputs)
        server.metrics.recordEmbedded(inputs: texts.count, tokens: inputs.tokenCount)
        return vectors
    }

    /// Whether two model names (hub ids or folders) name the same model: their last path
    /// components agree (`sentence-transformers/all-MiniLM-L6-v2` and `/models/all-MiniLM-L6-v2/`).
    static func sameModel(_ a: String, _ b: String) -> Bool {
        func last(_ name: String) -> Substring {
            name.split(separator: "/", omittingEmptySubsequences: true).last ?? Substring(name)
        }
        return last(a) == last(b)
    }
}

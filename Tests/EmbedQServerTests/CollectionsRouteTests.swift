import EmbeddingQuantization
import EmbedQServer
import EmbedQTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import XCTest

/// Every `/collections/…` route through HummingbirdTesting, over the brute-force in-memory store
/// and over the durable ``DirectoryCollectionStore`` (`embedq serve --collections`): request
/// checks (400 / 404 / 409 / 413 / 422), texts embedded by the server's model, hits equal to an
/// exact search computed here, keys, and the store closed at shutdown.
final class CollectionsRouteTests: XCTestCase {
    func testCreateUpsertSearchDeleteAnswerAsAnExactSearch() async throws {
        try await createUpsertSearchDelete(over: .memory)
    }

    func testCreateUpsertSearchDeleteAnswerAsAnExactSearchOverDurableCollections() async throws {
        try await createUpsertSearchDelete(over: .directory)
    }

    func testBadCollectionRequestsAre4xxAndTheServerKeepsServing() async throws {
        try await badRequests(over: .memory)
    }

    func testBadCollectionRequestsAre4xxOverDurableCollections() async throws {
        try await badRequests(over: .directory)
    }

    func testTheReadOnlyKeySearchesButCannotWrite() async throws {
        try await readOnlyKey(over: .memory)
    }

    func testTheReadOnlyKeySearchesButCannotWriteOverDurableCollections() async throws {
        try await readOnlyKey(over: .directory)
    }

    /// A durable collection of RaBitQ codes over HTTP: the first batch draws the rotation
    /// (`calibration`), a stored vector finds itself first, and min/max ranges without a rotation
    /// are refused with a 422 naming it.
    func testRaBitQCollectionOverDurableCollections() async throws {
        let fixture = try TinyFixture()
        let store = try TestStoreKind.directory.makeStore()
        let server = try EmbeddingServer(
            configuration: .init(), model: .loaded(fixture.engine()), modules: [CollectionsModule(store: store)], logger: quietLogger)
        let dimension = fixture.encoder.dimension
        var generator = SeededGenerator(seed: 16)
        // Unit vectors: each one's largest inner product is with itself.
        let vectors = (0..<40).map { _ -> [Float] in
            let vector = (0..<dimension).map { _ in Float.random(in: -1...1, using: &generator) }
            let norm = vector.reduce(0) { $0 + $1 * $1 }.squareRoot()
            return vector.map { $0 / norm }
        }
        try await server.withRouter { client in
            let created = try await put(client, "/collections/codes", json: #"{"precision": "rabitq1", "rescore": "int8", "calibration": {"points": 20}}"#)
            XCTAssertEqual(created.status, .ok, created.text)
            XCTAssertEqual(try created.object()["precision"] as? String, "rabitq1")
            let points: [[String: Any]] = vectors.enumerated().map { ["id": "p\($0.offset)", "vector": $0.element] }
            let upserted = try await put(client, "/collections/codes/points", json: try json(["points": points]))
            XCTAssertEqual(upserted.status, .ok, upserted.text)
            for row in [0, 17, 39] {
                // Rescored with the int8 codes: the stored vector itself first.
                let found = try await client.post("/collections/codes/search", json: try json(["vector": vectors[row], "k": 3, "rescore": true])).object()
                XCTAssertEqual((found["hits"] as? [[String: Any]])?.first?["id"] as? String, "p\(row)")
                XCTAssertEqual(found["metric"] as? String, "innerProduct")
                // The RaBitQ estimates alone: three hits, best first.
                let estimated = try await client.post("/collections/codes/search", json: try json(["vector": vectors[row], "k": 3, "rescore": false])).object()
                let scores = try XCTUnwrap((estimated["hits"] as? [[String: Any]])?.compactMap { $0["score"] as? Double })
                XCTAssertEqual(scores.count, 3)
                XCTAssertEqual(scores, scores.sorted(by: >))
            }
            let ranges = [[Float](repeating: -1, count: dimension), [Float](repeating: 1, count: dimension)]
            let refused = try await put(client, "/collections/plain", json: try json(["precision": "rabitq2", "ranges": ranges]))
            XCTAssertEqual(refused.status.code, 422, refused.text)
            XCTAssertTrue(refused.text.contains("rabitq2") && refused.text.contains("rotation"), refused.text)
        }
    }

    private func createUpsertSearchDelete(over kind: TestStoreKind) async throws {
        let fixture = try TinyFixture()
        let store = try kind.makeStore()
        let server = try EmbeddingServer(
            configuration: .init(), model: .loaded(fixture.engine()), modules: [CollectionsModule(store: store)], logger: quietLogger)
        let dimension = fixture.encoder.dimension
        var generator = SeededGenerator(seed: 15)
        let vectors = (0..<20).map { _ in (0..<dimension).map { _ in Float.random(in: -1...1, using: &generator) } }
        try await server.withRouter { client in
            let created = try await put(client, "/collections/docs", json: "{}")
            XCTAssertEqual(created.status, .ok, created.text)
            let description = try created.object()
            XCTAssertEqual(description["dimension"] as? Int, dimension)
            XCTAssertEqual(description["precision"] as? String, "float32")
            XCTAssertEqual(description["model"] as? String, "tiny")
            XCTAssertEqual(description["read_only"] as? Bool, false)
            try await put(client, "/collections/docs", json: "{}").assertError(.conflict, type: "conflict", mentioning: "docs")

            // Vectors with payloads (integer and string ids), then two texts embedded by the server.
            let points: [[String: Any]] = vectors.enumerated().map { index, vector in
                ["id": index % 2 == 0 ? index as Any : "p\(index)", "vector": vector, "payload": ["group": index % 3, "tags": ["t\(index % 4)"]]]
            }
            let upserted = try await put(client, "/collections/docs/points", json: try json(["points": points]))
            XCTAssertEqual(upserted.status, .ok, upserted.text)
            XCTAssertEqual(try upserted.object()["upserted"] as? Int, 20)
            let texts = Array(TinyFixture.texts.prefix(2))
            let textPoints = try await put(client, "/collections/docs/points", json: try json(
                ["points": [["id": "text-0", "text": texts[0]], ["id": "text-1", "text": texts[1], "payload": NSNull()]]]))
            XCTAssertEqual(textPoints.status, .ok, textPoints.text)
            let embedded = try fixture.expected(texts)
            let stored = try await client.get("/collections/docs/points/text-1").object()
            XCTAssertEqual(floats(stored["vector"]), Array(embedded[row: 1]), "a text point holds the server model's vector")
            XCTAssertTrue(stored["payload"] is NSNull)
            let described = try await client.get("/collections/docs").object()
            XCTAssertEqual(described["points_count"] as? Int, 22)
            let listed = try await client.get("/collections").object()["collections"] as? [[String: Any]]
            XCTAssertEqual(listed?.map { $0["name"] as? String }, ["docs"])

            // Search by vector: the exact inner-product order, computed here.
            let query = vectors[3]
            let all = vectors.map { zip($0, query).reduce(0.0) { $0 + Double($1.0) * Double($1.1) } } + (0..<2).map { row in
                zip(embedded[row: row], query).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
            }
            let ids = (0..<20).map { $0 % 2 == 0 ? "\($0)" : "p\($0)" } + ["text-0", "text-1"]
            let order = all.indices.sorted { all[$0] != all[$1] ? all[$0] > all[$1] : $0 < $1 }
            let found = try await client.post("/collections/docs/search", json: try json(["vector": query, "k": 5])).object()
            let hits = try XCTUnwrap(found["hits"] as? [[String: Any]])
            XCTAssertEqual(hits.map { $0["id"] as? String }, order.prefix(5).map { ids[$0] })
            XCTAssertEqual(found["metric"] as? String, "innerProduct")
            XCTAssertEqual(found["higher_is_better"] as? Bool, true)
            XCTAssertEqual((hits[0]["payload"] as? [String: Any])?["group"] as? Int, 0)
            // A filter: group 1 only, and never "p1"; payloads left out.
            let filtered = try await client.post("/collections/docs/search", json: try json([
                "vector": query, "k": 30, "with_payload": false,
                "filter": ["must": [["key": "group", "match": ["value": 1]]], "must_not": [["has_id": ["p1"]]]],
            ])).object()
            let expectedFiltered = order.filter { $0 < 20 && $0 % 3 == 1 && $0 != 1 }.map { ids[$0] }
            XCTAssertEqual((filtered["hits"] as? [[String: Any]])?.map { $0["id"] as? String }, expectedFiltered)
            XCTAssertNil((filtered["hits"] as? [[String: Any]])?.first?["payload"])
            // Search by text: the same as searching its vector.
            let byText = try await client.post("/collections/docs/search", json: try json(["text": texts[0], "k": 3])).object()
            let byVector = try await client.post("/collections/docs/search", json: try json(["vector": Array(embedded[row: 0]), "k": 3])).object()
            XCTAssertEqual((byText["hits"] as? [[String: Any]])?.map { $0["id"] as? String },
                           (byVector["hits"] as? [[String: Any]])?.map { $0["id"] as? String })

            // Deletes: by ids, then by filter.
            let byIDs = try await client.post("/collections/docs/points/delete", json: #"{"points": [0, "p1", "missing"]}"#).object()
            XCTAssertEqual(byIDs["deleted"] as? Int, 2)
            try await client.get("/collections/docs/points/0").assertError(.notFound, type: "not_found", mentioning: "'0'")
            let byFilter = try await client.post("/collections/docs/points/delete", json: try json(
                ["filter": ["must": [["key": "tags", "match": ["any": ["t2"]]]]]])).object()
            XCTAssertEqual(byFilter["deleted"] as? Int, vectors.indices.filter { $0 % 4 == 2 }.count)
            let snapshot = try await client.get("/collections/docs/snapshot")
            XCTAssertEqual(snapshot.status, .ok)
            XCTAssertEqual(snapshot.headers[.contentType], "application/octet-stream")
            switch kind {
            case .memory: XCTAssertTrue(snapshot.text.contains("text-1"))
            case .directory:
                // A ustar archive of the collection folder: "docs/" first, then its MANIFEST among the files.
                let bytes = Array(Data(buffer: snapshot.body))
                XCTAssertEqual(bytes.count % 512, 0)
                XCTAssertEqual(String(decoding: bytes.prefix(5), as: UTF8.self), "docs/")
                XCTAssertEqual(String(decoding: bytes[257..<262], as: UTF8.self), "ustar")
                XCTAssertTrue(snapshot.headers[.contentDisposition]?.contains("docs.tar") ?? false)
            }
            let metrics = try await client.get("/metrics").text
            XCTAssertTrue(metrics.contains(#"embedq_collection_points{collection="docs"} 15"#), metrics)
            let info = try await client.get("/info").object()
            XCTAssertEqual((info["collections"] as? [String: Any])?["points"] as? Int, 15)
            let deleted = try await client.execute(uri: "/collections/docs", method: .delete) { $0 }
            XCTAssertEqual(deleted.status, .ok)
            try await client.get("/collections/docs").assertError(.notFound, mentioning: "docs")
            // A collection left at shutdown.
            let kept = try await put(client, "/collections/kept", json: #"{"dimension": 1}"#)
            XCTAssertEqual(kept.status, .ok, kept.text)
            let keptPoint = try await put(client, "/collections/kept/points", json: #"{"points": [{"id": 1, "vector": [0.5]}]}"#)
            XCTAssertEqual(keptPoint.status, .ok, keptPoint.text)
        }
        try await kind.assertClosed(store)
    }

    private func badRequests(over kind: TestStoreKind) async throws {
        let fixture = try TinyFixture()
        let server = try EmbeddingServer(
            configuration: .init(limits: ServerLimits(maxBodyBytes: 4096, maxInputsPerRequest: 4)), model: .loaded(fixture.engine()),
            modules: [CollectionsModule(store: try kind.makeStore())], logger: quietLogger)
        let dimension = fixture.encoder.dimension
        let vector = try json(Array(repeating: 0.5, count: dimension))
        try await server.withRouter { client in
            let created = try await put(client, "/collections/c", json: #"{"precision": "binary"}"#)
            XCTAssertEqual(created.status, .ok, created.text)
            // Creation options.
            try await put(client, "/collections/bad name", json: "{}").assertError(.unprocessableContent, mentioning: "names are")
            try await put(client, "/collections/x", json: #"{"precision": "int9"}"#).assertError(.unprocessableContent, mentioning: "int8")
            try await put(client, "/collections/x", json: #"{"dimension": 0}"#).assertError(.unprocessableContent, mentioning: "dimension")
            try await put(client, "/collections/x", json: #"{"index": "ivf"}"#).assertError(.unprocessableContent, mentioning: "flat")
            try await put(client, "/collections/x", json: #"{"dimension": 3, "precision": "int8"}"#)
                .assertError(.unprocessableContent, mentioning: "ranges")
            try await put(client, "/collections/x", json: #"{"dimension": 2, "precision": "int8", "ranges": [[0, 0], [1]]}"#)
                .assertError(.unprocessableContent, mentioning: "2 (or 3")
            try await put(client, "/collections/x", json: #"{"dimension": "8"}"#).assertError(.badRequest, mentioning: "dimension")
            try await put(client, "/collections/x", json: "[1, 2").assertError(.badRequest, type: "invalid_json")
            // Points.
            try await put(client, "/collections/c/points", json: #"{"points": []}"#).assertError(.badRequest, mentioning: "empty")
            try await put(client, "/collections/c/points", json: #"{"points": [{"id": 1}]}"#)
                .assertError(.badRequest, mentioning: "exactly one of 'vector' and 'text'")
            try await put(client, "/collections/c/points", json: #"{"points": [{"id": -1, "vector": \#(vector)}]}"#)
                .assertError(.badRequest, mentioning: "points[0].id")
            try await put(client, "/collections/c/points", json: #"{"points": [{"id": 1, "vector": [1, 2]}]}"#)
                .assertError(.unprocessableContent, mentioning: "points[0].vector has 2 dimensions")
            try await put(client, "/collections/c/points", json: #"{"points": [{"id": 1, "vector": \#(vector), "payload": [1]}]}"#)
                .assertError(.badRequest, mentioning: "payload")
            // A number no float32 holds: the decoder refuses the body as a whole.
            try await put(client, "/collections/c/points", json: #"{"points": [{"id": 1, "vector": [1e300]}]}"#)
                .assertError(.badRequest, type: "invalid_json")
            let five = try json(["points": (0..<5).map { ["id": $0, "text": "the cat"] }])
            try await put(client, "/collections/c/points", json: five).assertError(.unprocessableContent, mentioning: "limit is 4")
            let big = try json(["points": [["id": 1, "text": String(repeating: "cat ", count: 2000)]]])
            try await put(client, "/collections/c/points", json: big).assertError(.contentTooLarge, type: "payload_too_large")
            try await put(client, "/collections/missing/points", json: #"{"points": [{"id": 1, "text": "cat"}]}"#)
                .assertError(.notFound, mentioning: "missing")
            // Searches.
            try await client.post("/collections/c/search", json: #"{"vector": \#(vector), "k": -1}"#).assertError(.unprocessableContent, mentioning: "'k'")
            try await client.post("/collections/c/search", json: #"{"vector": \#(vector), "k": 10001}"#).assertError(.unprocessableContent, mentioning: "10000")
            try await client.post("/collections/c/search", json: #"{"vector": [1]}"#).assertError(.unprocessableContent, mentioning: "1 dimensions")
            try await client.post("/collections/c/search", json: #"{"k": 3}"#).assertError(.badRequest, mentioning: "'vector' and 'text'")
            try await client.post("/collections/c/search", json: #"{"vector": \#(vector), "ef": 0}"#).assertError(.unprocessableContent, mentioning: "'ef'")
            try await client.post("/collections/c/search", json: #"{"vector": \#(vector), "filter": [1]}"#).assertError(.badRequest, mentioning: "filter")
            try await client.post("/collections/c/search", json: #"{"vector": \#(vector), "filter": {"must": [{"key": "a"}]}}"#)
                .assertError(.unprocessableContent, mentioning: "'match' or 'range'")
            try await client.post("/collections/c/search", json: #"{"vector": \#(vector), "filter": {"must": [{"key": "a", "range": {"gt": "x"}}]}}"#)
                .assertError(.unprocessableContent, mentioning: "range.gt")
            try await client.post("/collections/c/search", json: #"{"vector": \#(vector), "filter": {"mist": []}}"#)
                .assertError(.unprocessableContent, mentioning: "filter.mist")
            try await client.post("/collections/nope/search", json: #"{"vector": \#(vector)}"#).assertError(.notFound, mentioning: "nope")
            try await client.post("/collections/c/points/delete", json: #"{}"#).assertError(.badRequest, mentioning: "exactly one")
            try await client.post("/collections/c/search", bytes: [0x7B, 0xFF, 0x7D], headers: [.contentType: "application/json"])
                .assertError(.badRequest, type: "invalid_json", mentioning: "UTF-8")
            try await client.execute(uri: "/collections/c/search", method: .get) { $0 }.assertError(.methodNotAllowed)
            // The literal path wins over /points/{id}: only POST is allowed, as the document says.
            let patch = try await client.execute(uri: "/collections/c/points/delete", method: .patch) { $0 }
            try patch.assertError(.methodNotAllowed)
            XCTAssertEqual(patch.headers[.allow], "POST")
            let patchPoint = try await client.execute(uri: "/collections/c/points/7", method: .patch) { $0 }
            XCTAssertEqual(patchPoint.headers[.allow], "GET")
            let collection = try await client.execute(uri: "/collections/c", method: .post) { $0 }
            XCTAssertEqual(collection.headers[.allow], "DELETE, GET, PUT")
            // Still serving.
            let fine = try await client.post("/collections/c/search", json: #"{"vector": \#(vector), "k": 2}"#)
            XCTAssertEqual(fine.status, .ok, fine.text)
            XCTAssertEqual((try fine.object()["hits"] as? [Any])?.count, 0)
        }
    }

    private func readOnlyKey(over kind: TestStoreKind) async throws {
        let fixture = try TinyFixture()
        let server = try EmbeddingServer(
            configuration: .init(apiKey: "full", readOnlyKey: "read"), model: .loaded(fixture.engine()),
            modules: [CollectionsModule(store: try kind.makeStore())], logger: quietLogger)
        try await server.withRouter { client in
            let read: HTTPFields = [.authorization: "Bearer read"], full: HTTPFields = [.authorization: "Bearer full"]
            try await put(client, "/collections/c", json: "{}", headers: read).assertError(.forbidden, type: "forbidden")
            let created = try await put(client, "/collections/c", json: "{}", headers: full)
            XCTAssertEqual(created.status, .ok, created.text)
            try await put(client, "/collections/c/points", json: #"{"points": [{"id": 1, "text": "cat"}]}"#, headers: read)
                .assertError(.forbidden)
            try await client.post("/collections/c/points/delete", json: #"{"points": [1]}"#, headers: read).assertError(.forbidden)
            try await client.execute(uri: "/collections/c", method: .delete, headers: read) { $0 }.assertError(.forbidden)
            let search = try await client.post("/collections/c/search", json: #"{"text": "cat"}"#, headers: read)
            XCTAssertEqual(search.status, .ok, search.text)
            try await client.get("/collections").assertError(.unauthorized)
        }
    }
}

/// PUTs `json` to `uri`.
private func put(_ client: any TestClientProtocol, _ uri: String, json: String, headers: HTTPFields = [:]) async throws -> TestResponse {
    var fields = headers
    fields[.contentType] = "application/json"
    return try await client.execute(uri: uri, method: .put, headers: fields, body: ByteBuffer(string: json)) { $0 }
}

/// `value` serialized as JSON text.
private func json(_ value: Any) throws -> String {
    String(decoding: try JSONSerialization.data(withJSONObject: value), as: UTF8.self)
}

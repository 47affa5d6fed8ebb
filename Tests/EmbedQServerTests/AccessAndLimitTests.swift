import EmbedQServer
import Foundation
import HTTPTypes
import HummingbirdTesting
import XCTest

/// Keys (401 / 403), the concurrency limit (429 with Retry-After) and the module seam.
final class AccessAndLimitTests: XCTestCase {
    func testKeysGuardReadAndWriteRoutes() async throws {
        let fixture = try TinyFixture()
        let module = TestModule()
        module.release()
        let server = try EmbeddingServer(
            configuration: .init(apiKey: "full-key", readOnlyKey: "read-key"), model: .loaded(fixture.engine()),
            modules: [module], logger: quietLogger)
        let body = #"{"input": "the cat"}"#
        try await server.withRouter { client in
            try await client.post("/v1/embeddings", json: body).assertError(.unauthorized, type: "unauthorized", mentioning: "needs a key")
            try await client.post("/v1/embeddings", json: body, headers: [.authorization: "Bearer wrong"])
                .assertError(.unauthorized, mentioning: "not valid")
            try await client.post("/v1/embeddings", json: body, headers: [.authorization: "Basic full-key"])
                .assertError(.unauthorized)
            let full = try await client.post("/v1/embeddings", json: body, headers: [.authorization: "Bearer full-key"])
            XCTAssertEqual(full.status, .ok)
            let read = try await client.post("/v1/embeddings", json: body, headers: [HTTPField.Name("api-key")!: "read-key"])
            XCTAssertEqual(read.status, .ok)
            // A write route: the read-only key is known but not enough.
            try await client.execute(uri: "/collections/docs", method: .put, headers: [.authorization: "Bearer read-key"]) { $0 }
                .assertError(.forbidden, type: "forbidden")
            let written = try await client.execute(uri: "/collections/docs", method: .put, headers: [.authorization: "bearer full-key"]) { $0 }
            XCTAssertEqual(written.status, .ok)
            XCTAssertEqual(try written.object()["created"] as? String, "docs")
            try await client.execute(uri: "/collections/docs", method: .put) { $0 }.assertError(.unauthorized)
            // Open routes need no key; the others do.
            for path in ["/health", "/ready", "/openapi.json"] {
                let response = try await client.get(path)
                XCTAssertEqual(response.status, .ok, path)
            }
            for path in ["/info", "/metrics", "/v1/ranges"] {
                try await client.get(path).assertError(.unauthorized)
                let response = try await client.get(path, headers: [.authorization: "Bearer read-key"])
                XCTAssertEqual(response.status, .ok, path)
            }
        }
        XCTAssertTrue(module.shutDown, "the module's shutdown ran at the end of the service group")
    }

    func testKeysMustBeDistinctAndNonEmpty() throws {
        let fixture = try TinyFixture()
        let engine = try fixture.engine()
        XCTAssertThrowsError(try EmbeddingServer(configuration: .init(apiKey: "k", readOnlyKey: "k"), model: .loaded(engine), logger: quietLogger))
        XCTAssertThrowsError(try EmbeddingServer(configuration: .init(apiKey: ""), model: .loaded(engine), logger: quietLogger))
        XCTAssertThrowsError(try EmbeddingServer(
            configuration: .init(limits: ServerLimits(maxConcurrentRequests: 0)), model: .loaded(engine), logger: quietLogger))
    }

    func testRequestsOverTheConcurrencyLimitGet429WithRetryAfter() async throws {
        let fixture = try TinyFixture()
        let module = TestModule()
        let limits = ServerLimits(maxConcurrentRequests: 2, retryAfterSeconds: 3)
        let server = try EmbeddingServer(configuration: .init(limits: limits), model: .loaded(fixture.engine()),
                                         modules: [module], logger: quietLogger)
        try await server.withRouter { client in
            try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for _ in 0..<2 {
                    group.addTask { try await client.post("/collections/a/search", json: "{}").status }
                }
                // Wait until both hold their slot.
                while module.waiting < 2 { try await Task.sleep(for: .milliseconds(5)) }
                let refused = try await client.post("/collections/a/search", json: "{}")
                try refused.assertError(.tooManyRequests, type: "rate_limited")
                XCTAssertEqual(refused.headers[.retryAfter], "3")
                let embedding = try await client.post("/v1/embeddings", json: #"{"input": "a"}"#)
                try embedding.assertError(.tooManyRequests)
                // Cheap routes are never refused.
                let health = try await client.get("/health")
                XCTAssertEqual(health.status, .ok)
                let metrics = try await client.get("/metrics")
                XCTAssertEqual(metrics.status, .ok)
                module.release()
                for try await status in group { XCTAssertEqual(status, .ok) }
            }
            // Slots are given back.
            let after = try await client.post("/v1/embeddings", json: #"{"input": "a"}"#)
            XCTAssertEqual(after.status, .ok)
        }
    }
}

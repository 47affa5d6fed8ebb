import EmbedQServer
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import XCTest

/// `/health`, `/ready`, `/info`, `/metrics`, the JSON log lines.
final class OperationsRouteTests: XCTestCase {
    func testHealthReadyAndInfo() async throws {
        let fixture = try TinyFixture()
        let limits = ServerLimits(maxBodyBytes: 1000, maxInputsPerRequest: 7, maxConcurrentRequests: 3, maxBatchTokens: 99)
        let server = try EmbeddingServer(configuration: .init(limits: limits), model: .loaded(fixture.engine()),
                                         modules: [TestModule()], logger: quietLogger)
        try await server.withRouter { client in
            let health = try await client.get("/health")
            XCTAssertEqual(health.status, .ok)
            XCTAssertEqual(try health.object()["status"] as? String, "ok")
            let ready = try await client.get("/ready")
            XCTAssertEqual(try ready.object()["status"] as? String, "ready")
            let info = try await client.get("/info").object()
            XCTAssertEqual(info["name"] as? String, "embedq")
            XCTAssertEqual(info["version"] as? String, EmbeddingServer.version)
            XCTAssertEqual(info["ready"] as? Bool, true)
            XCTAssertEqual(info["ranges"] as? Bool, true)
            let model = try XCTUnwrap(info["model"] as? [String: Any])
            XCTAssertEqual(model["name"] as? String, "tiny")
            XCTAssertEqual(model["dimension"] as? Int, 8)
            XCTAssertEqual(model["max_input_tokens"] as? Int, 12)
            XCTAssertEqual(model["vocabulary_size"] as? Int, 20)
            XCTAssertEqual(model["weights"] as? String, "fp32")
            XCTAssertEqual(info["embedding_types"] as? [String], ["float", "base64", "float16", "int8", "uint8", "binary", "ubinary", "ternary"])
            let reported = try XCTUnwrap(info["limits"] as? [String: Any])
            XCTAssertEqual(reported["max_body_bytes"] as? Int, 1000)
            XCTAssertEqual(reported["max_inputs_per_request"] as? Int, 7)
            XCTAssertEqual(reported["max_tokens_per_input"] as? Int, 12)
            XCTAssertEqual(reported["max_concurrent_requests"] as? Int, 3)
            XCTAssertEqual(reported["max_batch_tokens"] as? Int, 99)
            XCTAssertEqual((info["collections"] as? [String: Any])?["count"] as? Int, 0, "a module's /info part")
        }
    }

    func testWhileTheModelLoadsReadyAndEmbeddingsAre503() async throws {
        let folder = try TinyBertFolder.write()
        let server = try EmbeddingServer(
            configuration: .init(), model: .load(ModelLoadOptions(model: folder.path)), logger: quietLogger)
        // The router alone, without the service that loads the model.
        let app = Application(router: server.makeRouter(), logger: quietLogger)
        try await app.test(.router) { client in
            let awaited1 = try await client.get("/health").status
            XCTAssertEqual(awaited1, .ok)
            try await client.get("/ready").assertError(.serviceUnavailable, type: "unavailable", mentioning: "loading")
            let refused = try await client.post("/v1/embeddings", json: #"{"input": "a"}"#)
            try refused.assertError(.serviceUnavailable)
            XCTAssertEqual(refused.headers[.retryAfter], "1")
            let info = try await client.get("/info").object()
            XCTAssertEqual(info["ready"] as? Bool, false)
            XCTAssertEqual((info["model"] as? [String: Any])?["name"] as? String, folder.path)
        }
        // With its services, the server loads the model and becomes ready.
        try await server.withRouter { client in
            var status = try await client.get("/ready").status
            for _ in 0..<500 where status != .ok {
                try await Task.sleep(for: .milliseconds(10))
                status = try await client.get("/ready").status
            }
            XCTAssertEqual(status, .ok)
            let awaited2 = try await client.post("/v1/embeddings", json: #"{"input": "a"}"#).status
            XCTAssertEqual(awaited2, .ok)
        }
    }

    func testAModelThatCannotLoadStopsTheServer() async throws {
        let server = try EmbeddingServer(
            configuration: .init(port: 0), model: .load(ModelLoadOptions(model: "/nonexistent/model/folder")), logger: quietLogger)
        do {
            try await server.makeApplication().run()
            XCTFail("expected the load failure to end the service group")
        } catch {
            XCTAssertTrue("\(error)".contains("cannot load the model"), "\(error)")
        }
    }

    func testMetricsCountRequestsByRouteAndStatus() async throws {
        let fixture = try TinyFixture()
        let server = try EmbeddingServer(configuration: .init(), model: .loaded(fixture.engine()), logger: quietLogger)
        try await server.withRouter { client in
            for _ in 0..<3 { _ = try await client.post("/v1/embeddings", json: #"{"input": ["the cat", "a dog"]}"#) }
            _ = try await client.post("/v1/embeddings", json: "nope")
            _ = try await client.get("/nowhere")
            let response = try await client.get("/metrics")
            XCTAssertEqual(response.status, .ok)
            XCTAssertTrue(response.headers[.contentType]?.hasPrefix("text/plain") ?? false)
            let text = response.text
            let lines = text.split(separator: "\n").map(String.init)
            func value(_ prefix: String) -> Double? {
                lines.first { $0.hasPrefix(prefix) }.flatMap { Double($0.split(separator: " ").last ?? "") }
            }
            XCTAssertEqual(value(#"embedq_http_requests_total{method="POST",route="/v1/embeddings",status="200"}"#), 3, text)
            XCTAssertEqual(value(#"embedq_http_requests_total{method="POST",route="/v1/embeddings",status="400"}"#), 1, text)
            XCTAssertEqual(value(#"embedq_http_requests_total{method="GET",route="unmatched",status="404"}"#), 1, text)
            XCTAssertEqual(value(#"embedq_http_request_duration_seconds_count{method="POST",route="/v1/embeddings",status="200"}"#), 3, text)
            XCTAssertEqual(value("embedq_embedded_inputs_total"), 6, text)
            // the cat → 4 tokens, a dog → 4 tokens, three times.
            XCTAssertEqual(value("embedq_embedded_tokens_total"), 24, text)
            XCTAssertEqual(value("embedq_embedding_batch_tokens_sum"), 24, text)
            XCTAssertEqual(value("embedq_embedding_queue_requests"), 0, text)
            XCTAssertNotNil(value("embedq_process_resident_memory_bytes"), text)
        }
    }

    func testJSONLogLinesCarryTheMetadata() throws {
        let lines = LineCollector()
        var logger = Logger(label: "embedq") { label in JSONLogHandler(label: label, write: lines.append) }
        logger[metadataKey: "server"] = "test"
        logger.info("request", metadata: ["status": "200", "path": "/v1/\"embeddings\""])
        logger.debug("not written")
        XCTAssertEqual(lines.all.count, 1)
        let line = try XCTUnwrap(lines.all.first)
        XCTAssertEqual(line.last, UInt8(ascii: "\n"))
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(line)) as? [String: String])
        XCTAssertEqual(object["level"], "info")
        XCTAssertEqual(object["message"], "request")
        XCTAssertEqual(object["label"], "embedq")
        XCTAssertEqual(object["status"], "200")
        XCTAssertEqual(object["path"], "/v1/\"embeddings\"")
        XCTAssertEqual(object["server"], "test")
        XCTAssertNotNil(object["time"]?.range(of: #"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$"#, options: .regularExpression))
    }
}

/// Collects written log lines.
final class LineCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [[UInt8]] = []

    func append(_ line: [UInt8]) {
        lock.lock()
        lines.append(line)
        lock.unlock()
    }

    var all: [[UInt8]] {
        lock.lock()
        defer { lock.unlock() }
        return lines
    }
}

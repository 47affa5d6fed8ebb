import EmbedQTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import XCTest

/// `embedq serve` end to end: the built binary on a free port answers the bytes of
/// `embedq embed` + `embedq quantize`, refuses bad input and keeps serving, finishes an in-flight
/// request after SIGTERM and exits 0.
final class ServeCommandTests: XCTestCase {
    /// A running `embedq serve` process and the port it printed.
    final class ServerProcess: @unchecked Sendable {
        let process = Process()
        let port: Int
        private let errorPipe = Pipe()

        init(arguments: [String], in directory: URL) throws {
            process.executableURL = try BuiltProducts.executable("embedq")
            process.arguments = ["serve", "--port", "0", "--log-format", "json"] + arguments
            process.currentDirectoryURL = directory
            let output = Pipe()
            process.standardOutput = output
            process.standardError = errorPipe
            try process.run()
            // The first line on standard output is the base URL, once listening.
            var line = Data()
            let reader = output.fileHandleForReading
            while !line.contains(UInt8(ascii: "\n")) {
                let chunk = reader.availableData
                if chunk.isEmpty { break }
                line += chunk
            }
            let text = String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            guard text.hasPrefix("http://127.0.0.1:"), let port = Int(text.split(separator: ":").last ?? "") else {
                process.terminate()
                struct NoURL: Error, CustomStringConvertible { var description: String }
                throw NoURL(description: "embedq serve did not print its URL (got '\(text)')")
            }
            self.port = port
        }

        /// Sends SIGTERM and waits; returns the exit status and standard error.
        func terminate() -> (status: Int32, log: String) {
            kill(process.processIdentifier, SIGTERM)
            let log = errorPipe.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return (process.terminationStatus, String(decoding: log, as: UTF8.self))
        }
    }

    func testServedCodesEqualEmbedThenQuantizeAndSIGTERMDrainsAndExitsZero() async throws {
        let model = try SharedData.file("models/all-MiniLM-L6-v2")
        let ranges = try SharedData.file("golden/quantize/minilm_calibrated/ranges.npy")
        let goldenTexts = try SharedData.file("golden/embeddings_texts.jsonl")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("embedq-serve-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let texts = try String(contentsOf: goldenTexts, encoding: .utf8)
            .split(separator: "\n").prefix(24).map(String.init)
        try texts.joined(separator: "\n").write(to: directory.appendingPathComponent("texts.jsonl"), atomically: true, encoding: .utf8)
        let strings = try texts.map { try XCTUnwrap((try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])?["text"] as? String) }

        let server = try ServerProcess(arguments: ["--model", model.path, "--ranges", ranges.path], in: directory)
        var exited = false
        defer { if !exited { server.process.terminate() } }
        let port = server.port
        let served = try await TestClient.withClient(host: "127.0.0.1", port: port, configuration: .init(timeout: .seconds(120))) { client in
            var ready = try await client.get("/ready").status
            for _ in 0..<600 where ready != .ok {
                try await Task.sleep(for: .milliseconds(50))
                ready = try await client.get("/ready").status
            }
            XCTAssertEqual(ready, .ok)
            let body = try JSONSerialization.data(withJSONObject: ["input": strings, "embedding_types": ["base64", "int8", "ubinary"]])
            let response = try await client.post("/v1/embeddings", headers: [.contentType: "application/json"], body: ByteBuffer(bytes: body))
            XCTAssertEqual(response.status, .ok)
            return try XCTUnwrap((try JSONSerialization.jsonObject(with: Data(buffer: try XCTUnwrap(response.body))) as? [String: Any])?["embeddings"] as? [String: Any])
        }

        // The same texts through the command line.
        var result = try CommandRunner.run(["embed", "--model", model.path, "texts.jsonl", "--output", "float.npy", "--quiet"], in: directory)
        XCTAssertEqual(result.status, 0, result.standardError)
        let floatBytes = try XCTUnwrap(served["base64"] as? [String]).flatMap { [UInt8](Data(base64Encoded: $0) ?? Data()) }
        XCTAssertEqual(floatBytes, try PlainNPY(contentsOf: directory.appendingPathComponent("float.npy")).data, "float32 bytes")
        for (name, extra) in [("int8", ["--ranges", ranges.path]), ("ubinary", [])] {
            result = try CommandRunner.run(["quantize", "float.npy", "-p", name, "-o", "\(name).npy"] + extra, in: directory)
            XCTAssertEqual(result.status, 0, result.standardError)
            let rows = try XCTUnwrap(served[name] as? [[Int]])
            XCTAssertEqual(rows.flatMap { $0.map { UInt8(truncatingIfNeeded: $0) } },
                           try PlainNPY(contentsOf: directory.appendingPathComponent("\(name).npy")).data, name)
        }

        // Bad input: 4xx, and the server keeps serving.
        try await TestClient.withClient(host: "127.0.0.1", port: port) { client in
            let malformed = try await client.post("/v1/embeddings", headers: [.contentType: "application/json"], body: ByteBuffer(string: "{\"input\": ["))
            XCTAssertEqual(malformed.status, .badRequest)
            let invalid = try await client.post("/v1/embeddings", headers: [.contentType: "application/json"],
                                                body: ByteBuffer(bytes: Array(#"{"input": ""#.utf8) + [0xFF, 0xFE] + Array(#""}"#.utf8)))
            XCTAssertEqual(invalid.status, .badRequest)
            let missing = try await client.get("/nowhere")
            XCTAssertEqual(missing.status, .notFound)
        }
        // 60 MB: refused by its Content-Length (the connection may be closed before the body is sent).
        let large = try? await TestClient.withClient(host: "127.0.0.1", port: port) { client in
            try await client.post("/v1/embeddings", headers: [.contentType: "application/json"],
                                  body: ByteBuffer(repeating: UInt8(ascii: "a"), count: 60_000_000)).status
        }
        if let large { XCTAssertEqual(large, .contentTooLarge) }

        // SIGTERM while a request is in flight: it is answered, then the process exits 0.
        let many = Array(repeating: strings, count: 2).flatMap { $0 }
        let inFlight = Task {
            try await TestClient.withClient(host: "127.0.0.1", port: port, configuration: .init(timeout: .seconds(120))) { client in
                let body = try JSONSerialization.data(withJSONObject: ["input": many])
                return try await client.post("/v1/embeddings", headers: [.contentType: "application/json"], body: ByteBuffer(bytes: body)).status
            }
        }
        try await TestClient.withClient(host: "127.0.0.1", port: port) { client in
            // Wait until the server counts two requests in flight: the big one and this scrape.
            for _ in 0..<400 {
                let metrics = String(buffer: try await client.get("/metrics").body ?? ByteBuffer())
                let gauge = metrics.split(separator: "\n").first { $0.hasPrefix("embedq_http_requests_in_flight ") }
                if let value = gauge.flatMap({ Double($0.split(separator: " ").last ?? "") }), value >= 2 { return }
                try await Task.sleep(for: .milliseconds(5))
            }
            XCTFail("the embedding request never showed as in flight")
        }
        let (status, log) = server.terminate()
        exited = true
        let inFlightStatus = try await inFlight.value
        XCTAssertEqual(inFlightStatus, .ok, "the in-flight request is answered during shutdown")
        XCTAssertEqual(status, 0, log)
        let lines = log.split(separator: "\n")
        XCTAssertFalse(lines.isEmpty)
        for line in lines {
            XCTAssertNotNil(try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "not a JSON log line: \(line)")
        }
        XCTAssertTrue(log.contains("\"message\":\"stopped\""), log)
    }
}

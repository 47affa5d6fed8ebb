import Foundation
import XCTest

/// `embedq collection build-segment DIR --stream` end to end with the real all-MiniLM-L6-v2 on
/// SciFact documents: the segment built from `{"id", "text"}` lines and attached gives every id
/// the codes (`collection get --codes`) and every query the hits (`collection search
/// --query-text`) of `collection add --texts` with the same texts; attaching again does nothing;
/// a bad line is reported and skipped (exit status 2); another model is refused.
final class CollectionSegmentStreamCommandTests: XCTestCase {
    static let documentCount = 10

    private var directory: URL!
    private var model: URL!

    override func setUpWithError() throws {
        model = try SharedData.file("models/all-MiniLM-L6-v2/config.json").deletingLastPathComponent()
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("embedq-segment-stream-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    private func write(_ lines: [String], to name: String) throws -> URL {
        let url = directory.appendingPathComponent(name)
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: url)
        return url
    }

    private func json(_ object: [String: Any]) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
    }

    @discardableResult
    private func run(_ arguments: [String], input: URL? = nil, status: Int32 = 0) throws -> CommandRunner.Result {
        let result = try CommandRunner.run(arguments, in: directory, standardInput: input)
        XCTAssertEqual(result.status, status, "\(arguments.joined(separator: " ")): \(result.standardError)")
        return result
    }

    private func objects(_ output: String) throws -> [[String: Any]] {
        try output.split(separator: "\n").map { try XCTUnwrap(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
    }

    func testStreamSegmentEqualsAddTextsAndAnotherModelIsRefused() throws {
        let documents = try sciFactDocuments(Self.documentCount)
        let texts = try write(try documents.map { try json(["text": $0.text]) }, to: "texts.jsonl")
        let ids = try write(documents.map(\.id), to: "ids.txt")
        var streamLines = try documents.map { try json(["id": $0.id, "text": $0.text]) }
        streamLines.insert("{\"id\": \"bad\"}", at: 4)
        let stream = try write(streamLines, to: "stream.jsonl")
        try run(["embed", "--model", model.path, texts.path, "--output", "float.npy"])
        try run(["calibrate", "float.npy", "-o", "ranges.json"])
        for name in ["reference", "streamed"] {
            try run(["collection", "create", name, "--dimension", "384", "--precision", "binary", "--rescore", "int8",
                     "--ranges", "ranges.json", "--model", model.path])
        }
        try run(["collection", "add", "reference", "--texts", texts.path, "--ids", ids.path])

        // The bad line: an error line in place, the segment still written, exit status 2.
        var result = try run(["collection", "build-segment", "streamed", "--stream", "--output", "part.segment",
                              "--batch-size", "3", "--threads", "1"], input: stream, status: 2)
        let lines = try objects(result.standardOutput)
        XCTAssertEqual(lines.count, 2)
        XCTAssertEqual(lines.first?["id"] as? String, "bad")
        XCTAssertEqual(lines.first?["error"] as? String, "line 5: expected a string field \"text\"")
        XCTAssertEqual(lines.last?["segment"] as? String, "part.segment")
        XCTAssertEqual(lines.last?["count"] as? Int, documents.count)
        XCTAssertEqual(lines.last?["errors"] as? Int, 1)
        XCTAssertTrue(result.standardError.contains("1 of 11 lines were skipped"), result.standardError)

        result = try run(["collection", "attach", "streamed", "part.segment"])
        XCTAssertTrue(result.standardError.contains("attached 1 segments (\(documents.count) points"), result.standardError)
        result = try run(["collection", "attach", "streamed", "part.segment"])
        XCTAssertTrue(result.standardError.contains("attached 0 segments (0 points, 0 replaced), 1 attached before"), result.standardError)

        // Every id: the same payload and codes, byte for byte; every query: the same hits.
        let expected = try run(["collection", "get", "reference", "--ids", ids.path, "--json", "--codes"]).standardOutput
        XCTAssertEqual(try run(["collection", "get", "streamed", "--ids", ids.path, "--json", "--codes"]).standardOutput, expected)
        let points = try objects(expected)
        XCTAssertEqual(points.count, documents.count)
        XCTAssertEqual(points.compactMap { ($0["codes"] as? String).flatMap { Data(base64Encoded: $0) }?.count }, Array(repeating: 48, count: documents.count))
        XCTAssertEqual(points.compactMap { ($0["rescoring"] as? String).flatMap { Data(base64Encoded: $0) }?.count }, Array(repeating: 384, count: documents.count))
        let search = ["--query-text", "What do cancer cells do?", "--query-text", "vitamin D deficiency", "-k", "5", "--rescore", "3", "--json"]
        let hits = try run(["collection", "search", "reference"] + search).standardOutput
        XCTAssertEqual(try run(["collection", "search", "streamed"] + search).standardOutput, hits)
        XCTAssertEqual(try objects(hits).count, 2)

        // The same model with one weight byte changed has another fingerprint: refused, nothing written.
        let other = directory.appendingPathComponent("other-model")
        try FileManager.default.copyItem(at: model, to: other)
        let weights = other.appendingPathComponent("model.safetensors")
        var bytes = try Data(contentsOf: weights)
        bytes[bytes.count - 1] ^= 1
        try bytes.write(to: weights)
        result = try run(["collection", "build-segment", "streamed", "--stream", "--model", other.path, "--output", "other.segment"],
                         input: stream, status: 1)
        XCTAssertTrue(result.standardError.contains("the collection was built with model"), result.standardError)
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory.appendingPathComponent("other.segment").path))
        XCTAssertEqual(result.standardOutput, "")

        // Options that do not go together are refused before anything is loaded.
        result = try run(["collection", "build-segment", "streamed", "--stream", "--ids", "ids.txt", "--output", "x.segment"], status: 64)
        XCTAssertTrue(result.standardError.contains("no --vectors, --ids or --payloads"), result.standardError)
    }
}

import EmbedQTestSupport
import Foundation
import XCTest

/// `embedq embed --prompt-name / --prompt / --dimensions / --normalize` and `calibrate --dimensions`
/// on the NomicBERT test model (prompts `search_query: ` / `search_document: `).
final class PromptAndDimensionsCommandTests: XCTestCase {
    private let model = SharedData.packageRoot.appendingPathComponent("Tests/Fixtures/models/nomic_bert")

    /// The shape in a `.npy` header, e.g. `(3, 16)`.
    private func shape(_ url: URL) throws -> String {
        let header = String(decoding: try Data(contentsOf: url).prefix(128), as: UTF8.self)
        let start = try XCTUnwrap(header.range(of: "'shape': ("))
        let end = try XCTUnwrap(header[start.upperBound...].firstIndex(of: ")"))
        return "(" + header[start.upperBound..<end] + ")"
    }

    func testPromptsAndTruncation() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("embedq-prompts-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try ["Vitamin D and colorectal cancer.", "Statins lower LDL.", "Café ☕"].map { "{\"text\": \"\($0)\"}" }
            .joined(separator: "\n").write(to: directory.appendingPathComponent("texts.jsonl"), atomically: true, encoding: .utf8)
        func embed(_ output: String, _ extra: [String]) throws -> Data {
            let result = try CommandRunner.run(["embed", "--model", model.path, "texts.jsonl", "--output", output] + extra, in: directory)
            XCTAssertEqual(result.status, 0, result.standardError)
            return try Data(contentsOf: directory.appendingPathComponent(output))
        }
        let plain = try embed("plain.npy", [])
        let named = try embed("named.npy", ["--prompt-name", "query"])
        XCTAssertEqual(named, try embed("text.npy", ["--prompt", "search_query: "]), "a named prompt is its text")
        XCTAssertNotEqual(named, plain)
        XCTAssertEqual(try shape(directory.appendingPathComponent("plain.npy")), "(3, 32)")
        let truncated = try embed("short.npy", ["--dimensions", "8"])
        XCTAssertEqual(try shape(directory.appendingPathComponent("short.npy")), "(3, 8)")
        XCTAssertNotEqual(try embed("short-normalized.npy", ["--dimensions", "8", "--normalize"]), truncated)
        // Calibrating the full output's first 8 dimensions is calibrating the truncated output.
        for (input, extra, output) in [("plain.npy", ["--dimensions", "8"], "a.json"), ("short.npy", [], "b.json")] {
            let result = try CommandRunner.run(["calibrate", input, "-o", output] + extra, in: directory)
            XCTAssertEqual(result.status, 0, result.standardError)
        }
        XCTAssertEqual(try Data(contentsOf: directory.appendingPathComponent("a.json")),
                       try Data(contentsOf: directory.appendingPathComponent("b.json")))
        // Clear failures.
        var result = try CommandRunner.run(["embed", "--model", model.path, "texts.jsonl", "--output", "x.npy", "--prompt-name", "nope"], in: directory)
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.standardError.contains("no prompt named \"nope\""), result.standardError)
        result = try CommandRunner.run(["embed", "--model", model.path, "texts.jsonl", "--output", "x.npy", "--dimensions", "33"], in: directory)
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.standardError.contains("dimensions"), result.standardError)
        result = try CommandRunner.run(["quantize", "plain.npy", "-p", "binary", "-o", "x.npy", "--dimensions", "64"], in: directory)
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.standardError.contains("wider than the 32 dimensions"), result.standardError)
        result = try CommandRunner.run(["embed", "--model", model.path, "texts.jsonl", "--output", "x.npy",
                                        "--prompt", "a", "--prompt-name", "query"], in: directory)
        XCTAssertNotEqual(result.status, 0)
    }
}

import Foundation
import XCTest

/// `embedq embed --precision`: quantized output equals quantizing the float output.
final class EmbedCommandTests: XCTestCase {
    func testQuantizedEmbeddingsEqualQuantizingTheFloatOutput() throws {
        let model = CommandRunner.sharedFolder.appendingPathComponent("models/all-MiniLM-L6-v2")
        let ranges = CommandRunner.sharedFolder.appendingPathComponent("golden/quantize/minilm_calibrated/ranges.npy")
        guard FileManager.default.fileExists(atPath: model.path) else {
            throw XCTSkip("model not found at \(model.path); set EMBEDQ_SHARED")
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("embedq-embed-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let texts = ["A man is eating food.", "Vitamin D and colorectal cancer.", "", "Ünïcödé — and emoji 🎉"]
        try texts.map { "{\"text\": \"\($0)\"}" }.joined(separator: "\n").write(
            to: directory.appendingPathComponent("texts.jsonl"), atomically: true, encoding: .utf8)
        var result = try CommandRunner.run(["embed", "--model", model.path, "texts.jsonl", "--output", "float.npy"], in: directory)
        XCTAssertEqual(result.status, 0, result.standardError)
        for precision in ["int8", "ubinary", "ternary"] {
            var extra: [String] = []
            if precision != "ubinary" {
                result = try CommandRunner.run(["calibrate", "float.npy", "-o", "r.npy"], in: directory)
                XCTAssertEqual(result.status, 0, result.standardError)
                extra = precision == "int8" ? ["--ranges", ranges.path] : ["--ranges", "r.npy"]
            }
            result = try CommandRunner.run(
                ["embed", "--model", model.path, "texts.jsonl", "--output", "direct.npy", "--precision", precision] + extra, in: directory)
            XCTAssertEqual(result.status, 0, result.standardError)
            result = try CommandRunner.run(["quantize", "float.npy", "-p", precision, "-o", "later.npy"] + extra, in: directory)
            XCTAssertEqual(result.status, 0, result.standardError)
            XCTAssertEqual(try Data(contentsOf: directory.appendingPathComponent("direct.npy")),
                           try Data(contentsOf: directory.appendingPathComponent("later.npy")), precision)
        }
    }
}

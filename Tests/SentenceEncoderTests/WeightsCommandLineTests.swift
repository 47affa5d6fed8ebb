import Foundation
import XCTest
@testable import SentenceEncoder

/// `embedq embed --weights` and `embedq quantize-model`, run as the built binary on a tiny model.
final class WeightsCommandLineTests: XCTestCase {
    private func run(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = try BuiltProducts.executable("embedq")
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, stdout, stderr)
    }

    private func tinyModel() throws -> (model: URL, texts: URL, folder: URL) {
        let folder = try temporaryFolder(for: self)
        let model = folder.appendingPathComponent("model")
        try FileManager.default.createDirectory(at: model, withIntermediateDirectories: true)
        try TinyModel().write(to: model)
        let texts = folder.appendingPathComponent("texts.jsonl")
        try "{\"text\": \"the cat sat on the mat.\"}\n{\"text\": \"a big red dog\"}\n{\"text\": \"cats, dogs\"}\n"
            .write(to: texts, atomically: true, encoding: .utf8)
        return (model, texts, folder)
    }

    func testEmbedWithInt8WeightsMatchesTheLibrary() throws {
        let (model, texts, folder) = try tinyModel()
        let output = folder.appendingPathComponent("out.npy")
        let result = try run(["embed", "--model", model.path, texts.path, "--output", output.path, "--weights", "int8",
                              "--float32-layers", "layer.1.output", "--quiet"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stderr.contains("int8 weights"), result.stderr)
        let matrix = try SharedData.float32Matrix(npy: output)
        let expected = try SentenceEncoder(folder: model, weights: .int8, float32Layers: ["layer.1.output"])
            .encodeRowMajor(["the cat sat on the mat.", "a big red dog", "cats, dogs"])
        XCTAssertLessThan(zip(matrix.values, expected).map { abs($0 - $1) }.max()!, 1e-6)
        let bad = try run(["embed", "--model", model.path, texts.path, "--output", output.path, "--weights", "int4"])
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.stderr.contains("--weights"), bad.stderr)
        let misplaced = try run(["embed", "--model", model.path, texts.path, "--output", output.path, "--calibration", texts.path])
        XCTAssertNotEqual(misplaced.status, 0)
        XCTAssertTrue(misplaced.stderr.contains("--calibration"), misplaced.stderr)
    }

    func testQuantizeModelReportListsEveryLayer() throws {
        let (model, texts, _) = try tinyModel()
        let result = try run(["quantize-model", "--model", model.path, texts.path, "--report", "--keep-float32", "1", "--threads", "1"])
        XCTAssertEqual(result.status, 0, result.stderr)
        for name in try SentenceEncoder(folder: model).model.linearLayerNames {
            XCTAssertTrue(result.stdout.contains(name + " "), "\(name) missing from\n\(result.stdout)")
        }
        XCTAssertTrue(result.stdout.contains("int8 weights, 1 layers kept float32: mean cosine"), result.stdout)
        XCTAssertTrue(result.stdout.contains("--float32-layers layer."), result.stdout)
    }
}

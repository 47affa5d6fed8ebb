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

/// `embedq quantize-model --output` and the forged weights file of issue 18, end to end.
final class SavedModelCommandLineTests: XCTestCase {
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
        XCTAssertEqual(process.terminationReason, .exit, "embedq was killed by a signal: \(stderr)")
        return (process.terminationStatus, stdout, stderr)
    }

    /// `quantize-model --keep-float32 K --output DIR` saves a folder that `embed --weights`
    /// loads to the very vectors of the mixed-precision model it reported, bit for bit.
    func testQuantizeModelOutputReloadsToTheSameVectors() throws {
        let folder = try temporaryFolder(for: self)
        let model = folder.appendingPathComponent("model")
        try FileManager.default.createDirectory(at: model, withIntermediateDirectories: true)
        try TinyModel().write(to: model)
        let texts = folder.appendingPathComponent("texts.jsonl")
        try "{\"text\": \"the cat sat on the mat.\"}\n{\"text\": \"a big red dog\"}\n{\"text\": \"cats, dogs\"}\n"
            .write(to: texts, atomically: true, encoding: .utf8)
        for precision in ["int8", "bf16"] {
            let saved = folder.appendingPathComponent("saved-\(precision)")
            let result = try run(["quantize-model", "--model", model.path, texts.path, "--weights", precision,
                                  "--keep-float32", "1", "--output", saved.path, "--threads", "1"])
            XCTAssertEqual(result.status, 0, result.stderr)
            let kept = try XCTUnwrap(result.stdout.split(separator: "\n").first { $0.hasPrefix("--float32-layers ") }, result.stdout)
                .dropFirst("--float32-layers ".count)
            XCTAssertTrue(result.stdout.contains("saved to \(saved.path)"), result.stdout)
            let fromSaved = folder.appendingPathComponent("from-saved-\(precision).npy")
            let fromSource = folder.appendingPathComponent("from-source-\(precision).npy")
            for (source, output) in [(saved, fromSaved), (model, fromSource)] {
                let embed = try run(["embed", "--model", source.path, texts.path, "--output", output.path,
                                     "--weights", precision, "--float32-layers", String(kept), "--quiet"])
                XCTAssertEqual(embed.status, 0, embed.stderr)
            }
            let reloaded = try SharedData.float32Matrix(npy: fromSaved)
            XCTAssertEqual(reloaded.rows, 3)
            XCTAssertEqual(reloaded.values, try SharedData.float32Matrix(npy: fromSource).values, "\(precision): saved model, other vectors")
            // The saved weights really are quantized: the file holds the codes, not float32 copies.
            let file = try SafeTensors(contentsOf: saved.appendingPathComponent("model.safetensors"))
            XCTAssertEqual(file.tensors["encoder.layer.0.attention.self.query.weight"]?.dataType, precision == "int8" ? "I8" : "BF16")
            // A second save to the same folder is refused by name.
            let again = try run(["quantize-model", "--model", model.path, texts.path, "--weights", precision,
                                 "--keep-float32", "1", "--output", saved.path])
            XCTAssertNotEqual(again.status, 0)
            XCTAssertTrue(again.stderr.contains(saved.path), again.stderr)
        }
    }

    /// The forged header of the report (`shape [4294967295, 4294967295, 3]`) used to kill
    /// `embedq embed` with SIGILL (integer overflow in `TensorInfo.elementCount`): now a clean
    /// exit 1 naming the file and the shape.
    func testEmbedRefusesAForgedWeightsHeader() throws {
        let folder = try temporaryFolder(for: self)
        try TinyModel().write(to: folder)
        let header = #"{"embeddings.word_embeddings.weight": {"dtype": "F32", "shape": [4294967295, 4294967295, 3], "data_offsets": [0, 4]}}"#
        var data = Data()
        SafeTensorsWriter.appendLittleEndian(UInt64(header.utf8.count), to: &data)
        try (data + Data(header.utf8) + Data(count: 4)).write(to: folder.appendingPathComponent("model.safetensors"))
        let texts = folder.appendingPathComponent("texts.jsonl")
        try "{\"text\": \"the cat\"}\n".write(to: texts, atomically: true, encoding: .utf8)
        let result = try run(["embed", "--model", folder.path, texts.path, "--output", folder.appendingPathComponent("out.npy").path])
        XCTAssertEqual(result.status, 1, result.stderr)
        XCTAssertTrue(result.stderr.contains("model.safetensors") && result.stderr.contains("4294967295"), result.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.appendingPathComponent("out.npy").path))
    }
}

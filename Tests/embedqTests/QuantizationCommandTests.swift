import Foundation
import XCTest

/// The CLI end to end: byte-identical files for the golden cases, clear failures, Unix habits.
final class QuantizationCommandTests: XCTestCase {
    var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("embedq-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    func golden(_ name: String) throws -> URL {
        try SharedData.file("golden/quantize/\(name)")
    }

    func testQuantizeWritesSentenceTransformersFilesByteForByte() throws {
        for name in ["minilm_calibrated", "odd_dim_13_zero_range", "st_clip_example", "no_ranges_self_calibrated_1024"] {
            let folder = try golden(name)
            let ranges = folder.appendingPathComponent("ranges.npy")
            for precision in ["int8", "uint8", "binary", "ubinary"] {
                var arguments = ["quantize", folder.appendingPathComponent("embeddings.npy").path,
                                 "--precision", precision, "--output", "\(precision).npy"]
                if FileManager.default.fileExists(atPath: ranges.path) { arguments += ["--ranges", ranges.path] }
                let result = try CommandRunner.run(arguments, in: directory)
                XCTAssertEqual(result.status, 0, result.standardError)
                XCTAssertEqual(result.standardOutput, "", "data files only; logs go to stderr")
                let written = try Data(contentsOf: directory.appendingPathComponent("\(precision).npy"))
                let expected = try Data(contentsOf: folder.appendingPathComponent("\(precision).npy"))
                XCTAssertEqual(written, expected, "\(name) \(precision)")
            }
        }
    }

    func testCalibrateThenQuantizeAndDequantizeRoundTrip() throws {
        let embeddings = try golden("minilm_calibrated").appendingPathComponent("embeddings.npy").path
        for rangesName in ["ranges.npy", "ranges.json"] {
            var result = try CommandRunner.run(["calibrate", embeddings, "-o", rangesName, "--json"], in: directory)
            XCTAssertEqual(result.status, 0, result.standardError)
            let summary = try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any]
            XCTAssertEqual(summary?["rows"] as? Int, 130)
            XCTAssertEqual(summary?["dimension"] as? Int, 384)
            for precision in ["int8", "int4", "ternary"] {
                result = try CommandRunner.run(
                    ["quantize", embeddings, "-p", precision, "--ranges", rangesName, "-o", "codes.npy"], in: directory)
                XCTAssertEqual(result.status, 0, result.standardError)
                result = try CommandRunner.run(
                    ["dequantize", "codes.npy", "-p", precision, "--ranges", rangesName, "-o", "back.npy"], in: directory)
                XCTAssertEqual(result.status, 0, result.standardError)
                result = try CommandRunner.run(["inspect", "back.npy", "--json"], in: directory)
                let info = try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any]
                XCTAssertEqual(info?["shape"] as? [Int], [130, 384], precision)
                XCTAssertEqual(info?["dtype"] as? String, "float32")
            }
        }
    }

    func testFailuresExitNonZeroWithAClearMessage() throws {
        let folder = try golden("minilm_calibrated")
        let embeddings = folder.appendingPathComponent("embeddings.npy").path
        let otherRanges = try golden("odd_dim_13_zero_range").appendingPathComponent("ranges.npy").path
        let cases: [([String], String)] = [
            (["quantize", folder.appendingPathComponent("int8.npy").path, "-p", "int8", "-o", "x.npy"], "integer dtype int8"),
            (["quantize", embeddings, "-p", "int9", "-o", "x.npy"], "int9"),
            (["quantize", "missing.npy", "-p", "int8", "-o", "x.npy"], "missing.npy"),
            (["quantize", embeddings, "-p", "int8", "--ranges", otherRanges, "-o", "x.npy"], "dimension 13"),
            (["calibrate", embeddings, "-o", "r.npy", "--method", "median"], "median"),
            (["dequantize", folder.appendingPathComponent("int8.npy").path, "-p", "int8", "-o", "x.npy"], "--ranges"),
        ]
        for (arguments, message) in cases {
            let result = try CommandRunner.run(arguments, in: directory)
            XCTAssertNotEqual(result.status, 0, arguments.joined(separator: " "))
            XCTAssertTrue(result.standardError.contains(message), "\(arguments): \(result.standardError)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory.appendingPathComponent("x.npy").path),
                       "a failed command writes no output")
    }

    func testTruncatedInputIsAClearErrorNotACrash() throws {
        let source = try Data(contentsOf: golden("st_clip_example").appendingPathComponent("embeddings.npy"))
        for length in [0, 5, 40, source.count - 1] {
            let path = directory.appendingPathComponent("cut\(length).npy")
            try source.prefix(length).write(to: path)
            let result = try CommandRunner.run(["inspect", path.path], in: directory)
            XCTAssertEqual(result.status, 1, "cut at \(length): \(result.standardError)")
            XCTAssertTrue(result.standardError.contains("cut\(length).npy"), result.standardError)
        }
    }

    func testHelpIsAvailableEverywhere() throws {
        for command in [[], ["calibrate"], ["quantize"], ["dequantize"], ["inspect"]] {
            let result = try CommandRunner.run(command + ["--help"], in: directory)
            XCTAssertEqual(result.status, 0)
            XCTAssertTrue(result.standardOutput.contains("USAGE"), command.joined())
        }
    }
}

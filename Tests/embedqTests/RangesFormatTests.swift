import Foundation
import XCTest

/// JSON ranges work wherever `.npy` ranges do — calibrate → quantize → search → index build →
/// index search — and give the same bytes and hits; errors and exit statuses follow one
/// convention.
final class RangesFormatTests: XCTestCase {
    var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("embedq-ranges-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    func run(_ arguments: [String]) throws -> CommandRunner.Result {
        try CommandRunner.run(arguments, in: directory)
    }

    func data(_ name: String) throws -> Data {
        try Data(contentsOf: directory.appendingPathComponent(name))
    }

    func testJSONRangesGiveTheSameCodesAndHitsAsNPYRanges() throws {
        let corpus = try SharedData.file("golden/quantize/minilm_calibrated/embeddings.npy").path
        try Data((0..<130).map { "doc-\($0)\n" }.joined().utf8).write(to: directory.appendingPathComponent("ids.txt"))
        var outputs: [String: [String]] = [:]
        for format in ["npy", "json"] {
            let ranges = "ranges.\(format)"
            var steps: [[String]] = [
                ["calibrate", corpus, "-o", ranges],
                ["quantize", corpus, "-p", "int8", "--ranges", ranges, "-o", "int8-\(format).npy"],
                ["quantize", corpus, "-p", "ternary", "--ranges", ranges, "-o", "ternary-\(format).npy"],
                ["index", "build", corpus, "--ids", "ids.txt", "--precision", "int4", "--rescore", "int8", "--ranges", ranges,
                 "--output", "index-\(format).embq"],
            ]
            for step in steps {
                let result = try run(step)
                XCTAssertEqual(result.status, 0, "\(step): \(result.standardError)")
            }
            steps = [
                ["search", corpus, "--queries", corpus, "--precision", "int8", "--ranges", ranges, "-k", "5", "--json"],
                ["search", corpus, "--queries", corpus, "--precision", "ternary", "--ranges", ranges, "-k", "5", "--json"],
                ["search", corpus, "--queries", corpus, "--precision", "binary", "--ranges", ranges, "-k", "5",
                 "--rescore", "4", "--rescore-with", "int8", "--json"],
                ["search", "int8-\(format).npy", "--queries", "int8-\(format).npy", "--precision", "int8", "--ranges", ranges, "-k", "3", "--json"],
                ["search", "index-\(format).embq", "--queries", corpus, "-k", "5", "--json"],
                ["search", "index-\(format).embq", "--queries", corpus, "-k", "5", "--rescore", "3", "--json"],
            ]
            outputs[format] = try steps.map { step in
                let result = try run(step)
                XCTAssertEqual(result.status, 0, "\(step): \(result.standardError)")
                XCTAssertEqual(result.standardOutput.split(separator: "\n").count, 130, "\(step)")
                return result.standardOutput
            }
        }
        XCTAssertEqual(try data("int8-json.npy"), try data("int8-npy.npy"))
        XCTAssertEqual(try data("ternary-json.npy"), try data("ternary-npy.npy"))
        XCTAssertEqual(outputs["json"], outputs["npy"])
    }

    func testErrorsAreReportedOneWayWithOneExitStatusConvention() throws {
        // A malformed command line: usage error, exit status 64.
        var result = try run(["search"])
        XCTAssertEqual(result.status, 64, result.standardError)
        XCTAssertTrue(result.standardError.hasPrefix("embedq: error: "), result.standardError)
        // A failing command: exit status 1, the file named.
        result = try run(["search", "missing.npy", "--queries", "missing.npy", "--precision", "int8"])
        XCTAssertEqual(result.status, 1, result.standardError)
        XCTAssertTrue(result.standardError.hasPrefix("embedq: error: missing.npy"), result.standardError)
        XCTAssertEqual(result.standardOutput, "")
        // Malformed JSON ranges: the file and the problem.
        try Data("{\"minimums\": [0, 1]".utf8).write(to: directory.appendingPathComponent("bad.json"))
        result = try run(["dequantize", "codes.npy", "-p", "int8", "--ranges", "bad.json", "-o", "out.npy"])
        XCTAssertEqual(result.status, 1, result.standardError)
        XCTAssertTrue(result.standardError.contains("embedq: error: malformed ranges: bad.json"), result.standardError)
        // Help is data: standard output, exit status 0.
        result = try run(["search", "--help"])
        XCTAssertEqual(result.status, 0)
        XCTAssertTrue(result.standardOutput.contains("USAGE"), result.standardOutput)
    }
}

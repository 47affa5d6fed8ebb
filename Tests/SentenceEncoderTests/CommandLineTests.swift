import Foundation
import XCTest

/// `embedq tokenize` and `embedq embed`, run as the built binary on real data.
final class CommandLineTests: XCTestCase {
    /// The built `embedq`; a failure, never a skip, when it is absent.
    func binary() throws -> URL {
        try BuiltProducts.executable("embedq")
    }

    func run(_ arguments: [String], stdin: Data? = nil) throws -> (status: Int32, stdout: Data, stderr: String) {
        let process = Process()
        process.executableURL = try binary()
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        if let stdin {
            let input = Pipe()
            process.standardInput = input
            try process.run()
            input.fileHandleForWriting.write(stdin)
            try input.fileHandleForWriting.close()
        } else {
            try process.run()
        }
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, stdout, stderr)
    }

    func testTokenizePrintsGoldenIDs() throws {
        let model = try SharedData.modelFolder()
        let cases = try SharedData.jsonLines(SharedData.file("golden/tokenizer_cases.jsonl")).prefix(40)
        let input = cases.map { "{\"text\":" + String(decoding: try! JSONSerialization.data(withJSONObject: $0["text"]!, options: .fragmentsAllowed), as: UTF8.self) + "}" }
            .joined(separator: "\n")
        let result = try run(["tokenize", "--model", model.path, "-"], stdin: Data(input.utf8))
        XCTAssertEqual(result.status, 0, result.stderr)
        let lines = String(decoding: result.stdout, as: UTF8.self).split(separator: "\n")
        XCTAssertEqual(lines.count, cases.count)
        for (line, testCase) in zip(lines, cases) {
            let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            XCTAssertEqual(object["input_ids"] as? [Int], testCase["input_ids"] as? [Int])
        }
    }

    func testEmbedWritesNormalizedRowsInInputOrder() throws {
        let model = try SharedData.modelFolder()
        let folder = try temporaryFolder(for: self)
        let input = folder.appendingPathComponent("in.jsonl"), output = folder.appendingPathComponent("out.npy")
        try "{\"text\": \"a longer sentence about vitamin D and cancer risk\"}\n{\"text\": \"short\"}\n\n{\"text\": \"\"}\n"
            .write(to: input, atomically: true, encoding: .utf8)
        let result = try run(["embed", "--model", model.path, input.path, "--output", output.path, "--batch-size", "2"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stderr.contains("3 texts"), result.stderr)
        XCTAssertTrue(result.stderr.contains("tokens/s"), result.stderr)
        let matrix = try SharedData.float32Matrix(npy: output)
        XCTAssertEqual(matrix.rows, 3)
        XCTAssertEqual(matrix.columns, 384)
        let encoder = try SentenceEncoderTestSupport.encoder(model)
        let expected = try encoder.encodeRowMajor(["a longer sentence about vitamin D and cancer risk", "short", ""])
        XCTAssertLessThan(zip(matrix.values, expected).map { abs($0 - $1) }.max()!, 1e-6)
    }

    func testFailuresExitNonZeroWithAMessage() throws {
        let folder = try temporaryFolder(for: self)
        let good = folder.appendingPathComponent("good.jsonl")
        try "{\"text\": \"ok\"}\n".write(to: good, atomically: true, encoding: .utf8)
        let missing = try run(["embed", "--model", folder.appendingPathComponent("absent").path, good.path, "--output", "/dev/null"])
        XCTAssertNotEqual(missing.status, 0)
        XCTAssertTrue(missing.stderr.contains("absent"), missing.stderr)
        let input = folder.appendingPathComponent("in.jsonl")
        try "{\"text\": \"ok\"}\nnot json\n".write(to: input, atomically: true, encoding: .utf8)
        let model = try SharedData.modelFolder()
        let bad = try run(["tokenize", "--model", model.path, input.path])
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.stderr.contains("in.jsonl:2"), bad.stderr)
    }
}

import Foundation
import XCTest

/// `embedq embed --stream` end to end with the real all-MiniLM-L6-v2 on SciFact documents: its
/// lines, decoded with `JSONSerialization` and `Data(base64Encoded:)`, hold the bytes of the rows
/// `embedq embed` + `embedq quantize` write for the same texts (read with ``PlainNPY``), in input
/// order, with error lines in place of bad lines.
final class EmbedStreamCommandTests: XCTestCase {
    static let documentCount = 20

    private var directory: URL!
    private var model: URL!

    override func setUpWithError() throws {
        model = try SharedData.file("models/all-MiniLM-L6-v2/config.json").deletingLastPathComponent()
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("embedq-stream-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    private func write(_ objects: [[String: Any]], to name: String, extraLines: [Int: String] = [:]) throws -> URL {
        var lines = try objects.map { String(decoding: try JSONSerialization.data(withJSONObject: $0), as: UTF8.self) }
        for (position, line) in extraLines.sorted(by: { $0.key < $1.key }) { lines.insert(line, at: position) }
        let url = directory.appendingPathComponent(name)
        try Data(lines.joined(separator: "\n").utf8).write(to: url)
        return url
    }

    private func run(_ arguments: [String], input: URL? = nil) throws -> CommandRunner.Result {
        let result = try CommandRunner.run(arguments, in: directory, standardInput: input)
        XCTAssertEqual(result.status, 0, "\(arguments.joined(separator: " ")): \(result.standardError)")
        return result
    }

    /// The output lines as objects.
    private func objects(_ output: String) throws -> [[String: Any]] {
        try output.split(separator: "\n").map { try XCTUnwrap(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
    }

    func testStreamLinesHoldTheBytesOfEmbedAndQuantize() throws {
        let documents = try sciFactDocuments(Self.documentCount)
        let texts = try write(documents.map { ["text": $0.text] }, to: "texts.jsonl")
        // Ids: strings, with integers for every third document; two bad lines and a blank one in between.
        let records = documents.enumerated().map { index, document -> [String: Any] in
            ["id": index % 3 == 0 ? index as Any : document.id as Any, "text": document.text]
        }
        let stream = try write(records, to: "stream.jsonl", extraLines: [4: "{\"id\": \"bad-1\"}", 9: "", 17: "[not an object"])
        try _ = run(["embed", "--model", model.path, texts.path, "--output", "float.npy"])
        try _ = run(["calibrate", "float.npy", "-o", "ranges.npy"])
        try _ = run(["quantize", "float.npy", "-p", "int8", "--ranges", "ranges.npy", "-o", "int8.npy"])
        try _ = run(["quantize", "float.npy", "-p", "ubinary", "-o", "ubinary.npy"])
        let cases: [(arguments: [String], file: String, key: String)] = [
            (["--batch-size", "7"], "float.npy", "embedding"),
            (["--precision", "int8", "--ranges", "ranges.npy", "--batch-size", "32", "--threads", "1"], "int8.npy", "codes"),
            (["--precision", "ubinary", "--batch-size", "1"], "ubinary.npy", "codes"),
        ]
        for (arguments, file, key) in cases {
            let result = try run(["embed", "--stream", "--model", model.path] + arguments, input: stream)
            let lines = try objects(result.standardOutput)
            XCTAssertEqual(lines.count, documents.count + 2, arguments.joined(separator: " "))
            XCTAssertEqual(lines[4]["id"] as? String, "bad-1")
            XCTAssertEqual(lines[4]["error"] as? String, "line 5: expected a string field \"text\"")
            XCTAssertTrue(lines[16]["id"] is NSNull)
            XCTAssertEqual(lines[16]["error"] as? String, "line 18: not valid JSON")
            let answers = lines.enumerated().filter { ![4, 16].contains($0.offset) }.map(\.element)
            let expected = try PlainNPY(contentsOf: directory.appendingPathComponent(file))
            let rowBytes = expected.data.count / documents.count
            for (index, answer) in answers.enumerated() {
                XCTAssertEqual("\(answer["id"]!)", index % 3 == 0 ? "\(index)" : documents[index].id)
                XCTAssertEqual(answer.count, 2)
                let bytes = try XCTUnwrap(Data(base64Encoded: XCTUnwrap(answer[key] as? String)), "\(file) row \(index)")
                XCTAssertEqual(Array(bytes), Array(expected.data[(index * rowBytes)..<((index + 1) * rowBytes)]), "\(file) row \(index)")
            }
            XCTAssertTrue(result.standardError.contains("embedq: stream: \(documents.count + 2) lines (2 errors)"), result.standardError)
        }
    }

    func testTruncationNormalizationAndPromptsGoThroughTheStream() throws {
        let documents = try sciFactDocuments(8)
        let texts = try write(documents.map { ["text": $0.text] }, to: "texts.jsonl")
        let stream = try write(documents.map { ["id": $0.id, "text": $0.text] }, to: "stream.jsonl")
        let options = ["--dimensions", "100", "--normalize", "--prompt", "passage: "]
        try _ = run(["embed", "--model", model.path, texts.path, "--output", "small.npy"] + options)
        let result = try run(["embed", "--stream", "--model", model.path, "-"] + options, input: stream)
        let expected = try PlainNPY(contentsOf: directory.appendingPathComponent("small.npy"))
        XCTAssertEqual(expected.shape, [documents.count, 100])
        let lines = try objects(result.standardOutput)
        XCTAssertEqual(lines.count, documents.count)
        for (index, line) in lines.enumerated() {
            let bytes = try XCTUnwrap(Data(base64Encoded: XCTUnwrap(line["embedding"] as? String)))
            XCTAssertEqual(Array(bytes), Array(expected.data[(index * 400)..<((index + 1) * 400)]))
        }
    }

    func testOptionsThatCannotStreamAreRefusedBeforeLoadingTheModel() throws {
        let cases: [([String], String)] = [
            (["embed", "--stream", "--precision", "int8"], "needs --ranges"),
            (["embed", "--stream", "--output", "x.npy"], "no --output"),
            (["embed", "texts.jsonl"], "--output"),
            (["embed", "--output", "x.npy"], "input"),
        ]
        for (arguments, message) in cases {
            let result = try CommandRunner.run(arguments + ["--model", "/nonexistent"], in: directory)
            XCTAssertNotEqual(result.status, 0, arguments.joined(separator: " "))
            XCTAssertTrue(result.standardError.contains(message), "\(arguments): \(result.standardError)")
        }
    }
}

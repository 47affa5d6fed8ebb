import EmbedQTestSupport
import EmbeddingQuantization
import EmbeddingStream
import Foundation
import SentenceEncoder
import XCTest

/// ``StreamEncoder`` and ``EmbeddingStream/run(_:input:output:maximumLineBytes:afterBatch:)``
/// with the real all-MiniLM-L6-v2 on SciFact documents: every batch size gives the bytes of one
/// whole-corpus encode + quantize, bad lines get error lines in place, and setups that cannot
/// give those bytes are refused. (The CLI tests compare with `embedq embed` + `embedq quantize`.)
final class StreamEncoderTests: XCTestCase {
    static let documentCount = 12

    private static func encoder() throws -> SentenceEncoder {
        try SentenceEncoder(folder: SharedData.file("models/all-MiniLM-L6-v2/config.json").deletingLastPathComponent(),
                            threadCount: 2)
    }

    /// The first SciFact documents as MTEB encodes them: `title + " " + text`, stripped.
    static func scifactTexts(_ count: Int) throws -> [String] {
        let corpus = try String(contentsOf: SharedData.file("datasets/scifact/corpus.jsonl"), encoding: .utf8)
        return try corpus.split(separator: "\n").prefix(count).map { line in
            let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let title = object["title"] as? String ?? "", text = object["text"] as? String ?? ""
            return (title.isEmpty ? text : title + " " + text).trimmingCharacters(in: .whitespacesAndNewlines)
        }
    }

    func testEveryBatchSizeGivesTheBytesOfOneWholeEncodeAndQuantize() throws {
        let encoder = try Self.encoder()
        let texts = try Self.scifactTexts(Self.documentCount)
        let whole = try EmbeddingMatrix(rowCount: texts.count, dimension: encoder.dimension, values: encoder.encodeRowMajor(texts))
        let ranges = try Calibration.ranges(from: whole)
        let records = texts.enumerated().map { StreamRecord(id: .integer(Int64($0.offset)), text: $0.element, line: $0.offset + 1) }
        let cases: [(Precision, Int)] = [(.float32, 1), (.float32, 5), (.float32, 32), (.int8, 5), (.ubinary, 5), (.float16, 5)]
        for (precision, batchSize) in cases {
            let expected = try EmbeddingQuantizer(precision: precision, ranges: precision.needsCalibration ? ranges : nil).quantize(whole)
            let stream = try StreamEncoder(encoder: encoder, precision: precision, ranges: ranges, batchSize: batchSize)
            // Records arrive in stream batches of `batchSize`, as EmbeddingStream.run hands them over.
            var rows: [UInt8] = []
            for start in stride(from: 0, to: records.count, by: batchSize) {
                for row in stream.encode(Array(records[start..<min(start + batchSize, records.count)])) {
                    rows += try row.get()
                }
            }
            XCTAssertEqual(rows, expected.codes, "\(precision) in batches of \(batchSize)")
        }
    }

    func testBadLinesGetErrorLinesInPlaceAndTheStreamGoesOn() throws {
        let encoder = try Self.encoder()
        let texts = try Self.scifactTexts(3)
        let stream = try StreamEncoder(encoder: encoder, precision: .ubinary, batchSize: 2)
        let input = [
            #"{"id": "a", "text": \#(Self.quoted(texts[0]))}"#,
            #"{"id": "b", "text": 5}"#,
            "",
            "{broken",
            #"{"id": 7, "text": \#(Self.quoted(texts[1]))}"#,
            #"{"id": "c", "text": \#(Self.quoted(texts[2]))}"#,
        ].joined(separator: "\n")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("embedq-stream-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let inputURL = directory.appendingPathComponent("in.jsonl"), outputURL = directory.appendingPathComponent("out.jsonl")
        try Data(input.utf8).write(to: inputURL)
        let inputDescriptor = open(inputURL.path, O_RDONLY)
        let outputDescriptor = open(outputURL.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        var seen: [EmbeddingStream.Summary] = []
        let summary = try EmbeddingStream.run(stream, input: inputDescriptor, output: outputDescriptor) { seen.append($0) }
        close(inputDescriptor)
        close(outputDescriptor)
        XCTAssertEqual(summary.responses, 5)
        XCTAssertEqual(summary.errors, 2)
        XCTAssertEqual(seen.map(\.responses), [2, 4, 5])
        let lines = try String(contentsOf: outputURL, encoding: .utf8).split(separator: "\n")
        let objects = try lines.map { try XCTUnwrap(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        XCTAssertEqual(objects.count, 5)
        XCTAssertEqual(objects[1]["id"] as? String, "b")
        XCTAssertEqual(objects[1]["error"] as? String, "line 2: expected a string field \"text\"")
        XCTAssertTrue(objects[2]["id"] is NSNull)
        XCTAssertEqual(objects[2]["error"] as? String, "line 4: not valid JSON")
        let expected = try EmbeddingQuantizer(precision: .ubinary).quantize(
            EmbeddingMatrix(rowCount: 3, dimension: 384, values: encoder.encodeRowMajor(texts)))
        for (position, (object, id)) in zip([objects[0], objects[3], objects[4]], ["a", "7", "c"]).enumerated() {
            XCTAssertEqual("\(object["id"]!)", id)
            let codes = try XCTUnwrap(Data(base64Encoded: XCTUnwrap(object["codes"] as? String)))
            XCTAssertEqual(Array(codes), Array(expected[row: position]), "line of id \(id)")
        }
    }

    func testSetupsThatCannotGiveTheSameBytesAreRefused() throws {
        let encoder = try Self.encoder()
        XCTAssertThrowsError(try StreamEncoder(encoder: encoder, precision: .int8)) {
            XCTAssertEqual($0 as? StreamSetupError, .missingRanges(.int8))
        }
        let narrow = try Calibration.ranges(from: EmbeddingMatrix(rowCount: 2, dimension: 8, values: (0..<16).map(Float.init)))
        XCTAssertThrowsError(try StreamEncoder(encoder: encoder, precision: .uint8, ranges: narrow)) {
            XCTAssertEqual($0 as? StreamSetupError, .rangesDimensionMismatch(ranges: 8, model: 384))
        }
        let plain = try Calibration.ranges(from: EmbeddingMatrix(rowCount: 2, dimension: 384, values: (0..<768).map { Float($0 % 7) }))
        XCTAssertThrowsError(try StreamEncoder(encoder: encoder, precision: .rabitq2, ranges: plain)) {
            XCTAssertEqual($0 as? StreamSetupError, .missingRotation(.rabitq2))
        }
        XCTAssertThrowsError(try StreamEncoder(encoder: encoder, batchSize: 0)) {
            XCTAssertEqual($0 as? StreamSetupError, .invalidBatchSize(0))
        }
        XCTAssertThrowsError(try StreamEncoder(encoder: encoder, prompt: .named("no-such-prompt")))
        // Binary output needs no ranges and ignores any given.
        XCTAssertNil(try StreamEncoder(encoder: encoder, precision: .binary, ranges: narrow).quantizer.ranges)
    }

    private static func quoted(_ text: String) -> String {
        String(decoding: try! JSONSerialization.data(withJSONObject: [text], options: [.fragmentsAllowed]), as: UTF8.self)
            .dropFirst().dropLast().description
    }
}

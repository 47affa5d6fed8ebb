#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import EmbedQTestSupport
@testable import EmbeddingCollection
import EmbeddingQuantization
@testable import EmbeddingStream
import Foundation
import SentenceEncoder
import XCTest

/// ``SegmentStream`` with the real all-MiniLM-L6-v2 on SciFact documents: a segment built from a
/// stream and attached holds the codes `upsert` gives the same vectors (binary fast codes, int8
/// finer codes with fixed ranges) and searches alike; attaching it again does nothing; bad lines
/// are reported and skipped; a later line with the same id wins; setups that cannot give those
/// codes are refused before reading. (The CLI tests compare with `embedq collection add --texts`.)
final class SegmentStreamTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("embedq-segment-stream-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    private static func encoder() throws -> SentenceEncoder {
        try SentenceEncoder(folder: SharedData.file("models/all-MiniLM-L6-v2/config.json").deletingLastPathComponent(),
                            threadCount: 2)
    }

    private func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    /// Runs ``SegmentStream/build(_:for:input:errors:to:maximumLineBytes:afterBatch:)`` over
    /// `lines` (joined by newlines) and returns its summary and its error lines.
    private func build(_ lines: [String], with encoder: StreamEncoder, for configuration: CollectionConfiguration,
                       to segment: String) throws -> (SegmentStream.Summary, [[String: Any]]) {
        let input = path("input-\(UUID().uuidString).jsonl"), errors = path("errors-\(UUID().uuidString).jsonl")
        try Data(lines.joined(separator: "\n").utf8).write(to: URL(fileURLWithPath: input))
        let inputDescriptor = open(input, O_RDONLY)
        let errorDescriptor = open(errors, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        XCTAssertGreaterThanOrEqual(inputDescriptor, 0)
        XCTAssertGreaterThanOrEqual(errorDescriptor, 0)
        defer { close(inputDescriptor); close(errorDescriptor) }
        let summary = try SegmentStream.build(encoder, for: configuration, input: inputDescriptor, errors: errorDescriptor, to: segment)
        let errorLines = try String(contentsOfFile: errors, encoding: .utf8).split(separator: "\n").map {
            try XCTUnwrap(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        return (summary, errorLines)
    }

    private static func line(_ object: [String: Any]) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
    }

    func testAttachedStreamSegmentHoldsTheCodesOfUpsertAndSearchesAlike() throws {
        let encoder = try Self.encoder()
        let texts = try StreamEncoderTests.scifactTexts(8)
        let ids = texts.indices.map { "doc-\($0)" }
        let vectors = try EmbeddingMatrix(rowCount: texts.count, dimension: encoder.dimension, values: encoder.encodeRowMajor(texts))
        let configuration = CollectionConfiguration(
            dimension: encoder.dimension, precision: .binary, rescoring: .int8, ranges: try Calibration.ranges(from: vectors))
        let payloads = texts.indices.map { Payload(["n": .integer(Int64($0)), "even": .bool($0 % 2 == 0)]) }

        // The reference: one upsert of the whole-corpus vectors (what `collection add --texts` does), flushed.
        let reference = try VectorCollection.create(at: path("reference"), configuration: configuration, autoFlushRows: nil)
        defer { reference.close() }
        try reference.upsert(ids: ids, vectors: vectors, payloads: payloads)
        try reference.flush()

        // The stream: batches of 3, a bad line and an unreadable payload in the middle, a blank line.
        var lines = try texts.indices.map { try Self.line(["id": ids[$0], "text": texts[$0], "payload": ["n": $0, "even": $0 % 2 == 0] as [String: Any]]) }
        lines.insert("{\"id\": \"bad\", \"text\": 17}", at: 3)
        lines.insert("", at: 5)
        lines.insert("{\"id\": \"nested\", \"text\": \"x\", \"payload\": {\"a\": {\"b\": 1}}}", at: 7)
        let segment = path("stream.segment")
        let (summary, errorLines) = try build(lines, with: StreamEncoder(encoder: encoder, batchSize: 3), for: configuration, to: segment)
        XCTAssertEqual(summary.points, texts.count)
        XCTAssertEqual(summary.lines, texts.count + 2)
        XCTAssertEqual(summary.errors, 2)
        XCTAssertEqual(summary.replaced, 0)
        XCTAssertFalse(summary.tookEveryLine)
        XCTAssertEqual(errorLines.count, 2)
        XCTAssertEqual(errorLines.first?["id"] as? String, "bad")
        XCTAssertEqual(errorLines.first?["error"] as? String, "line 4: expected a string field \"text\"")
        XCTAssertEqual(errorLines.last?["id"] as? String, "nested")
        XCTAssertEqual(errorLines.last?["error"] as? String, StreamLineError.invalidPayload(line: 8).description)

        let target = try VectorCollection.create(at: path("target"), configuration: configuration, autoFlushRows: nil)
        defer { target.close() }
        var report = try target.attach(segments: [segment])
        XCTAssertEqual(report, AttachReport(attached: 1, alreadyAttached: 0, points: texts.count, replaced: 0))

        let queries = try EmbeddingMatrix(rowCount: 3, dimension: encoder.dimension, values: encoder.encodeRowMajor(
            ["What do cancer cells do?", "vitamin D deficiency", "How is the brain affected by aging?"]))
        let expectedCodes = reference.snapshot().codes(ids + ["bad"])
        XCTAssertEqual(expectedCodes.compactMap { $0 }.count, texts.count)
        XCTAssertEqual(expectedCodes.first??.fast.count, 48)
        XCTAssertEqual(expectedCodes.first??.rescoring.count, 384)
        let expectedHits = try reference.snapshot().search(queries, k: 5, rescoreMultiplier: 2, payloads: true)
        for attempt in ["after attach", "after attaching again"] {
            let snapshot = target.snapshot()
            XCTAssertEqual(snapshot.count, texts.count, attempt)
            XCTAssertEqual(snapshot.codes(ids + ["bad"]), expectedCodes, attempt)
            XCTAssertEqual(try snapshot.get(ids).map(\.payload), payloads.map { Optional($0) }, attempt)
            XCTAssertEqual(try snapshot.search(queries, k: 5, rescoreMultiplier: 2, payloads: true), expectedHits, attempt)
            XCTAssertEqual(try snapshot.search(queries, k: 3), try reference.snapshot().search(queries, k: 3), attempt)
            report = try target.attach(segments: [segment])
            XCTAssertEqual(report, AttachReport(attached: 0, alreadyAttached: 1, points: 0, replaced: 0), attempt)
        }
        try target.verify()
    }

    func testALaterLineWithTheSameIdWinsAndAnEmptyStreamGivesAnEmptySegment() throws {
        let encoder = try Self.encoder()
        let texts = try StreamEncoderTests.scifactTexts(3)
        let vectors = try EmbeddingMatrix(rowCount: 3, dimension: encoder.dimension, values: encoder.encodeRowMajor(texts))
        let configuration = CollectionConfiguration(dimension: encoder.dimension, precision: .binary, rescoring: .float16)
        let reference = try VectorCollection.create(at: path("reference"), configuration: configuration, autoFlushRows: nil)
        defer { reference.close() }
        try reference.upsert(ids: ["a", "7"], vectors: EmbeddingMatrix(
            rowCount: 2, dimension: encoder.dimension, values: Array(vectors.values[(2 * encoder.dimension)...] + vectors.values[(encoder.dimension)..<(2 * encoder.dimension)])))
        // Integer ids become their digits; the third line replaces the first.
        let lines = try [Self.line(["id": "a", "text": texts[0]]), Self.line(["id": 7, "text": texts[1]]), Self.line(["id": "a", "text": texts[2]]),
                         Self.line(["id": "", "text": texts[0]])]
        let segment = path("dup.segment")
        let (summary, errorLines) = try build(lines, with: StreamEncoder(encoder: encoder, batchSize: 2), for: configuration, to: segment)
        XCTAssertEqual(summary, SegmentStream.Summary(lines: 4, points: 2, errors: 1, replaced: 1, batches: 2))
        XCTAssertEqual(errorLines.first?["error"] as? String, "line 4: \"id\" is empty")
        let target = try VectorCollection.create(at: path("target"), configuration: configuration, autoFlushRows: nil)
        defer { target.close() }
        try target.attach(segments: [segment])
        XCTAssertEqual(target.snapshot().codes(["a", "7"]), reference.snapshot().codes(["a", "7"]))
        XCTAssertEqual(target.snapshot().count, 2)

        let empty = path("empty.segment")
        let (nothing, noErrors) = try build([], with: StreamEncoder(encoder: encoder), for: configuration, to: empty)
        XCTAssertEqual(nothing, SegmentStream.Summary())
        XCTAssertTrue(noErrors.isEmpty)
        XCTAssertEqual(try target.attach(segments: [empty]).attached, 1)
        XCTAssertEqual(target.snapshot().count, 2)
    }

    func testSetupsThatCannotGiveTheCollectionsCodesAreRefusedBeforeReading() throws {
        let encoder = try Self.encoder()
        let ranges = try Calibration.ranges(from: EmbeddingMatrix(
            rowCount: 2, dimension: encoder.dimension, values: (0..<(2 * encoder.dimension)).map { Float($0 % 7) - 3 }))
        let int8 = CollectionConfiguration(dimension: encoder.dimension, precision: .int8, ranges: ranges)
        let cases: [(StreamEncoder, CollectionConfiguration, StreamSetupError)] = [
            (try StreamEncoder(encoder: encoder, precision: .int8, ranges: ranges), int8, .segmentNeedsFloatVectors(.int8)),
            (try StreamEncoder(encoder: encoder), CollectionConfiguration(dimension: 32, precision: .binary),
             .collectionDimensionMismatch(collection: 32, model: encoder.dimension)),
            (try StreamEncoder(encoder: encoder), CollectionConfiguration(dimension: encoder.dimension, precision: .binary, rescoring: .int8),
             .collectionWithoutRanges),
        ]
        for (stream, configuration, expected) in cases {
            // The input is never read: a descriptor that would fail every read.
            XCTAssertThrowsError(try SegmentStream.build(stream, for: configuration, input: -1, errors: -1, to: path("never.segment"))) { error in
                XCTAssertEqual(error as? StreamSetupError, expected)
                XCTAssertFalse((error as? StreamSetupError)?.description.isEmpty ?? true)
            }
            XCTAssertFalse(FileManager.default.fileExists(atPath: path("never.segment")))
        }
    }
}

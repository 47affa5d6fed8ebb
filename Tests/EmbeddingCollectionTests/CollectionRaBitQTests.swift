import EmbedQTestSupport
import EmbeddingQuantization
import EmbeddingSearch
import Foundation
import XCTest
@testable import EmbeddingCollection

/// Collections of RaBitQ codes (`rabitq1` … `rabitq4`): the centroid and rotation drawn from the
/// first batch (or given with the ranges) survive the log, the manifest, flushes and merges, and
/// every search returns the best rows of the RaBitQ estimator, whatever the parts.
final class CollectionRaBitQTests: XCTestCase {
    let dimension = 64

    /// `count` clustered unit vectors (seeded), ids `p0` …
    private func corpus(_ count: Int, seed: UInt64) -> (ids: [String], rows: [[Float]]) {
        ((0..<count).map { "p\($0)" }, ClusteredVectors.rows(count, dimension: dimension, seed: seed))
    }

    /// The estimator's score of every live point for `query`: the inner product with the
    /// dequantized codes (`c + scale · Rᵀ·y`, whose inner product with any query is the estimate),
    /// in double precision.
    private func estimates(
        _ query: [Float], ids: [String], rows: [[Float]], precision: Precision, ranges: QuantizationRanges
    ) throws -> [String: Double] {
        let quantizer = EmbeddingQuantizer(precision: precision, ranges: ranges)
        let decoded = try quantizer.dequantize(quantizer.quantize(ClusteredVectors.matrix(rows)))
        var scores: [String: Double] = [:]
        for (row, id) in ids.enumerated() {
            let values = Array(decoded[row: row])
            var sum = 0.0
            for column in 0..<dimension { sum += Double(query[column]) * Double(values[column]) }
            scores[id] = sum
        }
        return scores
    }

    /// Checks that `hits` are the best `k` of `oracle` (ids with their scores within 10⁻⁴; near
    /// ties may swap).
    private func assertBest(_ hits: [CollectionHit], of oracle: [String: Double], k: Int, _ context: String) {
        let best = oracle.values.sorted(by: >).prefix(k)
        XCTAssertEqual(hits.count, min(k, oracle.count), context)
        for (hit, expected) in zip(hits, best) {
            guard let own = oracle[hit.id] else { return XCTFail("\(context): \(hit.id) is not a live, allowed point") }
            XCTAssertEqual(hit.score, own, accuracy: 1e-4, "\(context): \(hit.id)")
            XCTAssertEqual(hit.score, expected, accuracy: 1e-4, "\(context): rank of \(hit.id)")
        }
    }

    func testRaBitQCodesThroughMemoryLogReplayFlushMergeAndReopen() throws {
        let directory = try CollectionTestData.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (ids, rows) = corpus(300, seed: 16)
        let queries = ClusteredVectors.rows(12, dimension: dimension, seed: 17)
        let configuration = CollectionConfiguration(dimension: dimension, precision: .rabitq2, rescoring: .int8, calibrationRows: 50)
        var collection: VectorCollection? = try VectorCollection.create(at: directory, configuration: configuration, autoFlushRows: nil)
        func write(_ range: Range<Int>) throws -> WriteReport {
            try collection!.upsert(
                ids: Array(ids[range]), vectors: ClusteredVectors.matrix(Array(rows[range])),
                payloads: range.map { Payload(["batch": .integer(Int64($0 / 100))]) })
        }
        XCTAssertTrue(try write(0..<100).calibrated)
        // The first batch gave the centroid (its mean) and the rotation (the default seed).
        let ranges = try XCTUnwrap(collection!.snapshot().configuration.ranges)
        let rotation = try XCTUnwrap(ranges.rotation)
        XCTAssertEqual(rotation.seed, RaBitQRotation.defaultSeed)
        XCTAssertEqual(rotation.centroid, RaBitQRotation.mean(of: ClusteredVectors.matrix(Array(rows[0..<100]))))
        XCTAssertEqual(rotation, try RaBitQRotation.random(dimension: dimension, seed: RaBitQRotation.defaultSeed, centroid: rotation.centroid))
        XCTAssertFalse(try write(100..<200).calibrated)

        var live = Set(ids[0..<200])
        func check(_ context: String) throws {
            let snapshot = collection!.snapshot()
            XCTAssertEqual(snapshot.configuration.ranges, ranges, context)
            XCTAssertEqual(Set(snapshot.ids), live, context)
            let liveIDs = ids.filter(live.contains), liveRows = ids.indices.filter { live.contains(ids[$0]) }.map { rows[$0] }
            let results = try snapshot.search(ClusteredVectors.matrix(queries), k: 10)
            XCTAssertEqual(results.metric, .innerProduct, context)
            for (index, query) in queries.enumerated() {
                let oracle = try estimates(query, ids: liveIDs, rows: liveRows, precision: .rabitq2, ranges: ranges)
                assertBest(results.hits[index], of: oracle, k: 10, "\(context), query \(index)")
                // Filtered: the best of the allowed live points alone.
                let allowed = Set(liveIDs.enumerated().filter { $0.offset % 3 == index % 3 }.map(\.element))
                let filtered = try snapshot.search(ClusteredVectors.matrix([query]), k: 10, filter: PayloadFilter(must: [.hasID(allowed)]))
                assertBest(filtered.hits[0], of: oracle.filter { allowed.contains($0.key) }, k: 10, "\(context), filtered query \(index)")
            }
            // Rescored with the int8 codes: a stored vector finds itself first.
            let own = try XCTUnwrap(ids.indices.first { live.contains(ids[$0]) && $0 % 7 == 3 })
            let rescored = try snapshot.search(ClusteredVectors.matrix([rows[own]]), k: 1, rescoreMultiplier: 8)
            XCTAssertEqual(rescored.hits[0].first?.id, ids[own], context)
            // Each point holds the codes the quantizer gives with the collection's ranges.
            let expected = try EmbeddingQuantizer(precision: .rabitq2, ranges: ranges).quantize(ClusteredVectors.matrix([rows[own]]))
            XCTAssertEqual(snapshot.codes([ids[own]]).first??.fast, Array(expected[row: 0]), context)
        }
        try check("two batches in memory")
        collection = nil
        collection = try VectorCollection(opening: directory, autoFlushRows: nil)
        try check("after replaying the log (the first record carries the rotation)")
        try collection!.flush()
        _ = try write(200..<300)
        live.formUnion(ids[200..<300])
        _ = try collection!.delete(ids: ["p3", "p150", "p250"])
        live.subtract(["p3", "p150", "p250"])
        try check("a segment and memory, with deletions")
        try collection!.flush()
        collection = nil
        collection = try VectorCollection(opening: directory, autoFlushRows: nil)
        try check("two segments, reopened (the manifest keeps the rotation)")
        XCTAssertEqual(try collection!.merge(.all).segmentsWritten, 1)
        try check("merged into one segment")
        try collection!.verify()
        collection = nil
        collection = try VectorCollection(opening: directory, writable: false)
        try check("reopened read-only")
    }

    func testGivenRotationBinaryWithRaBitQFinerCodesAndRefusals() throws {
        let (ids, rows) = corpus(120, seed: 18)
        let matrix = ClusteredVectors.matrix(rows)
        let rotation = try RaBitQRotation.random(dimension: dimension, seed: 99, centroid: RaBitQRotation.mean(of: matrix))
        let ranges = try Calibration.ranges(from: matrix).withRotation(rotation)

        // Binary fast codes, rabitq4 finer codes with a given rotation: kept as given.
        let directory = try CollectionTestData.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var collection: VectorCollection? = try VectorCollection.create(
            at: directory, configuration: CollectionConfiguration(dimension: dimension, precision: .binary, rescoring: .rabitq4, ranges: ranges),
            autoFlushRows: nil)
        XCTAssertFalse(try collection!.upsert(ids: ids, vectors: matrix).calibrated)
        try collection!.flush()
        collection = nil
        collection = try VectorCollection(opening: directory, autoFlushRows: nil)
        let snapshot = collection!.snapshot()
        XCTAssertEqual(snapshot.configuration.ranges?.rotation, rotation)
        for row in [0, 57, 119] {
            let results = try snapshot.search(ClusteredVectors.matrix([rows[row]]), k: 5, rescoreMultiplier: 24)
            XCTAssertEqual(results.hits[0].first?.id, ids[row])
            // Rescored scores are the rabitq4 estimator's.
            let oracle = try estimates(rows[row], ids: ids, rows: rows, precision: .rabitq4, ranges: ranges)
            for hit in results.hits[0] { XCTAssertEqual(hit.score, oracle[hit.id]!, accuracy: 1e-4, hit.id) }
        }

        // Ranges without a rotation for RaBitQ codes, and an HNSW graph over them, are refused by
        // name before anything is written.
        let refused: [(CollectionConfiguration, [String])] = [
            (CollectionConfiguration(dimension: dimension, precision: .rabitq1, ranges: try Calibration.ranges(from: matrix)), ["rabitq1", "rotation"]),
            (CollectionConfiguration(dimension: dimension, precision: .int8, rescoring: .rabitq3, ranges: try Calibration.ranges(from: matrix)), ["rabitq3", "rotation"]),
            (CollectionConfiguration(dimension: dimension, precision: .rabitq1, index: .hnsw(.init())), ["rabitq1", "HNSW"]),
        ]
        for (configuration, words) in refused {
            let other = try CollectionTestData.temporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: other) }
            XCTAssertThrowsError(try VectorCollection.create(at: other, configuration: configuration)) { error in
                guard case .invalidConfiguration(let reason) = error as? CollectionError else { return XCTFail("\(error)") }
                for word in words { XCTAssertTrue(reason.contains(word), reason) }
            }
            XCTAssertFalse(FileManager.default.fileExists(atPath: other + "/MANIFEST"))
        }
    }

    /// A segment's RaBitQ codes are read whole on open: a flipped byte among them is still caught
    /// by the section's CRC-32C, naming the file.
    func testFlippedRaBitQCodeByteOfASegmentIsAChecksumError() throws {
        let directory = try CollectionTestData.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (ids, rows) = corpus(80, seed: 19)
        let collection = try VectorCollection.create(
            at: directory, configuration: CollectionConfiguration(dimension: dimension, precision: .rabitq3, calibrationRows: 10), autoFlushRows: nil)
        try collection.upsert(ids: ids, vectors: ClusteredVectors.matrix(rows))
        try collection.flush()
        collection.close()
        try FastCodeCorruption.assertFlippedByteIsAChecksumError(in: directory)
    }

    /// The log record of a first batch carries the rotation exactly; a truncated one fails to
    /// decode with a reason; the manifest's stored rotation checks its size.
    func testLogRecordAndManifestKeepTheRotation() throws {
        let d = 5
        let rotation = try RaBitQRotation.random(dimension: d, seed: 3, centroid: [0.1, -0.2, 0.3, 0, 1])
        let ranges = try QuantizationRanges(minimums: [-1, -1, -1, -1, -1], maximums: [1, 1, 1, 1, 1], rotation: rotation)
        let record = LogRecord(sequence: 1, ranges: ranges, operations: [.upsert(id: "a", fast: [1, 2, 3], rescoring: [], payload: [])])
        let bytes = record.encoded(fastWidth: 3, rescoringWidth: 0)
        XCTAssertEqual(try LogRecord(decoding: bytes, fastWidth: 3, rescoringWidth: 0, dimension: d), record)
        // Cut inside the rotation's matrix.
        XCTAssertThrowsError(try LogRecord(decoding: Array(bytes.prefix(bytes.count - 20)), fastWidth: 3, rescoringWidth: 0, dimension: d))
        // A rotation flag without ranges is not a record this code writes.
        var flagged = LogRecord(sequence: 2, ranges: nil, operations: [.delete(id: "a")]).encoded(fastWidth: 3, rescoringWidth: 0)
        flagged[9] = 2
        XCTAssertThrowsError(try LogRecord(decoding: flagged, fastWidth: 3, rescoringWidth: 0, dimension: d)) { error in
            XCTAssertTrue("\(error)".contains("flags"), "\(error)")
        }

        let stored = Manifest.StoredRanges(ranges)
        XCTAssertEqual(try stored.ranges(), ranges)
        var cut = stored
        cut.rotation?.matrix.removeLast()
        XCTAssertThrowsError(try cut.ranges()) { error in
            XCTAssertTrue("\(error)".contains("rotation"), "\(error)")
        }
    }
}

import EmbedQTestSupport
import EmbeddingQuantization
import EmbeddingStore
import Foundation
import XCTest
@testable import EmbeddingCollection

/// Damaged collection files: a torn log tail is dropped (the batch was never acknowledged),
/// every other damage is a typed error naming the file; a bounded, seeded fuzz of the log and
/// manifest readers never crashes and never yields a state that did not exist.
final class CollectionCorruptionTests: XCTestCase {
    let dimension = 16

    /// A collection with `batches` logged batches of 4 points each (`c<b>-<j>`), and its files.
    private func makeCollection(batches: Int, flushFirst: Bool = false) throws -> (directory: String, log: String) {
        let directory = try CollectionTestData.temporaryDirectory()
        let collection = try VectorCollection.create(
            at: directory, configuration: CollectionConfiguration(dimension: dimension, precision: .binary, rescoring: .int8, calibrationRows: 4),
            autoFlushRows: nil)
        for batch in 0..<batches {
            let ids = (0..<4).map { "c\(batch)-\($0)" }
            try collection.upsert(ids: ids, vectors: CollectionTestData.matrix(ids, dimension: dimension), payloads: ids.map { Payload(["id": .string($0)]) })
            if flushFirst, batch == 0 { try collection.flush() }
        }
        collection.close()
        let log = try FileManager.default.contentsOfDirectory(atPath: directory).first { $0.hasPrefix("wal-") }!
        return (directory, directory + "/" + log)
    }

    /// The batches whose points are all present; fails when a batch is half present.
    private func batchesPresent(_ snapshot: CollectionSnapshot, of total: Int) -> Int? {
        let live = Set(snapshot.ids)
        var complete = 0
        for batch in 0..<total {
            let present = (0..<4).filter { live.contains("c\(batch)-\($0)") }.count
            if present == 4 { complete += 1 } else if present != 0 { return nil }
        }
        return complete
    }

    func testTornLogTailIsDroppedAndWritingContinues() throws {
        var generator = SeededGenerator(seed: 77)
        for _ in 0..<6 {
            let (directory, log) = try makeCollection(batches: 3)
            defer { try? FileManager.default.removeItem(atPath: directory) }
            var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: log)))
            let frames = try LogFormat.scan(
                bytes[LogFormat.headerSize...], base: LogFormat.headerSize, nextSequence: 1,
                layout: LogFormat.Layout(fastWidth: 2, rescoringWidth: 16, dimension: dimension), path: log)
            XCTAssertEqual(frames.records.count, 3)
            var frameStart = LogFormat.headerSize
            for _ in 0..<2 {
                let length = Int(bytes[frameStart]) | Int(bytes[frameStart + 1]) << 8 | Int(bytes[frameStart + 2]) << 16 | Int(bytes[frameStart + 3]) << 24
                frameStart += LogFormat.frameHeaderSize + length
            }
            let lastFrameSize = bytes.count - frameStart
            let cut = Int.random(in: 1..<max(2, lastFrameSize), using: &generator)
            bytes.removeLast(cut)
            try Data(bytes).write(to: URL(fileURLWithPath: log))
            let collection = try VectorCollection(opening: directory, autoFlushRows: nil)
            XCTAssertEqual(batchesPresent(collection.snapshot(), of: 3), 2, "cut \(cut) bytes")
            try collection.upsert(ids: ["after"], vectors: CollectionTestData.matrix(["after"], dimension: dimension))
            XCTAssertEqual(collection.snapshot().sequence, 3)
            collection.close()
            let reopened = try VectorCollection(opening: directory, writable: false)
            XCTAssertEqual(reopened.snapshot().count, 9)
        }
    }

    func testDamageBeforeTheTailNamesTheFile() throws {
        let (directory, log) = try makeCollection(batches: 3, flushFirst: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: log)))
        bytes[LogFormat.headerSize + 20] ^= 0x40
        try Data(bytes).write(to: URL(fileURLWithPath: log))
        assertCorrupt(directory, file: log, "a flipped byte in the first of two frames")

        let manifest = directory + "/MANIFEST"
        let good = try Data(contentsOf: URL(fileURLWithPath: manifest))
        var damaged = [UInt8](good)
        damaged[damaged.count - 3] ^= 1
        try Data(damaged).write(to: URL(fileURLWithPath: manifest))
        assertCorrupt(directory, file: manifest, "a flipped byte in the manifest body")
        try Data(good.prefix(30)).write(to: URL(fileURLWithPath: manifest))
        assertCorrupt(directory, file: manifest, "a truncated manifest")
        try good.write(to: URL(fileURLWithPath: manifest))

        let segment = try FileManager.default.contentsOfDirectory(atPath: directory).first { $0.hasPrefix("segment-") }.map { directory + "/" + $0 }!
        let segmentBytes = try Data(contentsOf: URL(fileURLWithPath: segment))
        try Data(segmentBytes.prefix(segmentBytes.count - 10)).write(to: URL(fileURLWithPath: segment))
        XCTAssertThrowsError(try VectorCollection(opening: directory, writable: false)) { error in
            guard case .segment(let inner) = error as? CollectionError else { return XCTFail("\(error)") }
            XCTAssertTrue(inner.description.contains(segment), inner.description)
        }
    }

    /// A segment's fast codes are streamed from the file into the search layout on open (never
    /// read whole): a flipped byte among them is still caught by the section's CRC-32C.
    func testFlippedFastCodeByteOfASegmentIsAChecksumErrorNamingTheFile() throws {
        let (directory, _) = try makeCollection(batches: 2, flushFirst: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FastCodeCorruption.assertFlippedByteIsAChecksumError(in: directory)
    }

    private func assertCorrupt(_ directory: String, file: String, _ context: String) {
        XCTAssertThrowsError(try VectorCollection(opening: directory, writable: false), context) { error in
            guard case .corruptFile(let path, _) = error as? CollectionError else { return XCTFail("\(context): \(error)") }
            XCTAssertEqual(path, file, context)
        }
    }

    /// Seeded mutations (flipped bytes, truncations) of the log: opening either fails with a
    /// typed error or shows a prefix of the batches, never a half batch or a crash. Every
    /// mutation of the manifest fails.
    func testBoundedFuzzOfLogAndManifestReaders() throws {
        let (directory, log) = try makeCollection(batches: 4)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let logBytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: log)))
        let manifest = directory + "/MANIFEST"
        let manifestBytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: manifest)))
        var generator = SeededGenerator(seed: 0xF022)
        var opened = 0, refused = 0
        for round in 0..<120 {
            var bytes = logBytes
            if round % 3 == 0 {
                bytes.removeLast(Int.random(in: 1..<bytes.count, using: &generator))
            } else {
                for _ in 0..<(1 + round % 2) { bytes[Int.random(in: 0..<bytes.count, using: &generator)] ^= UInt8.random(in: 1...255, using: &generator) }
            }
            try Data(bytes).write(to: URL(fileURLWithPath: log))
            do {
                let collection = try VectorCollection(opening: directory, writable: false)
                XCTAssertNotNil(batchesPresent(collection.snapshot(), of: 4), "round \(round): a half batch")
                opened += 1
            } catch {
                XCTAssertEqual(error.kind, .corrupt, "round \(round): \(error)")
                refused += 1
            }
        }
        try Data(logBytes).write(to: URL(fileURLWithPath: log))
        for round in 0..<60 {
            var bytes = manifestBytes
            if round % 3 == 0 {
                bytes.removeLast(Int.random(in: 1..<bytes.count, using: &generator))
            } else {
                bytes[Int.random(in: 0..<bytes.count, using: &generator)] ^= UInt8.random(in: 1...255, using: &generator)
            }
            try Data(bytes).write(to: URL(fileURLWithPath: manifest))
            XCTAssertThrowsError(try VectorCollection(opening: directory, writable: false), "manifest round \(round)") { error in
                XCTAssertEqual((error as? CollectionError)?.kind, .corrupt, "manifest round \(round): \(error)")
            }
        }
        XCTAssertGreaterThan(opened, 0)
        XCTAssertGreaterThan(refused, 0)
    }
}

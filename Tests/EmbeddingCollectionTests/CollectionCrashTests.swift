import EmbedQTestSupport
import EmbeddingGraph
import EmbeddingQuantization
import Foundation
import XCTest
@testable import EmbeddingCollection

/// kill -9 at seeded moments while a writer adds, deletes, flushes and merges: after reopening,
/// every acknowledged batch is present (or deleted by an acknowledged delete) and no batch is
/// half applied.
///
/// The writer is this test binary re-run in a child mode (`testWriterChild` with
/// `EMBEDQ_COLLECTION_CRASH_CHILD` naming the directory). Step `s` upserts the 8 points
/// `s<s>-<j>` (payload `{"step": s}`), or for `s % 3 == 2` deletes those of step `s - 2`; after
/// each acknowledged step it appends a line to a progress file (which a killed process does not
/// lose), then flushes every 4th step and merges every 7th. The next child continues at the
/// step after the last acknowledged one. The work is counted, not timed: a fixed number of kills.
final class CollectionCrashTests: XCTestCase {
    static let childVariable = "EMBEDQ_COLLECTION_CRASH_CHILD"
    static let dimension = 32
    static let pointsPerStep = 8

    static func ids(step: Int) -> [String] { (0..<pointsPerStep).map { "s\(step)-\($0)" } }

    func testKillingTheWriterLosesNoAcknowledgedBatch() throws {
        try killRepeatedly(CollectionConfiguration(dimension: Self.dimension, precision: .binary, rescoring: .float16), seed: 0xC011)
    }

    /// The same with an HNSW graph per segment, built inside every flush and merge: a kill during
    /// a build leaves the previous state, and every segment the manifest lists opens with its graph.
    func testKillingAGraphWriterLosesNoAcknowledgedBatch() throws {
        try killRepeatedly(
            CollectionConfiguration(
                dimension: Self.dimension, precision: .binary, rescoring: .float16,
                index: .hnsw(HNSWParameters(connectivity: 8, efConstruction: 400, seed: 3))),
            seed: 0x6AF)
    }

    private func killRepeatedly(_ configuration: CollectionConfiguration, seed: UInt64) throws {
        let directory = try CollectionTestData.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let progress = directory + ".progress"
        defer { try? FileManager.default.removeItem(atPath: progress) }
        XCTAssertTrue(FileManager.default.createFile(atPath: progress, contents: nil))
        do {
            _ = try VectorCollection.create(at: directory, configuration: configuration)
        }
        var generator = SeededGenerator(seed: seed)
        let kills = 12
        let deadline = Date().addingTimeInterval(300)
        var acknowledgedSeen = 0
        for kill in 0..<kills {
            guard Date() < deadline else { return XCTFail("only \(kill) of \(kills) kills in 300 s") }
            let before = Self.acknowledged(progress)
            let steps = Int.random(in: 1...3, using: &generator)
            let delay = UInt32.random(in: 0...15_000, using: &generator)
            let child = Process()
            child.executableURL = URL(fileURLWithPath: "/proc/self/exe")
            child.arguments = ["EmbeddingCollectionTests.CollectionCrashTests/testWriterChild"]
            var environment = ProcessInfo.processInfo.environment
            environment[Self.childVariable] = directory
            child.environment = environment
            child.standardOutput = FileHandle.nullDevice
            child.standardError = FileHandle.nullDevice
            try child.run()
            while Self.acknowledged(progress) < before + steps, child.isRunning, Date() < deadline { usleep(500) }
            XCTAssertTrue(child.isRunning, "the writer child stopped by itself")
            usleep(delay)
            Foundation.kill(child.processIdentifier, SIGKILL)
            child.waitUntilExit()
            let acknowledged = Self.acknowledged(progress)
            acknowledgedSeen = acknowledged
            try check(directory: directory, acknowledged: acknowledged, context: "kill \(kill)")
        }
        XCTAssertGreaterThan(acknowledgedSeen, 2 * kills, "the writer made too little progress between kills")
    }

    /// Reopens the collection (recovery) and checks it against the acknowledged steps.
    private func check(directory: String, acknowledged: Int, context: String) throws {
        let collection = try VectorCollection(opening: directory, autoFlushRows: nil)
        defer { collection.close() }
        try collection.verify()
        let snapshot = collection.snapshot()
        if snapshot.configuration.index != .flat {
            XCTAssertTrue(snapshot.state.segments.allSatisfy { $0.graph?.rowCount == $0.rowCount }, "\(context): a segment without its graph")
        }
        let live = Set(snapshot.ids)
        var expectedMinimum = 0
        for step in 0...(acknowledged + 2) where step % 3 != 2 {
            let ids = Self.ids(step: step)
            let present = ids.filter(live.contains).count
            XCTAssertTrue(present == 0 || present == ids.count, "\(context): step \(step) is half applied (\(present) points)")
            // Step s + 2 deletes step s when it is a delete step (s % 3 == 0).
            let deletedByAcknowledged = step % 3 == 0 && step + 2 < acknowledged
            let deletedMaybe = step % 3 == 0 && step + 2 == acknowledged
            if step < acknowledged, !deletedByAcknowledged, !deletedMaybe {
                XCTAssertEqual(present, ids.count, "\(context): acknowledged step \(step) is missing")
                expectedMinimum += present
            }
            if deletedByAcknowledged { XCTAssertEqual(present, 0, "\(context): step \(step) survived its acknowledged delete") }
            if step > acknowledged { XCTAssertEqual(present, 0, "\(context): step \(step) was never written") }
            if present > 0 {
                XCTAssertEqual(try snapshot.get([ids[3]]).first?.payload, Payload(["step": .integer(Int64(step))]), context)
            }
        }
        XCTAssertGreaterThanOrEqual(live.count, expectedMinimum, context)
    }

    static func acknowledged(_ progress: String) -> Int {
        (FileManager.default.contents(atPath: progress) ?? Data()).filter { $0 == UInt8(ascii: "\n") }.count
    }

    /// The writer loop (a child process); without the variable, a short in-process run of the
    /// same steps whose result is checked.
    func testWriterChild() throws {
        guard let directory = ProcessInfo.processInfo.environment[Self.childVariable] else {
            let directory = try CollectionTestData.temporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let collection = try VectorCollection.create(
                at: directory, configuration: CollectionConfiguration(dimension: Self.dimension, precision: .binary, rescoring: .float16))
            for step in 0..<15 { try Self.run(step: step, on: collection) }
            collection.close()
            try check(directory: directory, acknowledged: 15, context: "in-process run")
            return
        }
        let progress = directory + ".progress"
        let collection = try VectorCollection(opening: directory, autoFlushRows: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: progress))
        var step = Self.acknowledged(progress)
        while true {
            try Self.run(step: step, on: collection)
            handle.seekToEndOfFile()
            handle.write(Data("\(step)\n".utf8))
            step += 1
            if step % 4 == 0 { try collection.flush() }
            if step % 7 == 0 { try collection.merge(.tiered(factor: 2)) }
        }
    }

    static func run(step: Int, on collection: VectorCollection) throws {
        if step % 3 == 2 {
            try collection.delete(ids: ids(step: step - 2))
        } else {
            let ids = ids(step: step)
            try collection.upsert(
                ids: ids, vectors: CollectionTestData.matrix(ids, dimension: dimension),
                payloads: ids.map { _ in Payload(["step": .integer(Int64(step))]) })
        }
    }
}

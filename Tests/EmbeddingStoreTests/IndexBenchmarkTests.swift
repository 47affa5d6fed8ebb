import Foundation
import XCTest
import EmbeddingQuantization
@testable import EmbeddingStore

/// A binary + int8 index of 384 dimensions through its life: create, open (in a fresh child
/// process, this binary re-run, so that its peak RSS is not inflated by building the data),
/// rescoring-like reads through the mapping and with `pread`, verify, add, delete and compact,
/// each checked against the codes written. By default 2 000 rows (a second of work); with
/// `EMBEDQ_STORE_BENCHMARK=ROWS` (e.g. 1000000) the same steps at that size also print their
/// times and resident memory (a measurement, never asserted).
final class IndexBenchmarkTests: XCTestCase {
    static let openVariable = "EMBEDQ_STORE_BENCHMARK_OPEN"

    func testLargeIndex() throws {
        let rows = Int(ProcessInfo.processInfo.environment["EMBEDQ_STORE_BENCHMARK"] ?? "") ?? 2_000
        let dimension = 384
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/bench.embq"

        var generator = SeededGenerator(seed: 1)
        func randomBytes(_ count: Int) -> [UInt8] {
            var bytes = [UInt8](repeating: 0, count: count)
            bytes.withUnsafeMutableBytes { buffer in
                let words = buffer.bindMemory(to: UInt64.self)
                for index in words.indices { words[index] = generator.next() }
            }
            return bytes
        }
        let ranges = try QuantizationRanges(minimums: [Float](repeating: -0.2, count: dimension), maximums: [Float](repeating: 0.2, count: dimension))
        let ids = (0..<rows).map { "doc-\($0)" }
        var fast: QuantizedEmbeddings? = try QuantizedEmbeddings(precision: .binary, rowCount: rows, dimension: dimension, codes: randomBytes(rows * dimension / 8))
        var rescoring: QuantizedEmbeddings? = try QuantizedEmbeddings(precision: .int8, rowCount: rows, dimension: dimension, codes: randomBytes(rows * dimension), ranges: ranges)
        var clock = ContinuousClock.now
        func lap() -> Double {
            let now = ContinuousClock.now
            defer { clock = now }
            let elapsed = now - clock
            return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        }
        _ = lap()
        try IndexFile.create(at: path, fast: fast!, rescoring: rescoring, ids: ids, metadata: IndexMetadata(modelName: "bench"))
        let createSeconds = lap()
        // Rows to check after every change: the first, the last and a few between.
        let probes = Array(Set([0, rows / 3, rows / 2, rows - 1])).sorted()
        let probeCodes = probes.map { (fast!.codes[($0 * 48)..<(($0 + 1) * 48)], rescoring!.codes[($0 * dimension)..<(($0 + 1) * dimension)]) }
        func checkProbes(_ index: OpenIndex, rowOf: (Int) -> Int, _ step: String) throws {
            for (probe, codes) in zip(probes, probeCodes) {
                let row = rowOf(probe)
                XCTAssertEqual(index.ids[row], "doc-\(probe)", step)
                XCTAssertEqual(Array(index.fast[row: row]), Array(codes.0), "\(step): fast codes of doc-\(probe)")
                XCTAssertEqual(Array(try XCTUnwrap(index.rescoring)[row: row]), Array(codes.1), "\(step): int8 codes of doc-\(probe)")
            }
        }
        fast = nil
        rescoring = nil
        let size = try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int ?? 0
        print(String(format: "store bench: %d × %d binary + int8: create %.2f s, file %.1f MB", rows, dimension, createSeconds, Double(size) / 1e6))

        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/proc/self/exe")
        child.arguments = ["EmbeddingStoreTests.IndexBenchmarkTests/testChildOpen"]
        child.environment = ProcessInfo.processInfo.environment.merging([Self.openVariable: path]) { $1 }
        let pipe = Pipe()
        child.standardOutput = pipe
        try child.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        child.waitUntilExit()
        for line in output.split(separator: "\n") where line.hasPrefix("store bench") { print(line) }
        XCTAssertEqual(child.terminationStatus, 0, "the child that opens the index failed:\n\(output)")
        XCTAssertTrue(output.contains("store bench: verify"), "the child did not get to verify:\n\(output)")
        try checkProbes(IndexFile.open(at: path, verify: true), rowOf: { $0 }, "after create")

        let newIDs = (0..<1000).map { "new-\($0)" }
        _ = lap()
        try IndexFile.add(
            to: path, ids: newIDs,
            fast: QuantizedEmbeddings(precision: .binary, rowCount: 1000, dimension: dimension, codes: randomBytes(1000 * dimension / 8)),
            rescoring: QuantizedEmbeddings(precision: .int8, rowCount: 1000, dimension: dimension, codes: randomBytes(1000 * dimension), ranges: ranges))
        let addSeconds = lap()
        XCTAssertEqual(try IndexFile.open(at: path).count, rows + 1000)
        // Delete every seventh document (at most 1 000), never a probe.
        let deleted = Array(stride(from: 7, to: rows, by: 7).filter { !probes.contains($0) }.prefix(1000))
        let report = try IndexFile.delete(ids: deleted.map { "doc-\($0)" }, from: path)
        let deleteSeconds = lap()
        XCTAssertEqual(report.deletedCount, deleted.count)
        XCTAssertEqual(try IndexFile.compact(at: path), deleted.count, "compact drops the deleted rows")
        let compactSeconds = lap()
        let compacted = try IndexFile.open(at: path, verify: true)
        XCTAssertEqual(compacted.rowCount, rows + 1000 - deleted.count)
        try checkProbes(compacted, rowOf: { probe in probe - deleted.filter { $0 < probe }.count }, "after compact")
        print(String(format: "store bench: add 1000 %.2f s, delete 1000 %.2f s, compact %.2f s (each rewrites the file)", addSeconds, deleteSeconds, compactSeconds))
    }

    /// In the child `testLargeIndex` starts: open, rescoring-like reads, verify; prints times and
    /// resident memory. In the test run itself: the same on a small index of known codes, every
    /// row read (through the mapping and with `pread`) checked against the codes written.
    func testChildOpen() throws {
        if let path = ProcessInfo.processInfo.environment[Self.openVariable] {
            return try openAndRead(path: path, expected: nil)
        }
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/small.embq"
        let ids = (0..<500).map { "doc-\($0)" }
        let fast = StoreTestData.codes(ids, precision: .binary, dimension: 384)
        let rescoring = StoreTestData.codes(ids, precision: .int8, ranges: try QuantizationRanges(
            minimums: [Float](repeating: -0.2, count: 384), maximums: [Float](repeating: 0.2, count: 384)), dimension: 384)
        try IndexFile.create(at: path, fast: fast, rescoring: rescoring, ids: ids)
        try openAndRead(path: path, expected: rescoring.codes)
    }

    /// Opens `path`, reads rows as rescoring does and verifies; `expected` (the rescoring codes,
    /// row-major) checks every row read.
    private func openAndRead(path: String, expected: [UInt8]?) throws {
        let before = residentKilobytes()
        let start = ContinuousClock.now
        let index = try IndexFile.open(at: path)
        let openTime = ContinuousClock.now - start
        let afterOpen = residentKilobytes()
        // Rescoring-like reads: batches of 25 queries × 40 candidate rows.
        var generator = SeededGenerator(seed: 9)
        var sum = 0
        let rescoring = try XCTUnwrap(index.rescoring)
        let width = rescoring.bytesPerVector
        var mismatches = 0
        func readRows(_ count: Int) {
            for _ in 0..<count {
                let row = Int.random(in: 0..<index.rowCount, using: &generator)
                sum &+= rescoring[row: row].reduce(0) { $0 &+ Int($1) }
                if let expected, !rescoring[row: row].elementsEqual(expected[(row * width)..<((row + 1) * width)]) { mismatches += 1 }
            }
        }
        readRows(1000)
        let afterBatch = residentKilobytes()
        rescoring.releaseResidentPages()
        var batchedPeak = 0
        for _ in 0..<40 {
            readRows(1000)
            batchedPeak = max(batchedPeak, residentKilobytes().current)
            rescoring.releaseResidentPages()
        }
        readRows(40_000)
        let unreleased = residentKilobytes()
        rescoring.releaseResidentPages()
        let released = residentKilobytes()
        // The same 40 000 reads with pread (copyRows): 25 queries' candidates at a time.
        var candidates = [UInt8](repeating: 0, count: 1000 * rescoring.bytesPerVector)
        let preadStart = ContinuousClock.now
        for _ in 0..<40 {
            let rows = (0..<1000).map { _ in Int.random(in: 0..<index.rowCount, using: &generator) }.sorted()
            try candidates.withUnsafeMutableBytes { (buffer) throws in try rescoring.copyRows(rows, into: buffer) }
            sum &+= Int(candidates[0])
            if let expected {
                for (position, row) in rows.enumerated()
                where !candidates[(position * width)..<((position + 1) * width)].elementsEqual(expected[(row * width)..<((row + 1) * width)]) {
                    mismatches += 1
                }
            }
        }
        XCTAssertEqual(mismatches, 0, "rows read back differ from the codes written")
        let preadTime = ContinuousClock.now - preadStart
        let afterPread = residentKilobytes()
        let verifyStart = ContinuousClock.now
        try index.verify()
        let verifyTime = ContinuousClock.now - verifyStart
        let afterVerify = residentKilobytes()
        print("""
            store bench: open \(openTime) (page cache warm); RSS before open \(before.current / 1024) MB, after open \(afterOpen.current / 1024) MB
            store bench: RSS after 1000 rescoring row reads \(afterBatch.current / 1024) MB; 40 × 1000 reads releasing pages after each batch: max \(batchedPeak / 1024) MB
            store bench: 40000 reads without releasing: \(unreleased.current / 1024) MB, after releaseResidentPages \(released.current / 1024) MB
            store bench: 40000 rows with copyRows (pread): \(preadTime), RSS \(afterPread.current / 1024) MB
            store bench: verify \(verifyTime), RSS after verify \(afterVerify.current / 1024) MB [\(sum % 2)]
            """)
    }

    private func residentKilobytes() -> (current: Int, peak: Int) {
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        func field(_ name: String) -> Int {
            guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix(name) }) else { return 0 }
            return Int(line.split(separator: " ").dropFirst().first { Int($0) != nil } ?? "") ?? 0
        }
        return (field("VmRSS:"), field("VmHWM:"))
    }
}

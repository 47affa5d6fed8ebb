import Foundation
import XCTest
import EmbeddingQuantization
@testable import EmbeddingStore

/// Measures a large binary + int8 index: create, open time, resident memory after opening and
/// after rescoring-like reads, verify, add, delete and compact. Skipped unless
/// `EMBEDQ_STORE_BENCHMARK=ROWS` (e.g. 1000000); dimension 384. Opening is measured in a fresh
/// child process (this binary re-run) so that its peak RSS is not inflated by building the data.
final class IndexBenchmarkTests: XCTestCase {
    static let openVariable = "EMBEDQ_STORE_BENCHMARK_OPEN"

    func testLargeIndex() throws {
        guard let rows = Int(ProcessInfo.processInfo.environment["EMBEDQ_STORE_BENCHMARK"] ?? "") else { return }
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

        let newIDs = (0..<1000).map { "new-\($0)" }
        _ = lap()
        try IndexFile.add(
            to: path, ids: newIDs,
            fast: QuantizedEmbeddings(precision: .binary, rowCount: 1000, dimension: dimension, codes: randomBytes(1000 * dimension / 8)),
            rescoring: QuantizedEmbeddings(precision: .int8, rowCount: 1000, dimension: dimension, codes: randomBytes(1000 * dimension), ranges: ranges))
        let addSeconds = lap()
        try IndexFile.delete(ids: (0..<1000).map { "doc-\($0 * 7)" }, from: path)
        let deleteSeconds = lap()
        try IndexFile.compact(at: path)
        let compactSeconds = lap()
        print(String(format: "store bench: add 1000 %.2f s, delete 1000 %.2f s, compact %.2f s (each rewrites the file)", addSeconds, deleteSeconds, compactSeconds))
    }

    /// Child mode: open, rescoring-like reads, verify; prints times and resident memory.
    func testChildOpen() throws {
        guard let path = ProcessInfo.processInfo.environment[Self.openVariable] else { return }
        let before = residentKilobytes()
        let start = ContinuousClock.now
        let index = try IndexFile.open(at: path)
        let openTime = ContinuousClock.now - start
        let afterOpen = residentKilobytes()
        // Rescoring-like reads: batches of 25 queries × 40 candidate rows.
        var generator = SeededGenerator(seed: 9)
        var sum = 0
        let rescoring = try XCTUnwrap(index.rescoring)
        func readRows(_ count: Int) {
            for _ in 0..<count {
                let row = Int.random(in: 0..<index.rowCount, using: &generator)
                sum &+= rescoring[row: row].reduce(0) { $0 &+ Int($1) }
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
        }
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

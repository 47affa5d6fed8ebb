import Dispatch
import EmbedQTestSupport
import EmbeddingQuantization
import EmbeddingSearch
import EmbeddingStore
import Foundation
import XCTest

@testable import EmbeddingIndex

/// One index instance shared by 8 threads at once answers every search exactly (bitwise) as it
/// answers alone, for the indexes that claim `Sendable`: ``FlatIndex`` (bit and byte codes),
/// ``AsymmetricIndex`` over memory-mapped codes, ``RefineIndex`` over memory-mapped finer codes,
/// and ``SearchableIndex`` (its fast pass over the mapped file, rescoring through ``MappedCodes``,
/// with and without the live-row copy). Seeded random corpora; each thread runs several searches
/// with 1 or 2 search threads of its own, interleaved with the others.
final class SharedIndexThreadTests: XCTestCase {
    static let threadCount = 8
    var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("embedq-threads-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    func matrix(rows: Int, dimension d: Int, seed: UInt64) -> EmbeddingMatrix {
        var rng = SeededGenerator(seed: seed)
        let values = (0..<(rows * d)).map { _ in Float.random(in: -1...1, using: &rng) }
        return try! EmbeddingMatrix(rowCount: rows, dimension: d, values: values)
    }

    /// Results collected from many threads.
    final class Collected: @unchecked Sendable {
        private let lock = NSLock()
        private var results: [Int: Result<SearchResults, any Error>] = [:]

        func set(_ key: Int, _ result: Result<SearchResults, any Error>) {
            lock.lock()
            defer { lock.unlock() }
            results[key] = result
        }

        var all: [Int: Result<SearchResults, any Error>] {
            lock.lock()
            defer { lock.unlock() }
            return results
        }
    }

    /// Runs `rounds` searches of each of `batches` on each of 8 threads at once and compares every
    /// answer with the single-threaded one, bitwise (`SearchResults` equality compares the Double
    /// scores exactly).
    func assertSharedSearchIsExact(
        _ name: String, _ index: some VectorIndex, batches: [EmbeddingMatrix], k: Int, parameters: SearchParameters = SearchParameters(),
        file: StaticString = #filePath, line: UInt = #line
    ) throws {
        var alone = parameters
        alone.threads = 1
        let expected = try batches.map { try index.search($0, k: k, parameters: alone) }
        XCTAssertTrue(expected.allSatisfy { $0.count > 0 && $0.hits.allSatisfy { $0.count == k } }, name, file: file, line: line)
        let rounds = 3
        let collected = Collected()
        DispatchQueue.concurrentPerform(iterations: Self.threadCount) { member in
            for round in 0..<rounds {
                for (b, batch) in batches.enumerated() {
                    var shared = parameters
                    shared.threads = 1 + (member + round) % 2
                    let key = (member * rounds + round) * batches.count + b
                    collected.set(key, Result { try index.search(batch, k: k, parameters: shared) })
                }
            }
        }
        let all = collected.all
        XCTAssertEqual(all.count, Self.threadCount * rounds * batches.count, name, file: file, line: line)
        for (key, result) in all.sorted(by: { $0.key < $1.key }) {
            let answer = try result.get()
            XCTAssertEqual(answer, expected[key % batches.count], "\(name): thread \(key / batches.count / rounds) batch \(key % batches.count)", file: file, line: line)
        }
    }

    func testOneInstanceSharedByEightThreadsAnswersAsAlone() throws {
        let corpus = matrix(rows: 3000, dimension: 40, seed: 2024)
        let batches = [matrix(rows: 5, dimension: 40, seed: 1), matrix(rows: 1, dimension: 40, seed: 2)]
        let ranges = try Calibration.ranges(from: corpus)
        let int8 = try EmbeddingQuantizer(precision: .int8, ranges: ranges).quantize(corpus)
        let bits = try EmbeddingQuantizer(precision: .ubinary).quantize(corpus)

        try assertSharedSearchIsExact("FlatIndex float32", FlatIndex(corpus), batches: batches, k: 10)
        try assertSharedSearchIsExact("FlatIndex int8", FlatIndex(int8), batches: batches, k: 10)
        try assertSharedSearchIsExact("FlatIndex ubinary", FlatIndex(bits), batches: batches, k: 10)

        // int8 codes memory-mapped from a file (3 bytes in), as an index file holds them.
        let url = directory.appendingPathComponent("codes.bin")
        try Data([7, 7, 7] + int8.codes).write(to: url)
        let file = try MemoryMappedFile(path: url.path)
        let window = try XCTUnwrap(ByteSlice(file, offset: 3, count: int8.byteCount))
        let mapped = try StoredCodes(precision: .int8, rowCount: 3000, dimension: 40, bytes: window, ranges: ranges)
        try assertSharedSearchIsExact("AsymmetricIndex over mapped int8", AsymmetricIndex(mapped), batches: batches, k: 10)
        try assertSharedSearchIsExact(
            "RefineIndex ubinary → mapped int8", RefineIndex(base: FlatIndex(bits), codes: mapped, multiplier: 5), batches: batches, k: 10)

        // An index file: binary fast pass, int8 rescoring codes read through MappedCodes.
        let path = directory.appendingPathComponent("shared.embq").path
        try IndexBuilder.create(
            at: path, embeddings: corpus, ids: (0..<3000).map { "doc-\($0)" }, precision: .binary, rescoring: .int8)
        try IndexFile.delete(ids: stride(from: 0, to: 3000, by: 7).map { "doc-\($0)" }, from: path)
        for (limit, label) in [(SearchableIndex.defaultDeletedRowLimit, "extra candidates"), (0, "live-row copy")] {
            let index = try SearchableIndex(try IndexFile.open(at: path), deletedRowLimit: limit)
            XCTAssertNotNil(index.rescoring)
            try assertSharedSearchIsExact("SearchableIndex fast pass, \(label)", index, batches: batches, k: 10)
            try assertSharedSearchIsExact(
                "SearchableIndex rescored ×4 (MappedCodes), \(label)", index, batches: batches, k: 10,
                parameters: SearchParameters(rescoreMultiplier: 4))
        }
    }
}

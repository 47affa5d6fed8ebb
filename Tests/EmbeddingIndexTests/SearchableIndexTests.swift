import EmbedQTestSupport
import EmbeddingQuantization
import EmbeddingSearch
import EmbeddingStore
import Foundation
import VectorIndexConformance
import XCTest

@testable import EmbeddingIndex

/// Searching index files: the fast pass equals brute force over the same codes, deleted rows are
/// never returned, and rescoring every row equals an exact search over the finer codes.
final class SearchableIndexTests: XCTestCase {
    var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("embedq-index-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    /// `rows × d` floats uniform in −1 ... 1 from a fixed seed.
    func matrix(rows: Int, dimension d: Int, seed: UInt64) -> EmbeddingMatrix {
        var rng = SplitMix64(seed: seed)
        let values = (0..<(rows * d)).map { _ in Float.random(in: -1...1, using: &rng) }
        return try! EmbeddingMatrix(rowCount: rows, dimension: d, values: values)
    }

    func build(rows: Int = 600, dimension: Int = 72, precision: Precision = .binary, rescoring: Precision? = .int8) throws -> (String, EmbeddingMatrix) {
        let path = directory.appendingPathComponent("test.embq").path
        let corpus = matrix(rows: rows, dimension: dimension, seed: 7)
        try IndexBuilder.create(
            at: path, embeddings: corpus, ids: (0..<rows).map { "doc-\($0)" }, precision: precision, rescoring: rescoring)
        return (path, corpus)
    }

    /// Brute force: every live row scored with `score`, best `k` (by `better`), ties by ascending row.
    func bruteForce(rows: [Int], k: Int, higherIsBetter: Bool, score: (Int) -> Double) -> [SearchHit] {
        let scored = rows.map { SearchHit(row: $0, score: score($0)) }
        let sorted = scored.sorted {
            $0.score != $1.score ? (higherIsBetter ? $0.score > $1.score : $0.score < $1.score) : $0.row < $1.row
        }
        return Array(sorted.prefix(k))
    }

    func hamming(_ a: ArraySlice<UInt8>, _ b: ArraySlice<UInt8>) -> Double {
        Double(zip(a, b).reduce(0) { $0 + ($1.0 ^ $1.1).nonzeroBitCount })
    }

    func testFastPassEqualsBruteForceOverTheSameCodes() throws {
        let (path, corpus) = try build()
        let index = try SearchableIndex(path: path)
        let queries = matrix(rows: 9, dimension: 72, seed: 99)
        let codes = try EmbeddingQuantizer(precision: .binary).quantize(corpus)
        let queryCodes = try EmbeddingQuantizer(precision: .binary).quantize(queries)
        let width = codes.bytesPerVector
        let results = index.documents(try index.search(queries, k: 10))
        XCTAssertEqual(results.count, 9)
        XCTAssertEqual(results.metric, .hammingDistance)
        for q in 0..<9 {
            let query = queryCodes.codes[(q * width)..<((q + 1) * width)]
            let expected = bruteForce(rows: Array(0..<600), k: 10, higherIsBetter: false) {
                hamming(query, codes.codes[($0 * width)..<(($0 + 1) * width)])
            }
            XCTAssertEqual(results[q].map(\.row), expected.map(\.row), "query \(q)")
            XCTAssertEqual(results[q].map(\.score), expected.map(\.score), "query \(q)")
            XCTAssertEqual(results[q].map(\.id), expected.map { "doc-\($0.row)" })
        }
    }

    func testDeletedIDsAreNeverReturnedAndLiveRowsStillRankExactly() throws {
        let (path, corpus) = try build()
        let queries = matrix(rows: 6, dimension: 72, seed: 5)
        // Delete every top-5 hit of every query, plus every third row.
        let index = try SearchableIndex(path: path)
        let before = index.documents(try index.search(queries, k: 5))
        var doomed = Set(before.flatMap { $0.map(\.id) })
        for row in stride(from: 0, to: 600, by: 3) { doomed.insert("doc-\(row)") }
        try IndexFile.delete(ids: Array(doomed), from: path)

        let codes = try EmbeddingQuantizer(precision: .binary).quantize(corpus)
        let queryCodes = try EmbeddingQuantizer(precision: .binary).quantize(queries)
        let width = codes.bytesPerVector
        let liveRows = (0..<600).filter { !doomed.contains("doc-\($0)") }
        let int8 = try EmbeddingQuantizer(precision: .int8, ranges: try Calibration.ranges(from: corpus)).quantize(corpus)
        // The exact oracle: double-precision scores from the raw int8 codes and ranges.
        let finer = StoredCodes(int8)
        // Both ways of skipping deleted rows: extra candidates, and a copy of the live rows only.
        let both = [try SearchableIndex(path: path), try SearchableIndex(try IndexFile.open(at: path), deletedRowLimit: 0)]
        XCTAssertNil(both[0].liveRowMap)
        XCTAssertEqual(both[1].liveRowMap, liveRows)
        for index in both {
            XCTAssertEqual(index.count, 600 - doomed.count)
            for multiplier in [nil, 1, 4, 1000] as [Int?] {
                let results = index.documents(try index.search(queries, k: 10, parameters: SearchParameters(rescoreMultiplier: multiplier)))
                for (q, hits) in results.enumerated() {
                    XCTAssertEqual(hits.count, 10)
                    XCTAssertTrue(doomed.isDisjoint(with: hits.map(\.id)), "deleted id returned for query \(q)")
                    XCTAssertEqual(hits.map(\.id), hits.map { "doc-\($0.row)" })
                }
                if multiplier == nil {
                    for (q, hits) in results.enumerated() {
                        let query = queryCodes.codes[(q * width)..<((q + 1) * width)]
                        let expected = bruteForce(rows: liveRows, k: 10, higherIsBetter: false) {
                            hamming(query, codes.codes[($0 * width)..<(($0 + 1) * width)])
                        }
                        XCTAssertEqual(hits.map(\.row), expected.map(\.row), "query \(q)")
                        XCTAssertEqual(hits.map(\.score), expected.map(\.score), "query \(q)")
                    }
                } else if multiplier == 1000 {
                    for (q, hits) in results.enumerated() {
                        let problems = PlainScoreOracle.problems(
                            hits.map { SearchHit(row: $0.row, score: $0.score) }, codes: finer,
                            query: Array(queries[row: q]), rows: liveRows, k: 10)
                        XCTAssertEqual(problems, [], "query \(q)")
                    }
                }
            }
        }
        // Everything deleted: empty results, no error.
        try IndexFile.delete(ids: liveRows.map { "doc-\($0)" }, from: path)
        for empty in [try SearchableIndex(path: path), try SearchableIndex(try IndexFile.open(at: path), deletedRowLimit: 0)] {
            XCTAssertEqual(try empty.search(queries, k: 3, parameters: SearchParameters(rescoreMultiplier: 2)).hits, Array(repeating: [], count: 6))
        }
    }

    func testRescoringEveryRowEqualsExactSearchOverTheFinerCodes() throws {
        let (path, corpus) = try build()
        let index = try SearchableIndex(path: path)
        let queries = matrix(rows: 7, dimension: 72, seed: 11)
        let int8 = try EmbeddingQuantizer(precision: .int8, ranges: try Calibration.ranges(from: corpus)).quantize(corpus)
        let finer = StoredCodes(int8)
        for multiplier in [60, 1000] {
            let results = try index.search(queries, k: 10, parameters: SearchParameters(rescoreMultiplier: multiplier))
            for q in 0..<7 {
                // The exact oracle: double-precision scores from the raw int8 codes and ranges.
                let problems = PlainScoreOracle.problems(results[q], codes: finer, query: Array(queries[row: q]), rows: Array(0..<600), k: 10)
                XCTAssertEqual(problems, [], "multiplier \(multiplier) query \(q)")
            }
        }
        XCTAssertEqual(try index.search(queries, k: 1, parameters: SearchParameters(rescoreMultiplier: 1)).metric, .innerProduct)
    }

    func testRescoringMatchesTheInMemoryTwoStageSearch() throws {
        let (path, corpus) = try build()
        let index = try SearchableIndex(path: path)
        let queries = matrix(rows: 5, dimension: 72, seed: 3)
        let int8 = try EmbeddingQuantizer(precision: .int8, ranges: try Calibration.ranges(from: corpus)).quantize(corpus)
        let flat = try FlatIndex(try EmbeddingQuantizer(precision: .binary).quantize(corpus))
        let expected = try RefineIndex(base: flat, codes: StoredCodes(int8), multiplier: 4).search(queries, k: 5)
        let results = try index.search(queries, k: 5, parameters: SearchParameters(rescoreMultiplier: 4))
        XCTAssertEqual(results.map { $0.map(\.row) }, expected.map { $0.map(\.row) })
        XCTAssertEqual(results.map { $0.map(\.score) }, expected.map { $0.map(\.score) })
    }

    func testAddedRowsAreQuantizedWithTheIndexCalibrationAndFound() throws {
        let (path, _) = try build(rows: 200)
        let extra = matrix(rows: 3, dimension: 72, seed: 1234)
        try IndexBuilder.add(to: path, embeddings: extra, ids: ["new-a", "new-b", "new-c"])
        let index = try SearchableIndex(path: path)
        XCTAssertEqual(index.count, 203)
        for (row, id) in ["new-a", "new-b", "new-c"].enumerated() {
            let hit = try index.search(Array(extra[row: row]), k: 1, parameters: SearchParameters(rescoreMultiplier: 20))
            XCTAssertEqual(hit.first.map { index.ids[$0.row] }, id)
        }
        XCTAssertThrowsError(try IndexBuilder.add(to: path, embeddings: extra, ids: ["doc-1", "x", "y"])) { error in
            XCTAssertTrue("\(error)".contains("duplicate document id 'doc-1'"), "\(error)")
        }
    }

    func testErrorsNameTheFileAndProblem() throws {
        let (path, _) = try build(rescoring: nil)
        let index = try SearchableIndex(path: path)
        let queries = matrix(rows: 1, dimension: 72, seed: 2)
        XCTAssertThrowsError(try index.search(queries, k: 3, parameters: SearchParameters(rescoreMultiplier: 2))) { error in
            XCTAssertEqual(error as? SearchError, .inIndex(path: path, .noRescoringCodes))
            XCTAssertTrue("\(error)".hasPrefix(path), "\(error)")
        }
        XCTAssertThrowsError(try index.search(queries, k: 0)) { error in
            XCTAssertEqual(error as? SearchError, .inIndex(path: path, .invalidK(0)))
        }
        XCTAssertThrowsError(try index.search(matrix(rows: 1, dimension: 8, seed: 2), k: 1)) { error in
            XCTAssertTrue("\(error)".hasPrefix(path), "\(error)")
        }
        let missing = directory.appendingPathComponent("missing.embq").path
        XCTAssertThrowsError(try SearchableIndex(path: missing)) { error in
            XCTAssertTrue("\(error)".contains(missing), "\(error)")
        }
    }
}

/// The shared seeded generator (SplitMix64).
typealias SplitMix64 = EmbedQTestSupport.SeededGenerator

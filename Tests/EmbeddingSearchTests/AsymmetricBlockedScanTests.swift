import EmbedQTestSupport
import EmbeddingKernels
import EmbeddingQuantization
import XCTest
@testable import EmbeddingSearch

/// The blocked asymmetric scans (`AsymmetricKernels.h`) behind ``AsymmetricIndex`` and rescoring:
/// every kernel variant the CPU has equals ``AsymmetricScorer``'s plain-Swift reference bit for bit
/// (the kernels run the same float operations per row, in dimension order), top-k equals an
/// exhaustive plain scan, and the edges (no rows, one row, NaN queries) behave as documented.
final class AsymmetricBlockedScanTests: XCTestCase {
    static let precisions: [Precision] = [.int8, .uint8, .int4, .ternary, .binary, .ubinary]
    static let dimensions = [1, 7, 13, 63, 65, 383, 385]

    /// Random codes of `precision` with random ranges (one constant dimension when d > 1), so
    /// the weights and constant span several scales.
    func codes(_ precision: Precision, rows: Int, dimension d: Int, seed: UInt64) throws -> StoredCodes {
        var rng = SplitMix64(seed: seed)
        let minimums = (0..<d).map { _ in Float.random(in: -2...0, using: &rng) }
        var maximums = minimums.map { $0 + Float.random(in: 0.01...3, using: &rng) }
        if d > 1 { maximums[d / 2] = minimums[d / 2] }
        let ranges = try QuantizationRanges(minimums: minimums, maximums: maximums)
        let raw = TestData.codes(precision, rows: rows, dimension: d, seed: seed &+ 1)
        let rounding: RoundingMode = seed % 2 == 0 ? .floor : .nearest
        return StoredCodes(try QuantizedEmbeddings(
            precision: precision, rowCount: rows, dimension: d, codes: raw.codes,
            ranges: [.int8, .uint8, .int4].contains(precision) ? ranges : nil, rounding: rounding))
    }

    func testEveryVariantEqualsThePlainReferenceBitForBit() throws {
        XCTAssertEqual(KernelTable.availableLevels.first?.asymmetricVariant, "portable")
        for (p, precision) in Self.precisions.enumerated() {
            for (i, d) in Self.dimensions.enumerated() {
                for rows in [1, 37] {
                    let seed = UInt64(1000 * p + 10 * i + rows)
                    let stored = try codes(precision, rows: rows, dimension: d, seed: seed)
                    let queries = TestData.matrix(rows: 3, dimension: d, seed: seed &+ 7)
                    var index = try AsymmetricIndex(stored)
                    XCTAssertNotNil(index.blocks, "\(precision)")
                    let scorers = try (0..<3).map { try AsymmetricScorer(query: Array(queries[row: $0]), codes: stored) }
                    let width = stored.bytesPerVector
                    let reference: [[Float]] = scorers.map { scorer in
                        stored.bytes.withUnsafeBytes { all in
                            (0..<rows).map { scorer.referenceScore(UnsafeRawBufferPointer(rebasing: all[($0 * width)..<(($0 + 1) * width)])) }
                        }
                    }
                    for kernels in KernelTable.availableLevels {
                        index.kernels = kernels
                        let name = kernels.asymmetricVariant
                        let results = try index.search(queries, k: rows, threads: 1)
                        for q in 0..<3 {
                            XCTAssertEqual(results.hits[q].count, rows)
                            for hit in results.hits[q] {
                                XCTAssertEqual(Float(hit.score).bitPattern, reference[q][hit.row].bitPattern,
                                               "\(name) \(precision) d=\(d) rows=\(rows) q=\(q) row \(hit.row): \(hit.score) vs \(reference[q][hit.row])")
                            }
                        }
                    }
                }
            }
        }
    }

    /// Top-k of every variant, over several threads and with a filter, equals the exhaustive
    /// plain scan sorted by score then row.
    func testTopKEqualsAnExhaustivePlainScan() throws {
        for (p, precision) in Self.precisions.enumerated() {
            let (rows, d) = (5000, 65)
            let stored = try codes(precision, rows: rows, dimension: d, seed: UInt64(77 + p))
            let queries = TestData.matrix(rows: 11, dimension: d, seed: UInt64(88 + p))
            let width = stored.bytesPerVector
            let allowed = Set((0..<rows).filter { $0 % 3 != 1 })
            var index = try AsymmetricIndex(stored)
            for kernels in KernelTable.availableLevels {
                index.kernels = kernels
                for filter in [nil, RowFilter.allowing(rows: allowed, rowCount: rows)] {
                    let results = try index.search(queries, k: 10, parameters: SearchParameters(filter: filter, threads: 2))
                    for q in 0..<11 {
                        let scorer = try AsymmetricScorer(query: Array(queries[row: q]), codes: stored)
                        let all = stored.bytes.withUnsafeBytes { bytes in
                            (0..<rows).filter { filter == nil || allowed.contains($0) }.map { row in
                                (row, scorer.referenceScore(UnsafeRawBufferPointer(rebasing: bytes[(row * width)..<((row + 1) * width)])))
                            }
                        }
                        let expected = all.sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }.prefix(10)
                        XCTAssertEqual(results.hits[q].map(\.row), expected.map(\.0), "\(precision) variant \(kernels.asymmetricVariant) q=\(q)")
                        XCTAssertEqual(results.hits[q].map { Float($0.score) }, expected.map(\.1))
                    }
                }
            }
        }
    }

    /// Bit codes are transposed and ternary codes unpacked once per group of 32 queries: 70
    /// queries (two whole groups and a partial one), on one and two threads, equal the
    /// exhaustive plain scan.
    func testManyQueriesAcrossUnpackingGroupsEqualAnExhaustiveScan() throws {
        for (p, precision) in [Precision.ternary, .binary, .ubinary].enumerated() {
            let (rows, d) = (700, 97)
            let stored = try codes(precision, rows: rows, dimension: d, seed: UInt64(900 + p))
            let queries = TestData.matrix(rows: 70, dimension: d, seed: UInt64(950 + p))
            let width = stored.bytesPerVector
            let index = try AsymmetricIndex(stored)
            for threads in [1, 2] {
                let results = try index.search(queries, k: 5, threads: threads)
                for q in 0..<70 {
                    let scorer = try AsymmetricScorer(query: Array(queries[row: q]), codes: stored)
                    let all = stored.bytes.withUnsafeBytes { bytes in
                        (0..<rows).map { row in
                            (row, scorer.referenceScore(UnsafeRawBufferPointer(rebasing: bytes[(row * width)..<((row + 1) * width)])))
                        }
                    }
                    let expected = all.sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }.prefix(5)
                    XCTAssertEqual(results.hits[q].map(\.row), expected.map(\.0), "\(precision) threads \(threads) q=\(q)")
                    XCTAssertEqual(results.hits[q].map { Float($0.score) }, expected.map(\.1), "\(precision) q=\(q)")
                }
            }
        }
    }

    func testEmptyCorpusAndOneRow() throws {
        for precision in Self.precisions {
            let queries = TestData.matrix(rows: 2, dimension: 13, seed: 5)
            let empty = try AsymmetricIndex(try codes(precision, rows: 0, dimension: 13, seed: 6))
            XCTAssertEqual(try empty.search(queries, k: 3).hits.map(\.count), [0, 0], "\(precision)")
            let one = try codes(precision, rows: 1, dimension: 13, seed: 7)
            let hits = try AsymmetricIndex(one).search(queries, k: 3).hits
            XCTAssertEqual(hits.map { $0.map(\.row) }, [[0], [0]], "\(precision)")
            XCTAssertTrue(try AsymmetricIndex(one).search(EmbeddingMatrix(rowCount: 0, dimension: 13, values: []), k: 3).hits.isEmpty)
        }
    }

    /// A zero-dimension query scores a zero-dimension row as its constant (no tables, no crash).
    func testZeroDimensionScorersScoreTheirConstant() throws {
        for precision in [Precision.binary, .ubinary, .ternary] {
            let scorer = try AsymmetricScorer(query: [], precision: precision, ranges: nil, rounding: .nearest)
            XCTAssertEqual([UInt8]().withUnsafeBytes { scorer.score($0) }, 0, "\(precision)")
            XCTAssertEqual(scorer.lookup?.tables.count ?? 0, 0, "\(precision)")
        }
    }

    /// A NaN (or infinite) query value is rejected with its query row and column, never scored.
    func testNonFiniteQueryIsRejectedWithItsPosition() throws {
        let index = try AsymmetricIndex(try codes(.int4, rows: 40, dimension: 13, seed: 9))
        for bad in [Float.nan, .infinity] {
            var values = TestData.matrix(rows: 3, dimension: 13, seed: 10).values
            values[13 + 4] = bad
            let queries = try EmbeddingMatrix(rowCount: 3, dimension: 13, values: values)
            XCTAssertThrowsError(try index.search(queries, k: 5)) { error in
                guard case SearchError.nonFiniteValue(let what, let row, let column) = error else {
                    return XCTFail("\(error)")
                }
                XCTAssertEqual(what, "the query")
                XCTAssertEqual(row, 1)
                XCTAssertEqual(column, 4)
            }
        }
    }

    /// Rescoring gathers the candidates into blocks and scores them with the same kernels: its
    /// scores equal the asymmetric index's bit for bit.
    func testRescoringScoresEqualTheAsymmetricIndex() throws {
        for (p, precision) in Self.precisions.enumerated() {
            let stored = try codes(precision, rows: 300, dimension: 63, seed: UInt64(500 + p))
            let query = Array(TestData.matrix(rows: 1, dimension: 63, seed: UInt64(600 + p))[row: 0])
            let candidates = Array(stride(from: 299, through: 0, by: -7))
            let rescored = try stored.rescore(query: query, candidates: candidates, k: 5)
            let index = try AsymmetricIndex(stored)
            let full = try index.search(try EmbeddingMatrix(rowCount: 1, dimension: 63, values: query), k: 300).hits[0]
            let byRow = Dictionary(uniqueKeysWithValues: full.map { ($0.row, $0.score) })
            let expected = candidates.map { ($0, byRow[$0]!) }.sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }.prefix(5)
            XCTAssertEqual(rescored.map(\.row), expected.map(\.0), "\(precision)")
            XCTAssertEqual(rescored.map(\.score), expected.map(\.1), "\(precision)")
        }
    }
}

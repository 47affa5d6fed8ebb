import EmbedQTestSupport
import EmbeddingQuantization
import Foundation
import VectorIndexConformance
import XCTest
@testable import EmbeddingSearch

/// Asymmetric scoring against dequantized codes, rescoring, and memory-mapped finer codes. The
/// oracle is ``PlainAsymmetricReference`` (double precision from the raw codes and ranges, checked
/// against NumPy), never the scorer or the quantizer's dequantize.
final class RescoringTests: XCTestCase {
    func testRescoringWithWholeCorpusEqualsExactFloatSearch() throws {
        let corpus = TestData.matrix(rows: 150, dimension: 48, seed: 40)
        let queries = TestData.matrix(rows: 6, dimension: 48, seed: 41)
        let exact = try FlatIndex(corpus).search(queries, k: 10).hits
        let floats = StoredCodes(corpus)
        for q in 0..<6 {
            XCTAssertEqual(try plainProblems(exact[q], finer: floats, query: Array(queries[row: q]), rows: Array(0..<150), k: 10), [])
        }
        let ranges = try Calibration.ranges(from: corpus)
        for precision in [Precision.binary, .ubinary, .int8, .int4] {
            let codes = try EmbeddingQuantizer(precision: precision, ranges: ranges).quantize(corpus)
            for multiplier in [15, 1000] {
                let rescored = try RefineIndex(base: FlatIndex(codes), codes: StoredCodes(corpus), multiplier: multiplier)
                    .search(queries, k: 10)
                XCTAssertEqual(rescored.hits, exact, "\(precision) ×\(multiplier)")
                XCTAssertEqual(rescored.metric, .innerProduct)
            }
        }
    }

    func testRescoringKeepsBestCandidates() throws {
        let corpus = TestData.matrix(rows: 400, dimension: 64, seed: 50)
        let queries = TestData.matrix(rows: 3, dimension: 64, seed: 51)
        let ranges = try Calibration.ranges(from: corpus)
        let bits = try EmbeddingQuantizer(precision: .ubinary).quantize(corpus)
        let int8 = try EmbeddingQuantizer(precision: .int8, ranges: ranges).quantize(corpus)
        let index = try FlatIndex(bits)
        let candidates = try index.search(queries, k: 20)
        for finer in [StoredCodes(int8), StoredCodes(bits), StoredCodes(corpus)] {
            let hits = try RefineIndex(base: index, codes: finer, multiplier: 4).search(queries, k: 5)
            for q in 0..<3 {
                XCTAssertEqual(
                    try plainProblems(hits[q], finer: finer, query: Array(queries[row: q]), rows: candidates[q].map(\.row), k: 5), [],
                    "\(finer.precision) query \(q)")
                XCTAssertTrue(Set(hits[q].map(\.row)).isSubset(of: Set(candidates[q].map(\.row))))
                XCTAssertEqual(hits[q].map(\.score), hits[q].map(\.score).sorted(by: >))
            }
        }
    }

    func testAsymmetricScoresMatchDoubleReference() throws {
        let corpus = TestData.matrix(rows: 60, dimension: 45, seed: 60)
        let query = Array(TestData.matrix(rows: 1, dimension: 45, seed: 61)[row: 0])
        var calibrated = try Calibration.ranges(from: corpus)
        // One constant dimension: it dequantizes to its minimum.
        var low = calibrated.minimums, high = calibrated.maximums
        low[4] = 0.25
        high[4] = 0.25
        calibrated = try QuantizationRanges(minimums: low, maximums: high, ternaryThresholds: [Float](repeating: 0.3, count: 45))
        let encodings: [Precision: PlainAsymmetricReference.Encoding] = [
            .int8: .int8, .uint8: .uint8, .int4: .int4, .ternary: .ternary, .binary: .binary, .ubinary: .ubinary,
            .float16: .float16, .bfloat16: .bfloat16, .float32: .float32,
        ]
        for (precision, encoding) in encodings.sorted(by: { $0.value.rawValue < $1.value.rawValue }) {
            for rounding in [RoundingMode.floor, .nearest] {
                let codes = try EmbeddingQuantizer(precision: precision, ranges: calibrated, rounding: rounding).quantize(corpus)
                let scorer = try AsymmetricScorer(query: query, codes: StoredCodes(codes))
                let plainRanges = PlainAsymmetricReference.Ranges(minimums: low, maximums: high, floor: rounding == .floor)
                for row in 0..<60 {
                    let bytes = Array(codes[row: row])
                    let score = bytes.withUnsafeBytes { scorer.score($0) }
                    let exact = PlainAsymmetricReference.score(query: query, row: bytes, encoding: encoding, ranges: plainRanges)
                    let bound = PlainAsymmetricReference.roundingBound(query: query, row: bytes, encoding: encoding, ranges: plainRanges)
                    XCTAssertEqual(Double(score), exact, accuracy: bound, "\(precision) \(rounding) row \(row)")
                }
            }
        }
    }

    func testAsymmetricSearchIsTheExactTopK() throws {
        let corpus = TestData.matrix(rows: 9000, dimension: 24, seed: 70)
        let queries = TestData.matrix(rows: 3, dimension: 24, seed: 71)
        let codes = try EmbeddingQuantizer(precision: .int8, ranges: try Calibration.ranges(from: corpus)).quantize(corpus)
        let stored = StoredCodes(codes)
        let index = try AsymmetricIndex(stored)
        let two = try index.search(queries, k: 8, threads: 2)
        XCTAssertEqual(try index.search(queries, k: 8, threads: 1), two)
        XCTAssertEqual(two.metric, .innerProduct)
        for q in 0..<3 {
            XCTAssertEqual(try plainProblems(two[q], finer: stored, query: Array(queries[row: q]), rows: Array(0..<9000), k: 8), [])
        }
    }

    func testMemoryMappedCodesScoreLikeArrays() throws {
        let corpus = TestData.matrix(rows: 50, dimension: 20, seed: 80)
        let codes = try EmbeddingQuantizer(precision: .int8, ranges: try Calibration.ranges(from: corpus)).quantize(corpus)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("embedq-mmap-\(getpid()).bin")
        defer { try? FileManager.default.removeItem(at: url) }
        try Data([1, 2, 3] + codes.codes).write(to: url)
        let file = try MemoryMappedFile(path: url.path)
        let window = try XCTUnwrap(ByteSlice(file, offset: 3, count: codes.byteCount))
        let mapped = try StoredCodes(precision: .int8, rowCount: 50, dimension: 20, bytes: window, ranges: codes.ranges)
        let query = Array(corpus[row: 7])
        XCTAssertEqual(
            try AsymmetricIndex(mapped).search(query, k: 5), try AsymmetricIndex(StoredCodes(codes)).search(query, k: 5))
        XCTAssertEqual(try plainProblems(try AsymmetricIndex(mapped).search(query, k: 5), finer: mapped, query: query, rows: Array(0..<50), k: 5), [])
        XCTAssertThrowsError(try StoredCodes(precision: .int8, rowCount: 51, dimension: 20, bytes: window)) {
            XCTAssertEqual($0 as? SearchError, .byteCountMismatch(expected: 1020, actual: 1000))
        }
        XCTAssertThrowsError(try MemoryMappedFile(path: "/nonexistent/embedq")) {
            XCTAssertTrue("\($0)".contains("/nonexistent/embedq"))
        }
    }

    func testRescoringErrors() throws {
        let corpus = TestData.matrix(rows: 10, dimension: 8, seed: 1)
        let index = try FlatIndex(try EmbeddingQuantizer(precision: .ubinary).quantize(corpus))
        XCTAssertThrowsError(try RefineIndex(base: index, codes: StoredCodes(corpus), multiplier: 0)) {
            XCTAssertEqual($0 as? SearchError, .invalidRescoreMultiplier(0))
        }
        let refined = try RefineIndex(base: index, codes: StoredCodes(corpus), multiplier: 2)
        XCTAssertThrowsError(try refined.search(corpus, k: 2, parameters: SearchParameters(rescoreMultiplier: 0))) {
            XCTAssertEqual($0 as? SearchError, .invalidRescoreMultiplier(0))
        }
        let other = TestData.matrix(rows: 9, dimension: 8, seed: 1)
        XCTAssertThrowsError(try RefineIndex(base: index, codes: StoredCodes(other), multiplier: 2)) {
            XCTAssertEqual($0 as? SearchError, .dimensionMismatch(expected: 10, actual: 9, what: "the rescoring codes' row count"))
        }
        XCTAssertThrowsError(try StoredCodes(corpus).withRows([10]) { _, _ in }) {
            XCTAssertEqual($0 as? SearchError, .rowOutOfRange(row: 10, rowCount: 10))
        }
        let int8 = try EmbeddingQuantizer(precision: .int8, ranges: try Calibration.ranges(from: corpus)).quantize(corpus)
        let noRanges = try StoredCodes(precision: .int8, rowCount: 10, dimension: 8, bytes: int8.codes)
        XCTAssertThrowsError(try AsymmetricScorer(query: Array(corpus[row: 0]), codes: noRanges)) {
            XCTAssertEqual($0 as? SearchError, .missingRanges(.int8))
        }
    }

    func plainProblems(_ hits: [SearchHit], finer: StoredCodes, query: [Float], rows: [Int], k: Int) throws -> [String] {
        PlainScoreOracle.problems(hits, codes: finer, query: query, rows: rows, k: k)
    }
}

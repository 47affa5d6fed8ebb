import EmbeddingQuantization
import XCTest
@testable import EmbeddingSearch

/// Search results against brute force: ties, k beyond the corpus, empty and one-row corpora,
/// threads, float queries, and typed errors for bad input.
final class FlatIndexSearchTests: XCTestCase {
    func testTiesAreBrokenByLowerRowForEveryPrecision() throws {
        for precision in TestData.flatPrecisions {
            let corpus = TestData.tiedCodes(precision, rows: 300, dimension: 37, seed: 11)
            let queries = TestData.codes(precision, rows: 5, dimension: 37, seed: 12)
            let expected = ReferenceKernels.search(corpus: corpus, queries: queries, k: 25)
            for path in TestData.paths {
                XCTAssertEqual(try FlatIndex(corpus).using(path).search(queries, k: 25, threads: 1).hits, expected, "\(precision) \(path)")
            }
        }
    }

    func testThreadsGiveTheSameResultsAsOneThread() throws {
        // Enough rows for the scan to split across threads (256 blocks of 16 rows each).
        for precision in [Precision.ubinary, .int8, .float32] {
            let corpus = TestData.tiedCodes(precision, rows: 20_011, dimension: 64, seed: 21)
            let queries = TestData.codes(precision, rows: 9, dimension: 64, seed: 22)
            let index = try FlatIndex(corpus)
            let single = try index.search(queries, k: 50, threads: 1).hits
            XCTAssertEqual(try index.search(queries, k: 50, threads: 2).hits, single, "\(precision)")
            XCTAssertEqual(try index.search(queries, k: 50, threads: 3).hits, single, "\(precision)")
            XCTAssertEqual(single, ReferenceKernels.search(corpus: corpus, queries: queries, k: 50), "\(precision)")
        }
    }

    func testManyQueriesOnASmallCorpusSplitByQueries() throws {
        for precision in [Precision.binary, .int4, .bfloat16] {
            let corpus = TestData.tiedCodes(precision, rows: 999, dimension: 50, seed: 23)
            let queries = TestData.codes(precision, rows: 45, dimension: 50, seed: 24)
            let expected = ReferenceKernels.search(corpus: corpus, queries: queries, k: 12)
            for threads in [1, 2, 5] {
                XCTAssertEqual(try FlatIndex(corpus).search(queries, k: 12, threads: threads).hits, expected, "\(precision) \(threads)")
            }
        }
    }

    /// A bounded search (one part of a corpus continuing the parts before it) returns the
    /// unbounded hits that rank strictly before each query's bound, for every precision, with
    /// bounds on ties, below every row, above every row and absent; with and without a filter.
    func testBoundedSearchKeepsOnlyHitsStrictlyBeforeTheBound() throws {
        let corpus = TestData.matrix(rows: 1_500, dimension: 37, seed: 91)
        let queries = TestData.matrix(rows: 11, dimension: 37, seed: 92)
        let base = try Calibration.ranges(from: corpus)
        let ranges = try QuantizationRanges(
            minimums: base.minimums, maximums: base.maximums, ternaryThresholds: [Float](repeating: 0.3, count: 37))
        var rng = SplitMix64(seed: 93)
        let allowed = RowFilter.allowing(RowBitset(rowCount: 1_500, rows: (0..<1_500).filter { _ in Bool.random(using: &rng) }))
        for precision in TestData.flatPrecisions {
            let codes = try EmbeddingQuantizer(precision: precision, ranges: ranges).quantize(corpus)
            for path in TestData.paths {
                let index = try FlatIndex(codes).using(path)
                for filter in [nil, allowed] {
                    let full = try index.search(queries, k: 1_500, parameters: SearchParameters(filter: filter, threads: 1)).hits
                    // Per query: the 30th score (a tie is likely for integer codes), none, below
                    // every hit's score, above every hit's score.
                    let bounds: [Double?] = full.enumerated().map { query, hits in
                        switch query % 4 {
                        case 0: return hits[29].score
                        case 1: return nil
                        case 2: return index.metric == .hammingDistance ? 1e9 : -1e9
                        default: return index.metric == .hammingDistance ? -1 : 1e9
                        }
                    }
                    for (k, threads) in [(10, 1), (40, 1), (40, 2)] {
                        let bounded = try index.search(queries, k: k, filter: filter, threads: threads, strictlyBefore: bounds).hits
                        let expected = full.enumerated().map { query, hits in
                            Array(hits.filter { hit in
                                guard let bound = bounds[query] else { return true }
                                return index.metric.rankingValue(of: hit.score) > index.metric.rankingValue(of: bound)
                            }.prefix(k))
                        }
                        XCTAssertEqual(bounded, expected, "\(precision) \(path) k \(k) threads \(threads) filter \(filter != nil)")
                    }
                }
            }
        }
        XCTAssertThrowsError(try FlatIndex(EmbeddingQuantizer(precision: .binary).quantize(corpus))
            .search(queries, k: 3, filter: nil, threads: 1, strictlyBefore: [nil])) { error in
            XCTAssertEqual(error as? SearchError, .dimensionMismatch(expected: 11, actual: 1, what: "the score bounds (one per query)"))
        }
    }

    func testKLargerThanCorpusReturnsWholeCorpus() throws {
        let corpus = TestData.codes(.int8, rows: 5, dimension: 16, seed: 3)
        let queries = TestData.codes(.int8, rows: 2, dimension: 16, seed: 4)
        let hits = try FlatIndex(corpus).search(queries, k: 1000).hits
        XCTAssertEqual(hits.map { $0.count }, [5, 5])
        XCTAssertEqual(Set(hits[0].map(\.row)), Set(0..<5))
        XCTAssertEqual(hits, ReferenceKernels.search(corpus: corpus, queries: queries, k: 5))
        XCTAssertEqual(try FlatIndex(corpus).search(queries, k: Int.max).map(\.count), [5, 5])
    }

    func testEmptyCorpusAndEmptyQueries() throws {
        for precision in TestData.flatPrecisions {
            let corpus = TestData.codes(precision, rows: 0, dimension: 24, seed: 1)
            let queries = TestData.codes(precision, rows: 3, dimension: 24, seed: 2)
            XCTAssertEqual(try FlatIndex(corpus).search(queries, k: 4).hits, [[], [], []], "\(precision)")
            let none = TestData.codes(precision, rows: 0, dimension: 24, seed: 2)
            XCTAssertEqual(try FlatIndex(queries).search(none, k: 4).hits, [], "\(precision)")
        }
    }

    func testZeroDimensionScoresEveryRowZero() throws {
        for precision in TestData.flatPrecisions {
            let corpus = try QuantizedEmbeddings(precision: precision, rowCount: 20, dimension: 0, codes: [])
            let queries = try QuantizedEmbeddings(precision: precision, rowCount: 2, dimension: 0, codes: [])
            let hits = try FlatIndex(corpus).search(queries, k: 3).hits
            XCTAssertEqual(hits, Array(repeating: (0..<3).map { SearchHit(row: $0, score: 0) }, count: 2), "\(precision)")
        }
    }

    func testOneRowCorpus() throws {
        for precision in TestData.flatPrecisions {
            let corpus = TestData.codes(precision, rows: 1, dimension: 9, seed: 5)
            let queries = TestData.codes(precision, rows: 2, dimension: 9, seed: 6)
            let hits = try FlatIndex(corpus).search(queries, k: 3).hits
            XCTAssertEqual(hits, ReferenceKernels.search(corpus: corpus, queries: queries, k: 3), "\(precision)")
            XCTAssertEqual(hits.map { $0.map(\.row) }, [[0], [0]])
        }
    }

    func testHammingIsADistanceSortedAscending() throws {
        let corpus = try QuantizedEmbeddings(precision: .ubinary, rowCount: 3, dimension: 8, codes: [0b1111_0000, 0b1111_1111, 0b1111_0001])
        let query = try QuantizedEmbeddings(precision: .ubinary, rowCount: 1, dimension: 8, codes: [0b1111_0000])
        let index = try FlatIndex(corpus)
        XCTAssertEqual(index.metric, .hammingDistance)
        XCTAssertFalse(index.metric.higherIsBetter)
        XCTAssertEqual(try index.search(query, k: 3)[0], [
            SearchHit(row: 0, score: 0), SearchHit(row: 2, score: 1), SearchHit(row: 1, score: 4),
        ])
    }

    func testFloatQueriesAgainstFloatIndexAreExactDotProducts() throws {
        let corpus = TestData.matrix(rows: 101, dimension: 33, seed: 8)
        let queries = TestData.matrix(rows: 4, dimension: 33, seed: 9)
        let hits = try FlatIndex(corpus).search(queries, k: 7).hits
        let codes = try EmbeddingQuantizer(precision: .float32).quantize(corpus)
        let queryCodes = try EmbeddingQuantizer(precision: .float32).quantize(queries)
        XCTAssertEqual(hits, ReferenceKernels.search(corpus: codes, queries: queryCodes, k: 7))
        XCTAssertEqual(try FlatIndex(corpus).search(Array(queries[row: 2]), k: 7), hits[2])
        // float16 / bfloat16 indexes accept float32 queries (widening is exact).
        for precision in [Precision.float16, .bfloat16] {
            let half = try EmbeddingQuantizer(precision: precision).quantize(corpus)
            let expected = ReferenceKernels.search(corpus: half, queries: try EmbeddingQuantizer(precision: precision).quantize(queries), k: 7)
            let fromHalfQueries = try FlatIndex(half).search(try EmbeddingQuantizer(precision: precision).quantize(queries), k: 7)
            XCTAssertEqual(fromHalfQueries.hits, expected, "\(precision)")
        }
    }

    func testFloatQueriesAgainstCodeIndexAreQuantizedLikeTheCorpus() throws {
        let corpusFloats = TestData.matrix(rows: 200, dimension: 40, seed: 30)
        let queryFloats = TestData.matrix(rows: 3, dimension: 40, seed: 31)
        let ranges = try Calibration.ranges(from: corpusFloats)
        for precision in [Precision.int8, .uint8, .int4, .binary, .ubinary] {
            let quantizer = EmbeddingQuantizer(precision: precision, ranges: ranges)
            let corpus = try quantizer.quantize(corpusFloats)
            let expected = ReferenceKernels.search(corpus: corpus, queries: try quantizer.quantize(queryFloats), k: 5)
            XCTAssertEqual(try FlatIndex(corpus).search(queryFloats, k: 5).hits, expected, "\(precision)")
        }
    }

    func testBadInputThrowsTypedErrors() throws {
        let corpus = TestData.codes(.int8, rows: 10, dimension: 16, seed: 1)
        let index = try FlatIndex(corpus)
        let queries = TestData.codes(.int8, rows: 1, dimension: 16, seed: 2)
        XCTAssertThrowsError(try index.search(queries, k: 0)) { XCTAssertEqual($0 as? SearchError, .invalidK(0)) }
        XCTAssertThrowsError(try index.search(queries, k: -3)) { XCTAssertEqual($0 as? SearchError, .invalidK(-3)) }
        XCTAssertThrowsError(try index.search(queries, k: 1, threads: 0)) { XCTAssertEqual($0 as? SearchError, .invalidThreadCount(0)) }
        XCTAssertThrowsError(try index.search(TestData.codes(.int8, rows: 1, dimension: 15, seed: 2), k: 1)) {
            XCTAssertEqual($0 as? SearchError, .dimensionMismatch(expected: 16, actual: 15, what: "the queries"))
        }
        XCTAssertThrowsError(try index.search(TestData.codes(.uint8, rows: 1, dimension: 16, seed: 2), k: 1)) {
            XCTAssertEqual($0 as? SearchError, .precisionMismatch(index: .int8, queries: .uint8))
            XCTAssertTrue("\($0)".contains("uint8"))
        }
        // int8 codes without ranges cannot quantize float queries.
        XCTAssertThrowsError(try index.search([Float](repeating: 0.5, count: 16), k: 1)) {
            XCTAssertEqual($0 as? SearchError, .missingRanges(.int8))
        }
        var bad = [Float](repeating: 0, count: 16)
        bad[3] = .nan
        XCTAssertThrowsError(try FlatIndex(TestData.matrix(rows: 3, dimension: 16, seed: 1)).search(bad, k: 1)) {
            XCTAssertEqual($0 as? SearchError, .nonFiniteValue(what: "the queries", row: 0, column: 3))
        }
        let wide = try QuantizedEmbeddings(precision: .int8, rowCount: 1, dimension: 65_537, codes: [UInt8](repeating: 0, count: 65_537))
        XCTAssertThrowsError(try FlatIndex(wide)) {
            XCTAssertEqual($0 as? SearchError, .dimensionTooLarge(dimension: 65_537, limit: 65_536, precision: .int8))
        }
    }

    func testTopKKeepsBestWithDeterministicTies() {
        var rng = SplitMix64(seed: 99)
        let keys = (0..<500).map { _ in Int32.random(in: 0..<20, using: &rng) }
        let expected = keys.indices.sorted { keys[$0] != keys[$1] ? keys[$0] > keys[$1] : $0 < $1 }.prefix(37)
        var forward = TopK<Int32>(capacity: 37)
        var backward = TopK<Int32>(capacity: 37)
        for row in keys.indices { forward.offer(key: keys[row], row: row) }
        for row in keys.indices.reversed() { backward.offer(key: keys[row], row: row) }
        XCTAssertEqual(forward.sorted().map(\.row), Array(expected))
        XCTAssertEqual(backward.sorted().map(\.row), Array(expected))
        var nan = TopK<Float>(capacity: 2)
        nan.offer(key: .nan, row: 0)
        nan.offer(key: 1, row: 1)
        nan.offer(key: -1, row: 2)
        XCTAssertEqual(nan.sorted().map(\.row), [1, 2])
    }
}

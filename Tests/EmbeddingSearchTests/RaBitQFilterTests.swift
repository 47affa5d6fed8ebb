import EmbedQTestSupport
import EmbeddingQuantization
import VectorIndexConformance
import XCTest
@testable import EmbeddingSearch

/// RaBitQIndex with row filters: only allowed rows become candidates and are refined, blocks
/// without an allowed row are not scanned, and the answer is brute force over the allowed rows.
final class RaBitQFilterTests: XCTestCase {
    private func matrix(rows: Int, dimension: Int, seed: UInt64) -> EmbeddingMatrix {
        try! EmbeddingMatrix(rowCount: rows, dimension: dimension, values: ClusteredVectors.values(rows: rows, dimension: dimension, seed: seed))
    }

    private func codes(_ bits: Int, _ data: EmbeddingMatrix) throws -> QuantizedEmbeddings {
        let rotation = try RaBitQRotation.random(dimension: data.dimension, seed: 9, centroid: RaBitQRotation.mean(of: data))
        let ranges = try Calibration.ranges(from: data).withRotation(rotation)
        return try EmbeddingQuantizer(precision: Precision.rabitq(bits: bits)!, ranges: ranges).quantize(data)
    }

    /// The filters the tests search with, over `n` rows: (name, filter, the rows it allows).
    private func filters(rowCount n: Int) -> [(String, RowFilter, (Int) -> Bool)] {
        func sample(_ percent: Int, seed: UInt64) -> Set<Int> {
            var generator = SeededGenerator(seed: seed)
            return Set((0..<n).filter { _ in Int.random(in: 0..<100, using: &generator) < percent })
        }
        let half = sample(50, seed: 1), tenth = sample(10, seed: 2), hundredth = sample(1, seed: 3), excluded = sample(30, seed: 4)
        return [
            ("50%", .allowing(rows: half, rowCount: n), { half.contains($0) }),
            ("10%", .allowing(rows: tenth, rowCount: n), { tenth.contains($0) }),
            ("1%", .allowing(rows: hundredth, rowCount: n), { hundredth.contains($0) }),
            ("excluding 30%", .excluding(rows: excluded, rowCount: n), { !excluded.contains($0) }),
            ("predicate 10%", .matching { tenth.contains($0) }, { tenth.contains($0) }),
            ("50% ∩ excluding 30% ∩ odd", RowFilter.allowing(rows: half, rowCount: n)
                .intersection(.excluding(rows: excluded, rowCount: n)).intersection(.matching { $0 % 2 == 1 }),
             { half.contains($0) && !excluded.contains($0) && $0 % 2 == 1 }),
        ]
    }

    /// The best `k` of `rows` by `score`, ties by ascending row.
    private func bruteForce(_ rows: [Int], k: Int, score: (Int) -> Float) -> [SearchHit] {
        let scored = rows.map { (row: $0, score: score($0)) }
            .sorted { $0.score > $1.score || ($0.score == $1.score && $0.row < $1.row) }
        return scored.prefix(k).map { SearchHit(row: $0.row, score: Double($0.score)) }
    }

    /// `scorer`'s score of every row of `codes`.
    private func scores(_ codes: StoredCodes, query: [Float]) throws -> [Float] {
        let scorer = try AsymmetricScorer(query: query, codes: codes)
        let width = codes.bytesPerVector
        return codes.bytes.withUnsafeBytes { all in
            (0..<codes.rowCount).map { scorer.score(UnsafeRawBufferPointer(rebasing: all[($0 * width)..<(($0 + 1) * width)])) }
        }
    }

    /// The 4-bit-query scan ranked by its estimates passes the conformance suite (filters at every
    /// selectivity as allow-lists, exclusions, predicates and intersections; ties; threads); the
    /// oracle is every row's estimate, from an unfiltered search of every row.
    func testEstimateScanConformsWithFilters() {
        for bits in [1, 3] {
            VectorIndexConformance.check(
                "RaBitQIndex rabitq\(bits) (4-bit query estimates)",
                build: { (corpus: EmbeddingMatrix, _: Set<Int>) throws -> RaBitQIndex in
                    let d = corpus.dimension
                    let ranges = try QuantizationRanges(
                        minimums: Array(repeating: -1, count: d), maximums: Array(repeating: 1, count: d),
                        rotation: RaBitQRotation.random(dimension: d, seed: 4))
                    var index = try RaBitQIndex(EmbeddingQuantizer(precision: Precision.rabitq(bits: bits)!, ranges: ranges).quantize(corpus))
                    index.searchParameters.refinement = .estimate
                    return index
                },
                oracle: { (index: RaBitQIndex, corpus: EmbeddingMatrix, queries: EmbeddingMatrix) throws -> any BruteForceOracle in
                    var scores = [[Double]](repeating: [Double](repeating: 0, count: corpus.rowCount), count: queries.rowCount)
                    if corpus.rowCount > 0 {
                        let all = try index.search(queries, k: corpus.rowCount, parameters: index.searchParameters, threads: 1)
                        for (q, hits) in all.enumerated() { for hit in hits { scores[q][hit.row] = hit.score } }
                    }
                    return ExhaustiveScores(metric: .innerProduct, scores: scores)
                })
        }
    }

    /// Float-query and exact (float32) refinement under filters equal brute force over the
    /// allowed rows: the float-query estimator's top k, and the exact top k.
    func testRefinementUnderFiltersEqualsBruteForceOverAllowedRows() throws {
        let n = 900, d = 64, k = 10
        let data = matrix(rows: n, dimension: d, seed: 21)
        let queries = matrix(rows: 6, dimension: d, seed: 22)
        for bits in [1, 2] {
            let index = try RaBitQIndex(codes(bits, data))
            let exact = RaBitQSearchParameters(refinement: .exact(StoredCodes(data)))
            for (name, filter, allows) in filters(rowCount: n) {
                let allowed = (0..<n).filter(allows)
                let estimated = try index.searchWithStatistics(queries, k: k, filter: filter, threads: 2)
                let refined = try index.search(queries, k: k, parameters: exact, filter: filter, threads: 2)
                for q in 0..<queries.rowCount {
                    let query = Array(queries[row: q])
                    let estimator = try scores(index.codes, query: query)
                    XCTAssertEqual(estimated[q].hits, bruteForce(allowed, k: k) { estimator[$0] }, "rabitq\(bits) \(name) query \(q)")
                    XCTAssertLessThanOrEqual(estimated[q].statistics.candidatesRefined, allowed.count)
                    let floats = try scores(StoredCodes(data), query: query)
                    XCTAssertEqual(refined[q], bruteForce(allowed, k: k) { floats[$0] }, "rabitq\(bits) exact \(name) query \(q)")
                    XCTAssertTrue(refined[q].allSatisfy { allows($0.row) })
                }
            }
        }
    }

    /// A filtered search is the unfiltered search of an index of the allowed rows alone (1-bit
    /// codes: the same estimates and bounds): the same hits, scores and candidates.
    func testFilteredSearchEqualsAnIndexOfTheAllowedRows() throws {
        let n = 700, d = 48
        let data = matrix(rows: n, dimension: d, seed: 23)
        let queries = matrix(rows: 5, dimension: d, seed: 24)
        let all = try codes(1, data)
        let index = try RaBitQIndex(all)
        let width = all.bytesPerVector
        for (name, filter, allows) in filters(rowCount: n) {
            let allowed = (0..<n).filter(allows)
            let subset = try QuantizedEmbeddings(
                precision: .rabitq1, rowCount: allowed.count, dimension: d,
                codes: allowed.flatMap { all.codes[($0 * width)..<(($0 + 1) * width)] }, ranges: all.ranges)
            let alone = try RaBitQIndex(subset).searchWithStatistics(queries, k: 10, threads: 1)
            let filtered = try index.searchWithStatistics(queries, k: 10, filter: filter, threads: 1)
            for q in 0..<queries.rowCount {
                XCTAssertEqual(filtered[q].hits, alone[q].hits.map { SearchHit(row: allowed[$0.row], score: $0.score) }, "\(name) query \(q)")
                XCTAssertEqual(filtered[q].statistics.candidatesRefined, alone[q].statistics.candidatesRefined, "\(name) query \(q)")
            }
        }
    }

    /// Blocks of 16 rows without an allowed row are not scanned; a filter allowing no row gives
    /// no hits.
    func testBlocksWithoutAllowedRowsAreSkipped() throws {
        let n = 1000, d = 40
        let data = matrix(rows: n, dimension: d, seed: 25)
        let queries = matrix(rows: 3, dimension: d, seed: 26)
        let index = try RaBitQIndex(codes(2, data))
        let allowed = Array(32..<48) + [700]
        let results = try index.searchWithStatistics(queries, k: 3, filter: .allowing(rows: allowed, rowCount: n), threads: 1)
        for (q, result) in results.enumerated() {
            XCTAssertEqual(result.statistics.rowsScanned, 32, "blocks 2 and 43 only")
            let estimator = try scores(index.codes, query: Array(queries[row: q]))
            XCTAssertEqual(result.hits, bruteForce(allowed, k: 3) { estimator[$0] })
        }
        XCTAssertEqual(try index.search(queries, k: 3, filter: .allowing(rows: [], rowCount: n)), [[], [], []])
        XCTAssertEqual(try index.searchWithStatistics(queries, k: 3, filter: .allowing(rows: [], rowCount: n))[0].statistics.rowsScanned, 0)
    }

    /// The candidate multiplier deepens the bar: with `k × multiplier ≥` the allowed rows every
    /// allowed row is refined (an exact search); through `VectorIndex` it is the rescoring
    /// multiplier of `SearchParameters`.
    func testCandidateMultiplierAndRefinedIndex() throws {
        let n = 800, d = 32
        let data = matrix(rows: n, dimension: d, seed: 27)
        let queries = matrix(rows: 4, dimension: d, seed: 28)
        let index = try RaBitQIndex(codes(1, data))
        let tenth = (0..<n).filter { $0 % 10 == 3 }
        let filter = RowFilter.allowing(rows: tenth, rowCount: n)
        let deep = RaBitQSearchParameters(refinement: .exact(StoredCodes(data)), candidateMultiplier: 100)
        let results = try index.searchWithStatistics(queries, k: 10, parameters: deep, filter: filter)
        let refined = try index.refined(by: StoredCodes(data))
        let through = try refined.search(queries, k: 10, parameters: SearchParameters(filter: filter, rescoreMultiplier: 100))
        XCTAssertEqual(through.metric, .innerProduct)
        for q in 0..<queries.rowCount {
            XCTAssertEqual(results[q].statistics.candidatesRefined, tenth.count)
            let floats = try scores(StoredCodes(data), query: Array(queries[row: q]))
            XCTAssertEqual(results[q].hits, bruteForce(tenth, k: 10) { floats[$0] })
            XCTAssertEqual(through[q], results[q].hits)
        }
        // The bar at the (k × 3)-th lower bound refines at least 3k rows.
        let three = try index.searchWithStatistics(queries, k: 5, parameters: RaBitQSearchParameters(candidateMultiplier: 3))
        XCTAssertTrue(three.allSatisfy { $0.statistics.candidatesRefined >= 15 })
        // Errors: a multiplier below 1, refinement codes of another shape.
        XCTAssertThrowsError(try index.search(queries, k: 5, parameters: RaBitQSearchParameters(candidateMultiplier: 0))) {
            XCTAssertEqual($0 as? SearchError, .invalidRescoreMultiplier(0))
        }
        XCTAssertThrowsError(try refined.search(queries, k: 5, parameters: SearchParameters(rescoreMultiplier: 0))) {
            XCTAssertEqual($0 as? SearchError, .invalidRescoreMultiplier(0))
        }
        XCTAssertThrowsError(try index.refined(by: StoredCodes(matrix(rows: n - 1, dimension: d, seed: 1))))
        XCTAssertThrowsError(try index.refined(by: StoredCodes(matrix(rows: n, dimension: d + 1, seed: 1))))
    }
}

import EmbedQTestSupport
import EmbeddingQuantization
import EmbeddingSearch
import EmbeddingStore
import Foundation
import VectorIndexConformance
import XCTest

@testable import EmbeddingIndex

/// Index files whose fast codes are RaBitQ (`rabitq1`, `rabitq2`) with `int8` rescoring codes:
/// searching the file equals a `RaBitQIndex` over the same codes refined directly, deleted rows
/// are never returned, filters give brute force over the allowed rows, additions keep working,
/// and a graph is refused.
final class RaBitQIndexFileSearchTests: XCTestCase {
    var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("embedq-rabitq-index-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    func matrix(rows: Int, dimension: Int, seed: UInt64) -> EmbeddingMatrix {
        try! EmbeddingMatrix(rowCount: rows, dimension: dimension, values: ClusteredVectors.values(rows: rows, dimension: dimension, seed: seed))
    }

    /// Ranges of `corpus` with a rotation about its mean.
    func rotatedRanges(_ corpus: EmbeddingMatrix) throws -> QuantizationRanges {
        try Calibration.ranges(from: corpus).withRotation(
            RaBitQRotation.random(dimension: corpus.dimension, seed: 5, centroid: RaBitQRotation.mean(of: corpus)))
    }

    /// An index file of `corpus` with `precision` fast codes and int8 rescoring codes.
    func build(_ corpus: EmbeddingMatrix, precision: Precision, ranges: QuantizationRanges) throws -> String {
        let path = directory.appendingPathComponent("index-\(UUID().uuidString).embq").path
        try IndexBuilder.create(
            at: path, embeddings: corpus, ids: (0..<corpus.rowCount).map { "doc-\($0)" }, precision: precision, rescoring: .int8,
            ranges: ranges)
        return path
    }

    /// Every allowed row rescored (`k × 1000` candidates): the conformance suite's oracle is the
    /// float query's inner products with the int8 codes, deleted rows and filters included.
    func testRescoringEveryAllowedRowConforms() throws {
        let ranges = try Calibration.ranges(from: VectorIndexConformance.matrix(rows: 500, dimension: 20, seed: 77))
            .withRotation(RaBitQRotation.random(dimension: 20, seed: 3))
        VectorIndexConformance.check(
            "SearchableIndex rabitq1 → int8 ×1000", supportsDeletion: true, parameters: SearchParameters(rescoreMultiplier: 1000),
            build: { (corpus: EmbeddingMatrix, deleted: Set<Int>) throws -> SearchableIndex in
                let path = try self.build(corpus, precision: .rabitq1, ranges: ranges)
                if !deleted.isEmpty { try IndexFile.delete(ids: deleted.map { "doc-\($0)" }, from: path) }
                return try SearchableIndex(path: path)
            },
            oracle: { (_: SearchableIndex, corpus: EmbeddingMatrix, queries: EmbeddingMatrix) throws -> any BruteForceOracle in
                guard corpus.rowCount > 0 else {
                    return ExhaustiveScores(metric: .innerProduct, scores: Array(repeating: [], count: queries.rowCount))
                }
                let codes = StoredCodes(try EmbeddingQuantizer(precision: .int8, ranges: ranges).quantize(corpus))
                let all = try AsymmetricIndex(codes).search(queries, k: corpus.rowCount, threads: 1)
                return ExhaustiveScores(metric: .innerProduct, scores: all.map { hits in
                    var scores = [Double](repeating: 0, count: corpus.rowCount)
                    for hit in hits { scores[hit.row] = hit.score }
                    return scores
                })
            })
    }

    /// The file's search is `RaBitQIndex` over the same codes: float-query refinement without a
    /// multiplier, the error bound's candidates rescored with the int8 codes with one (the bar
    /// at the `k × multiplier`-th lower bound); at multiplier 1 the int8 codes' exact top k.
    func testRoundTripEqualsRaBitQIndexWithDirectRescoring() throws {
        let n = 1200, d = 64
        let corpus = matrix(rows: n, dimension: d, seed: 41)
        let queries = matrix(rows: 8, dimension: d, seed: 42)
        let ranges = try rotatedRanges(corpus)
        let int8 = StoredCodes(try EmbeddingQuantizer(precision: .int8, ranges: ranges).quantize(corpus))
        let exactInt8 = try AsymmetricIndex(int8).search(queries, k: 10, threads: 1)
        for precision in [Precision.rabitq1, .rabitq2] {
            let path = try build(corpus, precision: precision, ranges: ranges)
            let index = try SearchableIndex(path: path)
            XCTAssertEqual(index.fastPrecision, precision)
            XCTAssertEqual(index.rescoringPrecision, .int8)
            let direct = try RaBitQIndex(EmbeddingQuantizer(precision: precision, ranges: ranges).quantize(corpus))
            let plain = try index.search(queries, k: 10)
            XCTAssertEqual(plain.metric, .innerProduct)
            XCTAssertEqual(plain.hits, try direct.search(queries, k: 10))
            for multiplier in [1, 4] {
                let rescored = try index.search(queries, k: 10, parameters: SearchParameters(rescoreMultiplier: multiplier))
                let expected = try direct.search(
                    queries, k: 10, parameters: RaBitQSearchParameters(refinement: .exact(int8), candidateMultiplier: multiplier))
                XCTAssertEqual(rescored.hits, expected, "\(precision.rawValue) ×\(multiplier)")
                XCTAssertEqual(rescored.hits, exactInt8.hits, "\(precision.rawValue) ×\(multiplier): the int8 top 10")
            }
            // Ids come with the hits.
            let documents = index.documents(plain)
            XCTAssertEqual(documents[0].map(\.id), plain[0].map { "doc-\($0.row)" })
        }
    }

    /// Deleted rows are never returned; the answer is the direct search excluding them. A
    /// filter's answer is brute force over the allowed live rows.
    func testDeletedRowsAndFilters() throws {
        let n = 1000, d = 48
        let corpus = matrix(rows: n, dimension: d, seed: 43)
        let queries = matrix(rows: 6, dimension: d, seed: 44)
        let ranges = try rotatedRanges(corpus)
        let int8 = StoredCodes(try EmbeddingQuantizer(precision: .int8, ranges: ranges).quantize(corpus))
        for precision in [Precision.rabitq1, .rabitq2] {
            let path = try build(corpus, precision: precision, ranges: ranges)
            let direct = try RaBitQIndex(EmbeddingQuantizer(precision: precision, ranges: ranges).quantize(corpus))
            // Delete each query's best rows and a spread of others.
            let best = try AsymmetricIndex(int8).search(queries, k: 3, threads: 1).hits.flatMap { $0.map(\.row) }
            let deleted = Set(best + Array(stride(from: 0, to: n, by: 7)))
            _ = try IndexFile.delete(ids: deleted.map { "doc-\($0)" }, from: path)
            let index = try SearchableIndex(path: path)
            XCTAssertEqual(index.count, n - deleted.count)
            let live = RowFilter.excluding(rows: deleted, rowCount: n)
            for multiplier in [nil, 1, 3] as [Int?] {
                let results = try index.search(queries, k: 10, parameters: SearchParameters(rescoreMultiplier: multiplier))
                var parameters = RaBitQSearchParameters(candidateMultiplier: multiplier ?? 1)
                if multiplier != nil { parameters.refinement = .exact(int8) }
                XCTAssertEqual(results.hits, try direct.search(queries, k: 10, parameters: parameters, filter: live), "\(precision.rawValue) ×\(multiplier ?? 0)")
                XCTAssertTrue(results.hits.allSatisfy { $0.allSatisfy { !deleted.contains($0.row) } })
            }
            // Filters: 10 % allow-list, a predicate, an exclusion; rescoring every allowed row is
            // brute force, and the bound's candidates give the same top 10.
            var generator = SeededGenerator(seed: 45)
            let tenth = Set((0..<n).filter { _ in Int.random(in: 0..<10, using: &generator) == 0 })
            let filters: [(String, RowFilter, (Int) -> Bool)] = [
                ("10%", .allowing(rows: tenth, rowCount: n), { tenth.contains($0) }),
                ("predicate", .matching { $0 % 3 == 0 }, { $0 % 3 == 0 }),
                ("excluding 10%", .excluding(rows: tenth, rowCount: n), { !tenth.contains($0) }),
            ]
            for (name, filter, allows) in filters {
                let allowed = RowFilter.allowing(rows: (0..<n).filter { allows($0) && !deleted.contains($0) }, rowCount: n)
                let expected = try AsymmetricIndex(int8).search(queries, k: 10, filter: allowed, threads: 1)
                for multiplier in [1000, 1] {
                    let results = try index.search(queries, k: 10, parameters: SearchParameters(filter: filter, rescoreMultiplier: multiplier))
                    XCTAssertEqual(results.hits, expected.hits, "\(precision.rawValue) \(name) ×\(multiplier)")
                }
            }
        }
    }

    /// Adding to a RaBitQ index quantizes with the file's rotation: the grown file searches like
    /// a `RaBitQIndex` over the whole corpus. A graph of RaBitQ codes is refused by name.
    func testAdditionsAndGraphRefusal() throws {
        let d = 40
        let corpus = matrix(rows: 500, dimension: d, seed: 46)
        let more = matrix(rows: 70, dimension: d, seed: 47)
        let queries = matrix(rows: 5, dimension: d, seed: 48)
        let ranges = try rotatedRanges(corpus)
        let path = try build(corpus, precision: .rabitq1, ranges: ranges)
        try IndexBuilder.add(to: path, embeddings: more, ids: (500..<570).map { "doc-\($0)" })
        let index = try SearchableIndex(path: path)
        XCTAssertEqual(index.count, 570)
        let whole = try EmbeddingMatrix(rowCount: 570, dimension: d, values: corpus.values + more.values)
        let direct = try RaBitQIndex(EmbeddingQuantizer(precision: .rabitq1, ranges: ranges).quantize(whole))
        let int8 = StoredCodes(try EmbeddingQuantizer(precision: .int8, ranges: ranges).quantize(whole))
        XCTAssertEqual(try index.search(queries, k: 7).hits, try direct.search(queries, k: 7))
        XCTAssertEqual(
            try index.search(queries, k: 7, parameters: SearchParameters(rescoreMultiplier: 2)).hits,
            try direct.search(queries, k: 7, parameters: RaBitQSearchParameters(refinement: .exact(int8), candidateMultiplier: 2)))
        // An added row's own vector finds it first once rescored.
        let own = try index.search(EmbeddingMatrix(vector: Array(more[row: 3])), k: 1, parameters: SearchParameters(rescoreMultiplier: 1))
        XCTAssertEqual(index.documents(own)[0].first?.id, "doc-503")
        // Without rescoring codes a multiplier is refused, as for other precisions.
        let bare = directory.appendingPathComponent("bare.embq").path
        try IndexBuilder.create(at: bare, embeddings: corpus, ids: (0..<500).map { "doc-\($0)" }, precision: .rabitq2, ranges: ranges)
        XCTAssertThrowsError(try SearchableIndex(path: bare).search(queries, k: 3, parameters: SearchParameters(rescoreMultiplier: 2))) {
            XCTAssertEqual(VectorIndexConformance.unwrapped($0), .noRescoringCodes)
        }
        XCTAssertThrowsError(try IndexGraphFile.build(forIndexAt: path)) { error in
            XCTAssertTrue("\(error)".contains("rabitq1"), "\(error)")
        }
    }
}

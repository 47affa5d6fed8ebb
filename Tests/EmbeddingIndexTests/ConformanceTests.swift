import EmbeddingQuantization
import EmbeddingSearch
import EmbeddingStore
import Foundation
import VectorIndexConformance
import XCTest

@testable import EmbeddingIndex

/// Index files against brute force (`VectorIndexConformance`), deleted rows included: the fast
/// pass (Hamming) and the pass rescored from the file with `pread` (int8), with the deleted rows
/// skipped by the scan's filter and, past the limit, by a copy of the live rows.
final class ConformanceTests: XCTestCase {
    let ranges = try! Calibration.ranges(from: VectorIndexConformance.matrix(rows: 500, dimension: 20, seed: 77))
    var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("embedq-conformance-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    /// An index file of `corpus` (binary + int8), `deleted` rows deleted, opened with `deletedRowLimit`.
    func build(_ corpus: EmbeddingMatrix, deleted: Set<Int>, deletedRowLimit: Int) throws -> SearchableIndex {
        let path = directory.appendingPathComponent("index-\(UUID().uuidString).embq").path
        try IndexBuilder.create(
            at: path, embeddings: corpus, ids: (0..<corpus.rowCount).map { "doc-\($0)" }, precision: .binary, rescoring: .int8,
            ranges: ranges)
        if !deleted.isEmpty { try IndexFile.delete(ids: deleted.map { "doc-\($0)" }, from: path) }
        return try SearchableIndex(try IndexFile.open(at: path), deletedRowLimit: deletedRowLimit)
    }

    /// Hamming distances of the binary codes (plain Swift).
    func hammingOracle(_ corpus: EmbeddingMatrix, _ queries: EmbeddingMatrix) throws -> ExhaustiveScores {
        let rows = try EmbeddingQuantizer(precision: .binary).quantize(corpus)
        let query = try EmbeddingQuantizer(precision: .binary).quantize(queries)
        return ExhaustiveScores(metric: .hammingDistance, queryCount: queries.rowCount, rowCount: corpus.rowCount) { q, r in
            Double(zip(query[row: q], rows[row: r]).reduce(0) { $0 + ($1.0 ^ $1.1).nonzeroBitCount })
        }
    }

    /// The float queries' inner products with the int8 codes, by the asymmetric index's own scan
    /// over every row (its scoring is checked against plain Swift in `EmbeddingSearchTests`).
    func int8Scores(_ corpus: EmbeddingMatrix, _ queries: EmbeddingMatrix) throws -> [[Double]] {
        guard corpus.rowCount > 0 else { return Array(repeating: [], count: queries.rowCount) }
        let codes = StoredCodes(try EmbeddingQuantizer(precision: .int8, ranges: ranges).quantize(corpus))
        let all = try AsymmetricIndex(codes).search(queries, k: corpus.rowCount, threads: 1)
        return all.map { hits in
            var scores = [Double](repeating: 0, count: corpus.rowCount)
            for hit in hits { scores[hit.row] = hit.score }
            return scores
        }
    }

    func testIndexFilesWithAndWithoutRescoring() throws {
        for limit in [SearchableIndex.defaultDeletedRowLimit, 0] {
            VectorIndexConformance.check(
                "SearchableIndex fast pass, deleted-row limit \(limit)", supportsDeletion: true,
                build: { corpus, deleted in try self.build(corpus, deleted: deleted, deletedRowLimit: limit) },
                oracle: { _, corpus, queries in try self.hammingOracle(corpus, queries) })
            VectorIndexConformance.check(
                "SearchableIndex rescored ×3 with pread, deleted-row limit \(limit)", supportsDeletion: true,
                parameters: SearchParameters(rescoreMultiplier: 3),
                build: { corpus, deleted in try self.build(corpus, deleted: deleted, deletedRowLimit: limit) },
                oracle: { _, corpus, queries in
                    RefinedScores(
                        candidates: try self.hammingOracle(corpus, queries), finer: try self.int8Scores(corpus, queries), multiplier: 3)
                })
        }
    }
}

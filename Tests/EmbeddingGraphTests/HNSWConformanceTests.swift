import EmbeddingQuantization
import EmbeddingSearch
import VectorIndexConformance
import XCTest

@testable import EmbeddingGraph

/// HNSW indexes against brute force with the conformance suite (ties, k beyond the rows, empty
/// and one-row corpora, filters at every selectivity, deletions, threads), in the recall-aware
/// form: with `ef` at least the allowed rows the answer must be exact — through the automatic
/// exact scan, and through the graph walk itself when the scan is turned off (every node of
/// these graphs is reachable, so a walk that never fills its `ef` results visits them all).
final class HNSWConformanceTests: XCTestCase {
    let parameters = HNSWParameters(connectivity: 6, efConstruction: 24, seed: 7)

    func build(_ corpus: EmbeddingMatrix, _ precision: Precision, deleted: Set<Int>, walkOnly: Bool) throws -> HNSWIndex {
        var index = try HNSWIndex(codes: try GraphFixtures.quantize(corpus, precision), parameters: parameters, threads: 2)
            .deleting(deleted)
        index.allowsExactScan = !walkOnly
        return index
    }

    func testExactWhenEfCoversTheAllowedRows() throws {
        for precision in GraphFixtures.precisions {
            VectorIndexConformance.check(
                "HNSWIndex \(precision.rawValue), ef ≥ rows", supportsDeletion: true, parameters: SearchParameters(ef: Int.max),
                build: { corpus, deleted in try self.build(corpus, precision, deleted: deleted, walkOnly: false) },
                oracle: { _, corpus, queries in
                    try GraphFixtures.oracle(precision, corpus: try GraphFixtures.quantize(corpus, precision), queries: queries)
                })
        }
    }

    func testTheGraphWalkIsExactWhenEfCoversTheRows() throws {
        for precision in [Precision.ubinary, .int8, .float16] {
            VectorIndexConformance.check(
                "HNSWIndex \(precision.rawValue), graph walk, ef ≥ rows", supportsDeletion: true,
                parameters: SearchParameters(ef: 100_000),
                build: { corpus, deleted in try self.build(corpus, precision, deleted: deleted, walkOnly: true) },
                oracle: { _, corpus, queries in
                    try GraphFixtures.oracle(precision, corpus: try GraphFixtures.quantize(corpus, precision), queries: queries)
                })
        }
    }

    func testRefinedGraphCandidatesMatchTheRefinedOracle() throws {
        VectorIndexConformance.check(
            "RefineIndex(HNSWIndex ubinary) → int8", supportsDeletion: false,
            parameters: SearchParameters(ef: Int.max),
            build: { corpus, _ in
                try RefineIndex(
                    base: try self.build(corpus, .ubinary, deleted: [], walkOnly: false),
                    codes: StoredCodes(try GraphFixtures.quantize(corpus, .int8)), multiplier: 3)
            },
            oracle: { index, corpus, queries in
                let finer = index.codes as! StoredCodes
                let scores = try (0..<queries.rowCount).map { q in
                    let scorer = try AsymmetricScorer(query: Array(queries[row: q]), codes: finer)
                    return finer.bytes.withUnsafeBytes { all in
                        (0..<finer.rowCount).map { row in
                            Double(scorer.score(UnsafeRawBufferPointer(rebasing: all[(row * finer.bytesPerVector)..<((row + 1) * finer.bytesPerVector)])))
                        }
                    }
                }
                return RefinedScores(
                    candidates: try GraphFixtures.oracle(.ubinary, corpus: try GraphFixtures.quantize(corpus, .ubinary), queries: queries),
                    finer: scores, multiplier: 3)
            })
    }
}

import EmbeddingQuantization
import EmbeddingSearch
import XCTest

@testable import EmbeddingGraph

/// The graph walk itself (the exact scan turned off): recall against brute force on clustered
/// data, with filters and deletions (excluded rows are never returned), and the plan that
/// switches to the exact scan.
final class HNSWRecallTests: XCTestCase {
    static let data = GraphFixtures.clustered(rows: 3060, dimension: 96, clusters: 24, seed: 5)
    let corpus = data[rows: 0..<3000]
    let queries = data[rows: 3000..<3060]
    let parameters = HNSWParameters(connectivity: 10, efConstruction: 64, seed: 3)

    func walkingIndex(_ precision: Precision) throws -> (HNSWIndex, QuantizedEmbeddings) {
        let codes = try GraphFixtures.quantize(corpus, precision)
        var index = try HNSWIndex(codes: codes, parameters: parameters, threads: 2)
        index.allowsExactScan = false
        return (index, codes)
    }

    func testRecallOfTheWalkInEveryPrecision() throws {
        for precision in GraphFixtures.precisions {
            let (index, codes) = try walkingIndex(precision)
            let exact = try GraphFixtures.oracle(precision, corpus: codes, queries: queries).expected(k: 10) { _ in true }
            let found = try index.search(queries, k: 10, parameters: SearchParameters(threads: 2, ef: 40))
            XCTAssertEqual(found.metric, exact.metric)
            let recall = GraphFixtures.recall(found, exact, k: 10)
            XCTAssertGreaterThan(recall, 0.9, "\(precision.rawValue): recall@10 \(recall) at ef 40")
            // Every score is the row's exact score (the walk reports what a flat scan would).
            let oracle = try GraphFixtures.oracle(precision, corpus: codes, queries: queries)
            for (q, hits) in found.enumerated() {
                for hit in hits { XCTAssertEqual(hit.score, oracle.scores[q][hit.row], "\(precision.rawValue) query \(q) row \(hit.row)") }
                XCTAssertEqual(hits, BruteForceSort.best(hits, metric: found.metric), "hits not sorted best first with ties by row")
            }
        }
    }

    func testFiltersAndDeletionsAreNeverReturnedAndRecallHolds() throws {
        let (base, codes) = try walkingIndex(.ubinary)
        let oracle = try GraphFixtures.oracle(.ubinary, corpus: codes, queries: queries)
        let n = corpus.rowCount
        let deleted = Set(stride(from: 0, to: n, by: 7))
        let half = Set((0..<n).filter { ($0 * 2_654_435_761) % 100 < 50 })
        let tenth = Set((0..<n).filter { ($0 * 2_654_435_761) % 100 < 10 })
        let cases: [(String, HNSWIndex, RowFilter?, (Int) -> Bool)] = [
            ("deleted 1/7", base.deleting(deleted), nil, { !deleted.contains($0) }),
            ("50% allow-list", base, .allowing(rows: half, rowCount: n), { half.contains($0) }),
            ("10% allow-list", base, .allowing(rows: tenth, rowCount: n), { tenth.contains($0) }),
            ("10% predicate", base, .matching { tenth.contains($0) }, { tenth.contains($0) }),
            ("50% ∩ deleted", base.deleting(deleted), .allowing(rows: half, rowCount: n), { half.contains($0) && !deleted.contains($0) }),
            ("exclusion of 50%", base, .excluding(rows: half, rowCount: n), { !half.contains($0) }),
        ]
        for (name, index, filter, allows) in cases {
            let found = try index.search(queries, k: 10, parameters: SearchParameters(filter: filter, threads: 1, ef: 48))
            for hits in found { XCTAssertTrue(hits.allSatisfy { allows($0.row) }, "\(name): a rejected row was returned") }
            XCTAssertTrue(found.allSatisfy { $0.count == 10 }, "\(name): fewer than k hits")
            let recall = GraphFixtures.recall(found, oracle.expected(k: 10, allows: allows), k: 10)
            XCTAssertGreaterThan(recall, 0.85, "\(name): recall@10 \(recall)")
        }
    }

    func testThePlanSwitchesToTheExactScan() throws {
        var (index, _) = try walkingIndex(.ubinary)
        index.allowsExactScan = true
        index.exactScanSelectivity = 0.05
        let n = index.rowCount
        XCTAssertEqual(index.plan(ef: 64, allowed: 0), .nothing)
        XCTAssertEqual(index.plan(ef: 64, allowed: n), .graph)
        XCTAssertEqual(index.plan(ef: n, allowed: n), .exactScan, "ef covering every row is the exact scan")
        XCTAssertEqual(index.plan(ef: 64, allowed: 64), .exactScan)
        XCTAssertEqual(index.plan(ef: 64, allowed: Int(0.049 * Double(n))), .exactScan, "below the selectivity threshold")
        XCTAssertEqual(index.plan(ef: 64, allowed: Int(0.06 * Double(n))), .graph)
        // A predicate's selectivity is estimated from a sample of rows.
        let filter = RowFilter.matching { $0 % 100 == 0 }.compiled(rowCount: n)
        XCTAssertEqual(Double(HNSWIndex.estimateAllowed(filter, rowCount: n)), Double(n / 100), accuracy: Double(n) * 0.005)
        // Below the threshold the answer is exact although ef is small.
        let rare = Set(stride(from: 3, to: n, by: 50))
        let found = try index.search(queries, k: 10, parameters: SearchParameters(filter: .allowing(rows: rare, rowCount: n), ef: 10))
        let exact = try GraphFixtures.oracle(.ubinary, corpus: try GraphFixtures.quantize(corpus, .ubinary), queries: queries)
            .expected(k: 10) { rare.contains($0) }
        XCTAssertEqual(found, exact)
    }
}

/// Sorting helper: best first by the metric, ties by ascending row.
enum BruteForceSort {
    static func best(_ hits: [SearchHit], metric: Metric) -> [SearchHit] {
        hits.sorted { a, b in
            a.score != b.score ? (metric.higherIsBetter ? a.score > b.score : a.score < b.score) : a.row < b.row
        }
    }
}

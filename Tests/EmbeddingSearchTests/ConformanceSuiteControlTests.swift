import EmbeddingQuantization
import VectorIndexConformance
import XCTest

@testable import EmbeddingSearch

/// Negative controls: the conformance suite catches indexes that are wrong in the ways an index
/// can be wrong — a filter ignored, a filter applied after the top k (padding k), ties broken
/// the wrong way, the wrong metric — so a pass means something.
final class ConformanceSuiteControlTests: XCTestCase {
    /// A float index that misbehaves in one way.
    struct Broken: VectorIndex {
        enum Fault { case ignoresFilter, filtersAfterTopK, breaksTiesHighRowFirst, reportsWrongMetric }
        let base: FlatIndex
        let fault: Fault
        var dimension: Int { base.dimension }
        var rowCount: Int { base.rowCount }

        func search(_ queries: EmbeddingMatrix, k: Int, parameters: SearchParameters) throws(SearchError) -> SearchResults {
            var unfiltered = parameters
            unfiltered.filter = nil
            switch fault {
            case .ignoresFilter:
                return try base.search(queries, k: k, parameters: unfiltered)
            case .filtersAfterTopK:
                let results = try base.search(queries, k: k, parameters: unfiltered)
                let filter = parameters.filter
                return SearchResults(metric: results.metric, hits: results.map { $0.filter { filter?.allows($0.row) ?? true } })
            case .breaksTiesHighRowFirst:
                let results = try base.search(queries, k: k, parameters: parameters)
                return SearchResults(metric: results.metric, hits: results.map { hits in
                    hits.sorted { $0.score != $1.score ? $0.score > $1.score : $0.row > $1.row }
                })
            case .reportsWrongMetric:
                return SearchResults(metric: .hammingDistance, hits: try base.search(queries, k: k, parameters: parameters).hits)
            }
        }
    }

    func testTheSuiteCatchesEachFault() {
        let faults: [Broken.Fault] = [.ignoresFilter, .filtersAfterTopK, .breaksTiesHighRowFirst, .reportsWrongMetric]
        for fault in faults {
            let failures = VectorIndexConformance.failures(
                "broken \(fault)",
                build: { corpus, _ in Broken(base: try FlatIndex(corpus), fault: fault) },
                oracle: { _, corpus, queries in
                    ExhaustiveScores(metric: .innerProduct, queryCount: queries.rowCount, rowCount: corpus.rowCount) { q, r in
                        Double(zip(corpus[row: r], queries[row: q]).reduce(Float(0)) { $0.addingProduct($1.0, $1.1) })
                    }
                })
            XCTAssertFalse(failures.isEmpty, "\(fault) was not caught")
        }
        // The control of the controls: the same oracle passes the sound index.
        let sound = VectorIndexConformance.failures(
            "sound", build: { corpus, _ in try FlatIndex(corpus) },
            oracle: { _, corpus, queries in
                ExhaustiveScores(metric: .innerProduct, queryCount: queries.rowCount, rowCount: corpus.rowCount) { q, r in
                    Double(zip(corpus[row: r], queries[row: q]).reduce(Float(0)) { $0.addingProduct($1.0, $1.1) })
                }
            })
        XCTAssertEqual(sound, [])
    }
}

import Foundation
import XCTest
@testable import RetrievalEvaluation

/// Loads the real SciFact test split, scores every document for every judged query with the
/// deterministic, tie-heavy formula of `scripts/evaluation/scifact_synthetic_run.py`, and
/// compares the mean metrics with those pytrec_eval computed for the same run.
final class SciFactCrossCheckTests: XCTestCase {
    private struct Fixture: Decodable {
        let queries: Int
        let documents: Int
        let cutoffs: [Int]
        let means: [String: Double]
        let per_query: [String: [String: Double]]
    }

    func testMeansAgreeWithPytrecEvalOnTheRealDataset() throws {
        let folder = try SharedData.file("datasets/scifact")
        let fixture = try JSONDecoder().decode(
            Fixture.self, from: Data(contentsOf: TestSupport.fixture("scifact_synthetic_run.json")))
        let dataset = try BEIRDataset.load(from: folder)
        XCTAssertEqual(dataset.documents.count, fixture.documents)
        XCTAssertEqual(dataset.judgments.queryCount, fixture.queries)

        let documentNumbers = try dataset.documents.map { try XCTUnwrap(Int($0.id)) }
        var rankings: [String: [ScoredDocument]] = [:]
        for queryID in dataset.judgments.queryIDs {
            let query = try XCTUnwrap(Int(queryID))
            let grades = dataset.judgments[queryID] ?? [:]
            rankings[queryID] = zip(dataset.documents, documentNumbers).map { document, number in
                let hash = (query * 2_654_435_761 + number * 40_503) % 1_000
                let boosted = (grades[document.id] ?? 0) > 0 && (query + number) % 3 != 0
                return ScoredDocument(id: document.id, score: boosted ? 1 + Double(hash % 7) / 10 : Double(hash) / 1_000)
            }
        }
        let metrics = RankingMetric.all(cutoffs: fixture.cutoffs)
        let summary = try RankingMetrics.evaluate(rankings: rankings, judgments: dataset.judgments, metrics: metrics)

        for k in fixture.cutoffs {
            let pairs: [(RankingMetric, String)] = [
                (.ndcg(at: k), "ndcg_cut_\(k)"), (.recall(at: k), "recall_\(k)"), (.precision(at: k), "P_\(k)"),
                (.map(at: k), "map_cut_\(k)"), (.hitRate(at: k), "success_\(k)"),
            ]
            for (metric, name) in pairs {
                XCTAssertEqual(summary[metric]!, try XCTUnwrap(fixture.means[name]), accuracy: 1e-12, "\(metric)")
                for (queryID, values) in fixture.per_query {
                    XCTAssertEqual(
                        summary.value(of: metric, forQuery: queryID)!, try XCTUnwrap(values[name]), accuracy: 1e-12,
                        "query \(queryID) \(metric)")
                }
            }
        }
    }
}

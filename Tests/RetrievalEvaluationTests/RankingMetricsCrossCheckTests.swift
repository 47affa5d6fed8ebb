import Foundation
import XCTest
@testable import RetrievalEvaluation

/// Compares ``RankingMetrics`` with values pytrec_eval computed for random graded qrels and
/// tie-heavy runs (fixture made by `scripts/evaluation/crosscheck_pytrec_eval.py`).
final class RankingMetricsCrossCheckTests: XCTestCase {
    private struct Fixture: Decodable {
        struct Query: Decodable {
            let id: String
            let qrels: [String: Int]
            let run: [Entry]
            let expected: [String: Double]
        }

        struct Entry: Decodable {
            let id: String
            let score: Double

            init(from decoder: any Decoder) throws {
                var container = try decoder.unkeyedContainer()
                id = try container.decode(String.self)
                score = try container.decode(Double.self)
            }
        }

        let cutoffs: [Int]
        let queries: [Query]
    }

    func testAgreesWithPytrecEval() throws {
        let data = try Data(contentsOf: TestSupport.fixture("pytrec_eval_crosscheck.json"))
        let fixture = try JSONDecoder().decode(Fixture.self, from: data)
        XCTAssertGreaterThanOrEqual(fixture.queries.count, 10)
        let metrics = RankingMetric.all(cutoffs: fixture.cutoffs)
        let names: [(RankingMetric, String)] = fixture.cutoffs.flatMap { k in
            [(.ndcg(at: k), "ndcg_cut_\(k)"), (.recall(at: k), "recall_\(k)"), (.precision(at: k), "P_\(k)"),
             (.map(at: k), "map_cut_\(k)"), (.hitRate(at: k), "success_\(k)")]
        }
        var compared = 0
        var nonZero = 0
        for query in fixture.queries {
            let run = query.run.map { ScoredDocument(id: $0.id, score: $0.score) }
            let values = try RankingMetrics.evaluate(ranking: run, grades: query.qrels, metrics: metrics, queryID: query.id)
            for (metric, name) in names {
                let expected = try XCTUnwrap(query.expected[name], "\(name) missing from the fixture")
                XCTAssertEqual(values[metric]!, expected, accuracy: 1e-12, "query \(query.id) \(metric)")
                compared += 1
                if expected != 0 { nonZero += 1 }
            }
            // pytrec_eval's recip_rank has no cutoff: it equals MRR@k once k exceeds the run.
            let longest = try XCTUnwrap(fixture.cutoffs.max())
            XCTAssertGreaterThan(longest, run.count)
            XCTAssertEqual(values[.mrr(at: longest)]!, try XCTUnwrap(query.expected["recip_rank"]), accuracy: 1e-12)
        }
        XCTAssertEqual(compared, fixture.queries.count * names.count)
        XCTAssertGreaterThan(nonZero, compared / 5, "the fixture must exercise non-trivial values")
    }
}

import Foundation
import XCTest
@testable import RetrievalEvaluation

final class RankingMetricsTests: XCTestCase {
    private func ranking(_ pairs: [(String, Double)]) -> [ScoredDocument] {
        pairs.map { ScoredDocument(id: $0.0, score: $0.1) }
    }

    func testTiesAreBrokenByIdentifierDescendingBytewise() {
        let order = RankingMetrics.trecOrder(ranking([("a", 1), ("10", 0.5), ("b", 1), ("9", 0.5), ("B", 1)]))
        // "b" > "a" > "B" in bytes; "9" > "10" because '9' > '1'.
        XCTAssertEqual(order.map(\.id), ["b", "a", "B", "9", "10"])
    }

    func testTiedRelevantDocumentRanksBelowTiedHigherIdentifier() throws {
        let metrics: [RankingMetric] = [.mrr(at: 10), .ndcg(at: 10), .precision(at: 1)]
        let forward = try RankingMetrics.evaluate(
            ranking: ranking([("a", 1), ("b", 1), ("c", 0.5)]), grades: ["a": 1], metrics: metrics)
        let reversed = try RankingMetrics.evaluate(
            ranking: ranking([("c", 0.5), ("b", 1), ("a", 1)]), grades: ["a": 1], metrics: metrics)
        XCTAssertEqual(forward, reversed, "the caller's order must not matter")
        XCTAssertEqual(forward[.mrr(at: 10)], 0.5)
        XCTAssertEqual(forward[.ndcg(at: 10)]!, 1 / log2(3.0), accuracy: 1e-15)
        XCTAssertEqual(forward[.precision(at: 1)], 0)
    }

    func testGradedRelevanceUsesTheGradeAsGain() throws {
        // Grades by rank: d3 (0), d2 (1), d1 (2), d5 (unjudged). Relevant in qrels: d1, d2, d4.
        let grades = ["d1": 2, "d2": 1, "d3": 0, "d4": 1]
        let run = ranking([("d3", 0.9), ("d2", 0.8), ("d1", 0.7), ("d5", 0.6)])
        let cutoffs = [1, 3]
        let values = try RankingMetrics.evaluate(ranking: run, grades: grades, metrics: RankingMetric.all(cutoffs: cutoffs))

        let dcg3 = 1 / log2(3.0) + 2 / log2(4.0)  // 1.6309
        let idcg3 = 2 / log2(2.0) + 1 / log2(3.0) + 1 / log2(4.0)  // 3.1309: grades 2, 1, 1
        XCTAssertEqual(values[.ndcg(at: 3)]!, dcg3 / idcg3, accuracy: 1e-15)
        XCTAssertEqual(values[.ndcg(at: 3)]!, 0.520909, accuracy: 1e-6)
        XCTAssertEqual(values[.recall(at: 3)]!, 2.0 / 3.0, accuracy: 1e-15)
        XCTAssertEqual(values[.precision(at: 3)]!, 2.0 / 3.0, accuracy: 1e-15)
        XCTAssertEqual(values[.map(at: 3)]!, (1.0 / 2.0 + 2.0 / 3.0) / 3.0, accuracy: 1e-15)
        XCTAssertEqual(values[.mrr(at: 3)], 0.5)
        XCTAssertEqual(values[.hitRate(at: 3)], 1)
        for metric in RankingMetric.all(cutoffs: [1]) {
            XCTAssertEqual(values[metric], 0, "\(metric): nothing relevant at rank 1")
        }
        // With 2^grade - 1 gains NDCG@3 would be (1/log2(3) + 3/2) / (3 + 1/log2(3) + 1/2) = 0.5267.
        XCTAssertNotEqual(values[.ndcg(at: 3)]!, 0.5267, accuracy: 1e-3)
    }

    func testQueryWithNoRelevantDocumentRetrievedScoresZero() throws {
        let values = try RankingMetrics.evaluate(
            ranking: ranking([("x", 3), ("y", 2), ("z", 1)]), grades: ["a": 1, "y": 0],
            metrics: RankingMetric.all(cutoffs: [1, 10]))
        XCTAssertEqual(values.count, 12)
        for (metric, value) in values { XCTAssertEqual(value, 0, "\(metric)") }
    }

    func testCutoffLargerThanTheRanking() throws {
        let values = try RankingMetrics.evaluate(
            ranking: ranking([("d1", 0.3)]), grades: ["d1": 1, "d2": 1], metrics: RankingMetric.all(cutoffs: [10]))
        XCTAssertEqual(values[.precision(at: 10)]!, 0.1, accuracy: 1e-15, "P@k divides by k")
        XCTAssertEqual(values[.recall(at: 10)], 0.5)
        XCTAssertEqual(values[.map(at: 10)], 0.5, "MAP divides by all relevant documents")
        XCTAssertEqual(values[.ndcg(at: 10)]!, 1 / (1 + 1 / log2(3.0)), accuracy: 1e-15)
        XCTAssertEqual(values[.mrr(at: 10)], 1)
    }

    func testIdealDCGIsCutAtK() throws {
        // Three relevant documents, k = 2: IDCG@2 uses only the two best grades (3 and 2).
        let values = try RankingMetrics.evaluate(
            ranking: ranking([("low", 2), ("top", 1)]), grades: ["top": 3, "mid": 2, "low": 1], metrics: [.ndcg(at: 2)])
        XCTAssertEqual(values[.ndcg(at: 2)]!, (1 + 3 / log2(3.0)) / (3 + 2 / log2(3.0)), accuracy: 1e-15)
    }

    func testSummaryAveragesOverEveryJudgedQuery() throws {
        let judgments = RelevanceJudgments(["q1": ["a": 1], "q2": ["b": 1], "q3": ["c": 0]])
        let rankings = [
            "q1": ranking([("a", 1)]),  // perfect
            // q2 has no ranking at all; q3 has nothing relevant.
            "q3": ranking([("c", 1)]),
            "unjudged": ranking([("a", 1)]),
        ]
        let summary = try RankingMetrics.evaluate(rankings: rankings, judgments: judgments, metrics: [.ndcg(at: 10), .recall(at: 10)])
        XCTAssertEqual(summary.queryCount, 3)
        XCTAssertEqual(summary[.ndcg(at: 10)]!, 1.0 / 3.0, accuracy: 1e-15)
        XCTAssertEqual(summary[.recall(at: 10)]!, 1.0 / 3.0, accuracy: 1e-15)
        XCTAssertNil(summary[.mrr(at: 10)])
        XCTAssertEqual(summary.value(of: .ndcg(at: 10), forQuery: "q2"), 0)
        XCTAssertNil(summary.value(of: .ndcg(at: 10), forQuery: "unjudged"))
    }

    func testIgnoringIdenticalIdentifiers() throws {
        let judgments = RelevanceJudgments(["7": ["d": 1]])
        let rankings = ["7": ranking([("7", 0.9), ("d", 0.5)])]
        let kept = try RankingMetrics.evaluate(rankings: rankings, judgments: judgments, metrics: [.mrr(at: 10)])
        let dropped = try RankingMetrics.evaluate(
            rankings: rankings, judgments: judgments, metrics: [.mrr(at: 10)], ignoringIdenticalIDs: true)
        XCTAssertEqual(kept[.mrr(at: 10)], 0.5)
        XCTAssertEqual(dropped[.mrr(at: 10)], 1)
    }

    func testInvalidInputsThrowTypedErrors() {
        XCTAssertThrowsError(try RankingMetrics.evaluate(ranking: [], grades: [:], metrics: [.ndcg(at: 0)])) {
            XCTAssertEqual($0 as? EvaluationError, .invalidCutoff(.ndcg(at: 0)))
        }
        XCTAssertThrowsError(
            try RankingMetrics.evaluate(ranking: ranking([("a", 1), ("a", 0.5)]), grades: [:], metrics: [.ndcg(at: 1)], queryID: "q")
        ) {
            XCTAssertEqual($0 as? EvaluationError, .duplicateDocument(queryID: "q", documentID: "a"))
        }
        XCTAssertThrowsError(
            try RankingMetrics.evaluate(ranking: ranking([("a", .nan)]), grades: [:], metrics: [.ndcg(at: 1)], queryID: "q")
        ) {
            XCTAssertEqual($0 as? EvaluationError, .nonFiniteScore(queryID: "q", documentID: "a"))
            XCTAssertTrue("\($0)".contains("'q'"))
        }
        XCTAssertThrowsError(try RankingMetrics.evaluate(rankings: [:], judgments: RelevanceJudgments(), metrics: [.ndcg(at: 1)])) {
            XCTAssertEqual($0 as? EvaluationError, .noJudgedQueries)
        }
    }

    func testMetricNames() {
        XCTAssertEqual(RankingMetric.reportMetrics.map(\.description), ["ndcg@10", "recall@10", "recall@100", "mrr@10"])
        XCTAssertEqual(RankingMetric.map(at: 5).description, "map@5")
        XCTAssertEqual(RankingMetric.precision(at: 5).description, "precision@5")
    }
}

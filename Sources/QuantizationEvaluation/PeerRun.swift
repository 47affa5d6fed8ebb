import Foundation
import RetrievalEvaluation

/// Rankings another library produced on the same embeddings (e.g. FAISS `IndexRaBitQ`, run by
/// `scripts/bench-rabitq.sh`), scored by the same metrics as EmbedQ's rows so the report compares
/// like with like.
///
/// JSON: `{"name": "FAISS RaBitQ 1-bit", "bytes_per_vector": 56, "ms_per_query": 0.4,
/// "rankings": {"<query id>": {"ids": ["<document id>", …], "scores": [0.71, …]}, …}}`, scores
/// higher is better.
public struct PeerRun: Sendable, Decodable {
    /// One query's ranked documents.
    public struct Ranking: Sendable, Decodable {
        /// Document ids, best first.
        public var ids: [String]
        /// Their scores (higher is better).
        public var scores: [Double]
    }

    /// The row's name in the report.
    public var name: String
    /// Bytes per vector the peer stores (codes and factors).
    public var bytesPerVector: Double
    /// Its search time per query, in milliseconds (as the peer measured it).
    public var millisecondsPerQuery: Double
    /// Rankings per query id.
    public var rankings: [String: Ranking]

    enum CodingKeys: String, CodingKey {
        case name, rankings
        case bytesPerVector = "bytes_per_vector"
        case millisecondsPerQuery = "ms_per_query"
    }

    /// Reads a run file.
    ///
    /// - Throws: ``QuantizationEvaluationError/file(path:reason:)`` naming the file when it is
    ///   unreadable or not a run (a ranking whose ids and scores differ in length included).
    public static func read(contentsOf path: String) throws(QuantizationEvaluationError) -> PeerRun {
        let run: PeerRun
        do {
            run = try JSONDecoder().decode(PeerRun.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw .file(path: path, reason: "not a peer run file: \(error)")
        }
        if let bad = run.rankings.first(where: { $0.value.ids.count != $0.value.scores.count }) {
            throw .file(path: path, reason: "query \(bad.key): \(bad.value.ids.count) ids but \(bad.value.scores.count) scores")
        }
        return run
    }
}

extension QuantizationMatrix {
    /// A peer's rankings scored like EmbedQ's rows (NDCG@10, recall, MRR over the same judgments).
    ///
    /// - Throws: ``QuantizationEvaluationError/evaluation(_:)`` / ``QuantizationEvaluationError/report(_:)``.
    public func evaluate(peer: PeerRun) throws(QuantizationEvaluationError) -> QuantizationResult {
        var rankings: [String: [ScoredDocument]] = [:]
        for (query, ranking) in peer.rankings {
            rankings[query] = zip(ranking.ids, ranking.scores).map { ScoredDocument(id: $0, score: $1) }
        }
        let summary: MetricSummary
        do {
            summary = try RankingMetrics.evaluate(rankings: rankings, judgments: judgments, metrics: RankingMetric.reportMetrics)
        } catch {
            throw .evaluation(error)
        }
        do {
            return try QuantizationResult(
                name: peer.name, summary: summary, bytesPerVector: peer.bytesPerVector,
                millisecondsPerQuery: peer.millisecondsPerQuery)
        } catch {
            throw .report(error)
        }
    }
}

/// A ranking quality measure at a rank cutoff `k`, computed as `pytrec_eval` (trec_eval 9.x)
/// computes its counterpart; see ``RankingMetrics`` for the exact definitions.
public enum RankingMetric: Hashable, Sendable, CustomStringConvertible {
    /// Normalized discounted cumulative gain over the top `k` (trec_eval `ndcg_cut.k`).
    case ndcg(at: Int)
    /// Relevant documents in the top `k` over all relevant documents (trec_eval `recall.k`).
    case recall(at: Int)
    /// Relevant documents in the top `k` over `k` (trec_eval `P.k`).
    case precision(at: Int)
    /// Reciprocal rank of the first relevant document within the top `k`, else 0 (MTEB `MRR@k`).
    case mrr(at: Int)
    /// Average precision truncated at `k`, over all relevant documents (trec_eval `map_cut.k`).
    case map(at: Int)
    /// 1 when a relevant document is in the top `k`, else 0 (trec_eval `success.k`).
    case hitRate(at: Int)

    /// The rank cutoff `k`.
    public var cutoff: Int {
        switch self {
        case .ndcg(let k), .recall(let k), .precision(let k), .mrr(let k), .map(let k), .hitRate(let k):
            return k
        }
    }

    /// The metric's name in lower case with its cutoff, as used in reports: `ndcg@10`,
    /// `recall@100`, `precision@10`, `mrr@10`, `map@10`, `hit_rate@10`.
    public var description: String {
        switch self {
        case .ndcg(let k): return "ndcg@\(k)"
        case .recall(let k): return "recall@\(k)"
        case .precision(let k): return "precision@\(k)"
        case .mrr(let k): return "mrr@\(k)"
        case .map(let k): return "map@\(k)"
        case .hitRate(let k): return "hit_rate@\(k)"
        }
    }

    /// The measures the quantization report needs: NDCG@10, Recall@10, Recall@100 and MRR@10.
    public static let reportMetrics: [RankingMetric] = [.ndcg(at: 10), .recall(at: 10), .recall(at: 100), .mrr(at: 10)]

    /// Every measure at every cutoff in `cutoffs` (MTEB reports 1, 3, 5, 10, 20, 100, 1000).
    public static func all(cutoffs: [Int]) -> [RankingMetric] {
        cutoffs.flatMap { k in [.ndcg(at: k), .recall(at: k), .precision(at: k), .mrr(at: k), .map(at: k), .hitRate(at: k)] }
    }
}

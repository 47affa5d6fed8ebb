import EmbeddingQuantization

/// How a search scores a corpus row against a query, and which direction is better.
public enum Metric: String, Sendable, CaseIterable {
    /// The inner product of the two vectors; **higher is better**. For L2-normalized float
    /// vectors it is the cosine similarity. Integer codes (`int8`, `uint8`, `int4`, `ternary`)
    /// score by the exact integer dot product of their codes; float queries against codes score
    /// against the dequantized values (see ``AsymmetricScorer``).
    case innerProduct
    /// The Hamming distance between two bit codes, in bits (`0 ... d`); **lower is better**.
    case hammingDistance

    /// Whether larger scores rank first.
    public var higherIsBetter: Bool { self == .innerProduct }

    /// `score` as a value for which higher is better: the score itself for the inner product,
    /// its negation for the Hamming distance (e.g. for ranking metrics that expect that direction).
    public func rankingValue(of score: Double) -> Double {
        higherIsBetter ? score : -score
    }

    /// The metric a symmetric search of `precision` codes uses: Hamming distance for `binary`
    /// and `ubinary`, the inner product for every other precision.
    public static func symmetric(for precision: Precision) -> Metric {
        switch precision {
        case .binary, .ubinary: return .hammingDistance
        default: return .innerProduct
        }
    }
}

/// One search result: a corpus row and its score against the query.
///
/// The meaning and direction of `score` depend on the ``Metric`` of the search that produced
/// the hit: an inner product (higher is better) or a Hamming distance in bits (lower is better).
/// Result lists are sorted best first; equal scores are ordered by ascending `row`.
public struct SearchHit: Sendable, Hashable, CustomStringConvertible {
    /// The 0-based row of the corpus.
    public let row: Int
    /// The score: an inner product (float32 arithmetic for float scoring, exact for integer
    /// codes) or a Hamming distance (a whole number of bits), as a `Double` so that every
    /// integer score is exact.
    public let score: Double

    /// Creates a hit.
    public init(row: Int, score: Double) {
        self.row = row
        self.score = score
    }

    /// `(row: R, score: S)`.
    public var description: String { "(row: \(row), score: \(score))" }
}

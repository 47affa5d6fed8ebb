/// A retrieved document and the score the search gave it (higher is better).
public struct ScoredDocument: Hashable, Sendable {
    /// The document identifier, as in the corpus and the qrels.
    public var id: String
    /// The retrieval score: a similarity, or a negated distance, so that higher ranks first.
    public var score: Double

    /// Creates a scored document.
    public init(id: String, score: Double) {
        self.id = id
        self.score = score
    }
}

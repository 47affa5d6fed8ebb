/// One result of searching an index file: a live document, its stored row and its score.
///
/// The score's meaning follows the search: without rescoring it is the fast codes' own score
/// (a Hamming distance in bits for `binary` / `ubinary`, lower is better; an inner product
/// otherwise); after rescoring it is the float query's inner product with the finer codes
/// (higher is better): the `SearchResults/metric` of the search says which.
public struct IndexHit: Sendable, Hashable, CustomStringConvertible {
    /// The document id recorded for the row.
    public let id: String
    /// The row in the file (stable until the index is compacted).
    public let row: Int
    /// The score against the query.
    public let score: Double

    /// Creates a hit.
    public init(id: String, row: Int, score: Double) {
        self.id = id
        self.row = row
        self.score = score
    }

    /// `(id: ID, row: R, score: S)`.
    public var description: String { "(id: \(id), row: \(row), score: \(score))" }
}

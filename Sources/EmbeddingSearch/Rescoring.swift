import EmbeddingQuantization

/// Two-stage search: take `k × multiplier` candidates from the index's fast codes, rescore them
/// with the float query against finer ``codes`` (``AsymmetricScorer``), keep the best `k`.
///
/// Typical pairs: a `binary` index rescored with `int8` codes, or with `float32` originals, or
/// with the same bits as ±1 (sentence-transformers' default). With `multiplier × k ≥` the corpus
/// size every row is rescored, so the result equals an exact search with the finer codes.
public struct Rescoring: Sendable {
    /// Candidates taken per hit wanted (≥ 1).
    public let multiplier: Int
    /// The finer codes, one row per corpus row, in the same row order as the index.
    public let codes: StoredCodes

    /// Creates a rescoring stage.
    public init(multiplier: Int, codes: StoredCodes) {
        self.multiplier = multiplier
        self.codes = codes
    }
}

extension StoredCodes {
    /// Scores `candidates` (rows) against a float query and returns the best `k`, best first
    /// (higher is better), equal scores by ascending row.
    ///
    /// - Throws: ``SearchError/invalidK(_:)``, ``SearchError/rowOutOfRange(row:rowCount:)``, and
    ///   the errors of ``AsymmetricScorer/init(query:codes:)``.
    public func rescore(query: [Float], candidates: [Int], k: Int) throws(SearchError) -> [SearchHit] {
        guard k >= 1 else { throw SearchError.invalidK(k) }
        guard query.count == dimension else {
            throw SearchError.dimensionMismatch(expected: dimension, actual: query.count, what: "the query")
        }
        if let bad = candidates.first(where: { $0 < 0 || $0 >= rowCount }) {
            throw SearchError.rowOutOfRange(row: bad, rowCount: rowCount)
        }
        let scorer = try AsymmetricScorer(query: query, codes: self)
        let width = bytesPerVector
        var best = TopK<Float>(capacity: Swift.min(k, Swift.max(candidates.count, 1)))
        bytes.withUnsafeBytes { all in
            for row in candidates {
                best.offer(key: scorer.score(UnsafeRawBufferPointer(rebasing: all[(row * width)..<((row + 1) * width)])), row: row)
            }
        }
        return best.sorted().map { SearchHit(row: $0.row, score: Double($0.key)) }
    }

    /// Asymmetric exact search: every float query (`m × d`) against every row, scored by
    /// ``AsymmetricScorer`` (higher is better), best `k` per query, ties by ascending row.
    ///
    /// - Parameter threads: threads (≥ 1) over which the rows are split; `nil` uses every core.
    public func asymmetricSearch(_ queries: EmbeddingMatrix, k: Int, threads: Int? = nil) throws(SearchError) -> [[SearchHit]] {
        guard k >= 1 else { throw SearchError.invalidK(k) }
        guard queries.dimension == dimension else {
            throw SearchError.dimensionMismatch(expected: dimension, actual: queries.dimension, what: "the queries")
        }
        let threadCount = Swift.max(1, Swift.min(try Parallel.resolve(threads), rowCount / 4096))
        let scorers = try (0..<queries.rowCount).map { (q) throws(SearchError) in
            try AsymmetricScorer(query: Array(queries[row: q]), codes: self)
        }
        let parts = Parallel.ranges(total: rowCount, parts: threadCount)
        let width = bytesPerVector
        let capacity = Swift.min(k, rowCount)
        let bytes = self.bytes
        let partial = Parallel.map(threadCount) { part in
            bytes.withUnsafeBytes { all in
                scorers.map { scorer in
                    var best = TopK<Float>(capacity: capacity)
                    for row in parts[part] {
                        best.offer(key: scorer.score(UnsafeRawBufferPointer(rebasing: all[(row * width)..<((row + 1) * width)])), row: row)
                    }
                    return best.sorted()
                }
            }
        }
        return (0..<queries.rowCount).map { q in
            guard capacity > 0 else { return [] }
            return [RankedRow<Float>].mergeBest(partial.map { $0[q] }, k: capacity).map { SearchHit(row: $0.row, score: Double($0.key)) }
        }
    }
}

extension FlatIndex {
    /// Searches float32 queries (`m × d`) in two stages: the best `k × rescoring.multiplier`
    /// candidates by the index's own scoring (queries quantized like the corpus, see
    /// ``search(_:k:threads:)-(EmbeddingMatrix,_,_)``), then each candidate rescored with the float
    /// query against `rescoring.codes`; the best `k` by that score (higher is better), ties by
    /// ascending row.
    ///
    /// - Throws: ``SearchError/invalidRescoreMultiplier(_:)``; ``SearchError/dimensionMismatch(expected:actual:what:)``
    ///   when the finer codes do not have the index's shape; the errors of the first stage.
    public func search(
        _ queries: EmbeddingMatrix, k: Int, rescoring: Rescoring, threads: Int? = nil
    ) throws(SearchError) -> [[SearchHit]] {
        guard rescoring.multiplier >= 1 else { throw SearchError.invalidRescoreMultiplier(rescoring.multiplier) }
        guard rescoring.codes.rowCount == count else {
            throw SearchError.dimensionMismatch(expected: count, actual: rescoring.codes.rowCount, what: "the rescoring codes' row count")
        }
        guard rescoring.codes.dimension == dimension else {
            throw SearchError.dimensionMismatch(expected: dimension, actual: rescoring.codes.dimension, what: "the rescoring codes")
        }
        let (product, overflow) = k.multipliedReportingOverflow(by: rescoring.multiplier)
        let candidates = try search(queries, k: overflow ? Int.max : product, threads: threads)
        return try candidates.enumerated().map { (q, hits) throws(SearchError) in
            guard !hits.isEmpty else { return [] }
            return try rescoring.codes.rescore(query: Array(queries[row: q]), candidates: hits.map(\.row), k: k)
        }
    }
}

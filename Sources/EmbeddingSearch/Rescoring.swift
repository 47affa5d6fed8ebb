import EmbeddingQuantization

// The asymmetric scan (float query × codes) that ``AsymmetricIndex`` runs; rescoring of
// candidates is ``RefineIndex``'s.
extension StoredCodes {
    /// Asymmetric exact search: every float query (`m × d`) against every row `filter` allows,
    /// scored by ``AsymmetricScorer`` (higher is better), best `k` per query, ties by ascending
    /// row. ``AsymmetricIndex`` is its public face.
    ///
    /// - Parameter threads: threads (≥ 1) over which the rows are split; `nil` uses every core.
    func asymmetricSearch(
        _ queries: EmbeddingMatrix, k: Int, threads: Int? = nil, filter: CompiledRowFilter? = nil
    ) throws(SearchError) -> [[SearchHit]] {
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
                    for row in parts[part] where filter?.allows(row) ?? true {
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

import EmbeddingQuantization
import EmbeddingSearch
import EmbeddingStore

extension SearchableIndex {
    /// Searches float32 queries (`m × d`) and returns the best `k` live documents per query.
    ///
    /// First stage: the queries are quantized like the fast codes and scored against every
    /// stored row (``FlatIndex/search(_:k:threads:)-(EmbeddingMatrix,_,_)``); deleted rows are
    /// skipped by asking for as many extra candidates as there are deleted rows, so the result
    /// equals a brute-force search over the live rows (ties by ascending row).
    ///
    /// With `rescoreMultiplier`, the best `k × rescoreMultiplier` live candidates are rescored:
    /// their finer codes are read from the file with `pread` and scored against the float query
    /// (``AsymmetricScorer``, higher is better); the best `k` are returned, ties by ascending row.
    /// A multiplier with `k × multiplier ≥` ``count`` rescores every live row, i.e. an exact
    /// search over the finer codes.
    ///
    /// - Parameters:
    ///   - queries: float32 queries of ``dimension`` values each; `m` may be 0.
    ///   - k: hits per query (≥ 1); fewer when the index holds fewer live rows.
    ///   - rescoreMultiplier: candidates per hit to rescore (≥ 1), or `nil` for the fast codes' scores.
    ///   - threads: threads for the first stage (≥ 1); `nil` uses every core.
    /// - Returns: one list per query, best first (see ``metric(rescoring:)`` for the direction).
    /// - Throws: ``IndexSearchError/noRescoringCodes(path:)``; ``IndexSearchError/search(path:_:)``
    ///   for a bad `k`, multiplier, thread count, dimension or non-finite query;
    ///   ``IndexSearchError/store(_:)`` when reading rescoring rows fails.
    public func search(
        _ queries: EmbeddingMatrix, k: Int, rescoreMultiplier: Int? = nil, threads: Int? = nil
    ) throws(IndexSearchError) -> [[IndexHit]] {
        guard k >= 1 else { throw .search(path: path, .invalidK(k)) }
        guard queries.dimension == dimension else {
            throw .search(path: path, .dimensionMismatch(expected: dimension, actual: queries.dimension, what: "the queries"))
        }
        var wanted = k
        if let multiplier = rescoreMultiplier {
            guard multiplier >= 1 else { throw .search(path: path, .invalidRescoreMultiplier(multiplier)) }
            guard rescoring != nil else { throw .noRescoringCodes(path: path) }
            let (product, overflow) = k.multipliedReportingOverflow(by: multiplier)
            wanted = overflow ? Int.max : product
        }
        guard count > 0 else {
            // Still reject non-finite queries and bad thread counts, as a non-empty index does.
            do { _ = try fast.search(queries, k: 1, threads: threads) } catch { throw .search(path: path, error) }
            return Array(repeating: [], count: queries.rowCount)
        }
        // Among the best `wanted + deleted` stored rows are the best `wanted` live ones (when
        // `fast` holds only live rows, nothing needs skipping).
        let skipped = liveRowMap == nil ? deletedRows.count : 0
        let (padded, overflow) = wanted.addingReportingOverflow(skipped)
        let request = overflow ? fast.count : Swift.min(padded, fast.count)
        let firstStage: [[SearchHit]]
        do {
            firstStage = try fast.search(queries, k: request, threads: threads)
        } catch {
            throw .search(path: path, error)
        }
        let live: [[SearchHit]]
        if let map = liveRowMap {
            live = firstStage.map { hits in hits.map { SearchHit(row: map[$0.row], score: $0.score) } }
        } else {
            let deleted = deletedRows
            live = firstStage.map { hits in Array(hits.lazy.filter { !deleted.contains($0.row) }.prefix(wanted)) }
        }
        guard rescoreMultiplier != nil, let rescoring else {
            return live.map { hits in hits.prefix(k).map { IndexHit(id: ids[$0.row], row: $0.row, score: $0.score) } }
        }
        var results: [[IndexHit]] = []
        results.reserveCapacity(queries.rowCount)
        for (q, hits) in live.enumerated() {
            results.append(try rescore(query: Array(queries[row: q]), candidates: hits.map(\.row), k: k, codes: rescoring))
        }
        return results
    }

    /// Searches one float32 query of ``dimension`` values; see ``search(_:k:rescoreMultiplier:threads:)``.
    public func search(_ query: [Float], k: Int, rescoreMultiplier: Int? = nil, threads: Int? = nil) throws(IndexSearchError) -> [IndexHit] {
        try search(EmbeddingMatrix(vector: query), k: k, rescoreMultiplier: rescoreMultiplier, threads: threads)[0]
    }

    /// The best `k` of `candidates` by the float query's score against their finer codes, which
    /// are read with `pread` in ascending row order (consecutive rows in one call).
    func rescore(query: [Float], candidates: [Int], k: Int, codes: MappedCodes) throws(IndexSearchError) -> [IndexHit] {
        guard !candidates.isEmpty else { return [] }
        let rows = candidates.sorted()
        let bytes: [UInt8]
        do {
            bytes = try codes.rows(rows)
        } catch {
            throw .store(.inFile(path: path, error))
        }
        do {
            // Positions in `rows` increase with the row, so ties stay ordered by ascending row.
            let finer = try StoredCodes(
                precision: codes.precision, rowCount: rows.count, dimension: codes.dimension, bytes: bytes,
                ranges: codes.ranges, rounding: codes.rounding)
            let best = try finer.rescore(query: query, candidates: Array(rows.indices), k: k)
            return best.map { IndexHit(id: ids[rows[$0.row]], row: rows[$0.row], score: $0.score) }
        } catch {
            throw .search(path: path, error)
        }
    }
}

import EmbeddingQuantization

/// An exact index that scores float32 queries against codes as they dequantize (``AsymmetricScorer``):
/// float query × `int8` / `uint8` / `int4` (per-dimension scale honoured), × `ternary`, × bits as
/// ±1, × float rows. A ``VectorIndex``; scores are inner products (higher is better).
///
/// The codes stay in their row-major `Precision` layout in any ``ByteSource`` (an array or a
/// memory-mapped file) and are scanned in place. Safe to share between threads.
public struct AsymmetricIndex: VectorIndex {
    /// The corpus codes, one row per corpus row.
    public let codes: StoredCodes

    /// Dimensions of the queries (and of the codes' embeddings).
    public var dimension: Int { codes.dimension }
    /// Rows of codes.
    public var rowCount: Int { codes.rowCount }

    /// Indexes `codes` (not copied).
    ///
    /// - Throws: ``SearchError/missingRanges(_:)`` for `int8`, `uint8` or `int4` codes without the
    ///   ranges that give their scale.
    public init(_ codes: StoredCodes) throws(SearchError) {
        if [.int8, .uint8, .int4].contains(codes.precision), codes.ranges == nil {
            throw SearchError.missingRanges(codes.precision)
        }
        self.codes = codes
    }

    /// The best `k` allowed rows per float32 query (`m × d`) by the inner product with the
    /// dequantized codes; see ``VectorIndex/search(_:k:parameters:)``.
    /// ``SearchParameters/rescoreMultiplier`` is ignored.
    ///
    /// - Throws: ``SearchError/invalidK(_:)``, ``SearchError/dimensionMismatch(expected:actual:what:)``,
    ///   ``SearchError/invalidThreadCount(_:)``, ``SearchError/nonFiniteValue(what:row:column:)``.
    public func search(_ queries: EmbeddingMatrix, k: Int, parameters: SearchParameters) throws(SearchError) -> SearchResults {
        let hits = try codes.asymmetricSearch(
            queries, k: k, threads: parameters.threads, filter: parameters.filter?.compiled(rowCount: rowCount))
        return SearchResults(metric: .innerProduct, hits: hits)
    }
}

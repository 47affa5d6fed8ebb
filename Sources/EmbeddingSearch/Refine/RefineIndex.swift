import EmbeddingQuantization

/// Two-stage search (FAISS's `IndexRefine`): the best `k × multiplier` candidates from any
/// ``VectorIndex``, rescored with the float query against finer ``RefinementCodes``
/// (``AsymmetricScorer``), the best `k` kept. A ``VectorIndex`` itself; its scores are inner
/// products (higher is better).
///
/// Typical pairs: a `binary` ``FlatIndex`` refined with `int8` codes, or with `float32`
/// originals, or with the same bits as ±1 (sentence-transformers' default). The finer codes may be
/// in memory, memory-mapped or read with `pread` (an index file's). The ``RowFilter`` goes to the
/// first stage, so every candidate is an allowed row. With `k × multiplier ≥` the allowed rows
/// every one is rescored, so the result equals an exact search over the finer codes.
///
/// ```swift
/// let bits = try FlatIndex(EmbeddingQuantizer(precision: .ubinary).quantize(corpus))
/// let index = try RefineIndex(base: bits, codes: StoredCodes(int8), multiplier: 4)
/// let hits = try index.search(queries, k: 10)        // 40 Hamming candidates → 10 by int8
/// ```
public struct RefineIndex: VectorIndex {
    /// The first stage: where the candidates come from.
    public let base: any VectorIndex
    /// The finer codes, one row per row of ``base``, in the same order.
    public let codes: any RefinementCodes
    /// Candidates per hit (≥ 1) when ``SearchParameters/rescoreMultiplier`` does not say.
    public let multiplier: Int

    /// Dimensions of the queries.
    public var dimension: Int { base.dimension }
    /// Rows of the first stage (and of the codes).
    public var rowCount: Int { base.rowCount }

    /// Refines `base` with `codes`.
    ///
    /// - Throws: ``SearchError/invalidRescoreMultiplier(_:)`` for a multiplier below 1;
    ///   ``SearchError/dimensionMismatch(expected:actual:what:)`` when the codes do not have the
    ///   base index's row count and dimension; ``SearchError/missingRanges(_:)`` for `int8`,
    ///   `uint8` or `int4` codes without ranges.
    public init(base: any VectorIndex, codes: any RefinementCodes, multiplier: Int) throws(SearchError) {
        guard multiplier >= 1 else { throw SearchError.invalidRescoreMultiplier(multiplier) }
        guard codes.rowCount == base.rowCount else {
            throw SearchError.dimensionMismatch(expected: base.rowCount, actual: codes.rowCount, what: "the rescoring codes' row count")
        }
        guard codes.dimension == base.dimension else {
            throw SearchError.dimensionMismatch(expected: base.dimension, actual: codes.dimension, what: "the rescoring codes")
        }
        if [.int8, .uint8, .int4].contains(codes.precision), codes.ranges == nil {
            throw SearchError.missingRanges(codes.precision)
        }
        self.base = base
        self.codes = codes
        self.multiplier = multiplier
    }

    /// The best `k` of `candidates` — rows of this index picked elsewhere, e.g. a first stage
    /// shared by several indexes — by the float query's inner product with the finer codes,
    /// ties by ascending row. The second stage of ``search(_:k:parameters:)`` on its own.
    ///
    /// - Parameters:
    ///   - query: `dimension` float32 values.
    ///   - candidates: distinct rows in `0 ..< rowCount` (any order; empty gives no hits).
    ///   - k: hits to keep (≥ 1).
    /// - Throws: ``SearchError/invalidK(_:)``; ``SearchError/dimensionMismatch(expected:actual:what:)``
    ///   for a query of another dimension; ``SearchError/rowOutOfRange(row:rowCount:)``;
    ///   ``SearchError/readFailed(operation:errno:message:)`` when the codes cannot be read.
    public func rescore(_ query: [Float], candidates: [Int], k: Int) throws(SearchError) -> [SearchHit] {
        guard k >= 1 else { throw SearchError.invalidK(k) }
        guard query.count == dimension else {
            throw SearchError.dimensionMismatch(expected: dimension, actual: query.count, what: "the query")
        }
        return try codes.rescore(query: query, candidates: candidates, k: k)
    }

    /// The best `k` allowed rows per float32 query: `k × multiplier` candidates from ``base``
    /// (``SearchParameters/rescoreMultiplier`` overrides ``multiplier``), rescored; ties by
    /// ascending row. See ``VectorIndex/search(_:k:parameters:)``.
    ///
    /// - Throws: ``SearchError/invalidRescoreMultiplier(_:)``; the errors of the first stage;
    ///   ``SearchError/readFailed(operation:errno:message:)`` when the codes cannot be read.
    public func search(_ queries: EmbeddingMatrix, k: Int, parameters: SearchParameters) throws(SearchError) -> SearchResults {
        let multiplier = parameters.rescoreMultiplier ?? self.multiplier
        guard multiplier >= 1 else { throw SearchError.invalidRescoreMultiplier(multiplier) }
        try validate(k: k, queryDimension: queries.dimension)
        let (product, overflow) = k.multipliedReportingOverflow(by: multiplier)
        var firstStage = parameters
        firstStage.rescoreMultiplier = nil
        let candidates = try base.search(queries, k: overflow ? Int.max : product, parameters: firstStage)
        var hits: [[SearchHit]] = []
        hits.reserveCapacity(candidates.count)
        for (q, found) in candidates.enumerated() {
            hits.append(try codes.rescore(query: Array(queries[row: q]), candidates: found.map(\.row), k: k))
        }
        return SearchResults(metric: .innerProduct, hits: hits)
    }
}

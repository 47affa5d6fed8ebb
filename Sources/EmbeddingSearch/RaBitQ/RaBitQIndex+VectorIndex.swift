import EmbeddingQuantization

extension RaBitQIndex: VectorIndex {
    /// The best `k` rows the filter allows for each float query (`m × d`) under the search
    /// protocol, with the index's ``searchParameters`` (query bits, refinement, error
    /// multipliers); scores are inner products (``Metric/innerProduct``, higher is better).
    ///
    /// `parameters.rescoreMultiplier`, when given, sets ``RaBitQSearchParameters/candidateMultiplier``:
    /// the bar becomes the `k × multiplier`-th best lower bound, so at least `k × multiplier`
    /// allowed rows are refined (every allowed row when there are no more). The row filter is
    /// applied inside the scan (see ``search(_:k:parameters:filter:threads:)``).
    ///
    /// - Throws: the errors of ``search(_:k:parameters:filter:threads:)``.
    public func search(_ queries: EmbeddingMatrix, k: Int, parameters: SearchParameters) throws(SearchError) -> SearchResults {
        var own = searchParameters
        if let multiplier = parameters.rescoreMultiplier { own.candidateMultiplier = multiplier }
        let hits = try search(queries, k: k, parameters: own, filter: parameters.filter, threads: parameters.threads)
        return SearchResults(metric: .innerProduct, hits: hits)
    }

    /// This index with its candidates rescored by `codes` — the float query against finer codes
    /// of the same rows (``RaBitQSearchParameters/Refinement/exact(_:)``), e.g. an index file's
    /// `int8` codes read with `pread` — instead of its current refinement; the other search
    /// parameters are kept. The arrays of the scan are shared, not copied.
    ///
    /// - Parameter codes: one row per row of the index, of its dimension.
    /// - Throws: ``SearchError/dimensionMismatch(expected:actual:what:)`` when the codes have
    ///   another row count or dimension; ``SearchError/missingRanges(_:)`` for `int8`, `uint8` or
    ///   `int4` codes without ranges.
    public func refined(by codes: any RefinementCodes) throws(SearchError) -> RaBitQIndex {
        guard codes.rowCount == rowCount else {
            throw SearchError.dimensionMismatch(expected: rowCount, actual: codes.rowCount, what: "the rescoring codes' row count")
        }
        guard codes.dimension == dimension else {
            throw SearchError.dimensionMismatch(expected: dimension, actual: codes.dimension, what: "the rescoring codes")
        }
        if [.int8, .uint8, .int4].contains(codes.precision), codes.ranges == nil {
            throw SearchError.missingRanges(codes.precision)
        }
        var index = self
        index.searchParameters.refinement = .exact(codes)
        return index
    }
}

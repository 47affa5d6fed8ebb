import EmbeddingQuantization

extension RaBitQIndex: VectorIndex {
    /// The best `k` rows for each float query (`m × d`) under the search protocol, with the
    /// index's ``searchParameters`` (query bits, refinement, error multipliers); scores are
    /// inner products (``Metric/innerProduct``, higher is better).
    ///
    /// - Throws: the errors of ``search(_:k:parameters:threads:)``;
    ///   ``SearchError/unsupportedPrecision(_:reason:)`` when `parameters` carries a row filter
    ///   (the RaBitQ scan does not take one yet).
    public func search(_ queries: EmbeddingMatrix, k: Int, parameters: SearchParameters) throws(SearchError) -> SearchResults {
        guard parameters.filter == nil else {
            throw SearchError.unsupportedPrecision(codes.precision, reason: "the RaBitQ scan takes no row filter yet")
        }
        let hits = try search(queries, k: k, parameters: searchParameters, threads: parameters.threads)
        return SearchResults(metric: .innerProduct, hits: hits)
    }
}

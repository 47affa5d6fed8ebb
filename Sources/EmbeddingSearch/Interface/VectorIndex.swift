import EmbeddingQuantization

/// The one search interface every EmbedQ index answers (FAISS's `Index::search` is the model):
/// float32 queries, `k` and ``SearchParameters`` in; ``SearchResults`` out, whose ``Metric`` says
/// what the scores mean and which direction is better.
///
/// Conformers: ``FlatIndex`` (exact scan, every precision), ``AsymmetricIndex`` (float query ×
/// dequantized codes), ``RefineIndex`` (candidates from any index rescored with finer codes), and
/// outside this module the index file (`SearchableIndex`) and the evaluation pipelines.
///
/// Contract (checked for every conformer by the conformance suite in `Tests/VectorIndexConformance`):
/// - rows are numbered `0 ..< rowCount`; hits and ``RowFilter``s refer to these numbers;
/// - each query gets `min(k, allowed rows)` hits, best first, equal scores by ascending row;
/// - a row the filter rejects is never returned, and the hits are the best among the rows it
///   allows (the filter is applied where candidates are selected, not by asking for more);
/// - `queries.rowCount` may be 0 (no result lists); `k < 1` throws ``SearchError/invalidK(_:)``;
///   queries of another dimension throw ``SearchError/dimensionMismatch(expected:actual:what:)``;
/// - an instance is immutable and may be searched from several threads at once.
public protocol VectorIndex: Sendable {
    /// Dimensions of the queries the index accepts.
    var dimension: Int { get }
    /// Rows the index numbers (`0 ..< rowCount`), including rows it never returns (deleted ones).
    var rowCount: Int { get }

    /// The best `k` rows for each float32 query.
    ///
    /// - Parameters:
    ///   - queries: `m × dimension` float32 queries; `m` may be 0.
    ///   - k: hits per query (≥ 1); fewer when fewer rows are allowed.
    ///   - parameters: the row filter, threads and rescoring options.
    /// - Returns: `m` lists of hits, best first, with the ``Metric`` of their scores.
    /// - Throws: ``SearchError`` naming the bad argument (k, dimension, thread count, a non-finite
    ///   query value) or the failed read.
    func search(_ queries: EmbeddingMatrix, k: Int, parameters: SearchParameters) throws(SearchError) -> SearchResults
}

extension VectorIndex {
    /// The best `k` rows for each float32 query (`m × dimension`), with the rows `filter` allows
    /// (every row when `nil`), on `threads` threads (`nil`: every core).
    ///
    /// - Throws: ``SearchError``; see ``VectorIndex/search(_:k:parameters:)``.
    public func search(
        _ queries: EmbeddingMatrix, k: Int, filter: RowFilter? = nil, threads: Int? = nil
    ) throws(SearchError) -> SearchResults {
        try search(queries, k: k, parameters: SearchParameters(filter: filter, threads: threads))
    }

    /// The best `k` rows for one float32 query of ``dimension`` values, best first.
    ///
    /// - Throws: ``SearchError``; see ``VectorIndex/search(_:k:parameters:)``.
    public func search(_ query: [Float], k: Int, parameters: SearchParameters = SearchParameters()) throws(SearchError) -> [SearchHit] {
        try search(EmbeddingMatrix(vector: query), k: k, parameters: parameters)[0]
    }

    /// Checks `k` and the query dimension, the checks every conformer starts with.
    ///
    /// - Throws: ``SearchError/invalidK(_:)``, ``SearchError/dimensionMismatch(expected:actual:what:)``.
    public func validate(k: Int, queryDimension: Int) throws(SearchError) {
        guard k >= 1 else { throw SearchError.invalidK(k) }
        guard queryDimension == dimension else {
            throw SearchError.dimensionMismatch(expected: dimension, actual: queryDimension, what: "the queries")
        }
    }
}

import EmbeddingQuantization
import EmbeddingSearch
import EmbeddingStore

extension SearchableIndex: VectorIndex {
    /// Searches float32 queries (`m × d`) and returns the best `k` live rows per query; see
    /// `VectorIndex/search(_:k:parameters:)`. Deleted rows are never returned: they are excluded
    /// by the same `RowFilter` mechanism as the caller's filter, inside the scan.
    ///
    /// First stage: the queries are quantized like the fast codes and scored against the stored
    /// rows (`FlatIndex`), or, when the index was opened with its graph (``graph``), the graph is
    /// walked `SearchParameters/ef` wide (`HNSWIndex`: approximate, exact when `ef` covers the
    /// live rows). With `SearchParameters/rescoreMultiplier` the best
    /// `k × rescoreMultiplier` allowed live candidates are rescored: their finer codes are read
    /// from the file with `pread` and scored against the float query (`RefineIndex`, higher is
    /// better). Without it the hits keep the fast codes' scores (`SearchResults/metric` says
    /// which). A multiplier with `k × multiplier ≥` ``count`` rescores every live row, i.e. an
    /// exact search over the finer codes.
    ///
    /// RaBitQ fast codes (`RaBitQIndex`): the float query is rotated and the codes are scanned
    /// with its 4-bit quantization; without a multiplier the candidates whose error bound reaches
    /// the `k`-th best lower bound are refined with the float query against the same codes (in
    /// memory); with one, the candidates whose bound (now including RaBitQ's code error bound)
    /// reaches the `k × multiplier`-th best lower bound — at least `k × multiplier` rows — are
    /// rescored with the finer codes read by `pread` (`RaBitQIndex/refined(by:)`; at multiplier 1
    /// RaBitQ's own rule, the finer codes' top `k` with high probability).
    ///
    /// - Throws: `SearchError/inIndex(path:_:)` naming the file, wrapping
    ///   `SearchError/noRescoringCodes` (a multiplier for an index without rescoring codes), a
    ///   bad `k`, multiplier, thread count, dimension or non-finite query, or a failed read.
    public func search(_ queries: EmbeddingMatrix, k: Int, parameters: SearchParameters) throws(SearchError) -> SearchResults {
        var stage = parameters
        if let deletedFilter {
            stage.filter = parameters.filter.map { $0.intersection(deletedFilter) } ?? deletedFilter
        }
        do throws(SearchError) {
            guard parameters.rescoreMultiplier != nil else {
                return try fast.search(queries, k: k, parameters: stage)
            }
            guard let refined else { throw SearchError.noRescoringCodes }
            return try refined.search(queries, k: k, parameters: stage)
        } catch {
            throw .inIndex(path: path, error)
        }
    }
}

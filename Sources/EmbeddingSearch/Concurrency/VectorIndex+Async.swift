import EmbeddingQuantization

extension VectorIndex {
    /// Searches from Swift concurrency: the same search as the synchronous `search(_:k:parameters:)`, run on
    /// EmbedQ's own threads (the cooperative thread pool is never blocked) and awaited.
    ///
    /// Queries are searched in batches of `batchSize`; when the calling task is cancelled, the
    /// search stops before the next batch and throws ``SearchError/cancelled``.
    ///
    /// - Parameters:
    ///   - queries: `m × dimension` float32 queries.
    ///   - k: hits per query (≥ 1).
    ///   - parameters: filter, threads and rescoring options, as for the synchronous search.
    ///   - batchSize: queries per batch (≥ 1; smaller batches notice cancellation sooner).
    /// - Returns: the hits of all `m` queries, as the synchronous search returns them.
    /// - Throws: ``SearchError/cancelled``; ``SearchError/invalidBatchSize(_:)``;
    ///   the errors of the synchronous `search(_:k:parameters:)`.
    public func search(
        _ queries: EmbeddingMatrix, k: Int, parameters: SearchParameters = SearchParameters(), batchSize: Int = 256
    ) async throws(SearchError) -> SearchResults {
        guard batchSize >= 1 else { throw SearchError.invalidBatchSize(batchSize) }
        if Task.isCancelled { throw SearchError.cancelled }
        guard queries.rowCount > batchSize else {
            return try await WorkerThreads.run { () throws(SearchError) in try self.search(queries, k: k, parameters: parameters) }
        }
        var hits: [[SearchHit]] = []
        hits.reserveCapacity(queries.rowCount)
        var metric = Metric.innerProduct
        var start = 0
        while start < queries.rowCount {
            if Task.isCancelled { throw SearchError.cancelled }
            let batch = queries[rows: start..<Swift.min(start + batchSize, queries.rowCount)]
            let part = try await WorkerThreads.run { () throws(SearchError) in try self.search(batch, k: k, parameters: parameters) }
            hits += part.hits
            metric = part.metric
            start += batchSize
        }
        return SearchResults(metric: metric, hits: hits)
    }
}

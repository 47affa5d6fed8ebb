import EmbeddingQuantization
import EmbeddingSearch
import SentenceEncoder

extension VectorIndex {
    /// Searches with text queries: `texts` encoded by `encoder`
    /// (`SentenceEncoder/encodeMatrix(_:batchSize:progress:)`), then searched as float32
    /// queries (`VectorIndex/search(_:k:parameters:)`). The encoder must be the model that
    /// made the index's embeddings.
    ///
    /// - Returns: one hit list per text, best first, with the scores' `Metric`.
    /// - Throws: ``TextSearchError/encoder(_:)`` when encoding fails; ``TextSearchError/search(_:)``
    ///   for a bad `k`, a filter, or an encoder whose `SentenceEncoder/dimension` is not the index's.
    public func search(
        texts: [String], encoder: SentenceEncoder, k: Int, parameters: SearchParameters = SearchParameters()
    ) throws(TextSearchError) -> SearchResults {
        let queries: EmbeddingMatrix
        do {
            queries = try encoder.encodeMatrix(texts)
        } catch {
            throw .encoder(error)
        }
        do {
            return try search(queries, k: k, parameters: parameters)
        } catch {
            throw .search(error)
        }
    }

    /// Searches with text queries from Swift concurrency: encoding and search run on EmbedQ's own
    /// threads and are awaited; cancellation is honoured between chunks of texts and batches of
    /// queries. See ``search(texts:encoder:k:parameters:)``.
    ///
    /// - Throws: ``TextSearchError/encoder(_:)`` (`SentenceEncoderError/cancelled` included);
    ///   ``TextSearchError/search(_:)`` (`SearchError/cancelled` included).
    public func search(
        texts: [String], encoder: SentenceEncoder, k: Int, parameters: SearchParameters = SearchParameters()
    ) async throws(TextSearchError) -> SearchResults {
        let queries: EmbeddingMatrix
        do {
            queries = try await encoder.encodeMatrix(texts)
        } catch {
            throw .encoder(error)
        }
        do {
            return try await search(queries, k: k, parameters: parameters)
        } catch {
            throw .search(error)
        }
    }
}

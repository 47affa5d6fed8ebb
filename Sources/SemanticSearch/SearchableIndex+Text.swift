import EmbeddingIndex
import EmbeddingQuantization
import EmbeddingSearch
import EmbeddingStore
import SentenceEncoder

extension SearchableIndex {
    /// The encoder of the model the index records (`IndexMetadata/modelToLoad`), for text
    /// queries, truncated to the index's ``SearchableIndex/dimension`` (an index built with
    /// Matryoshka truncation holds the first dimensions of each vector; the queries are cut alike).
    ///
    /// - Parameter threadCount: encoder threads; `nil` uses every core.
    /// - Throws: ``TextSearchError/noModelRecorded(path:)``; ``TextSearchError/encoder(_:)`` when
    ///   the model cannot be loaded.
    public func recordedEncoder(threadCount: Int? = nil) throws(TextSearchError) -> SentenceEncoder {
        guard let model = metadata?.modelToLoad else { throw .noModelRecorded(path: path) }
        do {
            return try SentenceEncoder(model: model, threadCount: threadCount, dimensions: dimension)
        } catch {
            throw .encoder(error)
        }
    }
}

extension IndexBuilder {
    /// Encodes `texts` with `encoder` and creates the index file at `path` from them (see
    /// `IndexBuilder/create(at:embeddings:ids:precision:rescoring:ranges:metadata:)`), recording
    /// `model` (the name or folder `encoder` was loaded from) so that the index can be searched
    /// with text later (``SearchableIndex/recordedEncoder(threadCount:)``).
    ///
    /// - Parameters:
    ///   - path: the index file to create (replaced if it exists).
    ///   - texts: one text per document; `ids[i]` names `texts[i]`.
    ///   - ids: one non-empty, unique id per text.
    ///   - encoder: the model that encodes the texts.
    ///   - model: the name or folder `encoder` was loaded from, recorded in the file.
    ///   - precision: the fast-pass precision (e.g. `binary`).
    ///   - rescoring: the finer precision kept on disk for rescoring (e.g. `int8`), or `nil`.
    ///   - ranges: calibration for `int8`, `uint8`, `int4` and `ternary` codes; `nil` computes
    ///     them from the embeddings when a precision needs them.
    ///   - normalize: divide each vector by its L2 norm (for an encoder truncated with `dimensions`).
    ///   - progress: called after each batch with the number of texts encoded so far.
    /// - Throws: ``TextSearchError/encoder(_:)``; ``TextSearchError/index(_:)`` for bad ids, ranges
    ///   or a failed write.
    public static func create(
        at path: String, texts: [String], ids: [String], encoder: SentenceEncoder, model: String,
        precision: Precision, rescoring: Precision? = nil, ranges: QuantizationRanges? = nil, normalize: Bool = false,
        progress: (@Sendable (Int) -> Void)? = nil
    ) throws(TextSearchError) {
        let embeddings: EmbeddingMatrix
        do {
            embeddings = try encoder.encodeMatrix(texts, normalize: normalize, progress: progress)
        } catch {
            throw .encoder(error)
        }
        do {
            try create(
                at: path, embeddings: embeddings, ids: ids, precision: precision, rescoring: rescoring, ranges: ranges,
                metadata: IndexMetadata(model: model))
        } catch {
            throw .index(error)
        }
    }
}

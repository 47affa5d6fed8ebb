import EmbeddingQuantization
import SentenceEncoder

extension SentenceEncoder {
    /// Encodes `texts` into an `n × dimension` float32 `EmbeddingMatrix` (row `i` is `texts[i]`),
    /// the type every quantizer and index takes.
    ///
    /// - Parameters:
    ///   - texts: the texts, in order.
    ///   - batchSize: texts per forward pass (≥ 1).
    ///   - progress: called after each batch with the number of texts done so far (see
    ///     `SentenceEncoder/encodeRowMajor(_:batchSize:progress:)`).
    /// - Throws: `SentenceEncoderError/invalidConfiguration(path:key:reason:)` for `batchSize < 1`.
    public func encodeMatrix(
        _ texts: [String], batchSize: Int = 32, progress: (@Sendable (Int) -> Void)? = nil
    ) throws(SentenceEncoderError) -> EmbeddingMatrix {
        let values = try encodeRowMajor(texts, batchSize: batchSize, progress: progress)
        // Force-try is safe: the encoder returns exactly texts.count × dimension values.
        return try! EmbeddingMatrix(rowCount: texts.count, dimension: dimension, values: values)
    }

    /// Encodes already tokenized texts (see `SentenceEncoder/encodeRowMajor(tokenized:batchSize:progress:)`)
    /// into a `sequences.count × dimension` float32 `EmbeddingMatrix`.
    ///
    /// - Throws: `SentenceEncoderError/invalidConfiguration(path:key:reason:)` for `batchSize < 1`,
    ///   an overlong sequence or an id outside the vocabulary.
    public func encodeMatrix(
        tokenized sequences: [[Int32]], batchSize: Int = 32, progress: (@Sendable (Int) -> Void)? = nil
    ) throws(SentenceEncoderError) -> EmbeddingMatrix {
        let values = try encodeRowMajor(tokenized: sequences, batchSize: batchSize, progress: progress)
        // Force-try is safe: the encoder returns exactly sequences.count × dimension values.
        return try! EmbeddingMatrix(rowCount: sequences.count, dimension: dimension, values: values)
    }
}

import EmbeddingQuantization
import SentenceEncoder

extension SentenceEncoder {
    /// Encodes `texts` into an `n × dimension` float32 `EmbeddingMatrix` (row `i` is `texts[i]`),
    /// the type every quantizer and index takes.
    ///
    /// - Parameters:
    ///   - texts: the texts, in order.
    ///   - prompt: the prompt prepended to every text (see `Prompt`).
    ///   - normalize: divide each vector by its L2 norm (after truncation to `dimension`).
    ///   - batchSize: texts per forward pass (≥ 1).
    ///   - progress: called after each batch with the number of texts done so far (see
    ///     `SentenceEncoder/encodeRowMajor(_:prompt:normalize:batchSize:progress:)`).
    /// - Throws: `SentenceEncoderError/invalidConfiguration(path:key:reason:)` for `batchSize < 1`,
    ///   `SentenceEncoderError/unknownPrompt(name:available:)`, a tokenizer's
    ///   `SentenceEncoderError/invalidTokenizer(path:component:reason:)`.
    public func encodeMatrix(
        _ texts: [String], prompt: Prompt = .modelDefault, normalize: Bool = false, batchSize: Int = 32,
        progress: (@Sendable (Int) -> Void)? = nil
    ) throws(SentenceEncoderError) -> EmbeddingMatrix {
        let values = try encodeRowMajor(texts, prompt: prompt, normalize: normalize, batchSize: batchSize, progress: progress)
        // Force-try is safe: the encoder returns exactly texts.count × dimension values.
        return try! EmbeddingMatrix(rowCount: texts.count, dimension: dimension, values: values)
    }

    /// Encodes already tokenized texts (see
    /// `SentenceEncoder/encodeRowMajor(tokenized:prompt:normalize:batchSize:progress:)`) into a
    /// `sequences.count × dimension` float32 `EmbeddingMatrix`.
    ///
    /// - Throws: `SentenceEncoderError/invalidConfiguration(path:key:reason:)` for `batchSize < 1`,
    ///   an overlong sequence or an id outside the vocabulary;
    ///   `SentenceEncoderError/unknownPrompt(name:available:)`.
    public func encodeMatrix(
        tokenized sequences: [[Int32]], prompt: Prompt = .modelDefault, normalize: Bool = false, batchSize: Int = 32,
        progress: (@Sendable (Int) -> Void)? = nil
    ) throws(SentenceEncoderError) -> EmbeddingMatrix {
        let values = try encodeRowMajor(
            tokenized: sequences, prompt: prompt, normalize: normalize, batchSize: batchSize, progress: progress)
        // Force-try is safe: the encoder returns exactly sequences.count × dimension values.
        return try! EmbeddingMatrix(rowCount: sequences.count, dimension: dimension, values: values)
    }
}

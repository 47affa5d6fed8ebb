import EmbeddingQuantization
import SentenceEncoder

extension SentenceEncoder {
    /// Encodes `texts` from Swift concurrency: the same vectors as
    /// ``encodeMatrix(_:prompt:normalize:batchSize:progress:)``, computed on EmbedQ's own threads (the cooperative
    /// thread pool is never blocked) and awaited.
    ///
    /// The texts are encoded in chunks of `chunkSize`; when the calling task is cancelled, encoding
    /// stops before the next chunk and throws `SentenceEncoderError/cancelled`. A text's vector
    /// does not depend on its chunk.
    ///
    /// - Parameters:
    ///   - texts: the texts, in order.
    ///   - prompt: the prompt prepended to every text (see `Prompt`).
    ///   - normalize: divide each vector by its L2 norm (after truncation to `dimension`).
    ///   - batchSize: texts per forward pass (≥ 1).
    ///   - chunkSize: texts per awaited chunk (≥ 1; smaller chunks notice cancellation sooner).
    ///   - progress: called after each batch with the number of texts done so far, overall.
    /// - Returns: `texts.count × dimension` float32 embeddings, in input order.
    /// - Throws: `SentenceEncoderError/cancelled`; `SentenceEncoderError/invalidConfiguration(path:key:reason:)`
    ///   for `batchSize` or `chunkSize` below 1; the errors of the synchronous `encodeMatrix`.
    public func encodeMatrix(
        _ texts: [String], prompt: Prompt = .modelDefault, normalize: Bool = false, batchSize: Int = 32,
        chunkSize: Int = 1024, progress: (@Sendable (Int) -> Void)? = nil
    ) async throws(SentenceEncoderError) -> EmbeddingMatrix {
        guard chunkSize >= 1 else {
            throw SentenceEncoderError.invalidConfiguration(path: "encode", key: "chunkSize", reason: "\(chunkSize) is below 1")
        }
        var values: [Float] = []
        values.reserveCapacity(texts.count * dimension)
        var start = 0
        repeat {
            if Task.isCancelled { throw SentenceEncoderError.cancelled }
            let chunk = Array(texts[start..<Swift.min(start + chunkSize, texts.count)])
            let done = start
            values += try await WorkerThreads.run { () throws(SentenceEncoderError) in
                try self.encodeRowMajor(chunk, prompt: prompt, normalize: normalize, batchSize: batchSize) { progress?(done + $0) }
            }
            start += chunkSize
        } while start < texts.count
        // Force-try is safe: each chunk adds chunk.count × dimension values.
        return try! EmbeddingMatrix(rowCount: texts.count, dimension: dimension, values: values)
    }
}

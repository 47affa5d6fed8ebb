/// What a sentence-transformers model does after the transformer, in sentence-transformers'
/// order: pooling (concatenated strategies, prompt tokens left out when the Pooling module says
/// so), Dense layers, Normalize, truncation to the output width (`truncate_dim`), and L2
/// normalization when asked (`normalize_embeddings`).
struct EmbeddingHead: Sendable {
    /// Per-call choices.
    struct Options: Sendable {
        /// Leading tokens of every sequence pooling leaves out (the prompt, with `include_prompt` false).
        var excludedTokens = 0
        /// Whether each final (truncated) vector is divided by its L2 norm.
        var normalize = false
    }

    /// The modules after the transformer.
    let pipeline: SentenceTransformerPipeline
    /// Width of the token vectors.
    let hiddenSize: Int
    /// Width of the output vectors (≤ the modules' output width).
    let dimension: Int

    /// The vectors (`lengths.count × dimension`, row-major) of sequences whose token vectors
    /// (`Σ lengths × hiddenSize`, row-major) follow one another in `tokens`.
    func vectors(tokens: [Float], lengths: [Int], options: Options) -> [Float] {
        let hidden = hiddenSize
        var result: [Float] = []
        result.reserveCapacity(lengths.count * dimension)
        var offset = 0
        var pooled = [Float](repeating: 0, count: hidden * pipeline.pooling.count)
        tokens.withUnsafeBufferPointer { tokens in
            for length in lengths {
                pooled.withUnsafeMutableBufferPointer { pooled in
                    for (position, strategy) in pipeline.pooling.enumerated() {
                        strategy.pool(tokens.baseAddress! + offset * hidden, length: length, width: hidden,
                                      excluding: options.excludedTokens, into: pooled.baseAddress! + position * hidden)
                    }
                }
                var vector = pooled
                for dense in pipeline.denseLayers { vector = dense.apply(vector) }
                if pipeline.normalizes { Self.normalize(&vector) }
                if dimension < vector.count { vector.removeLast(vector.count - dimension) }
                if options.normalize { Self.normalize(&vector) }
                result.append(contentsOf: vector)
                offset += length
            }
        }
        return result
    }

    /// Divides `vector` by its L2 norm (at least 1e-12, as `torch.nn.functional.normalize`).
    static func normalize(_ vector: inout [Float]) {
        let norm = vector.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
        let scale = Float(1 / max(norm, 1e-12))
        for index in vector.indices { vector[index] *= scale }
    }
}

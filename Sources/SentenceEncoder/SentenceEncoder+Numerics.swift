/// What decides an encoder's output bits besides the model folder: the version of the code's
/// numerics and the options that change vectors. Caches of embeddings (the evaluation's
/// `EmbeddingCache`) key on ``SentenceEncoder/numericsIdentity`` so that they never serve
/// vectors computed by other code or other options.
extension SentenceEncoder {
    /// The version of the encoder's numerics.
    ///
    /// **Bump it** in any change that can alter a bit of an output vector: the tokenizer, the
    /// forward pass, pooling, normalization, the linear or attention kernels, the weight
    /// quantization (bf16 rounding, int8 scales). Caches keyed on ``numericsIdentity`` then
    /// recompute instead of reusing the old vectors.
    ///
    /// History: 1 — the encoder as of the embedding cache's encoder-version key.
    public static let numericsVersion = 1

    /// One line naming everything beyond the model folder's files that decides this encoder's
    /// vectors: ``numericsVersion``, the weight precision of every linear layer (mixed precision
    /// included), and for statically calibrated int8 layers their activation scales (float32 bit
    /// patterns, so that other calibration texts give another identity).
    ///
    /// Not included, because a text's vector does not depend on them beyond float32 rounding of
    /// the BLAS path: the thread count, the batch size and the CPU's instruction set.
    public var numericsIdentity: String {
        var parts = ["embedq-encoder-numerics-\(Self.numericsVersion)"]
        if dimension != fullDimension { parts.append("dimensions=\(dimension)") }
        for (index, layer) in model.linears.enumerated() {
            for (name, linear) in zip(TransformerLinears.names(layer: index), layer.all) {
                var part = "\(name)=\(linear.precision.rawValue)"
                if let maximum = linear.inputMaximum { part += "@\(String(maximum.bitPattern, radix: 16))" }
                parts.append(part)
            }
        }
        return parts.joined(separator: ";")
    }
}

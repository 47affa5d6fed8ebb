/// How a scaled value `(x - minimum) / step` becomes an integer code.
public enum RoundingMode: String, CaseIterable, Sendable, Codable {
    /// `floor`, then clip to the code range: byte-identical to
    /// `sentence_transformers.util.quantize_embeddings`. A code stands for the bucket
    /// `[minimum + code·step, minimum + (code + 1)·step)`; dequantization returns its centre.
    case floor
    /// Round half to even, then clip: half the worst-case error of `floor`. A code stands for the
    /// value `minimum + code·step` exactly, which is what dequantization returns.
    case nearest
}

/// Layer normalization over the last dimension: `y = (x - mean) / sqrt(var + ε) · γ + β`, with
/// the biased variance, as `torch.nn.LayerNorm`.
struct LayerNorm: Sendable {
    /// γ, `width` floats.
    var gamma: [Float]
    /// β, `width` floats.
    var beta: [Float]
    /// ε added to the variance.
    var epsilon: Float

    /// In place on `rows × gamma.count` row-major values: `x = LayerNorm(x + residual)`.
    ///
    /// - Parameter residual: `rows × gamma.count` values added before normalizing, or `nil`.
    func apply(to values: UnsafeMutablePointer<Float>, adding residual: UnsafePointer<Float>?, rows: Int) {
        gamma.withUnsafeBufferPointer { gamma in
            beta.withUnsafeBufferPointer { beta in
                EncoderKernels.current.addLayerNorm(values, residual: residual, gamma: gamma.baseAddress!, beta: beta.baseAddress!,
                                                    rows: rows, columns: gamma.count, epsilon: epsilon)
            }
        }
    }
}

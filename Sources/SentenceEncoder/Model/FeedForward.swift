import Foundation

/// The activations of BERT's feed-forward layer, applied in place.
enum FeedForward {
    /// Applies `activation` to `count` values in place.
    static func activate(_ values: UnsafeMutablePointer<Float>, count: Int, activation: BertConfiguration.Activation) {
        switch activation {
        case .gelu:
            EncoderKernels.current.gelu(values, count: count)
        case .geluTanh:
            // 0.5 x (1 + tanh(√(2/π) (x + 0.044715 x³)))
            for index in 0..<count {
                let x = values[index]
                values[index] = 0.5 * x * (1 + tanh(0.7978845608028654 * (x + 0.044715 * x * x * x)))
            }
        case .relu:
            for index in 0..<count { values[index] = max(0, values[index]) }
        }
    }

    /// Exact GELU, `x · (1 + erf(x / √2)) / 2`, with the C library's erf: the reference for tests.
    static func referenceGELU(_ x: Float) -> Float {
        Float(0.5 * Double(x) * (1 + erf(Double(x) / 2.0.squareRoot())))
    }
}

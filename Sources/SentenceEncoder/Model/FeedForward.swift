import Foundation
import SentenceEncoderKernels

/// The activations of the feed-forward block, applied in place.
enum FeedForward {
    /// Applies `activation` to `count` values in place.
    static func activate(_ values: UnsafeMutablePointer<Float>, count: Int, activation: EncoderConfiguration.Activation) {
        switch activation {
        case .gelu:
            sek_gelu(values, count)
        case .geluTanh:
            // 0.5 x (1 + tanh(√(2/π) (x + 0.044715 x³)))
            for index in 0..<count {
                let x = values[index]
                values[index] = 0.5 * x * (1 + tanh(0.7978845608028654 * (x + 0.044715 * x * x * x)))
            }
        case .relu:
            for index in 0..<count { values[index] = max(0, values[index]) }
        case .silu:
            for index in 0..<count {
                let x = values[index]
                values[index] = x / (1 + exp(-x))
            }
        }
    }

    /// The gated activation of GeGLU / SwiGLU in place: `rows × 2·width` values
    /// `[a | b]` per row become `rows × width` values `act(a) ⊙ b`, packed from the start.
    static func gate(_ values: UnsafeMutablePointer<Float>, rows: Int, width: Int, activation: EncoderConfiguration.Activation) {
        switch activation {
        case .silu:
            sek_gated_silu(values, values, rows, width)
        case .gelu:
            sek_gated_gelu(values, values, rows, width)
        case .geluTanh, .relu:
            for row in 0..<rows {
                let source = values + row * 2 * width
                activate(source, count: width, activation: activation)
                let destination = values + row * width
                for column in 0..<width { destination[column] = source[column] * source[width + column] }
            }
        }
    }

    /// Exact GELU, `x · (1 + erf(x / √2)) / 2`, with the C library's erf: the reference for tests.
    static func referenceGELU(_ x: Float) -> Float {
        Float(0.5 * Double(x) * (1 + erf(Double(x) / 2.0.squareRoot())))
    }

    /// SiLU, `x / (1 + e^(−x))`, in double precision: the reference for tests.
    static func referenceSiLU(_ x: Float) -> Float {
        Float(Double(x) / (1 + exp(-Double(x))))
    }
}

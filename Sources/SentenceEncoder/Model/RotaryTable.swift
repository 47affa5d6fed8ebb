import Foundation
import SentenceEncoderKernels

/// The cos / sin tables of a rotary position embedding (RoFormer) for positions
/// `0 ..< positions`, computed once per model, and their application to queries and keys.
///
/// Angles follow PyTorch's float32 arithmetic: `invFreq[i] = 1 / θ^(2i / dims)` and
/// `angle = Float(p) · invFreq[i]` are rounded to float32 as PyTorch rounds them (both
/// `NomicBertRotaryEmbedding` and transformers' default rope init), and the cos / sin of each
/// float32 angle are correctly rounded.
final class RotaryTable: @unchecked Sendable {
    /// Rotated columns per head.
    let dimensions: Int
    /// Whether pairs are `(2i, 2i + 1)` instead of `(i, i + dimensions/2)`.
    let interleaved: Bool
    /// Rows of the tables.
    let positions: Int
    // Immutable after init: positions × dimensions/2 floats each.
    private let cosines: UnsafeMutablePointer<Float>
    private let sines: UnsafeMutablePointer<Float>

    /// Tables for `positions` positions of `rotary` with base `base`.
    init(_ rotary: EncoderConfiguration.RotaryEmbedding, base: Double, positions: Int) {
        dimensions = rotary.dimensions
        interleaved = rotary.interleaved
        self.positions = positions
        let half = dimensions / 2
        let inverseFrequencies = (0..<half).map { Self.inverseFrequency(index: $0, dimensions: rotary.dimensions, base: base) }
        cosines = .allocate(capacity: max(1, positions * half))
        sines = .allocate(capacity: max(1, positions * half))
        for position in 0..<positions {
            for index in 0..<half {
                let angle = Float(position) * inverseFrequencies[index]
                cosines[position * half + index] = Float(Foundation.cos(Double(angle)))
                sines[position * half + index] = Float(Foundation.sin(Double(angle)))
            }
        }
    }

    deinit {
        cosines.deallocate()
        sines.deallocate()
    }

    /// `1 / θ^(2i / dimensions)` with float32 roundings where PyTorch has them: the exponent
    /// `Float(2i) / Float(dimensions)`, the power, the reciprocal.
    static func inverseFrequency(index: Int, dimensions: Int, base: Double) -> Float {
        let exponent = Float(2 * index) / Float(dimensions)
        let power = Float(Foundation.pow(Double(Float(base)), Double(exponent)))
        return 1 / power
    }

    /// The cos / sin of position `position`, column pair `index` (for tests).
    func cosineSine(position: Int, index: Int) -> (Float, Float) {
        (cosines[position * dimensions / 2 + index], sines[position * dimensions / 2 + index])
    }

    /// Rotates, in place, the first ``dimensions`` columns of each head in `rows` rows at
    /// positions `0 ..< rows` (`rows ≤ positions`); head `h` of row `r` starts at
    /// `values + r · rowStride + h · headSize`.
    func apply(to values: UnsafeMutablePointer<Float>, rows: Int, rowStride: Int, heads: Int, headSize: Int) {
        precondition(rows <= positions, "a sequence of \(rows) tokens is longer than the rotary table (\(positions))")
        sek_rotary(values, rows, rowStride, heads, headSize, dimensions, cosines, sines, interleaved ? 1 : 0)
    }
}

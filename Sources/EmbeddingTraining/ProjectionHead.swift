import EmbeddingQuantization
import Foundation

/// A linear head applied to float embeddings before quantization: `y = s ⊙ (W·x) − b`, with `W`
/// (`d′ × d`, d′ ≤ d), per-dimension scales `s` and offsets `b` (`d′` each). The same head maps
/// corpus and queries, so inner products and codes are taken in its output space.
///
/// Made by ``HeadTrainer`` (quantization-aware training) or ``IterativeQuantization`` (ITQ);
/// stored as JSON by ``ProjectionHeadFile``.
public struct ProjectionHead: Sendable, Equatable {
    /// `d`, the embeddings' dimension.
    public let inputDimension: Int
    /// `d′`, the head's output dimension (≤ d).
    public let outputDimension: Int
    /// `W`, row-major `d′ × d`.
    public var weights: [Double]
    /// `s` (`d′` values).
    public var scales: [Double]
    /// `b` (`d′` values), subtracted after scaling: the quantizer's thresholds sit at `b`.
    public var offsets: [Double]
    /// The precision the head was trained for (informational: any precision may follow it).
    public var precision: Precision?

    /// Creates a head, checking the shapes.
    ///
    /// - Throws: ``TrainingError/invalidParameter(_:)`` for inconsistent shapes or d′ > d, or a
    ///   non-finite value.
    public init(
        inputDimension: Int, outputDimension: Int, weights: [Double], scales: [Double], offsets: [Double],
        precision: Precision? = nil
    ) throws(TrainingError) {
        guard inputDimension >= 1, outputDimension >= 1, outputDimension <= inputDimension else {
            throw .invalidParameter("head dimensions must satisfy 1 ≤ d′ ≤ d, got d = \(inputDimension), d′ = \(outputDimension)")
        }
        guard weights.count == inputDimension * outputDimension, scales.count == outputDimension,
              offsets.count == outputDimension else {
            throw .invalidParameter(
                "head arrays must hold d′ × d = \(outputDimension * inputDimension) weights and d′ = \(outputDimension) scales and offsets")
        }
        if let bad = (weights + scales + offsets).firstIndex(where: { !$0.isFinite }) {
            throw .invalidParameter("head parameter \(bad) is not finite")
        }
        self.inputDimension = inputDimension
        self.outputDimension = outputDimension
        self.weights = weights
        self.scales = scales
        self.offsets = offsets
        self.precision = precision
    }

    /// The identity head of dimension `d` (W = I, s = 1, b = 0).
    public static func identity(dimension: Int) -> ProjectionHead {
        var weights = [Double](repeating: 0, count: dimension * dimension)
        for i in 0..<dimension { weights[i * dimension + i] = 1 }
        return try! ProjectionHead(
            inputDimension: dimension, outputDimension: dimension, weights: weights,
            scales: [Double](repeating: 1, count: dimension), offsets: [Double](repeating: 0, count: dimension))
    }

    /// `y = s ⊙ (W·x) − b` for every row of `embeddings` (`n × d` → `n × d′` float32).
    ///
    /// - Throws: ``TrainingError/dimensionMismatch(expected:actual:what:)`` for rows of another dimension.
    public func apply(_ embeddings: EmbeddingMatrix) throws(TrainingError) -> EmbeddingMatrix {
        guard embeddings.dimension == inputDimension else {
            throw .dimensionMismatch(expected: inputDimension, actual: embeddings.dimension, what: "the embeddings")
        }
        let input = embeddings.values.map(Double.init)
        var linear = DenseMath.multiplyTransposed(input, rows: embeddings.rowCount, weights, rows: outputDimension, inner: inputDimension)
        for row in 0..<embeddings.rowCount {
            for i in 0..<outputDimension {
                linear[row * outputDimension + i] = scales[i] * linear[row * outputDimension + i] - offsets[i]
            }
        }
        return try! EmbeddingMatrix(rowCount: embeddings.rowCount, dimension: outputDimension, values: linear.map { Float($0) })
    }
}

import EmbedQTestSupport
import Foundation
@testable import EmbeddingQuantization

/// The shared-data locator, visible to every file of this target.
typealias SharedData = EmbedQTestSupport.SharedData

/// Shared inputs for the quantization tests.
enum TestData {
    /// `rows × dimension` values in `-scale...scale`, seeded, sprinkled with exact zeros and
    /// negative zeros (the sign-bit edge of binary codes).
    static func randomMatrix(rows: Int, dimension: Int, seed: UInt64, scale: Float = 0.3) -> EmbeddingMatrix {
        var generator = SeededGenerator(seed: seed)
        var values = (0..<(rows * dimension)).map { _ in Float.random(in: -scale...scale, using: &generator) }
        for index in stride(from: 0, to: values.count, by: 17) { values[index] = index % 2 == 0 ? 0 : -0.0 }
        return try! EmbeddingMatrix(rowCount: rows, dimension: dimension, values: values)
    }

    /// Ranges narrower than the data (so clipping on both ends is exercised) with one constant
    /// dimension (minimum == maximum) when `dimension > 2`.
    static func narrowRanges(dimension: Int, seed: UInt64) -> QuantizationRanges {
        var generator = SeededGenerator(seed: seed)
        var lows = (0..<dimension).map { _ in Float.random(in: -0.25...(-0.05), using: &generator) }
        var highs = (0..<dimension).map { _ in Float.random(in: 0.05...0.25, using: &generator) }
        if dimension > 2 { lows[2] = 0.01; highs[2] = 0.01 }
        let thresholds = (0..<dimension).map { _ in Float.random(in: 0...0.1, using: &generator) }
        return try! QuantizationRanges(minimums: lows, maximums: highs, ternaryThresholds: thresholds)
    }

    /// The folder of shared data: `$EMBEDQ_SHARED`, else `../shared` beside the package root.
    static var sharedFolder: URL { SharedData.folder }
}

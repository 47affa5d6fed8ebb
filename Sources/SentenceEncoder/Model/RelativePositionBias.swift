import Foundation

/// MPNet's relative position bias: for each head, the bias added to the score of query `i` and
/// key `j`, which depends on `j − i` only (through a bucket), looked up once per model for every
/// offset a sequence can have and shared by all layers (transformers `MPNetEncoder`
/// `compute_position_bias` computes the same values once per forward pass).
final class RelativePositionBias: @unchecked Sendable {
    /// Buckets as transformers' MPNet `relative_position_bucket` is called: 32, whatever the
    /// table's size, over distances up to 128.
    static let bucketCount = 32
    static let maxDistance = 128

    /// The longest sequence covered.
    let maxLength: Int
    /// Heads.
    let headCount: Int
    // Immutable after init: headCount × (2 · maxLength − 1) floats, offset j − i at
    // index (j − i) + maxLength − 1.
    private let diagonals: UnsafeMutablePointer<Float>

    /// The bias for sequences up to `maxLength` tokens from `table` (`[buckets, heads]`, the
    /// `relative_attention_bias` embedding).
    init(table: [Float], bucketRows: Int, headCount: Int, maxLength: Int) {
        self.maxLength = maxLength
        self.headCount = headCount
        let width = max(1, 2 * maxLength - 1)
        diagonals = .allocate(capacity: headCount * width)
        for offset in -(maxLength - 1)..<maxLength {
            let bucket = min(Self.bucket(relativePosition: offset), bucketRows - 1)
            for head in 0..<headCount {
                diagonals[head * width + offset + maxLength - 1] = table[bucket * headCount + head]
            }
        }
    }

    deinit { diagonals.deallocate() }

    /// The bucket of `relativePosition` (= key position − query position), in float32 as
    /// transformers computes it: half the buckets for keys before the query, exact buckets for
    /// distances below 8, logarithmic ones up to `maxDistance`.
    static func bucket(relativePosition: Int, buckets: Int = bucketCount, maxDistance: Int = maxDistance) -> Int {
        var n = -relativePosition
        let half = buckets / 2
        var result = n < 0 ? half : 0
        n = abs(n)
        let maxExact = half / 2
        if n < maxExact { return result + n }
        let logarithm = Float(Foundation.log(Double(Float(n) / Float(maxExact))))
        let scaled = logarithm / Float(Foundation.log(Double(maxDistance) / Double(maxExact))) * Float(half - maxExact)
        result += min(maxExact + Int(scaled), half - 1)
        return result
    }

    /// A pointer `p` with `p[j − i]` the bias of head `head` for query `i`, key `j` of a
    /// sequence of `length ≤ maxLength` tokens (valid for `−(length − 1) … length − 1`).
    func diagonals(head: Int, length: Int) -> UnsafePointer<Float> {
        precondition(length <= maxLength)
        return UnsafePointer(diagonals + head * (2 * maxLength - 1) + maxLength - 1)
    }
}

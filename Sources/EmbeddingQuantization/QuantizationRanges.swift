/// Per-dimension calibration of a quantizer: the `[minimum, maximum]` range each dimension is
/// mapped onto (for `int8`, `uint8`, `int4`) and, optionally, the ternary thresholds `t_d`.
///
/// The `.npy` layout is sentence-transformers' `ranges` array: shape `2 × d` float32, row 0 the
/// minimums and row 1 the maximums; EmbedQ appends the ternary thresholds as row 2 (`3 × d`) when
/// they are present. See ``RangesFile`` for reading and writing.
public struct QuantizationRanges: Sendable, Equatable, Codable {
    /// Lower end of each dimension's range (`d` values).
    public let minimums: [Float]
    /// Upper end of each dimension's range (`d` values).
    public let maximums: [Float]
    /// Ternary thresholds `t_d ≥ 0`: a value is +1 above `t_d`, −1 below `−t_d`, else 0.
    /// `nil` when the ranges were made without ternary calibration.
    public let ternaryThresholds: [Float]?
    /// The centroid and random rotation of the RaBitQ-family precisions (`rabitq1` … `rabitq4`);
    /// `nil` when the ranges were made without one.
    public let rotation: RaBitQRotation?

    /// Number of dimensions the ranges cover.
    public var dimension: Int { minimums.count }

    /// Creates ranges, checking that every array has the same length, every value is finite,
    /// `minimum ≤ maximum` per dimension, thresholds are not negative and a rotation covers the
    /// same dimension.
    public init(
        minimums: [Float], maximums: [Float], ternaryThresholds: [Float]? = nil, rotation: RaBitQRotation? = nil
    ) throws {
        guard maximums.count == minimums.count else {
            throw QuantizationError.dimensionMismatch(expected: minimums.count, actual: maximums.count, what: "the maximums")
        }
        if let thresholds = ternaryThresholds, thresholds.count != minimums.count {
            throw QuantizationError.dimensionMismatch(expected: minimums.count, actual: thresholds.count, what: "the ternary thresholds")
        }
        for column in minimums.indices {
            let (low, high) = (minimums[column], maximums[column])
            guard low.isFinite else { throw QuantizationError.nonFiniteValue(row: 0, column: column, value: low) }
            guard high.isFinite else { throw QuantizationError.nonFiniteValue(row: 1, column: column, value: high) }
            guard low <= high else { throw QuantizationError.invertedRange(column: column, minimum: low, maximum: high) }
            if let threshold = ternaryThresholds?[column] {
                guard threshold.isFinite, threshold >= 0 else {
                    throw QuantizationError.malformedRanges("ternary threshold \(threshold) for column \(column) must be finite and ≥ 0")
                }
            }
        }
        if let rotation, rotation.dimension != minimums.count {
            throw QuantizationError.dimensionMismatch(expected: minimums.count, actual: rotation.dimension, what: "the RaBitQ rotation")
        }
        self.minimums = minimums
        self.maximums = maximums
        self.ternaryThresholds = ternaryThresholds
        self.rotation = rotation
    }

    /// These ranges with `thresholds` as ternary thresholds.
    public func withTernaryThresholds(_ thresholds: [Float]?) throws -> QuantizationRanges {
        try QuantizationRanges(minimums: minimums, maximums: maximums, ternaryThresholds: thresholds, rotation: rotation)
    }

    /// These ranges with `rotation` as the RaBitQ centroid and rotation.
    public func withRotation(_ rotation: RaBitQRotation?) throws -> QuantizationRanges {
        try QuantizationRanges(minimums: minimums, maximums: maximums, ternaryThresholds: ternaryThresholds, rotation: rotation)
    }

    /// Bucket width per dimension for `levels - 1` steps, in float32 arithmetic exactly as
    /// sentence-transformers computes it: `(maximum - minimum) / (levels - 1)`, a zero width
    /// replaced by 1 (so a constant dimension maps to code 0).
    ///
    /// The order matters for byte-identical codes: subtract first, divide second, and divide the
    /// value by the step (`(x - min) / step`), never multiply by a precomputed reciprocal.
    public func steps(levels: Int) -> [Float] {
        let divisor = Float(levels - 1)
        return zip(minimums, maximums).map { low, high in
            let step = (high - low) / divisor
            return step == 0 ? 1 : step
        }
    }
}

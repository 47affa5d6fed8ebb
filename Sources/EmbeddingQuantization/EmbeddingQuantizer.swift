/// Quantizes float32 embeddings to a ``Precision`` and back.
///
/// ```swift
/// let ranges = try Calibration.ranges(from: corpus)              // once, from representative data
/// let quantizer = EmbeddingQuantizer(precision: .int8, ranges: ranges)
/// let codes = try quantizer.quantize(corpus)                      // n × d int8, sentence-transformers' bytes
/// let approx = try quantizer.dequantize(codes)                    // n × d float32, bucket centres
/// ```
public struct EmbeddingQuantizer: Sendable {
    /// Target precision.
    public let precision: Precision
    /// Calibration for `int8`, `uint8`, `int4` (ranges) and `ternary` (thresholds); ignored by
    /// the other precisions. When `nil`, those precisions calibrate on the embeddings themselves.
    public let ranges: QuantizationRanges?
    /// Rounding of integer codes.
    public let rounding: RoundingMode

    /// Creates a quantizer.
    public init(precision: Precision, ranges: QuantizationRanges? = nil, rounding: RoundingMode = .floor) {
        self.precision = precision
        self.ranges = ranges
        self.rounding = rounding
    }

    /// Quantizes `embeddings` (`n × d` float32; `n` may be 0).
    ///
    /// Without ranges, `int8` / `uint8` / `int4` / `ternary` calibrate on `embeddings` themselves
    /// (min/max, as sentence-transformers does): an error for a single row, and a warning passed to
    /// `warningHandler` under ``Calibration/recommendedMinimumRows`` rows.
    ///
    /// - Throws: ``QuantizationError/nonFiniteValue(row:column:value:)`` naming the first NaN or
    ///   infinity; ``QuantizationError/dimensionMismatch(expected:actual:what:)`` when the ranges
    ///   cover another dimension; ``QuantizationError/tooFewRowsToCalibrate(rows:)``.
    public func quantize(
        _ embeddings: EmbeddingMatrix, warningHandler: (String) -> Void = { _ in }
    ) throws -> QuantizedEmbeddings {
        let resolvedRanges = try calibration(for: embeddings, warningHandler: warningHandler)
        let codes = try QuantizationKernels.encode(
            embeddings, precision: precision, ranges: resolvedRanges, rounding: rounding)
        return try QuantizedEmbeddings(
            precision: precision, rowCount: embeddings.rowCount, dimension: embeddings.dimension,
            codes: codes, ranges: resolvedRanges, rounding: rounding)
    }

    /// Reconstructs approximate float32 embeddings (`n × d`) from codes.
    ///
    /// - `float32`, `float16`, `bfloat16`: the stored values, widened exactly.
    /// - `int8`, `uint8`, `int4`: with `floor` rounding the centre of each code's bucket,
    ///   `minimum + (code + 0.5)·step`; with `nearest`, `minimum + code·step`. A constant dimension
    ///   (`minimum == maximum`) gives back `minimum`.
    /// - `ternary`: −1, 0 or +1.
    /// - `binary`, `ubinary`: +1 for a set bit and −1 for a clear one (`.plusMinusOne`), or 1 / 0
    ///   (`.zeroOne`).
    /// - `rabitq1` … `rabitq4`: `c + scale · Rᵀ·y`, the vector whose inner product with a query is
    ///   the RaBitQ estimate (see ``RaBitQCodes``).
    public func dequantize(
        _ quantized: QuantizedEmbeddings, bitValues: BitValues = .plusMinusOne
    ) throws -> EmbeddingMatrix {
        try QuantizationKernels.decode(quantized, bitValues: bitValues)
    }

    /// The ranges to use for `embeddings`: the quantizer's own, or self-calibrated ones.
    private func calibration(
        for embeddings: EmbeddingMatrix, warningHandler: (String) -> Void
    ) throws -> QuantizationRanges? {
        guard precision.needsCalibration else { return nil }
        if let ranges {
            guard ranges.dimension == embeddings.dimension else {
                throw QuantizationError.dimensionMismatch(
                    expected: embeddings.dimension, actual: ranges.dimension, what: "the ranges")
            }
            if precision == .ternary, ranges.ternaryThresholds == nil {
                throw QuantizationError.malformedRanges("ternary quantization needs ranges with ternary thresholds (row 2)")
            }
            if precision.rabitqCodeBits != nil, ranges.rotation == nil {
                throw QuantizationError.missingCalibration(precision)
            }
            return ranges
        }
        // A rotation drawn here would differ from the queries': RaBitQ codes need one given.
        if precision.rabitqCodeBits != nil, embeddings.rowCount > 0 { throw QuantizationError.missingCalibration(precision) }
        if embeddings.rowCount == 0 { return nil }
        guard embeddings.rowCount >= 2 else {
            throw QuantizationError.tooFewRowsToCalibrate(rows: embeddings.rowCount)
        }
        if embeddings.rowCount < Calibration.recommendedMinimumRows {
            warningHandler(
                "computing \(precision.rawValue) ranges from only \(embeddings.rowCount) embeddings; "
                    + "ranges calibrated on more embeddings (\(Calibration.recommendedMinimumRows) or more) are more stable")
        }
        return try Calibration.ranges(from: embeddings)
    }
}

/// How ``EmbeddingQuantizer/dequantize(_:bitValues:)`` maps the bits of `binary` / `ubinary` codes.
public enum BitValues: String, Sendable, CaseIterable {
    /// Set bit → +1, clear bit → −1 (keeps the sign picture; dot products equal `d − 2·Hamming`).
    case plusMinusOne
    /// Set bit → 1, clear bit → 0.
    case zeroOne
}

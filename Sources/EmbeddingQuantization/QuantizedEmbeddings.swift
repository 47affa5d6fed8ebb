/// A batch of embeddings in a compact precision: `rowCount` rows of `bytesPerVector` bytes each.
///
/// The byte layout of a row is fixed by ``Precision`` (see its documentation): bit order is
/// most-significant bit first, multi-byte values are little-endian, `int8` and `binary` bytes
/// are two's complement bit patterns.
public struct QuantizedEmbeddings: Sendable, Equatable {
    /// The precision of the codes.
    public let precision: Precision
    /// Number of embeddings.
    public let rowCount: Int
    /// Dimensions of the original float embeddings (not the byte count).
    public let dimension: Int
    /// `rowCount × bytesPerVector` bytes, row-major.
    public let codes: [UInt8]
    /// The calibration used for `int8`, `uint8`, `int4` and `ternary`; `nil` for the others.
    public let ranges: QuantizationRanges?
    /// The rounding used for integer codes (decides how ``EmbeddingQuantizer/dequantize(_:bitValues:)``
    /// reconstructs values).
    public let rounding: RoundingMode

    /// Bytes per row: `precision.bytesPerVector(dimension:)`.
    public var bytesPerVector: Int { precision.bytesPerVector(dimension: dimension) }

    /// Total bytes of the codes.
    public var byteCount: Int { codes.count }

    /// Wraps existing codes, checking their size (and the ranges' dimension, when given).
    public init(
        precision: Precision, rowCount: Int, dimension: Int, codes: [UInt8],
        ranges: QuantizationRanges? = nil, rounding: RoundingMode = .floor
    ) throws(QuantizationError) {
        guard rowCount >= 0, dimension >= 0 else {
            throw QuantizationError.invalidParameter("negative shape \(rowCount) × \(dimension)")
        }
        let expected = rowCount * precision.bytesPerVector(dimension: dimension)
        guard codes.count == expected else {
            throw QuantizationError.codeSizeMismatch(expectedBytes: expected, actualBytes: codes.count)
        }
        if let ranges, ranges.dimension != dimension {
            throw QuantizationError.dimensionMismatch(expected: dimension, actual: ranges.dimension, what: "the ranges")
        }
        self.precision = precision
        self.rowCount = rowCount
        self.dimension = dimension
        self.codes = codes
        self.ranges = ranges
        self.rounding = rounding
    }

    /// The bytes of one row.
    public subscript(row row: Int) -> ArraySlice<UInt8> {
        codes[(row * bytesPerVector)..<((row + 1) * bytesPerVector)]
    }

    /// The codes reinterpreted as signed bytes (meaningful for `int8` and `binary`).
    public var signedCodes: [Int8] { codes.map { Int8(bitPattern: $0) } }
}

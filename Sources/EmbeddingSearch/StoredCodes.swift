import EmbeddingQuantization

/// Row-major codes kept in their `Precision` byte layout, read from any ``ByteSource``
/// (an array, or a memory-mapped file): the "finer codes" of rescoring, and the corpus of
/// asymmetric search (float queries against dequantized codes).
public struct StoredCodes: Sendable {
    /// The precision of the codes (layouts in `Precision`).
    public let precision: Precision
    /// Number of rows.
    public let rowCount: Int
    /// Dimensions per row.
    public let dimension: Int
    /// The calibration of `int8`, `uint8`, `int4` codes (needed to score them) and `ternary`.
    public let ranges: QuantizationRanges?
    /// The rounding the integer codes were made with (decides the dequantized values).
    public let rounding: RoundingMode
    /// `rowCount × bytesPerVector` bytes, row-major.
    public let bytes: any ByteSource

    /// Bytes per row.
    public var bytesPerVector: Int { precision.bytesPerVector(dimension: dimension) }

    /// Wraps quantized codes (their array is shared, not copied).
    public init(_ quantized: QuantizedEmbeddings) {
        precision = quantized.precision
        rowCount = quantized.rowCount
        dimension = quantized.dimension
        ranges = quantized.ranges
        rounding = quantized.rounding
        bytes = quantized.codes
    }

    /// Wraps float32 embeddings (`n × d`) as `float32` codes.
    public init(_ embeddings: EmbeddingMatrix) {
        precision = .float32
        rowCount = embeddings.rowCount
        dimension = embeddings.dimension
        ranges = nil
        rounding = .floor
        bytes = embeddings.values.withUnsafeBytes { [UInt8]($0) }
    }

    /// Wraps codes from any byte source, e.g. a ``MemoryMappedFile``.
    ///
    /// - Throws: ``SearchError/byteCountMismatch(expected:actual:)`` unless `bytes` holds exactly
    ///   `rowCount × bytesPerVector` bytes; ``SearchError/dimensionMismatch(expected:actual:what:)``
    ///   for ranges of another dimension.
    public init(
        precision: Precision, rowCount: Int, dimension: Int, bytes: any ByteSource,
        ranges: QuantizationRanges? = nil, rounding: RoundingMode = .floor
    ) throws(SearchError) {
        guard rowCount >= 0, dimension >= 0 else {
            throw SearchError.byteCountMismatch(expected: 0, actual: bytes.byteCount)
        }
        let expected = rowCount * precision.bytesPerVector(dimension: dimension)
        guard bytes.byteCount == expected else {
            throw SearchError.byteCountMismatch(expected: expected, actual: bytes.byteCount)
        }
        if let ranges, ranges.dimension != dimension {
            throw SearchError.dimensionMismatch(expected: dimension, actual: ranges.dimension, what: "the ranges")
        }
        self.precision = precision
        self.rowCount = rowCount
        self.dimension = dimension
        self.bytes = bytes
        self.ranges = ranges
        self.rounding = rounding
    }
}

import EmbeddingQuantization

/// Where a run of code bytes for a new file comes from.
public enum CodeChunk: Sendable {
    /// Bytes held in memory.
    case bytes([UInt8])
    /// A byte range of an open file's mapped codes (streamed with `pread`-sized pieces whose pages
    /// are released again, so copying a large section never makes it resident).
    case mapped(MappedCodes, Range<Int>)

    /// Number of bytes in the chunk.
    public var byteCount: Int {
        switch self {
        case .bytes(let bytes): return bytes.count
        case .mapped(_, let range): return range.count
        }
    }
}

/// One code section of a new file: the precision, rounding and ranges of its codes, and their
/// bytes (`rowCount × bytesPerVector`, row-major) as chunks.
public struct CodeSection: Sendable {
    /// The precision of the codes.
    public var precision: Precision
    /// The rounding the integer codes were made with.
    public var rounding: RoundingMode
    /// The calibration of `int8`, `uint8`, `int4` and `ternary` codes.
    public var ranges: QuantizationRanges?
    /// The code bytes, in row order.
    public var chunks: [CodeChunk]

    /// A section of `precision` codes from `chunks`.
    public init(precision: Precision, rounding: RoundingMode, ranges: QuantizationRanges?, chunks: [CodeChunk]) {
        self.precision = precision
        self.rounding = rounding
        self.ranges = ranges
        self.chunks = chunks
    }

    /// Total bytes of the chunks.
    var byteCount: Int { chunks.reduce(0) { $0 + $1.byteCount } }
}

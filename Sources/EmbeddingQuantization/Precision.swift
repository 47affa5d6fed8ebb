/// The storage precision of one embedding dimension.
///
/// Layouts (row-major, one row per embedding, `d` dimensions):
/// - `float32`: 4 bytes per dimension, IEEE 754 binary32, little-endian.
/// - `float16`: 2 bytes per dimension, IEEE 754 binary16, little-endian, round-to-nearest-even.
/// - `bfloat16`: 2 bytes per dimension, the upper half of binary32, little-endian, round-to-nearest-even.
/// - `int8`: 1 byte per dimension, two's complement, `code - 128` of the `uint8` bucket.
/// - `uint8`: 1 byte per dimension, bucket 0...255 of the calibration range.
/// - `int4`: half a byte per dimension, bucket 0...15; dimension `2i` in the high nibble of
///   byte `i`, dimension `2i + 1` in the low nibble; an odd last dimension leaves the low nibble 0.
/// - `ternary`: two bit-planes of `ceil(d / 8)` bytes each, the "positive" plane first and the
///   "negative" plane second; bits most-significant first within a byte, as NumPy `packbits`.
/// - `binary`: `ceil(d / 8)` bytes; bit = `x > 0`, most-significant bit first, zero-padded;
///   the stored byte is the packed byte minus 128, as a signed `Int8` (sentence-transformers' layout).
/// - `ubinary`: as `binary`, but the packed byte itself (`UInt8`).
public enum Precision: String, CaseIterable, Sendable, Codable {
    case float32
    case float16
    case bfloat16
    case int8
    case uint8
    case int4
    case ternary
    case binary
    case ubinary

    /// Parses a precision name (`"int8"`, `"binary"`, …), case-insensitively.
    ///
    /// - Throws: ``QuantizationError/unknownPrecision(_:)`` naming the valid choices.
    public init(parsing name: String) throws(QuantizationError) {
        guard let precision = Precision(rawValue: name.lowercased()) else {
            throw QuantizationError.unknownPrecision(name)
        }
        self = precision
    }

    /// Bytes that one vector of `dimension` dimensions occupies in this precision.
    public func bytesPerVector(dimension: Int) -> Int {
        switch self {
        case .float32: return dimension * 4
        case .float16, .bfloat16: return dimension * 2
        case .int8, .uint8: return dimension
        case .int4: return (dimension + 1) / 2
        case .ternary: return 2 * ((dimension + 7) / 8)
        case .binary, .ubinary: return (dimension + 7) / 8
        }
    }

    /// Whether quantizing to this precision needs per-dimension calibration ranges
    /// (`int8`, `uint8`, `int4`) or thresholds (`ternary`).
    public var needsCalibration: Bool {
        switch self {
        case .int8, .uint8, .int4, .ternary: return true
        case .float32, .float16, .bfloat16, .binary, .ubinary: return false
        }
    }

    /// Whether the codes are bit-packed (`ternary`, `binary`, `ubinary`).
    public var isBitPacked: Bool {
        switch self {
        case .ternary, .binary, .ubinary: return true
        default: return false
        }
    }

    /// Compression factor against float32 for vectors of `dimension` dimensions.
    public func compressionRatio(dimension: Int) -> Double {
        guard dimension > 0 else { return 1 }
        return Double(dimension * 4) / Double(bytesPerVector(dimension: dimension))
    }
}

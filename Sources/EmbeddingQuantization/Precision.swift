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
/// - `rabitq1` … `rabitq4` (RaBitQ-family codes, B = 1 … 4 bits per dimension): the residual
///   `x − c` from the centroid, unit-normalized and rotated by a seeded random orthogonal matrix
///   (both in ``QuantizationRanges/rotation``), mapped to the grid `u_i − (2^B − 1)/2`, `0 ≤ u_i <
///   2^B`. A row is B bit-planes of `ceil(d / 8)` bytes (plane `a` holds bit `a` of every `u_i`,
///   most-significant bit first, as `packbits`), then two little-endian float32 correction
///   factors: the scale `‖x − c‖ / ⟨y, o'⟩` and the error factor of the estimator (see
///   ``RaBitQCodes`` and docs/RABITQ.md). d = 384: 56, 104, 152, 200 bytes.
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
    case rabitq1
    case rabitq2
    case rabitq3
    case rabitq4

    /// Parses a precision name (`"int8"`, `"binary"`, …), case-insensitively.
    ///
    /// - Throws: ``QuantizationError/unknownPrecision(_:)`` naming the valid choices.
    public init(parsing name: String) throws {
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
        case .rabitq1, .rabitq2, .rabitq3, .rabitq4:
            return (rabitqCodeBits ?? 1) * ((dimension + 7) / 8) + RaBitQCodes.factorBytes
        }
    }

    /// Bits per dimension of a RaBitQ-family precision (`rabitq1` … `rabitq4`), else `nil`.
    public var rabitqCodeBits: Int? {
        switch self {
        case .rabitq1: return 1
        case .rabitq2: return 2
        case .rabitq3: return 3
        case .rabitq4: return 4
        default: return nil
        }
    }

    /// The RaBitQ-family precision with `bits` bits per dimension (1 … 4), else `nil`.
    public static func rabitq(bits: Int) -> Precision? {
        allCases.first { $0.rabitqCodeBits == bits }
    }

    /// Whether quantizing to this precision needs per-dimension calibration ranges
    /// (`int8`, `uint8`, `int4`), thresholds (`ternary`) or a rotation and centroid (`rabitq1` …
    /// `rabitq4`).
    public var needsCalibration: Bool {
        switch self {
        case .int8, .uint8, .int4, .ternary, .rabitq1, .rabitq2, .rabitq3, .rabitq4: return true
        case .float32, .float16, .bfloat16, .binary, .ubinary: return false
        }
    }

    /// Whether the codes are bit-packed (`ternary`, `binary`, `ubinary`, RaBitQ bit-planes).
    public var isBitPacked: Bool {
        switch self {
        case .ternary, .binary, .ubinary, .rabitq1, .rabitq2, .rabitq3, .rabitq4: return true
        default: return false
        }
    }

    /// Compression factor against float32 for vectors of `dimension` dimensions.
    public func compressionRatio(dimension: Int) -> Double {
        guard dimension > 0 else { return 1 }
        return Double(dimension * 4) / Double(bytesPerVector(dimension: dimension))
    }
}

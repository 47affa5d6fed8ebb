/// The element types that ``NPYFile`` reads and writes, named as NumPy names them.
///
/// In memory (``NPYArray/bytes``) every type is stored little-endian; ``descr`` is the NumPy
/// dtype string written to headers (`"<f4"`, `"|u1"`, …).
public enum NPYDataType: String, CaseIterable, Sendable, Equatable {
    /// `bool` (`|b1`): one byte, 0 or 1.
    case bool
    /// `int8` (`|i1`): one byte, two's complement.
    case int8
    /// `uint8` (`|u1`): one byte.
    case uint8
    /// `int16` (`<i2`).
    case int16
    /// `uint16` (`<u2`).
    case uint16
    /// `int32` (`<i4`).
    case int32
    /// `uint32` (`<u4`).
    case uint32
    /// `int64` (`<i8`).
    case int64
    /// `uint64` (`<u8`).
    case uint64
    /// `float16` (`<f2`): IEEE 754 binary16.
    case float16
    /// `float32` (`<f4`): IEEE 754 binary32.
    case float32
    /// `float64` (`<f8`): IEEE 754 binary64.
    case float64

    /// Bytes per element (1, 2, 4 or 8).
    public var itemSize: Int {
        switch self {
        case .bool, .int8, .uint8: return 1
        case .int16, .uint16, .float16: return 2
        case .int32, .uint32, .float32: return 4
        case .int64, .uint64, .float64: return 8
        }
    }

    /// The NumPy name (`"float32"`, `"int8"`, …).
    public var name: String { rawValue }

    /// The little-endian NumPy dtype descriptor as `numpy.save` writes it: `"|b1"`, `"|i1"`,
    /// `"|u1"` for one-byte types (byte order does not apply), `"<i2"`, `"<f4"`, … otherwise.
    public var descr: String {
        (itemSize == 1 ? "|" : "<") + typeCode
    }

    /// Whether the elements are integers (signed or unsigned; `bool` is not).
    public var isInteger: Bool {
        switch self {
        case .int8, .uint8, .int16, .uint16, .int32, .uint32, .int64, .uint64: return true
        case .bool, .float16, .float32, .float64: return false
        }
    }

    /// Whether the elements are IEEE 754 floating-point numbers.
    public var isFloatingPoint: Bool {
        switch self {
        case .float16, .float32, .float64: return true
        default: return false
        }
    }

    /// The descriptor without its byte-order mark: kind letter then item size (`"f4"`).
    var typeCode: String {
        switch self {
        case .bool: return "b1"
        case .int8: return "i1"
        case .uint8: return "u1"
        case .int16: return "i2"
        case .uint16: return "u2"
        case .int32: return "i4"
        case .uint32: return "u4"
        case .int64: return "i8"
        case .uint64: return "u8"
        case .float16: return "f2"
        case .float32: return "f4"
        case .float64: return "f8"
        }
    }

    /// Parses a NumPy dtype descriptor such as `"<f4"`, `">i4"`, `"|u1"` or `"=f2"`.
    ///
    /// `<` is little-endian, `>` big-endian, `=` native (little-endian on every platform this
    /// package supports) and `|` "not applicable", which NumPy also treats as native.
    ///
    /// - Returns: the type and whether its bytes are stored big-endian.
    /// - Throws: ``NPYError/unsupportedDataType(descr:)`` for anything else.
    static func parse(descr: String) throws(NPYError) -> (type: NPYDataType, isBigEndian: Bool) {
        let scalars = Array(descr.unicodeScalars)
        guard scalars.count == 3 else { throw NPYError.unsupportedDataType(descr: descr) }
        let isBigEndian: Bool
        switch scalars[0] {
        case "<", "|": isBigEndian = false
        case "=": isBigEndian = NPYDataType.hostIsBigEndian
        case ">": isBigEndian = true
        default: throw NPYError.unsupportedDataType(descr: descr)
        }
        let code = String(String.UnicodeScalarView(scalars[1...]))
        guard let type = NPYDataType.allCases.first(where: { $0.typeCode == code }) else {
            throw NPYError.unsupportedDataType(descr: descr)
        }
        return (type, isBigEndian && type.itemSize > 1)
    }

    static var hostIsBigEndian: Bool {
        #if _endian(big)
        return true
        #else
        return false
        #endif
    }
}

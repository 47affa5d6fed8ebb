/// Errors raised while reading, writing or converting NumPy `.npy` data.
///
/// Every case says what was wrong and where (byte offset, header key, file path). Errors raised
/// while reading or writing a file are wrapped in ``inFile(path:_:)`` so that their description
/// starts with the path.
public indirect enum NPYError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The data does not start with the magic string `\x93NUMPY`.
    case badMagic
    /// A format version other than 1.0, 2.0 and 3.0.
    case unsupportedVersion(major: UInt8, minor: UInt8)
    /// The data ends before `what` does: `needed` bytes were required, `available` remained.
    case truncated(what: String, needed: Int, available: Int)
    /// The header is not a Python dict literal of the expected form; `offset` is the byte offset
    /// of the problem within the header text (after the length field).
    case malformedHeader(reason: String, offset: Int)
    /// A required header key (`descr`, `fortran_order` or `shape`) is absent.
    case missingHeaderKey(String)
    /// A header key other than `descr`, `fortran_order` and `shape` (NumPy rejects these too).
    case unexpectedHeaderKey(String)
    /// A dtype descriptor this reader does not support (structured, string, complex, …).
    case unsupportedDataType(descr: String)
    /// A shape with a negative dimension, or whose element or byte count overflows `Int`.
    case invalidShape(shape: String, reason: String)
    /// The element data holds `actualBytes` bytes, but shape × item size is `expectedBytes`.
    case dataSizeMismatch(expectedBytes: Int, actualBytes: Int)
    /// A typed accessor was called on an array of another dtype (e.g. `float32Values()` on int8).
    case unexpectedDataType(expected: String, actual: NPYDataType)
    /// A value count that does not match the shape given to an initializer.
    case valueCountMismatch(expected: Int, actual: Int)
    /// A system call failed: `operation` (open, read, write, fsync, rename, …), `errno` and its
    /// message.
    case systemError(operation: String, errno: Int32, message: String)
    /// An error that happened while reading or writing the file at `path`.
    case inFile(path: String, NPYError)

    /// A one-line message saying what is wrong and where (offset, key or file path).
    public var description: String {
        switch self {
        case .badMagic:
            return "not a .npy file: missing the magic string \\x93NUMPY at offset 0"
        case .unsupportedVersion(let major, let minor):
            return "unsupported .npy format version \(major).\(minor) (supported: 1.0, 2.0, 3.0)"
        case .truncated(let what, let needed, let available):
            return "truncated .npy data: \(what) needs \(needed) bytes, only \(available) available"
        case .malformedHeader(let reason, let offset):
            return "malformed .npy header at header offset \(offset): \(reason)"
        case .missingHeaderKey(let key):
            return "malformed .npy header: missing key '\(key)'"
        case .unexpectedHeaderKey(let key):
            return "malformed .npy header: unexpected key '\(key)' (expected descr, fortran_order, shape)"
        case .unsupportedDataType(let descr):
            return "unsupported .npy dtype '\(descr)' (supported: b1, i1, u1, i2, u2, i4, u4, i8, u8, f2, f4, f8)"
        case .invalidShape(let shape, let reason):
            return "invalid .npy shape \(shape): \(reason)"
        case .dataSizeMismatch(let expected, let actual):
            return "the .npy element data holds \(actual) bytes, but shape × item size is \(expected) bytes"
        case .unexpectedDataType(let expected, let actual):
            return "expected \(expected) data, but the array's dtype is \(actual.name) ('\(actual.descr)')"
        case .valueCountMismatch(let expected, let actual):
            return "the shape holds \(expected) elements, but \(actual) values were given"
        case .systemError(let operation, let errno, let message):
            return "\(operation) failed: \(message) (errno \(errno))"
        case .inFile(let path, let error):
            return "\(path): \(error.description)"
        }
    }
}

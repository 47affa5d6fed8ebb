import EmbeddingQuantization

/// Errors raised while creating, opening, verifying or changing an index file.
///
/// Every case says what was wrong and where (section, byte offset, id). Errors about a
/// particular file are wrapped in ``inFile(path:_:)`` so that their description starts with the
/// path. Opening never crashes and never allocates more than the file's size on malformed input:
/// each of these errors is raised before any allocation that the bad field would size.
public indirect enum IndexFileError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The path names a directory, device, FIFO or socket, not a regular file.
    case notARegularFile
    /// The file does not start with the magic bytes `EMBQINDX`.
    case badMagic
    /// A format version this reader does not know (it reads versions ``IndexHeader/currentVersion``
    /// and ``IndexHeader/segmentVersion``).
    case unsupportedVersion(UInt32)
    /// Flag bits this reader does not know.
    case unsupportedFlags(UInt32)
    /// A precision or rounding code outside the table in `docs/INDEX_FORMAT.md`.
    case unknownCode(field: String, code: UInt8)
    /// The file is shorter than `needed` bytes (its size is `actual`).
    case truncated(needed: Int, actual: Int)
    /// The header's CRC-32C (bytes 252..<256) does not match bytes 0..<252.
    case headerChecksumMismatch(stored: UInt32, computed: UInt32)
    /// A header field is out of range or disagrees with another field or the file size.
    case invalidHeader(String)
    /// A section's stored CRC-32C does not match its bytes.
    case checksumMismatch(section: IndexSection, stored: UInt32, computed: UInt32)
    /// A section's contents are inconsistent (bad id offsets, invalid UTF-8, non-zero padding, …).
    case malformedSection(section: IndexSection, reason: String)
    /// A section whose codes or ranges the quantization layer rejects (size, inverted ranges, …).
    case invalidSection(section: IndexSection, QuantizationError)
    /// An argument to create or add is inconsistent (row counts, precision, dimension, ranges).
    case invalidArgument(String)
    /// An id that would appear twice among the live rows; `row` is the new row's position.
    case duplicateID(String, row: Int)
    /// An id that is empty (ids are non-empty UTF-8 strings).
    case emptyID(row: Int)
    /// Another writer replaced the file between reading it (generation `expected`) and
    /// committing the change (the file now holds generation `found`).
    case concurrentModification(expected: UInt64, found: UInt64)
    /// A system call failed: `operation` (open, pread, mmap, fsync, rename, …), `errno`, message.
    case systemError(operation: String, errno: Int32, message: String)
    /// An error that happened while reading or writing the index file at `path`.
    case inFile(path: String, IndexFileError)

    /// A one-line message saying what is wrong and where.
    public var description: String {
        switch self {
        case .notARegularFile:
            return "not a regular file"
        case .badMagic:
            return "not an EmbedQ index: missing the magic bytes EMBQINDX at offset 0"
        case .unsupportedVersion(let version):
            return "unsupported index format version \(version) (supported: \(IndexHeader.currentVersion) and \(IndexHeader.segmentVersion))"
        case .unsupportedFlags(let flags):
            return "unsupported index flag bits 0x\(String(flags, radix: 16)) in the header at offset 12"
        case .unknownCode(let field, let code):
            return "unknown \(field) code \(code) in the header"
        case .truncated(let needed, let actual):
            return "truncated index: \(needed) bytes needed, the file has \(actual)"
        case .headerChecksumMismatch(let stored, let computed):
            return "corrupt index header: CRC-32C is \(hex(computed)), the header says \(hex(stored))"
        case .invalidHeader(let reason):
            return "invalid index header: \(reason)"
        case .checksumMismatch(let section, let stored, let computed):
            return "corrupt \(section) section: CRC-32C is \(hex(computed)), the header says \(hex(stored))"
        case .malformedSection(let section, let reason):
            return "malformed \(section) section: \(reason)"
        case .invalidSection(let section, let error):
            return "malformed \(section) section: \(error.description)"
        case .invalidArgument(let reason):
            return "invalid index input: \(reason)"
        case .duplicateID(let id, let row):
            return "duplicate document id '\(id)' (new row \(row)): ids must be unique among live rows"
        case .emptyID(let row):
            return "empty document id at new row \(row)"
        case .concurrentModification(let expected, let found):
            return "another writer changed the index (generation \(expected) became \(found)); retry"
        case .systemError(let operation, let errno, let message):
            return "\(operation) failed: \(message) (errno \(errno))"
        case .inFile(let path, let error):
            return "\(path): \(error.description)"
        }
    }

    /// This error wrapped in ``inFile(path:_:)`` unless it already is.
    func inFile(_ path: String) -> IndexFileError {
        if case .inFile = self { return self }
        return .inFile(path: path, self)
    }

    /// Converts the shared file helper's system errors.
    static func from(_ error: any Error) -> any Error {
        if let error = error as? NPYError {
            switch error {
            case .systemError(let operation, let errno, let message):
                return IndexFileError.systemError(operation: operation, errno: errno, message: message)
            case .inFile(_, let inner):
                return from(inner)
            default:
                return error
            }
        }
        return error
    }
}

private func hex(_ value: UInt32) -> String {
    let digits = String(value, radix: 16)
    return "0x" + String(repeating: "0", count: 8 - digits.count) + digits
}

import EmbeddingStore

/// The write-ahead log's file format (`wal-<first sequence>.log`). Little-endian:
///
/// ```
/// header (32 bytes): magic EMBQWLOG, u32 version (1), u32 zero, u64 first sequence,
///                    u32 zero, u32 CRC-32C of bytes 0 ..< 28
/// frames:            u32 body length, u32 CRC-32C of the body, body (a ``LogRecord``)
/// ```
///
/// Records carry consecutive sequence numbers starting at the header's. Each is appended with
/// one `write` and made durable (`fdatasync`) before the batch is acknowledged, so only the
/// last frame can be incomplete after a crash. Reading stops at such a *torn tail* — a frame
/// that runs past the end of the file, a last frame whose checksum fails, or trailing zero bytes
/// — and reports it; the writer truncates it away before appending. A bad frame with more
/// bytes after it cannot come from a crash: it is reported as a damaged file.
enum LogFormat {
    static let magic: [UInt8] = Array("EMBQWLOG".utf8)
    static let version: UInt32 = 1
    static let headerSize = 32
    static let frameHeaderSize = 8
    /// The largest record body accepted (a batch larger than this is refused before logging).
    static let maximumBodyLength = 1 << 30

    /// The header of a log whose first record will have `firstSequence`.
    static func header(firstSequence: UInt64) -> [UInt8] {
        var bytes = magic
        bytes.appendLittleEndian(version)
        bytes.appendLittleEndian(UInt32(0))
        bytes.appendLittleEndian(firstSequence)
        bytes.appendLittleEndian(UInt32(0))
        bytes.appendLittleEndian(CRC32C.checksum(of: bytes))
        return bytes
    }

    /// One frame around `body`.
    static func frame(_ body: [UInt8]) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(frameHeaderSize + body.count)
        bytes.appendLittleEndian(UInt32(body.count))
        bytes.appendLittleEndian(CRC32C.checksum(of: body))
        return bytes + body
    }

    /// Checks a log header and returns its first sequence number.
    ///
    /// - Throws: ``CollectionError/corruptFile(path:reason:)``.
    static func firstSequence(ofHeader bytes: ArraySlice<UInt8>, path: String) throws(CollectionError) -> UInt64 {
        guard bytes.count >= headerSize else {
            throw .corruptFile(path: path, reason: "truncated log: \(bytes.count) bytes, the header alone has \(headerSize)")
        }
        let header = Array(bytes.prefix(headerSize))
        guard Array(header[0..<8]) == magic else { throw .corruptFile(path: path, reason: "not a write-ahead log: missing the magic bytes EMBQWLOG") }
        let stored = load(UInt32.self, header, 28), computed = CRC32C.checksum(of: header[0..<28])
        guard stored == computed else { throw .corruptFile(path: path, reason: "corrupt log header: CRC-32C is \(computed), the header says \(stored)") }
        guard load(UInt32.self, header, 8) == version else {
            throw .corruptFile(path: path, reason: "unsupported log version \(load(UInt32.self, header, 8))")
        }
        guard load(UInt32.self, header, 12) == 0, load(UInt32.self, header, 24) == 0 else {
            throw .corruptFile(path: path, reason: "reserved log header bytes are not zero")
        }
        return load(UInt64.self, header, 16)
    }

    /// What one scan of a log found.
    struct Scan {
        /// The complete, checked records, in order.
        var records: [LogRecord] = []
        /// The offset just past the last good frame (where appending continues).
        var validEnd: Int
        /// Why reading stopped before the end of the bytes, when it did (a torn tail).
        var tornTail: String?
    }

    /// The codes layout records must have.
    struct Layout {
        var fastWidth: Int
        var rescoringWidth: Int
        var dimension: Int
    }

    /// Scans the frames of `bytes` (the file's bytes from `start`, which is the offset of the
    /// first frame to read; `bytes` begins at file offset `base`), expecting sequence numbers
    /// from `nextSequence` on.
    ///
    /// - Throws: ``CollectionError/corruptFile(path:reason:)`` for a bad frame followed by more
    ///   bytes, a record that does not decode, or a sequence number out of order.
    static func scan(
        _ bytes: ArraySlice<UInt8>, base: Int, nextSequence: UInt64, layout: Layout, path: String
    ) throws(CollectionError) -> Scan {
        var scan = Scan(validEnd: base)
        var offset = bytes.startIndex
        var expected = nextSequence
        while offset < bytes.endIndex {
            let remaining = bytes.endIndex - offset
            let fileOffset = base + (offset - bytes.startIndex)
            guard remaining >= frameHeaderSize else {
                scan.tornTail = "\(remaining) bytes at offset \(fileOffset) are less than a frame header"
                return scan
            }
            let length = Int(load(UInt32.self, bytes, offset))
            let stored = load(UInt32.self, bytes, offset + 4)
            if length == 0 || length > maximumBodyLength {
                if bytes[offset...].allSatisfy({ $0 == 0 }) {
                    scan.tornTail = "\(remaining) zero bytes at offset \(fileOffset)"
                    return scan
                }
                throw .corruptFile(path: path, reason: "bad frame length \(length) at offset \(fileOffset)")
            }
            guard length <= remaining - frameHeaderSize else {
                scan.tornTail = "the frame at offset \(fileOffset) needs \(length) body bytes, \(remaining - frameHeaderSize) remain"
                return scan
            }
            let body = bytes[(offset + frameHeaderSize)..<(offset + frameHeaderSize + length)]
            let computed = CRC32C.checksum(of: body)
            let end = offset + frameHeaderSize + length
            guard computed == stored else {
                if end == bytes.endIndex {
                    scan.tornTail = "the last frame, at offset \(fileOffset), fails its CRC-32C"
                    return scan
                }
                throw .corruptFile(path: path, reason: "the frame at offset \(fileOffset) fails its CRC-32C (\(computed), stored \(stored)) and more frames follow")
            }
            let record: LogRecord
            do {
                record = try LogRecord(
                    decoding: Array(body), fastWidth: layout.fastWidth, rescoringWidth: layout.rescoringWidth, dimension: layout.dimension)
            } catch {
                throw .corruptFile(path: path, reason: "the record at offset \(fileOffset): \(error.description)")
            }
            guard record.sequence == expected else {
                throw .corruptFile(path: path, reason: "the record at offset \(fileOffset) has sequence \(record.sequence), expected \(expected)")
            }
            scan.records.append(record)
            expected += 1
            offset = end
            scan.validEnd = base + (end - bytes.startIndex)
        }
        return scan
    }

    private static func load<T: FixedWidthInteger, Bytes: Collection<UInt8>>(_: T.Type, _ bytes: Bytes, _ offset: Bytes.Index) -> T
    where Bytes.Index == Int {
        var value: T = 0
        for index in 0..<(T.bitWidth / 8) { value |= T(bytes[offset + index]) << (8 * index) }
        return value
    }
}

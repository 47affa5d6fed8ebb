import EmbeddingSearch
import EmbeddingStore

/// A deletion file (`deleted-N.bits`): the rows of one segment deleted after the segment was
/// written. Written whole and atomically by a flush or merge, then named by the manifest; an
/// unnamed one is an orphan and removed. Little-endian:
///
/// | offset | size | field |
/// |---:|---:|---|
/// | 0 | 8 | magic `EMBQDELS` |
/// | 8 | 4 | version (1) |
/// | 12 | 4 | reserved, zero |
/// | 16 | 8 | row count of the segment |
/// | 24 | 8 | rows marked |
/// | 32 | 4 | CRC-32C of the bitmap |
/// | 36 | 4 | CRC-32C of bytes 0 ..< 36 |
/// | 40 | ⌈rows / 8⌉ | bitmap, row `r` = bit `7 − r mod 8` of byte `r / 8` (as the index file's) |
enum DeletionFile {
    static let magic: [UInt8] = Array("EMBQDELS".utf8)
    static let version: UInt32 = 1

    /// The file's bytes for `rows` deleted of a segment of `rows.rowCount` rows.
    static func encode(_ rows: RowBitset) -> [UInt8] {
        var bitmap = [UInt8](repeating: 0, count: (rows.rowCount + 7) / 8)
        for row in rows.rows { bitmap[row >> 3] |= 0x80 >> UInt8(row & 7) }
        var bytes = magic
        bytes.appendLittleEndian(version)
        bytes.appendLittleEndian(UInt32(0))
        bytes.appendLittleEndian(UInt64(rows.rowCount))
        bytes.appendLittleEndian(UInt64(rows.count))
        bytes.appendLittleEndian(CRC32C.checksum(of: bitmap))
        bytes.appendLittleEndian(CRC32C.checksum(of: bytes))
        return bytes + bitmap
    }

    /// Decodes and checks a deletion file for a segment of `rowCount` rows with `expectedCount`
    /// rows marked (as the manifest says).
    ///
    /// - Throws: ``CollectionError/corruptFile(path:reason:)``.
    static func decode(_ bytes: [UInt8], rowCount: Int, expectedCount: Int, path: String) throws(CollectionError) -> RowBitset {
        func fail(_ reason: String) -> CollectionError { .corruptFile(path: path, reason: reason) }
        guard bytes.count >= 40 else { throw fail("truncated deletion file: \(bytes.count) bytes, the header alone has 40") }
        guard Array(bytes[0..<8]) == magic else { throw fail("not a deletion file: missing the magic bytes EMBQDELS") }
        let load32 = { (offset: Int) in bytes.withUnsafeBytes { UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: offset, as: UInt32.self)) } }
        let load64 = { (offset: Int) in bytes.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) } }
        let computedHeader = CRC32C.checksum(of: bytes[0..<36])
        guard load32(36) == computedHeader else { throw fail("corrupt deletion header: CRC-32C is \(computedHeader), the header says \(load32(36))") }
        guard load32(8) == version, load32(12) == 0 else { throw fail("unsupported deletion file version \(load32(8))") }
        guard load64(16) == UInt64(rowCount) else { throw fail("covers \(load64(16)) rows, the segment has \(rowCount)") }
        let bitmap = Array(bytes[40...])
        guard bitmap.count == (rowCount + 7) / 8 else { throw fail("the bitmap has \(bitmap.count) bytes, \(rowCount) rows need \((rowCount + 7) / 8)") }
        let computed = CRC32C.checksum(of: bitmap)
        guard load32(32) == computed else { throw fail("corrupt deletion bitmap: CRC-32C is \(computed), the header says \(load32(32))") }
        if rowCount % 8 != 0, let last = bitmap.last, last & (0xFF >> (rowCount % 8)) != 0 {
            throw fail("padding bits of the last bitmap byte are not zero")
        }
        let rows = RowBitset(rowCount: rowCount, packedBitsMostSignificantFirst: bitmap)
        guard rows.count == Int(load64(24)), rows.count == expectedCount else {
            throw fail("\(rows.count) rows are marked, the header says \(load64(24)) and the manifest \(expectedCount)")
        }
        return rows
    }
}

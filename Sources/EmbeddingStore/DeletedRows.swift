/// Which stored rows are deleted (tombstoned until ``IndexFile/compact(at:)`` removes them).
///
/// Stored as a bitmap of `ceil(rowCount / 8)` bytes: row `r` is bit `7 - r % 8` of byte `r / 8`
/// (most-significant bit first, as NumPy `packbits` and `EmbeddingQuantization/Precision`);
/// the padding bits of the last byte are zero.
public struct DeletedRows: Sendable, Equatable {
    /// The bitmap bytes.
    public private(set) var bitmap: [UInt8]
    /// Number of rows the bitmap covers.
    public private(set) var rowCount: Int
    /// Number of rows marked deleted.
    public private(set) var count: Int

    /// `rowCount` live rows.
    public init(rowCount: Int) {
        bitmap = [UInt8](repeating: 0, count: IndexLayout.deletedLength(rowCount: rowCount))
        self.rowCount = rowCount
        count = 0
    }

    /// Wraps a bitmap read from a file, checking its padding bits.
    init(bitmap: [UInt8], rowCount: Int) throws(IndexFileError) {
        self.bitmap = bitmap
        self.rowCount = rowCount
        if rowCount % 8 != 0, let last = bitmap.last, last & (0xFF >> (rowCount % 8)) != 0 {
            throw .malformedSection(section: .deleted, reason: "padding bits of the last byte are not zero")
        }
        count = bitmap.reduce(0) { $0 + $1.nonzeroBitCount }
    }

    /// Whether row `row` is deleted.
    public func contains(_ row: Int) -> Bool {
        bitmap[row >> 3] & (0x80 >> UInt8(row & 7)) != 0
    }

    /// Marks row `row` deleted.
    mutating func insert(_ row: Int) {
        guard !contains(row) else { return }
        bitmap[row >> 3] |= 0x80 >> UInt8(row & 7)
        count += 1
    }

    /// Adds `rows` live rows at the end.
    mutating func appendLive(_ rows: Int) {
        rowCount += rows
        let needed = IndexLayout.deletedLength(rowCount: rowCount)
        bitmap += [UInt8](repeating: 0, count: needed - bitmap.count)
    }

    /// The rows not marked deleted, in order.
    public var liveRows: [Int] { (0..<rowCount).filter { !contains($0) } }
}

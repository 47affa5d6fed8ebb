#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The payloads section of a segment file (format version 2), read with `pread` and never kept
/// in memory: a row's payload costs three small reads (its two offsets, its CRC-32C, its bytes)
/// and is checked against its own checksum, so a flipped byte is reported for that row, never
/// handed out. ``verify()`` checks the whole section's checksum.
///
/// `@unchecked Sendable`: every stored property is a `let`; reads use `pread` on a private
/// duplicate of the file's descriptor, which is safe from several threads at once.
public final class PayloadReader: @unchecked Sendable {
    /// Rows (one payload each).
    public let rowCount: Int
    /// The segment file, for error messages.
    public let path: String
    private let descriptor: Int32
    private let entry: SectionEntry
    /// Where the blob starts in the file, and its length.
    private let blobOffset: Int
    private let blobLength: Int

    /// Checks the section's table bounds (its first and last offsets) for `rowCount` rows.
    init(descriptor: Int32, entry: SectionEntry, rowCount: Int, path: String) throws(IndexFileError) {
        self.rowCount = rowCount
        self.path = path
        self.entry = entry
        let tableLength = 12 * rowCount + 8  // validateLayout checked it fits in the section
        blobOffset = entry.offset + tableLength
        blobLength = entry.length - tableLength
        let first: UInt64 = try SectionReading.bytes(descriptor, count: 8, at: entry.offset).loadLittleEndian(at: 0)
        let last: UInt64 = try SectionReading.bytes(descriptor, count: 8, at: entry.offset + 8 * rowCount).loadLittleEndian(at: 0)
        guard first == 0, last == UInt64(blobLength) else {
            throw .malformedSection(section: .payloads, reason: "the offsets run from \(first) to \(last), the blob has \(blobLength) bytes")
        }
        self.descriptor = try SectionReading.duplicate(descriptor)
    }

    deinit { close(descriptor) }

    /// The payload bytes of `row` (`0 ..< rowCount`), checked against the row's CRC-32C.
    ///
    /// - Throws: ``IndexFileError/inFile(path:_:)`` wrapping
    ///   ``IndexFileError/malformedSection(section:reason:)`` (bad offsets or checksum, naming
    ///   the row) or a failed read.
    public func payload(row: Int) throws(IndexFileError) -> [UInt8] {
        precondition(row >= 0 && row < rowCount, "row \(row) outside 0..<\(rowCount)")
        do throws(IndexFileError) {
            let bounds = try SectionReading.bytes(descriptor, count: 16, at: entry.offset + 8 * row)
            let start: UInt64 = bounds.loadLittleEndian(at: 0), end: UInt64 = bounds.loadLittleEndian(at: 8)
            guard start <= end, end <= UInt64(blobLength) else {
                throw .malformedSection(section: .payloads, reason: "row \(row): offsets \(start)..<\(end) outside the \(blobLength)-byte blob")
            }
            let stored: UInt32 = try SectionReading.bytes(descriptor, count: 4, at: entry.offset + 8 * (rowCount + 1) + 4 * row).loadLittleEndian(at: 0)
            let bytes = try SectionReading.bytes(descriptor, count: Int(end - start), at: blobOffset + Int(start))
            let computed = CRC32C.checksum(of: bytes)
            guard computed == stored else {
                throw .malformedSection(section: .payloads, reason: "row \(row): CRC-32C is \(computed), the table says \(stored)")
            }
            return bytes
        } catch {
            throw error.inFile(path)
        }
    }

    /// The payloads of `rows`, read with three reads in all and each checked against its CRC-32C
    /// (for copying many rows, e.g. a merge).
    ///
    /// - Throws: as ``payload(row:)``.
    public func payloads(rows: Range<Int>) throws(IndexFileError) -> SegmentPayloads {
        precondition(rows.lowerBound >= 0 && rows.upperBound <= rowCount, "rows \(rows) outside 0..<\(rowCount)")
        guard !rows.isEmpty else { return SegmentPayloads() }
        do throws(IndexFileError) {
            let table = try SectionReading.bytes(descriptor, count: 8 * (rows.count + 1), at: entry.offset + 8 * rows.lowerBound)
            var offsets = [Int]()
            offsets.reserveCapacity(rows.count + 1)
            var previous: UInt64 = 0
            for position in 0...rows.count {
                let value: UInt64 = table.loadLittleEndian(at: 8 * position)
                guard value >= previous, value <= UInt64(blobLength) else {
                    throw .malformedSection(section: .payloads, reason: "row \(rows.lowerBound + position): offset \(value) out of order or past the blob")
                }
                previous = value
                offsets.append(Int(value))
            }
            let sums = try SectionReading.bytes(descriptor, count: 4 * rows.count, at: entry.offset + 8 * (rowCount + 1) + 4 * rows.lowerBound)
            let checksums = (0..<rows.count).map { sums.loadLittleEndian(UInt32.self, at: 4 * $0) }
            let base = offsets[0]
            let blob = try SectionReading.bytes(descriptor, count: offsets[rows.count] - base, at: blobOffset + base)
            for position in 0..<rows.count {
                let computed = CRC32C.checksum(of: blob[(offsets[position] - base)..<(offsets[position + 1] - base)])
                guard computed == checksums[position] else {
                    throw .malformedSection(section: .payloads, reason: "row \(rows.lowerBound + position): CRC-32C is \(computed), the table says \(checksums[position])")
                }
            }
            return SegmentPayloads(offsets: offsets.map { $0 - base }, checksums: checksums, blob: blob)
        } catch {
            throw error.inFile(path)
        }
    }

    /// Checks the whole section's CRC-32C (streamed with `pread`, never resident).
    ///
    /// - Throws: ``IndexFileError/inFile(path:_:)`` wrapping
    ///   ``IndexFileError/checksumMismatch(section:stored:computed:)`` or a failed read.
    public func verify() throws(IndexFileError) {
        do throws(IndexFileError) {
            try SectionReading.verifyChecksum(descriptor, entry: entry, section: .payloads)
        } catch {
            throw error.inFile(path)
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import EmbeddingQuantization

/// Codes that stay in the index file: a read-only memory mapping of one section, owned by this
/// object and unmapped when it is released, plus `pread` access to the same bytes.
///
/// Two ways to read rows: ``subscript(row:)`` through the mapping (zero-copy), and
/// ``copyRows(_:into:)`` with `pread`. Mapped reads add the faulted pages to resident memory —
/// on Linux 6.x often far more than the row: a fault maps the whole (large) page-cache folio, and
/// files written with large `write`s are cached in folios of up to megabytes, so 1 000 random rows
/// of a freshly written 384 MB section made all of it resident in our measurement
/// (`docs/INDEX_FORMAT.md`). `copyRows` never does; ``releaseResidentPages()`` undoes the former.
///
/// `@unchecked Sendable`: the mapping is `PROT_READ` and `MAP_PRIVATE`, never written through and
/// never remapped after `init`; every stored property is a `let`. Concurrent reads from several
/// threads are therefore safe. Writers never change an index file in place (they replace it by
/// rename), so the mapped bytes cannot change or shrink under a reader; a corrupt byte only
/// changes a score, and ``verify()`` detects it.
public final class MappedCodes: @unchecked Sendable {
    /// The precision of the codes.
    public let precision: Precision
    /// Rows, deleted ones included.
    public let rowCount: Int
    /// Dimensions of the original embeddings.
    public let dimension: Int
    /// The calibration of `int8`, `uint8`, `int4` and `ternary` codes.
    public let ranges: QuantizationRanges?
    /// The rounding of integer codes.
    public let rounding: RoundingMode
    /// `rowCount × bytesPerVector` bytes, row-major, as `EmbeddingQuantization/Precision` lays them out.
    public let bytes: UnsafeRawBufferPointer
    /// The section these codes are (fast or rescoring), named by checksum errors.
    public let section: IndexSection
    /// The CRC-32C the file's header records for the section.
    let storedChecksum: UInt32
    /// The start and length of the whole mapping (page-aligned, it may begin before `bytes`).
    private let mapping: UnsafeMutableRawPointer?
    private let mappingLength: Int
    /// A duplicate of the file's descriptor (`-1` when nothing is mapped), for ``verify()``.
    private let descriptor: Int32
    /// Where the section starts in the file.
    private let fileOffset: Int

    /// Bytes per row.
    public var bytesPerVector: Int { precision.bytesPerVector(dimension: dimension) }

    /// The bytes of row `row` (`0..<rowCount`).
    public subscript(row row: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: bytes[(row * bytesPerVector)..<((row + 1) * bytesPerVector)])
    }

    /// Maps `length` bytes at `offset` of the open file `descriptor` (the caller checked that
    /// they lie inside the file).
    init(
        section: IndexSection, descriptor: Int32, offset: Int, length: Int, storedChecksum: UInt32,
        precision: Precision, rowCount: Int, dimension: Int, ranges: QuantizationRanges?, rounding: RoundingMode
    ) throws(IndexFileError) {
        self.section = section
        self.precision = precision
        self.rowCount = rowCount
        self.dimension = dimension
        self.ranges = ranges
        self.rounding = rounding
        self.storedChecksum = storedChecksum
        fileOffset = offset
        guard length > 0 else {
            mapping = nil
            mappingLength = 0
            self.descriptor = -1
            bytes = UnsafeRawBufferPointer(start: nil, count: 0)
            return
        }
        let pageSize = max(Int(sysconf(Int32(_SC_PAGESIZE))), 1)
        let start = offset / pageSize * pageSize
        let lead = offset - start
        guard let pointer = mmap(nil, lead + length, PROT_READ, MAP_PRIVATE, descriptor, off_t(start)),
              pointer != MAP_FAILED else {
            let code = errno
            throw .systemError(operation: "mmap", errno: code, message: String(cString: strerror(code)))
        }
        // Rescoring reads a few scattered rows per query: read-ahead would only inflate memory.
        _ = madvise(pointer, lead + length, MADV_RANDOM)
        let duplicate: Int32
        do {
            duplicate = try SectionReading.duplicate(descriptor)
        } catch {
            _ = munmap(pointer, lead + length)
            throw error
        }
        self.descriptor = duplicate
        mapping = pointer
        mappingLength = lead + length
        bytes = UnsafeRawBufferPointer(start: pointer + lead, count: length)
    }

    deinit {
        if let mapping { _ = munmap(mapping, mappingLength) }
        if descriptor >= 0 { _ = close(descriptor) }
    }

    /// Checks the section's CRC-32C by reading the file (the same inode that is mapped) in
    /// 4 MiB chunks with `pread` into one reused buffer: the mapping is not touched, so verifying
    /// adds nothing to resident memory.
    ///
    /// - Throws: ``IndexFileError/checksumMismatch(section:stored:computed:)`` naming ``section``,
    ///   or ``IndexFileError/systemError(operation:errno:message:)``.
    public func verify() throws(IndexFileError) {
        guard descriptor >= 0 else { return }
        try SectionReading.verifyChecksum(
            descriptor, entry: SectionEntry(offset: fileOffset, length: bytes.count, checksum: storedChecksum), section: section)
    }

    /// Reads every row once, in order, with `pread` into one reused buffer of `chunkRows` rows,
    /// and hands each chunk to `body` (`rows`, the chunk's bytes: `rows.count × bytesPerVector`,
    /// row-major). The section's CRC-32C is computed on the way and checked after the last chunk:
    /// a mismatch throws, so a caller builds from the chunks and discards what it built when
    /// this throws. Nothing is mapped, so reading adds only the buffer to resident memory.
    ///
    /// - Parameters:
    ///   - chunkRows: rows per chunk (at least 1).
    ///   - body: called once per chunk, first rows first.
    /// - Throws: ``IndexFileError/checksumMismatch(section:stored:computed:)`` naming ``section``,
    ///   or ``IndexFileError/systemError(operation:errno:message:)`` for a failed read.
    public func readRowsInOrder(
        chunkRows: Int = 8_192, _ body: (_ rows: Range<Int>, _ bytes: UnsafeRawBufferPointer) -> Void
    ) throws(IndexFileError) {
        let width = bytesPerVector
        guard rowCount > 0, width > 0, descriptor >= 0 else { return }
        let step = Swift.max(chunkRows, 1)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: Swift.min(step, rowCount) * width, alignment: 64)
        defer { buffer.deallocate() }
        var crc = CRC32C()
        var first = 0
        while first < rowCount {
            let rows = first..<Swift.min(first + step, rowCount)
            let length = rows.count * width
            try SectionReading.read(descriptor, into: buffer.baseAddress!, count: length, at: fileOffset + first * width)
            let chunk = UnsafeRawBufferPointer(rebasing: buffer[0..<length])
            crc.update(chunk)
            body(rows, chunk)
            first = rows.upperBound
        }
        guard crc.value == storedChecksum else {
            throw .checksumMismatch(section: section, stored: storedChecksum, computed: crc.value)
        }
    }

    /// Copies the codes of `rows` (each in `0..<rowCount`), in order, into `buffer`
    /// (`rows.count × bytesPerVector` bytes) with `pread` from the file instead of through the
    /// mapping: the bytes come from the page cache without being mapped into this process, so
    /// rescoring this way never adds to resident memory (see ``releaseResidentPages()`` for why
    /// mapped reads can). Consecutive rows are read with one call.
    ///
    /// - Precondition: every row is in range and `buffer` is large enough.
    /// - Throws: ``IndexFileError/systemError(operation:errno:message:)`` if a read fails.
    public func copyRows(_ rows: some Collection<Int>, into buffer: UnsafeMutableRawBufferPointer) throws(IndexFileError) {
        let width = bytesPerVector
        precondition(buffer.count >= rows.count * width, "buffer too small for \(rows.count) rows")
        var destination = 0
        var index = rows.startIndex
        while index != rows.endIndex {
            // Extend the run while rows are consecutive.
            let first = rows[index]
            precondition(first >= 0 && first < rowCount, "row \(first) out of range 0..<\(rowCount)")
            var count = 1
            var next = rows.index(after: index)
            while next != rows.endIndex, rows[next] == first + count {
                count += 1
                next = rows.index(after: next)
            }
            precondition(first + count <= rowCount, "row \(first + count - 1) out of range 0..<\(rowCount)")
            let length = count * width
            try SectionReading.read(descriptor, into: buffer.baseAddress! + destination, count: length, at: fileOffset + first * width)
            destination += length
            index = next
        }
    }

    /// The codes of `rows`, in order, read with ``copyRows(_:into:)``: `rows.count × bytesPerVector` bytes.
    public func rows(_ rows: some Collection<Int>) throws(IndexFileError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: rows.count * bytesPerVector)
        var failure: IndexFileError?
        bytes.withUnsafeMutableBytes { buffer in
            do throws(IndexFileError) { try copyRows(rows, into: buffer) } catch { failure = error }
        }
        if let failure { throw failure }
        return bytes
    }

    /// Drops this process's page-table entries for the whole mapping (`MADV_DONTNEED`), so that
    /// the pages rows were read from stop counting as resident memory (RSS). The data stays in
    /// the page cache; later reads map it again. Linux maps up to 16 neighbouring cached pages
    /// per fault ("fault-around"), so a search that reads scattered rows makes most of the
    /// section resident after a few thousand rows: call this between query batches to bound RSS.
    /// Safe at any time, also while other threads read (they refault the pages).
    public func releaseResidentPages() {
        guard let mapping else { return }
        _ = madvise(mapping, mappingLength, MADV_DONTNEED)
    }

    /// Drops the whole pages inside `chunk` from this process's memory (a hint; errors ignored).
    func release(_ chunk: UnsafeRawBufferPointer) {
        #if os(Linux)
        guard let base = chunk.baseAddress else { return }
        let pageSize = UInt(max(Int(sysconf(Int32(_SC_PAGESIZE))), 1))
        let first = (UInt(bitPattern: base) + pageSize - 1) / pageSize * pageSize
        let last = (UInt(bitPattern: base) + UInt(chunk.count)) / pageSize * pageSize
        guard last > first, let pointer = UnsafeMutableRawPointer(bitPattern: first) else { return }
        _ = madvise(pointer, Int(last - first), MADV_DONTNEED)
        #endif
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import EmbeddingQuantization

/// Codes that stay in the index file: a read-only memory mapping of one section, owned by this
/// object and unmapped when it is released. Reading a row faults in only that row's pages, so the
/// section does not count against resident memory until (and unless) it is touched.
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
    /// `rowCount × bytesPerVector` bytes, row-major, as ``EmbeddingQuantization/Precision`` lays them out.
    public let bytes: UnsafeRawBufferPointer
    /// The CRC-32C the file's header records for the section.
    let storedChecksum: UInt32
    /// The start and length of the whole mapping (page-aligned, it may begin before `bytes`).
    private let mapping: UnsafeMutableRawPointer?
    private let mappingLength: Int

    /// Bytes per row.
    public var bytesPerVector: Int { precision.bytesPerVector(dimension: dimension) }

    /// The bytes of row `row` (`0..<rowCount`).
    public subscript(row row: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: bytes[(row * bytesPerVector)..<((row + 1) * bytesPerVector)])
    }

    /// Maps `length` bytes at `offset` of the open file `descriptor` (the caller checked that
    /// they lie inside the file).
    init(
        descriptor: Int32, offset: Int, length: Int, storedChecksum: UInt32,
        precision: Precision, rowCount: Int, dimension: Int, ranges: QuantizationRanges?, rounding: RoundingMode
    ) throws(IndexFileError) {
        self.precision = precision
        self.rowCount = rowCount
        self.dimension = dimension
        self.ranges = ranges
        self.rounding = rounding
        self.storedChecksum = storedChecksum
        guard length > 0 else {
            mapping = nil
            mappingLength = 0
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
        mapping = pointer
        mappingLength = lead + length
        bytes = UnsafeRawBufferPointer(start: pointer + lead, count: length)
    }

    deinit {
        if let mapping { _ = munmap(mapping, mappingLength) }
    }

    /// Checks the section's CRC-32C by streaming the mapping in 4 MiB chunks, releasing each chunk's
    /// pages (`MADV_DONTNEED`) after reading it, so that verifying never keeps more than one chunk
    /// resident.
    ///
    /// - Throws: ``IndexFileError/checksumMismatch(section:stored:computed:)`` for the rescoring section.
    public func verify() throws(IndexFileError) {
        let computed = checksum(releasingPages: true)
        guard computed == storedChecksum else {
            throw .checksumMismatch(section: .rescoring, stored: storedChecksum, computed: computed)
        }
    }

    /// The CRC-32C of ``bytes``.
    func checksum(releasingPages: Bool) -> UInt32 {
        var crc = CRC32C()
        forEachChunk(releasingPages: releasingPages) { crc.update($0) }
        return crc.value
    }

    /// Calls `body` with consecutive chunks of `range` (a byte range of ``bytes``) of at most
    /// 4 MiB, dropping each chunk's fully covered pages from memory afterwards when
    /// `releasingPages` (they are re-read from the file if touched again).
    func forEachChunk(
        in range: Range<Int>? = nil, releasingPages: Bool, _ body: (UnsafeRawBufferPointer) throws -> Void
    ) rethrows {
        let range = range ?? 0..<bytes.count
        let chunkSize = 4 << 20
        var start = range.lowerBound
        while start < range.upperBound {
            let end = min(start + chunkSize, range.upperBound)
            let chunk = UnsafeRawBufferPointer(rebasing: bytes[start..<end])
            try body(chunk)
            if releasingPages { release(chunk) }
            start = end
        }
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

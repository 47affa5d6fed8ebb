#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import EmbeddingQuantization

extension IndexFile {
    /// Opens the index at `path`: reads and checks the header, reads the small sections and the
    /// fast codes into memory (checking each CRC-32C and that the gaps between sections are zero),
    /// and memory-maps the rescoring codes without reading them.
    ///
    /// Every size in the header is checked against the file's size before anything is allocated,
    /// so a corrupt or hostile file yields an error, never a crash or an absurd allocation.
    ///
    /// - Parameters:
    ///   - path: the index file.
    ///   - verify: also check the rescoring section's checksum and id uniqueness
    ///     (``OpenIndex/verify()``); this reads the whole file once, without keeping it resident.
    /// - Throws: ``IndexFileError/inFile(path:_:)`` wrapping what was wrong.
    public static func open(at path: String, verify: Bool = false) throws(IndexFileError) -> OpenIndex {
        let index: OpenIndex
        do throws(IndexFileError) {
            let (handle, codes) = try withCheckedFile(path) { (file, header) throws(IndexFileError) in
                (try readSections(of: file, header: header, path: path), try checkedSection(.fast, of: file, header: header))
            }
            let header = handle.header
            let fast: QuantizedEmbeddings
            do {
                fast = try QuantizedEmbeddings(
                    precision: header.fastPrecision, rowCount: header.rowCount, dimension: header.dimension,
                    codes: codes, ranges: handle.fastInFile.ranges, rounding: header.fastRounding)
            } catch {
                throw .invalidSection(section: .fast, error)
            }
            index = OpenIndex(handle: handle, fast: fast)
        } catch {
            throw error.inFile(path)
        }
        if verify { try index.verify() }
        return index
    }

    /// Opens the index at `path` as ``open(at:verify:)`` does but leaves the fast codes in the file
    /// (``IndexFileHandle/fastInFile``, not read and not yet checked against their CRC-32C: stream
    /// them with ``MappedCodes/readRowsInOrder(chunkRows:_:)``, which does).
    ///
    /// - Parameters:
    ///   - path: the index file.
    ///   - verify: also check the rescoring section's checksum and id uniqueness
    ///     (``IndexFileHandle/verify()``).
    /// - Throws: ``IndexFileError/inFile(path:_:)`` wrapping what was wrong.
    public static func openLeavingFastCodesInFile(at path: String, verify: Bool = false) throws(IndexFileError) -> IndexFileHandle {
        let handle: IndexFileHandle
        do throws(IndexFileError) {
            handle = try withCheckedFile(path) { (file, header) throws(IndexFileError) in
                try readSections(of: file, header: header, path: path)
            }
        } catch {
            throw error.inFile(path)
        }
        if verify { try handle.verify() }
        return handle
    }

    /// Opens `path`, reads and checks its header against the file's size, and runs `body` on both.
    private static func withCheckedFile<Result>(
        _ path: String, _ body: (borrowing NPYSystemFile, IndexHeader) throws(IndexFileError) -> Result
    ) throws(IndexFileError) -> Result {
        let file = try openRegularFile(path)
        let size = try systemCall { try file.size() }
        let header = try readHeader(of: file, size: size)
        try header.validateLayout(fileSize: size)
        return try body(file, header)
    }

    /// Reads and checks only the header of the index at `path` (for `index info`, and for writers
    /// checking that nobody replaced the file meanwhile).
    ///
    /// - Throws: ``IndexFileError/inFile(path:_:)`` wrapping what was wrong.
    public static func header(at path: String) throws(IndexFileError) -> IndexHeader {
        do throws(IndexFileError) {
            let file = try openRegularFile(path)
            let size = try systemCall { try file.size() }
            let header = try readHeader(of: file, size: size)
            try header.validateLayout(fileSize: size)
            return header
        } catch {
            throw error.inFile(path)
        }
    }

    /// Opens `path` read-only; refuses anything but a regular file (`O_NONBLOCK` keeps a FIFO
    /// from blocking the open).
    static func openRegularFile(_ path: String) throws(IndexFileError) -> NPYSystemFile {
        let file = try systemCall { try NPYSystemFile(path: path, flags: O_RDONLY | O_NONBLOCK) }
        var status = stat()
        guard fstat(file.descriptor, &status) == 0 else {
            let code = errno
            throw .systemError(operation: "fstat", errno: code, message: String(cString: strerror(code)))
        }
        guard status.st_mode & S_IFMT == S_IFREG else { throw .notARegularFile }
        return file
    }

    static func readHeader(of file: borrowing NPYSystemFile, size: Int) throws(IndexFileError) -> IndexHeader {
        let longest = IndexHeader.byteCount(version: IndexHeader.segmentVersion)
        let bytes = try read(file, 0..<min(longest, size))
        // Magic first: a foreign file says "not an index" rather than "truncated".
        guard IndexHeader.magic.starts(with: bytes.prefix(IndexHeader.magic.count)) else { throw .badMagic }
        return try IndexHeader(decoding: bytes)
    }

    /// Reads and checks every section but the fast codes, which it maps (``IndexFileHandle``).
    private static func readSections(of file: borrowing NPYSystemFile, header: IndexHeader, path: String) throws(IndexFileError) -> IndexFileHandle {
        // Gaps (alignment padding) must be zero: then every byte outside the rescoring codes is
        // checked on open.
        var end = header.byteCount
        for section in header.presentSections {
            let gap = try read(file, end..<header[section].offset)
            guard gap.allSatisfy({ $0 == 0 }) else {
                throw .malformedSection(section: section, reason: "the \(gap.count) padding bytes before offset \(header[section].offset) are not zero")
            }
            end = header[section].range.upperBound
        }
        func checkedSection(_ section: IndexSection) throws(IndexFileError) -> [UInt8] {
            try Self.checkedSection(section, of: file, header: header)
        }
        let (fastRanges, rescoringRanges) = try decodeRanges(checkedSection(.ranges), header: header)
        let ids = try decodeIDs(checkedSection(.ids), rowCount: header.rowCount)
        let deleted = try DeletedRows(bitmap: checkedSection(.deleted), rowCount: header.rowCount)
        guard deleted.count == header.deletedCount else {
            throw .malformedSection(section: .deleted, reason: "\(deleted.count) rows are marked, the header says \(header.deletedCount)")
        }
        let metadataBytes = try checkedSection(.metadata)
        let metadata = metadataBytes.isEmpty ? nil : try IndexMetadata(decoding: metadataBytes)
        let fastInFile = try MappedCodes(
            section: .fast, descriptor: file.descriptor, offset: header[.fast].offset, length: header[.fast].length,
            storedChecksum: header[.fast].checksum, precision: header.fastPrecision, rowCount: header.rowCount,
            dimension: header.dimension, ranges: fastRanges, rounding: header.fastRounding)
        var rescoring: MappedCodes?
        if let precision = header.rescoringPrecision {
            rescoring = try MappedCodes(
                section: .rescoring, descriptor: file.descriptor, offset: header[.rescoring].offset, length: header[.rescoring].length,
                storedChecksum: header[.rescoring].checksum, precision: precision, rowCount: header.rowCount,
                dimension: header.dimension, ranges: rescoringRanges, rounding: header.rescoringRounding)
        }
        var payloads: PayloadReader?
        var payloadIndex: [UInt8] = []
        var graph: SectionFile?
        if header.version >= IndexHeader.segmentVersion {
            if header[.payloads].length > 0 {
                payloads = try PayloadReader(descriptor: file.descriptor, entry: header[.payloads], rowCount: header.rowCount, path: path)
            }
            payloadIndex = try checkedSection(.payloadIndex)
            if header[.graph].length > 0 { graph = try SectionFile(descriptor: file.descriptor, entry: header[.graph], section: .graph) }
        }
        return IndexFileHandle(
            path: path, header: header, ids: ids, deletedRows: deleted, fastInFile: fastInFile, rescoring: rescoring,
            metadataBytes: metadataBytes, metadata: metadata, payloads: payloads, payloadIndex: payloadIndex, graph: graph)
    }

    /// The bytes of `section`, read and checked against the header's CRC-32C.
    private static func checkedSection(_ section: IndexSection, of file: borrowing NPYSystemFile, header: IndexHeader) throws(IndexFileError) -> [UInt8] {
        let bytes = try read(file, header[section].range)
        let computed = CRC32C.checksum(of: bytes)
        guard computed == header[section].checksum else {
            throw .checksumMismatch(section: section, stored: header[section].checksum, computed: computed)
        }
        return bytes
    }

    /// Splits the ranges section into the fast and rescoring ranges the flags announce.
    private static func decodeRanges(_ bytes: [UInt8], header: IndexHeader) throws(IndexFileError) -> (QuantizationRanges?, QuantizationRanges?) {
        let dimension = header.dimension
        var offset = 0
        func floats() -> [Float] {
            defer { offset += 4 * dimension }
            return (0..<dimension).map { Float(bitPattern: bytes.loadLittleEndian(at: offset + 4 * $0)) }
        }
        func ranges(_ present: UInt32, _ thresholds: UInt32, _ rotated: UInt32) throws(IndexFileError) -> QuantizationRanges? {
            guard header.flags & present != 0 else { return nil }
            let minimums = floats()
            let maximums = floats()
            let ternary = header.flags & thresholds != 0 ? floats() : nil
            do {
                var rotation: RaBitQRotation?
                if header.flags & rotated != 0 {
                    let centroid = floats()
                    var matrix: [Float] = []
                    matrix.reserveCapacity(dimension * dimension)
                    for _ in 0..<dimension { matrix += floats() }
                    rotation = try RaBitQRotation(dimension: dimension, seed: 0, centroid: centroid, matrix: matrix)
                }
                return try QuantizationRanges(minimums: minimums, maximums: maximums, ternaryThresholds: ternary, rotation: rotation)
            } catch {
                throw .invalidSection(section: .ranges, error)
            }
        }
        let fast = try ranges(IndexHeader.Flag.fastRanges, IndexHeader.Flag.fastThresholds, IndexHeader.Flag.fastRotation)
        let rescoring = try ranges(
            IndexHeader.Flag.rescoringRanges, IndexHeader.Flag.rescoringThresholds, IndexHeader.Flag.rescoringRotation)
        return (fast, rescoring)
    }

    /// Decodes the ids section: `rowCount + 1` UInt64 offsets (0 first, strictly increasing, the
    /// last equal to the blob's length), then a UTF-8 blob whose every id starts on a scalar.
    private static func decodeIDs(_ bytes: [UInt8], rowCount: Int) throws(IndexFileError) -> IndexIDs {
        let tableLength = 8 * (rowCount + 1)  // validateLayout checked it fits in the section
        let blob = Array(bytes[tableLength...])
        var offsets = [Int]()
        offsets.reserveCapacity(rowCount + 1)
        var previous = -1
        for row in 0...rowCount {
            let value: UInt64 = bytes.loadLittleEndian(at: 8 * row)
            guard value <= UInt64(blob.count) else {
                throw .malformedSection(section: .ids, reason: "offset \(value) of row \(row) lies beyond the \(blob.count)-byte blob")
            }
            let offset = Int(value)
            if row == 0, offset != 0 { throw .malformedSection(section: .ids, reason: "the first offset is \(offset), not 0") }
            if row > 0, offset <= previous { throw .malformedSection(section: .ids, reason: "the id of row \(row - 1) is empty or its end precedes its start") }
            if row < rowCount, offset < blob.count, blob[offset] & 0xC0 == 0x80 {
                throw .malformedSection(section: .ids, reason: "the id of row \(row) starts inside a UTF-8 sequence")
            }
            offsets.append(offset)
            previous = offset
        }
        guard offsets.last == blob.count else {
            throw .malformedSection(section: .ids, reason: "the offsets end at \(offsets.last ?? 0), the blob has \(blob.count) bytes")
        }
        guard String(validating: blob, as: UTF8.self) != nil else {
            throw .malformedSection(section: .ids, reason: "the ids are not valid UTF-8")
        }
        return IndexIDs(offsets: offsets, utf8: blob)
    }

    /// Reads the bytes in `range` of the file (which the caller checked lie inside it).
    static func read(_ file: borrowing NPYSystemFile, _ range: Range<Int>) throws(IndexFileError) -> [UInt8] {
        guard !range.isEmpty else { return [] }
        var filled = 0
        let bytes = try systemCall {
            try [UInt8](unsafeUninitializedCapacity: range.count) { buffer, count in
                filled = try file.read(into: UnsafeMutableRawBufferPointer(buffer), at: range.lowerBound)
                count = filled
            }
        }
        guard filled == range.count else { throw .truncated(needed: range.upperBound, actual: range.lowerBound + filled) }
        return bytes
    }

    /// Runs a call of the shared file helper, converting its errors.
    static func systemCall<T: ~Copyable>(_ body: () throws -> T) throws(IndexFileError) -> T {
        do {
            return try body()
        } catch let error as IndexFileError {
            throw error
        } catch {
            if let converted = IndexFileError.from(error) as? IndexFileError { throw converted }
            throw .systemError(operation: "file access", errno: 0, message: "\(error)")
        }
    }
}

import EmbeddingQuantization

/// The fixed header at offset 0 of an index file (layout in `docs/INDEX_FORMAT.md`; every
/// integer little-endian): 256 bytes in format version 1 (plain index files), 512 bytes in
/// version 2 (collection segments, whose section table has three more entries).
///
/// Decoding checks the magic, version, flags, codes and the header CRC-32C;
/// `validateLayout(fileSize:)` then checks every section against the counts and the file size
/// with overflow-checked arithmetic, so no later allocation can exceed the file's size.
public struct IndexHeader: Sendable, Equatable {
    /// The magic bytes at offset 0: ASCII `EMBQINDX`.
    public static let magic: [UInt8] = Array("EMBQINDX".utf8)
    /// The format version of plain index files (``IndexFile/create(at:fast:rescoring:ids:metadata:)``).
    public static let currentVersion: UInt32 = 1
    /// The format version of collection segments (``SegmentFile``): version 1 plus payloads, a
    /// payload index and a graph section.
    public static let segmentVersion: UInt32 = 2
    /// Size of a version 1 header in bytes (the smallest header; see ``byteCount(version:)``).
    public static let size = 256
    /// Offset of the section table.
    static let sectionTableOffset = 64
    /// Bytes per section table entry: offset (u64), length (u64), CRC-32C (u32), reserved (u32).
    static let sectionEntrySize = 24
    /// Offset of a version 1 header's own CRC-32C, which covers bytes `0..<checksumOffset`.
    static let checksumOffset = 252

    /// Size of the header of format `version`: 256 bytes (version 1) or 512 (version 2).
    public static func byteCount(version: UInt32) -> Int { version >= 2 ? 512 : size }

    /// Offset of the header CRC-32C of format `version` (the header's last four bytes).
    static func checksumOffset(version: UInt32) -> Int { byteCount(version: version) - 4 }

    /// Flag bits (offset 12).
    enum Flag {
        static let fastRanges: UInt32 = 1 << 0
        static let fastThresholds: UInt32 = 1 << 1
        static let rescoringRanges: UInt32 = 1 << 2
        static let rescoringThresholds: UInt32 = 1 << 3
        /// A RaBitQ centroid and rotation follow the fast ranges (requires ``fastRanges``).
        static let fastRotation: UInt32 = 1 << 4
        /// A RaBitQ centroid and rotation follow the rescoring ranges (requires ``rescoringRanges``).
        static let rescoringRotation: UInt32 = 1 << 5
        static let known: UInt32 = 0x3F
    }

    /// The format version: 1 (plain index file) or 2 (collection segment).
    public var version: UInt32
    /// Dimensions of the embeddings (not bytes).
    public var dimension: Int
    /// Rows stored in the file, deleted ones included.
    public var rowCount: Int
    /// Rows marked deleted in the deleted bitmap.
    public var deletedCount: Int
    /// Incremented by every change; `1` after ``IndexFile/create(at:fast:rescoring:ids:metadata:)``.
    public var generation: UInt64
    /// Total size of the file in bytes.
    public var fileLength: Int
    /// Precision of the fast-pass codes.
    public var fastPrecision: Precision
    /// Rounding of the fast-pass codes.
    public var fastRounding: RoundingMode
    /// Precision of the rescoring codes, `nil` when the file has none.
    public var rescoringPrecision: Precision?
    /// Rounding of the rescoring codes.
    public var rescoringRounding: RoundingMode
    /// Raw flag bits (which range arrays the ranges section holds).
    var flags: UInt32
    /// The section table, indexed by `IndexSection/rawValue` (every section; those a version 1
    /// file lacks are empty entries at offset 0).
    public var sections: [SectionEntry]

    /// The table entry of `section`.
    public subscript(section: IndexSection) -> SectionEntry {
        get { sections[section.rawValue] }
        set { sections[section.rawValue] = newValue }
    }

    /// Rows not marked deleted.
    public var liveCount: Int { rowCount - deletedCount }

    /// Size of this header in bytes.
    public var byteCount: Int { IndexHeader.byteCount(version: version) }

    /// The sections this header's format version has, in file order.
    public var presentSections: [IndexSection] { IndexSection.sections(version: version) }

    /// The header bytes (256 or 512), checksum included.
    func encoded() -> [UInt8] {
        var bytes = IndexHeader.magic
        bytes.appendLittleEndian(version)
        bytes.appendLittleEndian(flags)
        bytes.appendLittleEndian(UInt64(dimension))
        bytes.appendLittleEndian(UInt64(rowCount))
        bytes.appendLittleEndian(UInt64(deletedCount))
        bytes.appendLittleEndian(generation)
        bytes.appendLittleEndian(UInt64(fileLength))
        bytes.append(FormatCodes.code(of: fastPrecision))
        bytes.append(FormatCodes.code(of: fastRounding))
        bytes.append(rescoringPrecision.map(FormatCodes.code(of:)) ?? 0)
        bytes.append(FormatCodes.code(of: rescoringRounding))
        bytes.appendLittleEndian(UInt32(0))
        for section in presentSections {
            let entry = self[section]
            bytes.appendLittleEndian(UInt64(entry.offset))
            bytes.appendLittleEndian(UInt64(entry.length))
            bytes.appendLittleEndian(entry.checksum)
            bytes.appendLittleEndian(UInt32(0))
        }
        bytes += [UInt8](repeating: 0, count: IndexHeader.checksumOffset(version: version) - bytes.count)
        bytes.appendLittleEndian(CRC32C.checksum(of: bytes))
        return bytes
    }

    /// Decodes and checks the header at the start of `bytes` (256 bytes for version 1, 512 for
    /// version 2; more bytes are ignored): magic, version, header CRC-32C, flags, codes, and that
    /// every count fits in `Int`.
    init(decoding bytes: [UInt8]) throws(IndexFileError) {
        guard bytes.count >= 12 else { throw .truncated(needed: IndexHeader.size, actual: bytes.count) }
        guard Array(bytes[0..<8]) == IndexHeader.magic else { throw .badMagic }
        let version: UInt32 = bytes.loadLittleEndian(at: 8)
        guard version == IndexHeader.currentVersion || version == IndexHeader.segmentVersion else {
            throw .unsupportedVersion(version)
        }
        let headerSize = IndexHeader.byteCount(version: version)
        guard bytes.count >= headerSize else { throw .truncated(needed: headerSize, actual: bytes.count) }
        let checksumOffset = IndexHeader.checksumOffset(version: version)
        let stored: UInt32 = bytes.loadLittleEndian(at: checksumOffset)
        let computed = CRC32C.checksum(of: bytes[0..<checksumOffset])
        guard stored == computed else { throw .headerChecksumMismatch(stored: stored, computed: computed) }
        self.version = version

        flags = bytes.loadLittleEndian(at: 12)
        guard flags & ~Flag.known == 0 else { throw .unsupportedFlags(flags & ~Flag.known) }
        if flags & Flag.fastRotation != 0, flags & Flag.fastRanges == 0 {
            throw .invalidHeader("flag bit 4 (fast rotation) needs bit 0 (fast ranges)")
        }
        if flags & Flag.rescoringRotation != 0, flags & Flag.rescoringRanges == 0 {
            throw .invalidHeader("flag bit 5 (rescoring rotation) needs bit 2 (rescoring ranges)")
        }
        func count(_ offset: Int, _ name: String) throws(IndexFileError) -> Int {
            let value: UInt64 = bytes.loadLittleEndian(at: offset)
            guard value <= UInt64(Int.max) else { throw .invalidHeader("\(name) \(value) at offset \(offset) is too large") }
            return Int(value)
        }
        dimension = try count(16, "dimension")
        rowCount = try count(24, "row count")
        deletedCount = try count(32, "deleted count")
        generation = bytes.loadLittleEndian(at: 40)
        fileLength = try count(48, "file length")
        guard let fast = FormatCodes.precision(code: bytes[56]) else { throw .unknownCode(field: "fast precision", code: bytes[56]) }
        guard let fastRounding = FormatCodes.rounding(code: bytes[57]) else { throw .unknownCode(field: "fast rounding", code: bytes[57]) }
        guard bytes[58] == 0 || FormatCodes.precision(code: bytes[58]) != nil else {
            throw .unknownCode(field: "rescoring precision", code: bytes[58])
        }
        guard let rescoringRounding = FormatCodes.rounding(code: bytes[59]) else {
            throw .unknownCode(field: "rescoring rounding", code: bytes[59])
        }
        fastPrecision = fast
        self.fastRounding = fastRounding
        rescoringPrecision = FormatCodes.precision(code: bytes[58])
        self.rescoringRounding = rescoringRounding
        let present = IndexSection.sections(version: version)
        var sections = [SectionEntry](repeating: SectionEntry(offset: 0, length: 0, checksum: 0), count: IndexSection.allCases.count)
        for section in present {
            let base = IndexHeader.sectionTableOffset + section.rawValue * IndexHeader.sectionEntrySize
            sections[section.rawValue] = SectionEntry(
                offset: try count(base, "\(section) offset"),
                length: try count(base + 8, "\(section) length"),
                checksum: bytes.loadLittleEndian(at: base + 16))
        }
        self.sections = sections
        // Reserved bytes must be zero, so that a later version can give them a meaning.
        let tableEnd = IndexHeader.sectionTableOffset + present.count * IndexHeader.sectionEntrySize
        let reserved = [60..<64, tableEnd..<checksumOffset]
            + present.map { section in
                let base = IndexHeader.sectionTableOffset + section.rawValue * IndexHeader.sectionEntrySize
                return (base + 20)..<(base + 24)
            }
        for range in reserved where bytes[range].contains(where: { $0 != 0 }) {
            throw .invalidHeader("reserved bytes \(range.lowerBound)..<\(range.upperBound) are not zero")
        }
    }

    /// Memberwise initializer for the writer.
    init(
        version: UInt32, dimension: Int, rowCount: Int, deletedCount: Int, generation: UInt64, fileLength: Int,
        fastPrecision: Precision, fastRounding: RoundingMode,
        rescoringPrecision: Precision?, rescoringRounding: RoundingMode,
        flags: UInt32, sections: [SectionEntry]
    ) {
        self.version = version
        self.dimension = dimension
        self.rowCount = rowCount
        self.deletedCount = deletedCount
        self.generation = generation
        self.fileLength = fileLength
        self.fastPrecision = fastPrecision
        self.fastRounding = fastRounding
        self.rescoringPrecision = rescoringPrecision
        self.rescoringRounding = rescoringRounding
        self.flags = flags
        self.sections = sections
    }
}

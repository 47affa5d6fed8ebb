import EmbeddingQuantization

/// The fixed 256-byte header at offset 0 of an index file (layout in `docs/INDEX_FORMAT.md`;
/// every integer little-endian).
///
/// Decoding checks the magic, version, flags, codes and the header CRC-32C;
/// ``validateLayout(fileSize:)`` then checks every section against the counts and the file size
/// with overflow-checked arithmetic, so no later allocation can exceed the file's size.
public struct IndexHeader: Sendable, Equatable {
    /// The magic bytes at offset 0: ASCII `EMBQINDX`.
    public static let magic: [UInt8] = Array("EMBQINDX".utf8)
    /// The format version this code writes and reads.
    public static let currentVersion: UInt32 = 1
    /// Size of the header in bytes.
    public static let size = 256
    /// Offset of the section table.
    static let sectionTableOffset = 64
    /// Bytes per section table entry: offset (u64), length (u64), CRC-32C (u32), reserved (u32).
    static let sectionEntrySize = 24
    /// Offset of the header's own CRC-32C, which covers bytes `0..<checksumOffset`.
    static let checksumOffset = 252

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
    /// The section table, indexed by ``IndexSection/rawValue``.
    public var sections: [SectionEntry]

    /// The table entry of `section`.
    public subscript(section: IndexSection) -> SectionEntry {
        get { sections[section.rawValue] }
        set { sections[section.rawValue] = newValue }
    }

    /// Rows not marked deleted.
    public var liveCount: Int { rowCount - deletedCount }

    /// The 256 header bytes, checksum included.
    func encoded() -> [UInt8] {
        var bytes = IndexHeader.magic
        bytes.appendLittleEndian(IndexHeader.currentVersion)
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
        for entry in sections {
            bytes.appendLittleEndian(UInt64(entry.offset))
            bytes.appendLittleEndian(UInt64(entry.length))
            bytes.appendLittleEndian(entry.checksum)
            bytes.appendLittleEndian(UInt32(0))
        }
        bytes += [UInt8](repeating: 0, count: IndexHeader.checksumOffset - bytes.count)
        bytes.appendLittleEndian(CRC32C.checksum(of: bytes))
        return bytes
    }

    /// Decodes and checks the first 256 bytes of a file: magic, version, header CRC-32C, flags,
    /// codes, and that every count fits in `Int`.
    init(decoding bytes: [UInt8]) throws(IndexFileError) {
        guard bytes.count >= IndexHeader.size else {
            throw .truncated(needed: IndexHeader.size, actual: bytes.count)
        }
        guard Array(bytes[0..<8]) == IndexHeader.magic else { throw .badMagic }
        let version: UInt32 = bytes.loadLittleEndian(at: 8)
        guard version == IndexHeader.currentVersion else { throw .unsupportedVersion(version) }
        let stored: UInt32 = bytes.loadLittleEndian(at: IndexHeader.checksumOffset)
        let computed = CRC32C.checksum(of: bytes[0..<IndexHeader.checksumOffset])
        guard stored == computed else { throw .headerChecksumMismatch(stored: stored, computed: computed) }

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
        var sections: [SectionEntry] = []
        for section in IndexSection.allCases {
            let base = IndexHeader.sectionTableOffset + section.rawValue * IndexHeader.sectionEntrySize
            sections.append(SectionEntry(
                offset: try count(base, "\(section) offset"),
                length: try count(base + 8, "\(section) length"),
                checksum: bytes.loadLittleEndian(at: base + 16)))
        }
        self.sections = sections
        // Reserved bytes must be zero, so that a later version can give them a meaning.
        let reserved = [60..<64, IndexHeader.sectionTableOffset + 6 * IndexHeader.sectionEntrySize..<IndexHeader.checksumOffset]
            + IndexSection.allCases.map { section in
                let base = IndexHeader.sectionTableOffset + section.rawValue * IndexHeader.sectionEntrySize
                return (base + 20)..<(base + 24)
            }
        for range in reserved where bytes[range].contains(where: { $0 != 0 }) {
            throw .invalidHeader("reserved bytes \(range.lowerBound)..<\(range.upperBound) are not zero")
        }
    }

    /// Memberwise initializer for the writer.
    init(
        dimension: Int, rowCount: Int, deletedCount: Int, generation: UInt64, fileLength: Int,
        fastPrecision: Precision, fastRounding: RoundingMode,
        rescoringPrecision: Precision?, rescoringRounding: RoundingMode,
        flags: UInt32, sections: [SectionEntry]
    ) {
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

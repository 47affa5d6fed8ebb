/// The sections of an index file, in file order. The raw value is the entry's position in the
/// header's section table.
///
/// Format version 1 (plain index files) has the first six; version 2 (collection segments) adds
/// ``payloads``, ``payloadIndex`` and ``graph`` (see ``sections(version:)``).
public enum IndexSection: Int, CaseIterable, Sendable, CustomStringConvertible {
    /// Calibration ranges of the fast codes, then of the rescoring codes (float32, see the format doc).
    case ranges = 0
    /// Document ids: `rowCount + 1` UInt64 offsets, then the UTF-8 blob.
    case ids = 1
    /// The deleted-rows bitmap: `ceil(rowCount / 8)` bytes, most-significant bit first.
    case deleted = 2
    /// Model metadata as UTF-8 JSON (empty when absent).
    case metadata = 3
    /// The fast-pass codes, `rowCount × bytesPerVector(fast)`; resident after opening.
    case fast = 4
    /// The rescoring codes, `rowCount × bytesPerVector(rescoring)`; memory-mapped, never read in.
    case rescoring = 5
    /// Version 2: one opaque payload per row (`rowCount + 1` UInt64 offsets, `rowCount` CRC-32C,
    /// then the blob); read per row with `pread`, never resident.
    case payloads = 6
    /// Version 2: the payload index (opaque bytes owned by the collection layer); resident.
    case payloadIndex = 7
    /// Version 2: a graph over the rows (opaque bytes owned by the graph index; empty until one
    /// is built); page-aligned so that it can be memory-mapped.
    case graph = 8

    /// The sections a file of format `version` has, in file order (version 1: the first six).
    public static func sections(version: UInt32) -> [IndexSection] {
        version >= 2 ? allCases : [.ranges, .ids, .deleted, .metadata, .fast, .rescoring]
    }

    /// The alignment, in bytes, of the section's offset in the file.
    public var alignment: Int {
        switch self {
        case .ranges, .ids, .deleted, .metadata, .payloads, .payloadIndex: return 8
        case .fast: return 64
        case .rescoring, .graph: return 4096
        }
    }

    /// The section's name as used in messages and the format document.
    public var description: String {
        switch self {
        case .ranges: return "ranges"
        case .ids: return "ids"
        case .deleted: return "deleted"
        case .metadata: return "metadata"
        case .fast: return "fast codes"
        case .rescoring: return "rescoring codes"
        case .payloads: return "payloads"
        case .payloadIndex: return "payload index"
        case .graph: return "graph"
        }
    }
}

/// One entry of the header's section table: where a section lies and its checksum.
public struct SectionEntry: Sendable, Equatable {
    /// Byte offset of the section from the start of the file.
    public var offset: Int
    /// Length of the section in bytes.
    public var length: Int
    /// CRC-32C of the section's `length` bytes.
    public var checksum: UInt32

    /// The byte range the section occupies in the file.
    public var range: Range<Int> { offset..<(offset + length) }
}

/// Rounds `value` up to a multiple of `alignment` (a power of two).
@inline(__always)
func aligned(_ value: Int, to alignment: Int) -> Int {
    (value + alignment - 1) & ~(alignment - 1)
}

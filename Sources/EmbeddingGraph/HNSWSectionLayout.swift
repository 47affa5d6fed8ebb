import EmbeddingQuantization

/// Where each part of a graph section lies (docs/HNSW.md, "The graph section"): a 128-byte
/// header, then the levels (one byte per node), the level-0 neighbour lists (`baseSlots` node
/// numbers per node), the upper-record offsets (one per node) and the upper-level neighbour
/// lists (`upperSlots` per record), each part starting on a 64-byte boundary. Every value is
/// little-endian; empty slots hold `0xFFFF_FFFF` and follow the used ones.
struct HNSWSectionLayout: Equatable, Sendable {
    /// Bytes of the header.
    static let headerBytes = 128
    /// The empty neighbour slot (and "no upper record").
    static let emptySlot = UInt32.max

    let rowCount: Int
    let upperSlots: Int
    let baseSlots: Int
    let upperRecordCount: Int
    let levelsOffset: Int
    let baseOffset: Int
    let upperOffsetsOffset: Int
    let upperOffset: Int
    /// Bytes of the whole section.
    let byteCount: Int

    /// The canonical layout, or `nil` when a size overflows.
    init?(rowCount: Int, upperSlots: Int, baseSlots: Int, upperRecordCount: Int) {
        guard rowCount >= 0, upperSlots >= 0, baseSlots >= 0, upperRecordCount >= 0 else { return nil }
        func aligned(_ value: Int) -> Int? {
            let (sum, overflow) = value.addingReportingOverflow(63)
            return overflow ? nil : sum & ~63
        }
        func add(_ a: Int, _ b: Int) -> Int? {
            let (sum, overflow) = a.addingReportingOverflow(b)
            return overflow ? nil : sum
        }
        func multiply(_ a: Int, _ b: Int) -> Int? {
            let (product, overflow) = a.multipliedReportingOverflow(by: b)
            return overflow ? nil : product
        }
        guard let levelsEnd = add(Self.headerBytes, rowCount), let baseOffset = aligned(levelsEnd),
              let baseBytes = multiply(rowCount, baseSlots).flatMap({ multiply($0, 4) }),
              let baseEnd = add(baseOffset, baseBytes), let upperOffsetsOffset = aligned(baseEnd),
              let offsetsBytes = multiply(rowCount, 4), let offsetsEnd = add(upperOffsetsOffset, offsetsBytes),
              let upperOffset = aligned(offsetsEnd),
              let upperBytes = multiply(upperRecordCount, upperSlots).flatMap({ multiply($0, 4) }),
              let byteCount = add(upperOffset, upperBytes)
        else { return nil }
        self.rowCount = rowCount
        self.upperSlots = upperSlots
        self.baseSlots = baseSlots
        self.upperRecordCount = upperRecordCount
        levelsOffset = Self.headerBytes
        self.baseOffset = baseOffset
        self.upperOffsetsOffset = upperOffsetsOffset
        self.upperOffset = upperOffset
        self.byteCount = byteCount
    }
}

/// The codes of the precisions a graph section records (byte 56 of the header).
enum GraphPrecisionCode {
    static func code(of precision: Precision) -> UInt8 {
        switch precision {
        case .binary: return 1
        case .ubinary: return 2
        case .ternary: return 3
        case .int8: return 4
        case .float32: return 5
        case .float16: return 6
        case .bfloat16: return 7
        case .uint8: return 8
        case .int4: return 9
        case .rabitq1: return 10
        case .rabitq2: return 11
        case .rabitq3: return 12
        case .rabitq4: return 13
        }
    }

    static func precision(of code: UInt8) -> Precision? {
        switch code {
        case 1: return .binary
        case 2: return .ubinary
        case 3: return .ternary
        case 4: return .int8
        case 5: return .float32
        case 6: return .float16
        case 7: return .bfloat16
        default: return nil
        }
    }
}

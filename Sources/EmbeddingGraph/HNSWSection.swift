import EmbeddingQuantization
import EmbeddingStore

/// The header of a graph section (docs/HNSW.md, "The graph section"): 128 bytes, little-endian.
///
/// | offset | bytes | field |
/// |---:|---:|---|
/// | 0 | 8 | magic `EQHNSW01` |
/// | 8 | 4 | format version (1) |
/// | 12 | 4 | header bytes (128) |
/// | 16 | 8 | row count n |
/// | 24 | 4 | upper-level slots M |
/// | 28 | 4 | level-0 slots (2M) |
/// | 32 | 4 | ef_construction |
/// | 36 | 4 | top level |
/// | 40 | 4 | entry point (`0xFFFFFFFF` when n = 0) |
/// | 44 | 4 | upper records U (Σ levels) |
/// | 48 | 8 | seed |
/// | 56 | 1 | precision of the codes (1 binary, 2 ubinary, 3 ternary, 4 int8, 5 float32, 6 float16, 7 bfloat16) |
/// | 57 | 3 | zero |
/// | 60 | 4 | dimension |
/// | 64 | 8 × 4 | offsets of the levels, level-0 lists, upper-record offsets, upper lists |
/// | 96 | 8 | section bytes |
/// | 104 | 4 | CRC-32C of bytes 128 ..< section bytes |
/// | 108 | 16 | zero |
/// | 124 | 4 | CRC-32C of bytes 0 ..< 124 |
struct HNSWSectionHeader: Equatable {
    static let magic: [UInt8] = Array("EQHNSW01".utf8)
    static let version: UInt32 = 1

    var rowCount: Int
    var upperSlots: Int
    var baseSlots: Int
    var efConstruction: Int
    var maxLevel: Int
    var entryPoint: UInt32
    var upperRecordCount: Int
    var seed: UInt64
    var precision: Precision
    var dimension: Int

    /// The canonical layout of the parts this header describes.
    var layout: HNSWSectionLayout? {
        HNSWSectionLayout(rowCount: rowCount, upperSlots: upperSlots, baseSlots: baseSlots, upperRecordCount: upperRecordCount)
    }

    /// Writes the header (both checksums included) into the first 128 bytes of `section`, whose
    /// payload (bytes 128 …) must already be final.
    static func seal(_ header: HNSWSectionHeader, layout: HNSWSectionLayout, into section: UnsafeMutableRawPointer) {
        let bytes = section
        bytes.initializeMemory(as: UInt8.self, repeating: 0, count: HNSWSectionLayout.headerBytes)
        func put<T: FixedWidthInteger>(_ value: T, at offset: Int) {
            bytes.storeBytes(of: value.littleEndian, toByteOffset: offset, as: T.self)
        }
        for (i, byte) in magic.enumerated() { put(byte, at: i) }
        put(version, at: 8)
        put(UInt32(HNSWSectionLayout.headerBytes), at: 12)
        put(UInt64(header.rowCount), at: 16)
        put(UInt32(header.upperSlots), at: 24)
        put(UInt32(header.baseSlots), at: 28)
        put(UInt32(header.efConstruction), at: 32)
        put(UInt32(header.maxLevel), at: 36)
        put(header.entryPoint, at: 40)
        put(UInt32(header.upperRecordCount), at: 44)
        put(header.seed, at: 48)
        put(GraphPrecisionCode.code(of: header.precision), at: 56)
        put(UInt32(header.dimension), at: 60)
        put(UInt64(layout.levelsOffset), at: 64)
        put(UInt64(layout.baseOffset), at: 72)
        put(UInt64(layout.upperOffsetsOffset), at: 80)
        put(UInt64(layout.upperOffset), at: 88)
        put(UInt64(layout.byteCount), at: 96)
        let payload = UnsafeRawBufferPointer(
            start: bytes + HNSWSectionLayout.headerBytes, count: layout.byteCount - HNSWSectionLayout.headerBytes)
        put(CRC32C.checksum(of: payload), at: 104)
        put(CRC32C.checksum(of: UnsafeRawBufferPointer(start: bytes, count: 124)), at: 124)
    }

    /// Reads and checks the header at the start of `section`: magic, version, header checksum,
    /// every field's range, the canonical part offsets and the section length.
    ///
    /// - Throws: ``HNSWSectionError``.
    static func read(_ section: UnsafeRawBufferPointer) throws(HNSWSectionError) -> (HNSWSectionHeader, HNSWSectionLayout) {
        guard section.count >= HNSWSectionLayout.headerBytes, let bytes = section.baseAddress else {
            throw .truncated(needed: HNSWSectionLayout.headerBytes, available: section.count)
        }
        func get<T: FixedWidthInteger>(_: T.Type, _ offset: Int) -> T {
            T(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: T.self))
        }
        guard (0..<8).allSatisfy({ get(UInt8.self, $0) == magic[$0] }) else { throw .badMagic }
        let storedHeaderCRC = get(UInt32.self, 124)
        let headerCRC = CRC32C.checksum(of: UnsafeRawBufferPointer(start: bytes, count: 124))
        guard storedHeaderCRC == headerCRC else {
            throw .checksumMismatch(part: "header", stored: storedHeaderCRC, computed: headerCRC)
        }
        let version = get(UInt32.self, 8)
        guard version == Self.version else { throw .unsupportedVersion(version) }
        func field(_ name: String, _ value: UInt64, _ valid: Bool, _ reason: String) throws(HNSWSectionError) {
            if !valid { throw .invalidField(name: name, value: value, reason: reason) }
        }
        let headerBytes = get(UInt32.self, 12)
        try field("header bytes", UInt64(headerBytes), headerBytes == 128, "must be 128")
        let rows = get(UInt64.self, 16)
        try field("row count", rows, rows <= UInt64(HNSWGraph.maximumRowCount), "exceeds \(HNSWGraph.maximumRowCount)")
        let upperSlots = get(UInt32.self, 24), baseSlots = get(UInt32.self, 28)
        try field("M", UInt64(upperSlots), (2...UInt32(HNSWParameters.maximumConnectivity)).contains(upperSlots),
                  "must be in 2 ... \(HNSWParameters.maximumConnectivity)")
        try field("level-0 slots", UInt64(baseSlots), baseSlots == 2 * upperSlots, "must be 2 × M = \(2 * upperSlots)")
        let efConstruction = get(UInt32.self, 32)
        try field("ef_construction", UInt64(efConstruction), efConstruction >= 1, "must be at least 1")
        let maxLevel = get(UInt32.self, 36)
        try field("top level", UInt64(maxLevel), maxLevel <= UInt32(HNSWParameters.maximumLevel), "exceeds \(HNSWParameters.maximumLevel)")
        let entry = get(UInt32.self, 40)
        if rows == 0 {
            try field("entry point", UInt64(entry), entry == HNSWSectionLayout.emptySlot, "must be 0xFFFFFFFF in an empty graph")
            try field("top level", UInt64(maxLevel), maxLevel == 0, "must be 0 in an empty graph")
        } else {
            try field("entry point", UInt64(entry), UInt64(entry) < rows, "is not a node (\(rows) rows)")
        }
        let records = get(UInt32.self, 44)
        let code = get(UInt8.self, 56)
        guard let precision = GraphPrecisionCode.precision(of: code) else {
            throw .invalidField(name: "precision", value: UInt64(code), reason: "is not a graph precision code (1 ... 7)")
        }
        let reserved = [57, 58, 59] + Array(108..<124)
        if let nonzero = reserved.first(where: { get(UInt8.self, $0) != 0 }) {
            throw .invalidField(name: "reserved byte \(nonzero)", value: UInt64(get(UInt8.self, nonzero)), reason: "must be 0")
        }
        let dimension = get(UInt32.self, 60)
        try field("dimension", UInt64(dimension), dimension >= 1, "must be at least 1")
        let header = HNSWSectionHeader(
            rowCount: Int(rows), upperSlots: Int(upperSlots), baseSlots: Int(baseSlots), efConstruction: Int(efConstruction),
            maxLevel: Int(maxLevel), entryPoint: entry, upperRecordCount: Int(records), seed: get(UInt64.self, 48),
            precision: precision, dimension: Int(dimension))
        guard let layout = header.layout else {
            throw .invalidField(name: "upper records", value: UInt64(records), reason: "makes the section size overflow")
        }
        let offsets: [(String, Int, Int)] = [
            ("levels offset", 64, layout.levelsOffset), ("level-0 offset", 72, layout.baseOffset),
            ("upper-record offsets offset", 80, layout.upperOffsetsOffset), ("upper lists offset", 88, layout.upperOffset),
            ("section bytes", 96, layout.byteCount),
        ]
        for (name, at, expected) in offsets {
            let stored = get(UInt64.self, at)
            try field(name, stored, stored == UInt64(expected), "must be \(expected) for this row count, M and upper records")
        }
        guard section.count >= layout.byteCount else { throw .truncated(needed: layout.byteCount, available: section.count) }
        guard section.count == layout.byteCount else { throw .trailingBytes(expected: layout.byteCount, actual: section.count) }
        let storedPayloadCRC = get(UInt32.self, 104)
        let payloadCRC = CRC32C.checksum(
            of: UnsafeRawBufferPointer(start: bytes + HNSWSectionLayout.headerBytes, count: layout.byteCount - HNSWSectionLayout.headerBytes))
        guard storedPayloadCRC == payloadCRC else {
            throw .checksumMismatch(part: "payload", stored: storedPayloadCRC, computed: payloadCRC)
        }
        return (header, layout)
    }
}

extension GraphStorage {
    /// Seals a freshly built graph: writes its header and checksums.
    func writeHeaderFields(entryPoint: Int, maxLevel: Int, parameters: HNSWParameters, metric: GraphMetric) {
        let header = HNSWSectionHeader(
            rowCount: layout.rowCount, upperSlots: upperSlots, baseSlots: baseSlots, efConstruction: parameters.efConstruction,
            maxLevel: maxLevel, entryPoint: layout.rowCount == 0 ? HNSWSectionLayout.emptySlot : UInt32(entryPoint),
            upperRecordCount: layout.upperRecordCount, seed: parameters.seed, precision: metric.precision, dimension: metric.dimension)
        HNSWSectionHeader.seal(header, layout: layout, into: base)
    }

    /// Checks the structure a search relies on, after the header and checksums passed: levels
    /// within the top level (the entry point on it), upper-record offsets equal to the sums of
    /// the levels before each node, and every list a prefix of other nodes that exist on its
    /// level followed by empty slots.
    ///
    /// - Throws: ``HNSWSectionError``.
    func validateStructure(_ header: HNSWSectionHeader) throws(HNSWSectionError) {
        let n = layout.rowCount
        var expectedOffset: UInt32 = 0
        var total = 0
        for node in 0..<n {
            let level = Int(levels[node])
            guard level <= header.maxLevel else { throw .invalidLevel(node: node, level: level, maxLevel: header.maxLevel) }
            let stored = upperOffsets[node]
            let expected = level == 0 ? HNSWSectionLayout.emptySlot : expectedOffset
            guard stored == expected else { throw .upperOffsetMismatch(node: node, stored: stored, expected: expected) }
            expectedOffset &+= UInt32(level)
            total += level
        }
        guard total == layout.upperRecordCount else {
            throw .invalidField(name: "upper records", value: UInt64(layout.upperRecordCount), reason: "must be the sum of the levels, \(total)")
        }
        if n > 0, Int(levels[Int(header.entryPoint)]) != header.maxLevel {
            throw .invalidLevel(node: Int(header.entryPoint), level: Int(levels[Int(header.entryPoint)]), maxLevel: header.maxLevel)
        }
        for node in 0..<n {
            for level in 0...Int(levels[node]) {
                let list = self.list(node, level: level)
                let slots = self.slots(level)
                var ended = false
                for slot in 0..<slots {
                    let neighbor = list[slot]
                    if neighbor == HNSWSectionLayout.emptySlot {
                        ended = true
                        continue
                    }
                    guard !ended else { throw .slotAfterEmpty(node: node, level: level, slot: slot) }
                    guard Int(neighbor) < n, Int(neighbor) != node else {
                        throw .invalidNeighbor(node: node, level: level, slot: slot, neighbor: neighbor)
                    }
                    let reach = Int(levels[Int(neighbor)])
                    guard reach >= level else {
                        throw .neighborBelowLevel(node: node, level: level, neighbor: Int(neighbor), neighborLevel: reach)
                    }
                }
            }
        }
    }
}

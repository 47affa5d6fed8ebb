import EmbeddingQuantization
import EmbeddingSearch

/// A hierarchical navigable small world graph (Malkov & Yashunin, 2016) over the rows of a set
/// of codes: the navigation structure of an ``HNSWIndex``, without the codes themselves.
///
/// Built by ``HNSWIndex/init(codes:parameters:threads:)``; stored as one checksummed,
/// memory-mappable byte section (``serialized()``, layout in docs/HNSW.md) and read back with
/// ``init(decoding:)`` (a copy) or ``init(mapping:offset:byteCount:)`` (in place). Reading
/// validates every offset, count and node number, so a corrupt section throws
/// ``HNSWSectionError`` instead of misleading a search. Immutable and safe to share.
public struct HNSWGraph: Sendable {
    /// The most rows a graph numbers (node numbers are 32-bit; `0xFFFFFFFF` marks an empty slot).
    public static let maximumRowCount = Int(UInt32.max) - 1

    /// Nodes (rows of the codes).
    public let rowCount: Int
    /// Neighbours per node on the upper levels (M); level 0 keeps `2 × M`.
    public let connectivity: Int
    /// The insertion search breadth it was built with.
    public let efConstruction: Int
    /// The seed its levels were drawn from.
    public let seed: UInt64
    /// The highest level of any node.
    public let maxLevel: Int
    /// Where every search starts (a node on ``maxLevel``); `nil` for an empty graph.
    public let entryPoint: Int?
    /// The precision of the codes it was built on.
    public let precision: Precision
    /// The dimension of the codes it was built on.
    public let dimension: Int

    let storage: GraphStorage

    init(storage: GraphStorage, header: HNSWSectionHeader) {
        self.storage = storage
        rowCount = header.rowCount
        connectivity = header.upperSlots
        efConstruction = header.efConstruction
        seed = header.seed
        maxLevel = header.maxLevel
        entryPoint = header.rowCount == 0 ? nil : Int(header.entryPoint)
        precision = header.precision
        dimension = header.dimension
    }

    /// Bytes of the graph's section (what ``serialized()`` returns and what a mapping holds).
    public var byteCount: Int { storage.layout.byteCount }

    /// The level of `row` (0 for most rows), or `nil` outside `0 ..< rowCount`.
    public func level(of row: Int) -> Int? {
        guard row >= 0, row < rowCount else { return nil }
        return Int(storage.levels[row])
    }

    /// The neighbours of `row` on `level`, in stored order; empty when `row` is not a node or
    /// does not reach `level`.
    public func neighbors(of row: Int, level: Int) -> [Int] {
        guard let top = self.level(of: row), level >= 0, level <= top else { return [] }
        let list = storage.list(row, level: level)
        return (0..<storage.count(list, slots: storage.slots(level))).map { Int(list[$0]) }
    }

    /// The graph as its section bytes (header, levels, lists; checksummed).
    public func serialized() -> [UInt8] { Array(storage.bytes) }

    /// Reads a graph from a copy of its section bytes.
    ///
    /// - Throws: ``HNSWSectionError`` for truncated, trailing, corrupt or inconsistent bytes.
    public init(decoding bytes: [UInt8]) throws(HNSWSectionError) {
        // An aligned copy: the lists are read as 32-bit words in place.
        let read = bytes.withUnsafeBytes { raw in
            Result { () throws(HNSWSectionError) in try HNSWSectionHeader.read(raw) }
        }
        let (header, layout) = try read.get()
        let storage = GraphStorage(allocating: layout)
        bytes.withUnsafeBytes { raw in storage.base.copyMemory(from: raw.baseAddress!, byteCount: layout.byteCount) }
        try storage.validateStructure(header)
        self.init(storage: storage, header: header)
    }

    /// Reads a graph in place from `byteCount` bytes at `offset` of a mapped file (the section
    /// of a segment file): nothing is copied; the mapping stays alive while the graph does. The
    /// section must start 4-byte aligned (graph sections are placed on 64-byte boundaries).
    ///
    /// - Throws: ``HNSWSectionError`` for a section outside the file, misaligned, or corrupt.
    public init(mapping file: MemoryMappedFile, offset: Int = 0, byteCount: Int? = nil) throws(HNSWSectionError) {
        let available = Swift.max(file.byteCount - Swift.max(offset, 0), 0)
        let count = byteCount ?? available
        guard offset >= 0, count >= 0, count <= available else {
            throw .truncated(needed: Swift.max(offset, 0) + Swift.max(count, 0), available: file.byteCount)
        }
        // The mapping's address is fixed while `file` lives; the storage retains `file`.
        let base = file.withUnsafeBytes { $0.baseAddress.map { UnsafeRawPointer($0) + offset } }
        guard let base else { throw .truncated(needed: HNSWSectionLayout.headerBytes, available: 0) }
        guard Int(bitPattern: base) % 4 == 0 else { throw .misaligned(address: Int(bitPattern: base)) }
        let (header, layout) = try HNSWSectionHeader.read(UnsafeRawBufferPointer(start: base, count: count))
        let storage = GraphStorage(viewing: base, layout: layout, owner: file)
        try storage.validateStructure(header)
        self.init(storage: storage, header: header)
    }
}

/// The bytes of a graph, laid out exactly as its section (``HNSWSectionLayout``): owned memory
/// the builder writes in place, or a validated section read where it lies (a memory mapping).
/// Neighbour lists are reached by raw pointers: the search loop does no reference counting and
/// no bounds checks (the reader validated every node number before a search can run).
final class GraphStorage: @unchecked Sendable {
    // The pointers never change; the builder writes through them before the graph is shared,
    // searches only read.
    let layout: HNSWSectionLayout
    /// The section's first byte (the header).
    let base: UnsafeMutableRawPointer
    /// One level per node.
    let levels: UnsafeMutablePointer<UInt8>
    /// `rowCount × baseSlots` node numbers.
    let base0: UnsafeMutablePointer<UInt32>
    /// Per node, its first upper record (records for levels 1 … level follow), or `emptySlot`.
    let upperOffsets: UnsafeMutablePointer<UInt32>
    /// `upperRecordCount × upperSlots` node numbers.
    let upper: UnsafeMutablePointer<UInt32>
    /// Slots of an upper-level list (M) and of a level-0 list (2M).
    let upperSlots: Int, baseSlots: Int
    private let ownsMemory: Bool
    private let owner: AnyObject?

    /// Zeroed memory for a graph of `layout` (every slot empty, every level 0).
    init(allocating layout: HNSWSectionLayout) {
        let memory = UnsafeMutableRawPointer.allocate(byteCount: Swift.max(layout.byteCount, 64), alignment: 64)
        memory.initializeMemory(as: UInt8.self, repeating: 0, count: Swift.max(layout.byteCount, 64))
        self.layout = layout
        base = memory
        ownsMemory = true
        owner = nil
        (levels, base0, upperOffsets, upper) = Self.parts(memory, layout)
        (upperSlots, baseSlots) = (layout.upperSlots, layout.baseSlots)
        base0.initialize(repeating: HNSWSectionLayout.emptySlot, count: layout.rowCount * layout.baseSlots)
        upperOffsets.initialize(repeating: HNSWSectionLayout.emptySlot, count: layout.rowCount)
        upper.initialize(repeating: HNSWSectionLayout.emptySlot, count: layout.upperRecordCount * layout.upperSlots)
    }

    /// The section at `address` (64-byte aligned, `layout.byteCount` bytes), kept alive by `owner`.
    init(viewing address: UnsafeRawPointer, layout: HNSWSectionLayout, owner: AnyObject?) {
        self.layout = layout
        base = UnsafeMutableRawPointer(mutating: address)
        ownsMemory = false
        self.owner = owner
        (levels, base0, upperOffsets, upper) = Self.parts(base, layout)
        (upperSlots, baseSlots) = (layout.upperSlots, layout.baseSlots)
    }

    deinit { if ownsMemory { base.deallocate() } }

    private static func parts(_ base: UnsafeMutableRawPointer, _ layout: HNSWSectionLayout) -> (
        UnsafeMutablePointer<UInt8>, UnsafeMutablePointer<UInt32>, UnsafeMutablePointer<UInt32>, UnsafeMutablePointer<UInt32>
    ) {
        ((base + layout.levelsOffset).assumingMemoryBound(to: UInt8.self),
         (base + layout.baseOffset).assumingMemoryBound(to: UInt32.self),
         (base + layout.upperOffsetsOffset).assumingMemoryBound(to: UInt32.self),
         (base + layout.upperOffset).assumingMemoryBound(to: UInt32.self))
    }

    /// The neighbour list of `node` at `level` (`slots(level)` entries, empty ones last).
    @inline(__always)
    func list(_ node: Int, level: Int) -> UnsafeMutablePointer<UInt32> {
        level == 0 ? base0 + node * baseSlots : upper + (Int(upperOffsets[node]) + level - 1) * upperSlots
    }

    /// Slots of a list at `level`.
    @inline(__always)
    func slots(_ level: Int) -> Int { level == 0 ? baseSlots : upperSlots }

    /// The used entries of a list (the slots before the first empty one).
    @inline(__always)
    func count(_ list: UnsafePointer<UInt32>, slots: Int) -> Int {
        var used = 0
        while used < slots, list[used] != HNSWSectionLayout.emptySlot { used += 1 }
        return used
    }

    /// The whole section as bytes.
    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: layout.byteCount) }
}

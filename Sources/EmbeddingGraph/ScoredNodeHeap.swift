/// A scored node packed into one integer: the distance key in the high 32 bits, the node number
/// in the low 32. Comparing two packed values compares keys first and breaks ties by the lower
/// node, so every ordering in the graph is total and deterministic.
typealias ScoredNode = UInt64

extension ScoredNode {
    /// Packs `key` (lower is better) and `node`.
    @inline(__always)
    init(key: UInt32, node: UInt32) { self = UInt64(key) << 32 | UInt64(node) }

    /// The distance key.
    @inline(__always)
    var key: UInt32 { UInt32(truncatingIfNeeded: self >> 32) }

    /// The node number.
    @inline(__always)
    var node: UInt32 { UInt32(truncatingIfNeeded: self) }
}

/// A binary heap of ``ScoredNode``s on raw storage (no reference counting in the search loop).
/// `Max` keeps the largest (worst) on top: the bounded result set. Otherwise the smallest
/// (best) is on top: the candidates still to expand. Grows on demand; freed by ``release()``.
struct ScoredNodeHeap<Order: HeapOrder> {
    private(set) var storage: UnsafeMutablePointer<ScoredNode>
    private(set) var capacity: Int
    private(set) var count = 0

    init(capacity: Int) {
        self.capacity = Swift.max(capacity, 16)
        storage = .allocate(capacity: self.capacity)
    }

    /// Frees the storage (the heap must not be used afterwards).
    func release() { storage.deallocate() }

    var isEmpty: Bool { count == 0 }

    /// The top: the worst node of a max-heap, the best of a min-heap.
    @inline(__always)
    var top: ScoredNode { storage[0] }

    @inline(__always)
    mutating func removeAll() { count = 0 }

    @inline(__always)
    mutating func push(_ value: ScoredNode) {
        if count == capacity { grow() }
        var child = count
        count += 1
        while child > 0 {
            let parent = (child - 1) >> 1
            guard Order.above(value, storage[parent]) else { break }
            storage[child] = storage[parent]
            child = parent
        }
        storage[child] = value
    }

    /// Removes and returns the top.
    @inline(__always)
    mutating func pop() -> ScoredNode {
        let top = storage[0]
        count -= 1
        if count > 0 { siftDown(storage[count]) }
        return top
    }

    /// Replaces the top with `value` (one sift instead of a pop and a push).
    @inline(__always)
    mutating func replaceTop(_ value: ScoredNode) { siftDown(value) }

    /// The stored values in heap order.
    var elements: UnsafeBufferPointer<ScoredNode> { UnsafeBufferPointer(start: storage, count: count) }

    @inline(__always)
    private mutating func siftDown(_ value: ScoredNode) {
        var parent = 0
        let half = count >> 1
        while parent < half {
            var child = 2 * parent + 1
            if child + 1 < count, Order.above(storage[child + 1], storage[child]) { child += 1 }
            guard Order.above(storage[child], value) else { break }
            storage[parent] = storage[child]
            parent = child
        }
        storage[parent] = value
    }

    private mutating func grow() {
        let larger = UnsafeMutablePointer<ScoredNode>.allocate(capacity: 2 * capacity)
        larger.moveInitialize(from: storage, count: count)
        storage.deallocate()
        storage = larger
        capacity *= 2
    }
}

/// Which end of a ``ScoredNodeHeap`` is on top.
protocol HeapOrder {
    /// Whether `a` belongs above `b`.
    static func above(_ a: ScoredNode, _ b: ScoredNode) -> Bool
}

/// The largest value on top.
enum MaxOnTop: HeapOrder {
    @inline(__always) static func above(_ a: ScoredNode, _ b: ScoredNode) -> Bool { a > b }
}

/// The smallest value on top.
enum MinOnTop: HeapOrder {
    @inline(__always) static func above(_ a: ScoredNode, _ b: ScoredNode) -> Bool { a < b }
}

/// A key a scan ranks by: higher is better.
protocol RankingKey: Comparable, Sendable {
    /// The lowest key; only used as a placeholder.
    static var lowest: Self { get }
    /// The key with NaN mapped to `lowest`, so that ordering is total.
    var sanitized: Self { get }
}

extension Int32: RankingKey {
    static var lowest: Int32 { .min }
    var sanitized: Int32 { self }
}

extension Float: RankingKey {
    static var lowest: Float { -.infinity }
    var sanitized: Float { isNaN ? -.infinity : self }
}

/// A scored row inside a scan: `key` higher is better, ties broken by the lower `row`.
struct RankedRow<Key: RankingKey>: Sendable {
    var key: Key
    var row: Int

    /// Whether `self` ranks before `other`: a higher key, or an equal key and a lower row.
    @inline(__always)
    func ranksBefore(_ other: RankedRow) -> Bool {
        key > other.key || (key == other.key && row < other.row)
    }
}

/// The best `capacity` rows seen so far: a binary heap whose root is the worst kept row.
///
/// Deterministic: the result depends only on the set of (key, row) pairs offered, not on their
/// order (ties are broken by the lower row).
struct TopK<Key: RankingKey>: Sendable {
    /// How many rows are kept.
    let capacity: Int
    private(set) var heap: [RankedRow<Key>] = []

    init(capacity: Int) {
        self.capacity = capacity
        heap.reserveCapacity(Swift.min(capacity, 1 << 16))
    }

    /// Whether `capacity` rows are held (then ``worst`` is the bar a row must pass).
    var isFull: Bool { heap.count >= capacity }

    /// The worst kept row (the root), when any.
    var worst: RankedRow<Key>? { heap.first }

    /// Offers a row; keeps it when it ranks before the worst kept row or there is room.
    @inline(__always)
    mutating func offer(key: Key, row: Int) {
        let candidate = RankedRow(key: key.sanitized, row: row)
        if heap.count < capacity {
            heap.append(candidate)
            siftUp(heap.count - 1)
        } else if candidate.ranksBefore(heap[0]) {
            heap[0] = candidate
            siftDown(0)
        }
    }

    /// The kept rows, best first.
    func sorted() -> [RankedRow<Key>] {
        heap.sorted { $0.ranksBefore($1) }
    }

    // The root is the row that ranks last; a parent ranks after both children.
    private mutating func siftUp(_ start: Int) {
        var child = start
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[parent].ranksBefore(heap[child]) else { return }
            heap.swapAt(parent, child)
            child = parent
        }
    }

    private mutating func siftDown(_ start: Int) {
        var parent = start
        let count = heap.count
        while true {
            let left = 2 * parent + 1
            guard left < count else { return }
            var worse = left
            let right = left + 1
            if right < count, heap[left].ranksBefore(heap[right]) { worse = right }
            guard heap[parent].ranksBefore(heap[worse]) else { return }
            heap.swapAt(parent, worse)
            parent = worse
        }
    }
}

extension Array {
    /// Merges ranked lists into the best `k`, best first.
    static func mergeBest<Key>(_ lists: [[RankedRow<Key>]], k: Int) -> [RankedRow<Key>] where Element == RankedRow<Key> {
        var all = lists.flatMap { $0 }
        all.sort { $0.ranksBefore($1) }
        return Array(all.prefix(k))
    }
}

import Foundation

/// The memory one search thread works in: visit marks (one 16-bit epoch per node, so a new
/// search starts with one increment instead of clearing), the two heaps, and buffers for the
/// node numbers and keys of one kernel call. Used by one thread at a time.
final class SearchScratch: @unchecked Sendable {
    // Owned by one thread at a time (a ScratchPool hands it out); never shared while in use.
    let rowCount: Int
    let marks: UnsafeMutablePointer<UInt16>
    private(set) var epoch: UInt16 = 0
    var candidates: ScoredNodeHeap<MinOnTop>
    var results: ScoredNodeHeap<MaxOnTop>
    /// Node numbers and keys of one kernel call (`batchCapacity` each).
    let ids: UnsafeMutablePointer<UInt32>
    let keys: UnsafeMutablePointer<UInt32>
    let batchCapacity: Int
    /// A prepared query (codes or float32 values), 64-byte aligned.
    let query: UnsafeMutableRawPointer
    /// A second query buffer: a stored row widened to float32 for neighbour selection.
    let rowQuery: UnsafeMutableRawPointer
    /// Sorted candidates and selected neighbours of one neighbour selection.
    var sorted: [ScoredNode] = []
    var selected: [ScoredNode] = []

    /// Scratch for a graph of `rowCount` nodes, queries of `queryBytes`, kernel calls of up to
    /// `batchCapacity` rows.
    init(rowCount: Int, queryBytes: Int, batchCapacity: Int) {
        self.rowCount = rowCount
        marks = .allocate(capacity: Swift.max(rowCount, 1))
        marks.initialize(repeating: 0, count: Swift.max(rowCount, 1))
        candidates = ScoredNodeHeap(capacity: 256)
        results = ScoredNodeHeap(capacity: 256)
        self.batchCapacity = Swift.max(batchCapacity, 1)
        ids = .allocate(capacity: self.batchCapacity)
        keys = .allocate(capacity: self.batchCapacity)
        let queryCapacity = (Swift.max(queryBytes, 1) + 63) / 64 * 64
        query = .allocate(byteCount: queryCapacity, alignment: 64)
        query.initializeMemory(as: UInt8.self, repeating: 0, count: queryCapacity)
        rowQuery = .allocate(byteCount: queryCapacity, alignment: 64)
        rowQuery.initializeMemory(as: UInt8.self, repeating: 0, count: queryCapacity)
    }

    deinit {
        marks.deallocate()
        candidates.release()
        results.release()
        ids.deallocate()
        keys.deallocate()
        query.deallocate()
        rowQuery.deallocate()
    }

    /// Starts a new search: every node unvisited. Returns the mark of "visited in this search".
    @inline(__always)
    func beginVisit() -> UInt16 {
        if epoch == UInt16.max {
            marks.update(repeating: 0, count: Swift.max(rowCount, 1))
            epoch = 0
        }
        epoch += 1
        return epoch
    }
}

/// Scratch memory kept between searches of one index (allocating the marks of a million nodes
/// per search would cost as much as the search): threads borrow one and give it back.
final class ScratchPool: @unchecked Sendable {
    // `free` is only touched under `lock`.
    private let lock = NSLock()
    private var free: [SearchScratch] = []
    private let make: @Sendable () -> SearchScratch
    /// Scratches kept at most (more are made when more threads search at once, then dropped).
    private let limit: Int

    init(limit: Int = 64, make: @escaping @Sendable () -> SearchScratch) {
        self.make = make
        self.limit = limit
    }

    /// Runs `body` with a scratch no other thread uses meanwhile.
    func withScratch<Result>(_ body: (SearchScratch) throws -> Result) rethrows -> Result {
        lock.lock()
        let scratch = free.popLast()
        lock.unlock()
        let borrowed = scratch ?? make()
        defer {
            lock.lock()
            if free.count < limit { free.append(borrowed) }
            lock.unlock()
        }
        return try body(borrowed)
    }
}

import EmbeddingKernels

/// The rows a traversal may return: the allowed-row words of a compiled row filter (deletions
/// included) and its predicates. Rows it rejects are still visited and expanded: they carry the
/// search to allowed rows behind them ("traverse all, collect only matching").
struct GraphFilter {
    /// One bit per row (`nil`: every row), valid while the search runs.
    let words: UnsafePointer<UInt64>?
    /// Conditions every returned row must also meet.
    let predicates: [@Sendable (Int) -> Bool]

    @inline(__always)
    func allows(_ node: UInt32) -> Bool {
        if let words, words[Int(node >> 6)] >> UInt64(node & 63) & 1 == 0 { return false }
        for isAllowed in predicates where !isAllowed(Int(node)) { return false }
        return true
    }
}

/// The searches of HNSW over one graph and its codes: the greedy descent through the upper
/// levels and the beam search of one level (HNSW's SEARCH-LAYER), used both by queries and by
/// the builder's insertions.
struct GraphTraversal: Sendable {
    let storage: GraphStorage
    let codes: GraphCodes
    let metric: GraphMetric

    /// `node` scored against `query`.
    @inline(__always)
    func scored(_ query: UnsafeRawPointer, _ node: UInt32, scratch: SearchScratch) -> ScoredNode {
        scratch.ids[0] = node
        metric.keys(query: query, codes: codes, rows: scratch.ids, count: 1, into: scratch.keys)
        return ScoredNode(key: scratch.keys[0], node: node)
    }

    /// From `start`, moves to the best neighbour on `level` while one is better: the closest
    /// node this greedy walk finds.
    func greedy(_ query: UnsafeRawPointer, from start: ScoredNode, level: Int, scratch: SearchScratch) -> ScoredNode {
        var current = start
        let slots = storage.slots(level)
        let keys = scratch.keys
        while true {
            let list = storage.list(Int(current.node), level: level)
            let count = storage.count(list, slots: slots)
            guard count > 0 else { return current }
            metric.keys(query: query, codes: codes, rows: list, count: count, into: keys)
            var best = current
            for i in 0..<count {
                let candidate = ScoredNode(key: keys[i], node: list[i])
                if candidate < best { best = candidate }
            }
            if best == current { return current }
            current = best
        }
    }

    /// Beam search of `level` from `entry` (and `second`, when given): keeps the best `ef` nodes
    /// `filter` allows (every node when `nil`) in `scratch.results` (a max-heap). Every reached
    /// node is expanded while it could still improve the results, allowed or not.
    func searchLayer(
        _ query: UnsafeRawPointer, entry: ScoredNode, level: Int, ef: Int, filter: GraphFilter?, scratch: SearchScratch,
        alsoFrom second: ScoredNode? = nil
    ) {
        let mark = scratch.beginVisit()
        let marks = scratch.marks
        var candidates = scratch.candidates
        var results = scratch.results
        candidates.removeAll()
        results.removeAll()
        defer {
            scratch.candidates = candidates
            scratch.results = results
        }
        marks[Int(entry.node)] = mark
        candidates.push(entry)
        if filter?.allows(entry.node) ?? true { results.push(entry) }
        if let second, marks[Int(second.node)] != mark {
            marks[Int(second.node)] = mark
            candidates.push(second)
            if filter?.allows(second.node) ?? true { results.push(second) }
        }
        let slots = storage.slots(level)
        let (ids, keys) = (scratch.ids, scratch.keys)
        let empty = HNSWSectionLayout.emptySlot
        while !candidates.isEmpty {
            let current = candidates.pop()
            if results.count >= ef, current > results.top { break }
            let list = storage.list(Int(current.node), level: level)
            if !candidates.isEmpty { eq_graph_prefetch(storage.list(Int(candidates.top.node), level: level)) }
            var fresh = 0
            for slot in 0..<slots {
                let neighbor = list[slot]
                if neighbor == empty { break }
                if marks[Int(neighbor)] != mark {
                    marks[Int(neighbor)] = mark
                    ids[fresh] = neighbor
                    fresh += 1
                }
            }
            guard fresh > 0 else { continue }
            metric.keys(query: query, codes: codes, rows: ids, count: fresh, into: keys)
            for i in 0..<fresh {
                let candidate = ScoredNode(key: keys[i], node: ids[i])
                guard results.count < ef || candidate < results.top else { continue }
                candidates.push(candidate)
                if let filter, !filter.allows(ids[i]) { continue }
                if results.count < ef { results.push(candidate) } else { results.replaceTop(candidate) }
            }
        }
    }

    /// The query form of stored row `node` for comparing other rows with it: the row itself, or
    /// (float16 / bfloat16) the row widened into `scratch.rowQuery`.
    @inline(__always)
    func rowQuery(_ node: UInt32, scratch: SearchScratch) -> UnsafeRawPointer {
        let row = codes.row(Int(node))
        switch metric.precision {
        case .float16, .bfloat16:
            metric.prepareQuery(fromRow: row, into: scratch.rowQuery)
            return UnsafeRawPointer(scratch.rowQuery)
        default:
            return UnsafeRawPointer(row)
        }
    }

    /// HNSW's neighbour selection heuristic (the paper's algorithm 4, as hnswlib runs it):
    /// walking `sorted` (ascending by distance to the base node), keeps a candidate unless a kept
    /// one is strictly closer to it than the base node is; stops at `limit` kept. With at most
    /// `limit` candidates, keeps them all. Returns the kept ones, ascending.
    func selectNeighbors(_ sorted: [ScoredNode], limit: Int, scratch: SearchScratch) -> [ScoredNode] {
        guard sorted.count > limit else { return sorted }
        var kept: [ScoredNode] = []
        kept.reserveCapacity(limit)
        let (ids, keys) = (scratch.ids, scratch.keys)
        for candidate in sorted {
            if kept.count == limit { break }
            let query = rowQuery(candidate.node, scratch: scratch)
            for (i, other) in kept.enumerated() { ids[i] = other.node }
            metric.keys(query: query, codes: codes, rows: ids, count: kept.count, into: keys)
            var good = true
            for i in 0..<kept.count where keys[i] < candidate.key {
                good = false
                break
            }
            if good { kept.append(candidate) }
        }
        return kept
    }
}

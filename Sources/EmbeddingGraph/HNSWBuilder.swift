import EmbeddingSearch

/// Builds an HNSW graph in parallel batches that give the same graph for any thread count.
///
/// Nodes are inserted in row order. Row 0 starts the graph; then each batch of rows is inserted
/// in two steps:
/// 1. **Search** (parallel over the batch): each new row descends the graph as it was before the
///    batch (greedy on the levels above its own, a beam search of `ef_construction` on its own
///    levels), selects its neighbours with the heuristic and writes its own lists. The graph of
///    earlier batches is only read, so no locks are needed and the result of each row does not
///    depend on which thread ran it or when.
/// 2. **Link back** (parallel over the nodes that gained an incoming link): the new rows are added
///    to their neighbours' lists, in ascending row order; a list that overflows keeps what the
///    heuristic selects among its old and new entries. Each list is written by one thread.
///
/// Batches grow with the graph (1/32 of the rows inserted so far, between 1 and 1,024 rows), so
/// a row misses at most the other rows of its batch as direct neighbours, a few percent of the
/// graph at any time; levels come from the seed (``LevelAssignment``), the schedule from the row
/// count alone. Same codes, parameters and seed: the same bytes.
struct HNSWBuilder {
    let codes: GraphCodes
    let metric: GraphMetric
    let parameters: HNSWParameters
    let threads: Int
    /// The largest batch (1 inserts row by row, as a sequential HNSW build does).
    var maximumBatch = 1024

    /// Rows inserted per batch after `inserted` rows.
    func batchSize(inserted: Int) -> Int { Swift.max(1, Swift.min(inserted / 32, maximumBatch)) }

    /// The graph of every row of `codes`.
    func build(progress: ((Int) -> Void)? = nil) -> GraphStorage {
        let n = codes.rowCount
        let m = parameters.connectivity, m0 = parameters.baseConnectivity
        var levels = [UInt8](repeating: 0, count: n)
        var records = 0
        for row in 0..<n {
            levels[row] = UInt8(LevelAssignment.level(of: row, seed: parameters.seed, connectivity: m))
            records += Int(levels[row])
        }
        let layout = HNSWSectionLayout(rowCount: n, upperSlots: m, baseSlots: m0, upperRecordCount: records)!
        let storage = GraphStorage(allocating: layout)
        var next: UInt32 = 0
        for row in 0..<n {
            storage.levels[row] = levels[row]
            if levels[row] > 0 {
                storage.upperOffsets[row] = next
                next += UInt32(levels[row])
            }
        }
        guard n > 0 else {
            storage.writeHeaderFields(entryPoint: 0, maxLevel: 0, parameters: parameters, metric: metric)
            return storage
        }
        let traversal = GraphTraversal(storage: storage, codes: codes, metric: metric)
        let scratches = (0..<threads).map { _ in
            SearchScratch(rowCount: n, queryBytes: metric.queryBytes, batchCapacity: Swift.max(m0, parameters.efConstruction) + 1)
        }
        var entry = 0
        var maxLevel = Int(levels[0])
        var inserted = 1
        while inserted < n {
            let batch = inserted..<Swift.min(n, inserted + batchSize(inserted: inserted))
            let edges = searchStep(batch, entry: entry, maxLevel: maxLevel, traversal: traversal, scratches: scratches)
            linkStep(edges, traversal: traversal, scratches: scratches)
            for row in batch where Int(levels[row]) > maxLevel {
                maxLevel = Int(levels[row])
                entry = row
            }
            inserted = batch.upperBound
            progress?(inserted)
        }
        connectUnreachable(from: entry, traversal: traversal, scratch: scratches[0])
        storage.writeHeaderFields(entryPoint: entry, maxLevel: maxLevel, parameters: parameters, metric: metric)
        return storage
    }

    /// Makes every node reachable from the entry point on level 0. Pruning can leave a node
    /// without incoming links (hnswlib's graphs have such orphans too). A depth-first walk from
    /// the entry point records the tree edge by which it first reached each node; each node left
    /// out is then linked from the nearest reachable node with a free slot among its
    /// `ef_construction` nearest (a beam search from the entry point, which only reaches reachable
    /// nodes), or else replaces, in the nearest such list, the farthest entry that is not a tree
    /// edge (when all those lists hold only tree edges: the first reachable node in row order
    /// with a free slot or a non-tree entry; one exists, since a tree has fewer edges than full
    /// lists hold). Removing a non-tree edge disconnects nothing (the tree still reaches every
    /// node it reached), so each link adds the node and what it reaches, and one pass suffices.
    /// Sequential and deterministic. Returns the links added.
    @discardableResult
    func connectUnreachable(from entry: Int, traversal: GraphTraversal, scratch: SearchScratch) -> Int {
        let storage = traversal.storage
        let n = storage.layout.rowCount
        let slots = storage.baseSlots
        // The node whose list first reached each node (the entry point: itself; -1: not reached).
        var parent = [Int32](repeating: -1, count: n)
        var stack: [Int] = []
        func visit(from start: Int, parent startParent: Int) {
            guard parent[start] < 0 else { return }
            parent[start] = Int32(startParent)
            stack.append(start)
            while let node = stack.popLast() {
                let list = storage.list(node, level: 0)
                for slot in 0..<storage.count(list, slots: slots) where parent[Int(list[slot])] < 0 {
                    parent[Int(list[slot])] = Int32(node)
                    stack.append(Int(list[slot]))
                }
            }
        }
        visit(from: entry, parent: entry)
        var added = 0
        for node in 0..<n where parent[node] < 0 {
            guard let from = link(UInt32(node), fromNearestOf: entry, traversal: traversal, scratch: scratch, parent: parent) else {
                continue
            }
            added += 1
            visit(from: node, parent: from)
        }
        return added
    }

    /// Links `node` from a reachable node near it (see ``connectUnreachable(from:traversal:scratch:)``);
    /// returns that node, or `nil` when every reachable node's list holds only tree edges.
    private func link(
        _ node: UInt32, fromNearestOf entry: Int, traversal: GraphTraversal, scratch: SearchScratch, parent: [Int32]
    ) -> Int? {
        let storage = traversal.storage
        let query = UnsafeRawPointer(scratch.query)
        traversal.metric.prepareQuery(fromRow: traversal.codes.row(Int(node)), into: scratch.query)
        let start = traversal.scored(query, UInt32(entry), scratch: scratch)
        traversal.searchLayer(query, entry: start, level: 0, ef: parameters.efConstruction, filter: nil, scratch: scratch)
        var nearest = Array(scratch.results.elements).filter { $0.node != node && parent[Int($0.node)] >= 0 }
        nearest.sort()
        let slots = storage.baseSlots
        for candidate in nearest {
            let list = storage.list(Int(candidate.node), level: 0)
            let used = storage.count(list, slots: slots)
            if used < slots {
                list[used] = node
                return Int(candidate.node)
            }
        }
        for candidate in nearest {
            let owner = Int(candidate.node)
            let list = storage.list(owner, level: 0)
            let rowQuery = traversal.rowQuery(candidate.node, scratch: scratch)
            traversal.metric.keys(query: rowQuery, codes: traversal.codes, rows: list, count: slots, into: scratch.keys)
            var victim = -1
            for slot in 0..<slots where Int(parent[Int(list[slot])]) != owner {
                if victim < 0 || ScoredNode(key: scratch.keys[slot], node: list[slot]) > ScoredNode(key: scratch.keys[victim], node: list[victim]) {
                    victim = slot
                }
            }
            guard victim >= 0 else { continue }
            list[victim] = node
            return owner
        }
        // Every nearby list holds only tree edges (few distinct distances make that possible):
        // the first reachable node, in row order, with a free slot or a non-tree entry.
        for owner in 0..<parent.count where parent[owner] >= 0 && owner != Int(node) {
            let list = storage.list(owner, level: 0)
            let used = storage.count(list, slots: slots)
            if used < slots {
                list[used] = node
                return owner
            }
            if let victim = (0..<slots).last(where: { Int(parent[Int(list[$0])]) != owner }) {
                list[victim] = node
                return owner
            }
        }
        return nil
    }

    /// Step 1: the new rows' own lists; returns the links back, per level, as
    /// `neighbour << 32 | new row`, sorted.
    private func searchStep(
        _ batch: Range<Int>, entry: Int, maxLevel: Int, traversal: GraphTraversal, scratches: [SearchScratch]
    ) -> [[UInt64]] {
        let counter = ChunkCounter(total: batch.count, chunk: 4)
        let workers = Swift.min(threads, batch.count)
        let parameters = self.parameters
        let perWorker = Parallel.map(workers) { worker -> [[UInt64]] in
            let scratch = scratches[worker]
            var edges = [[UInt64]](repeating: [], count: HNSWParameters.maximumLevel + 1)
            while let chunk = counter.take() {
                for offset in chunk {
                    Self.insert(
                        UInt32(batch.lowerBound + offset), entry: UInt32(entry), maxLevel: maxLevel,
                        parameters: parameters, traversal: traversal, scratch: scratch, edges: &edges)
                }
            }
            return edges
        }
        return (0...HNSWParameters.maximumLevel).map { level in
            var merged = perWorker.flatMap { $0[level] }
            merged.sort()
            return merged
        }
    }

    /// Searches the graph for `row`'s neighbours on each of its levels, writes its lists and
    /// appends its links back (`neighbour << 32 | row`) to `edges[level]`.
    private static func insert(
        _ row: UInt32, entry: UInt32, maxLevel: Int, parameters: HNSWParameters, traversal: GraphTraversal,
        scratch: SearchScratch, edges: inout [[UInt64]]
    ) {
        let storage = traversal.storage
        let query = UnsafeRawPointer(scratch.query)
        traversal.metric.prepareQuery(fromRow: traversal.codes.row(Int(row)), into: scratch.query)
        let level = Int(storage.levels[Int(row)])
        var current = traversal.scored(query, entry, scratch: scratch)
        var l = maxLevel
        while l > level {
            current = traversal.greedy(query, from: current, level: l, scratch: scratch)
            l -= 1
        }
        l = Swift.min(level, maxLevel)
        while l >= 0 {
            traversal.searchLayer(query, entry: current, level: l, ef: parameters.efConstruction, filter: nil, scratch: scratch)
            var found = Array(scratch.results.elements)
            found.sort()
            let kept = traversal.selectNeighbors(found, limit: parameters.connectivity, scratch: scratch)
            let list = storage.list(Int(row), level: l)
            for (slot, neighbor) in kept.enumerated() {
                list[slot] = neighbor.node
                edges[l].append(UInt64(neighbor.node) << 32 | UInt64(row))
            }
            current = found[0]
            l -= 1
        }
    }

    /// Step 2: adds each new row to its neighbours' lists (`edges[level]`, sorted, so each
    /// neighbour's new rows are adjacent and ascending).
    private func linkStep(_ edges: [[UInt64]], traversal: GraphTraversal, scratches: [SearchScratch]) {
        var found: [(level: Int, range: Range<Int>)] = []
        for (level, links) in edges.enumerated() {
            var start = 0
            while start < links.count {
                var end = start + 1
                while end < links.count, links[end] >> 32 == links[start] >> 32 { end += 1 }
                found.append((level, start..<end))
                start = end
            }
        }
        let groups = found
        guard !groups.isEmpty else { return }
        let counter = ChunkCounter(total: groups.count, chunk: 16)
        let workers = Swift.min(threads, groups.count)
        _ = Parallel.map(workers) { worker -> Int in
            let scratch = scratches[worker]
            while let chunk = counter.take() {
                for index in chunk {
                    let (level, range) = groups[index]
                    Self.link(edges[level][range], level: level, traversal: traversal, scratch: scratch)
                }
            }
            return 0
        }
    }

    /// Adds the new rows of `links` (`neighbour << 32 | row`, one neighbour) to that neighbour's
    /// list at `level`; when they do not fit, the list becomes the heuristic's selection among
    /// its old and new entries, scored from the neighbour.
    private static func link(_ links: ArraySlice<UInt64>, level: Int, traversal: GraphTraversal, scratch: SearchScratch) {
        let storage = traversal.storage
        let target = UInt32(truncatingIfNeeded: links.first! >> 32)
        let list = storage.list(Int(target), level: level)
        let slots = storage.slots(level)
        let used = storage.count(list, slots: slots)
        if used + links.count <= slots {
            for (offset, link) in links.enumerated() { list[used + offset] = UInt32(truncatingIfNeeded: link) }
            return
        }
        // Old entries, then the new rows (any number: a batch may link many rows to one node).
        var ids = [UInt32](UnsafeBufferPointer(start: list, count: used))
        ids.append(contentsOf: links.map { UInt32(truncatingIfNeeded: $0) })
        let total = ids.count
        var keys = [UInt32](repeating: 0, count: total)
        let query = traversal.rowQuery(target, scratch: scratch)
        ids.withUnsafeBufferPointer { rows in
            keys.withUnsafeMutableBufferPointer { out in
                traversal.metric.keys(query: query, codes: traversal.codes, rows: rows.baseAddress!, count: total, into: out.baseAddress!)
            }
        }
        var sorted = (0..<total).map { ScoredNode(key: keys[$0], node: ids[$0]) }
        sorted.sort()
        let kept = traversal.selectNeighbors(sorted, limit: slots, scratch: scratch)
        for slot in 0..<slots { list[slot] = slot < kept.count ? kept[slot].node : HNSWSectionLayout.emptySlot }
    }
}

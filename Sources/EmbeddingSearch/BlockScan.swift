/// The scan shared by every precision: blocks of the corpus are split across threads; each
/// thread walks its blocks in cache-sized chunks, scores a group of queries against a chunk with
/// one kernel call, and keeps the best `k` rows per query with a vectorized "key above the
/// current bar" selection feeding a ``TopK`` heap. The per-thread results are merged.
///
/// A ``CompiledRowFilter`` is applied at the same place: blocks without an allowed row are not
/// scored, and a row enters the heap only when the filter allows it, so the result is the exact
/// best `k` among the allowed rows.
struct BlockScan<Key: RankingKey>: Sendable {
    /// Writes keys for `queryCount` queries from `queryStart` against `blockCount` blocks from
    /// `blockStart`: `out[q * stride + row]`, rows relative to the first block passed.
    typealias Kernel = @Sendable (
        _ blockStart: Int, _ blockCount: Int, _ queryStart: Int, _ queryCount: Int,
        _ out: UnsafeMutablePointer<Key>, _ stride: Int
    ) -> Void
    /// Positions of keys above a threshold (see `eq_select_above_*`).
    typealias Select = @Sendable (UnsafePointer<Key>, Int, Key, UnsafeMutablePointer<Int32>) -> Int

    /// Corpus rows.
    let rowCount: Int
    /// Bytes of one block (decides the chunk size).
    let blockBytes: Int
    let kernel: Kernel
    let select: Select

    /// Queries scored per kernel call: 8 by default (their keys, 8 × 4 KiB per chunk, stay in
    /// L1); more where a kernel does per-chunk work that every query shares (the asymmetric
    /// scans unpack bit and ternary codes once per call).
    var queryGroup = 8
    /// Blocks per thread below which a scan does not use another thread.
    static var minimumBlocksPerThread: Int { 256 }

    /// The best `k` rows `filter` allows (every row when `nil`) for each of `queryCount` queries,
    /// best first.
    ///
    /// `bars` (one per query, `nil` for none) keeps only rows whose key is strictly above the
    /// query's bar, as if the heap started full of rows at the bar: a scan that continues the
    /// results of another part (`queryCount` entries when given).
    ///
    /// A large corpus is split across threads by rows (one query or many); a small corpus with
    /// many queries is split by queries instead.
    func run(queryCount: Int, k: Int, threads: Int, filter: CompiledRowFilter? = nil, bars: [Key?]? = nil) -> [[RankedRow<Key>]] {
        guard queryCount > 0 else { return [] }
        let blocks = BlockLayout.blockCount(rows: rowCount)
        guard blocks > 0 else { return Array(repeating: [], count: queryCount) }
        let capacity = Swift.min(k, rowCount)
        let rowThreads = Swift.max(1, Swift.min(threads, blocks / Self.minimumBlocksPerThread))
        if rowThreads == 1, threads > 1, queryCount >= 2 * queryGroup {
            let queryThreads = Swift.min(threads, queryCount / queryGroup)
            let parts = Parallel.ranges(total: queryCount, parts: queryThreads)
            return Parallel.map(queryThreads) { part in
                scan(blocks: 0..<blocks, queries: parts[part], capacity: capacity, filter: filter, bars: bars)
            }.flatMap { $0 }
        }
        let parts = Parallel.ranges(total: blocks, parts: rowThreads)
        let partial = Parallel.map(rowThreads) { part in
            scan(blocks: parts[part], queries: 0..<queryCount, capacity: capacity, filter: filter, bars: bars)
        }
        if rowThreads == 1 { return partial[0] }
        return (0..<queryCount).map { query in
            [RankedRow<Key>].mergeBest(partial.map { $0[query] }, k: capacity)
        }
    }

    /// The best `capacity` allowed rows of `blocks` for each query of `queries` (indexed from 0).
    private func scan(
        blocks: Range<Int>, queries: Range<Int>, capacity: Int, filter: CompiledRowFilter?, bars: [Key?]?
    ) -> [[RankedRow<Key>]] {
        let queryCount = queries.count
        var heaps = (0..<queryCount).map { _ in TopK<Key>(capacity: capacity) }
        // At most 192 KiB of corpus per chunk (it stays in L2 while every query group passes over
        // it) and at most 1024 rows (a group's keys, 8 × 4 KiB, stay in L1).
        let chunkBlocks = Swift.max(1, Swift.min(64, (192 << 10) / Swift.max(blockBytes, 1)))
        let rowsPerBlock = BlockLayout.rowsPerBlock
        let chunkRows = chunkBlocks * rowsPerBlock
        let group = queryGroup
        // 64-byte aligned: the kernels store whole 16-row blocks of keys (a split line costs twice).
        let keys = UnsafeMutableRawPointer.allocate(byteCount: group * chunkRows * MemoryLayout<Key>.stride, alignment: 64)
            .bindMemory(to: Key.self, capacity: group * chunkRows)
        // Rows of skipped blocks keep old keys: initialized, and never offered (the filter rejects them).
        keys.initialize(repeating: .lowest, count: group * chunkRows)
        let indices = UnsafeMutablePointer<Int32>.allocate(capacity: chunkRows)
        defer {
            UnsafeMutableRawPointer(keys).deallocate()
            indices.deallocate()
        }
        // With a filter: the runs of consecutive blocks of the chunk that hold an allowed row.
        var runs: [Range<Int>] = []
        // The rows of the chunk (relative to its first row) that were scored.
        var spans: [Range<Int>] = []
        var block = blocks.lowerBound
        while block < blocks.upperBound {
            let count = Swift.min(chunkBlocks, blocks.upperBound - block)
            let firstRow = block * rowsPerBlock
            let valid = Swift.min(count * rowsPerBlock, rowCount - firstRow)
            if let filter {
                runs.removeAll(keepingCapacity: true)
                for b in block..<(block + count) where filter.mayAllow((b * rowsPerBlock)..<((b + 1) * rowsPerBlock)) {
                    if let last = runs.last, last.upperBound == b { runs[runs.count - 1] = last.lowerBound..<(b + 1) } else { runs.append(b..<(b + 1)) }
                }
                if runs.isEmpty {
                    block += count
                    continue
                }
            }
            spans.removeAll(keepingCapacity: true)
            if filter == nil {
                spans.append(0..<valid)
            } else {
                for run in runs {
                    let lower = (run.lowerBound - block) * rowsPerBlock
                    let upper = Swift.min((run.upperBound - block) * rowsPerBlock, valid)
                    if lower < upper { spans.append(lower..<upper) }
                }
            }
            var query = 0
            while query < queryCount {
                let size = Swift.min(group, queryCount - query)
                if filter == nil {
                    kernel(block, count, queries.lowerBound + query, size, keys, chunkRows)
                } else {
                    for run in runs {
                        kernel(run.lowerBound, run.count, queries.lowerBound + query, size,
                               keys + (run.lowerBound - block) * rowsPerBlock, chunkRows)
                    }
                }
                for member in 0..<size {
                    let row = keys + member * chunkRows
                    let seed = bars?[queries.lowerBound + query + member] ?? nil
                    // Only the scored rows: the whole chunk, or with a filter its runs of blocks
                    // (the keys between them are stale).
                    for span in spans {
                        if !heaps[query + member].isFull, seed == nil {
                            if let filter {
                                for r in span where filter.allows(firstRow + r) {
                                    heaps[query + member].offer(key: row[r], row: firstRow + r)
                                }
                            } else {
                                for r in span { heaps[query + member].offer(key: row[r], row: firstRow + r) }
                            }
                        } else {
                            // A seeded heap holds only keys above the seed, so a full one's worst is above it.
                            let bar = heaps[query + member].isFull ? heaps[query + member].worst!.key : seed!
                            let found = select(row + span.lowerBound, span.count, bar, indices)
                            for i in 0..<found {
                                let r = span.lowerBound + Int(indices[i])
                                if let filter, !filter.allows(firstRow + r) { continue }
                                heaps[query + member].offer(key: row[r], row: firstRow + r)
                            }
                        }
                    }
                }
                query += size
            }
            block += count
        }
        return heaps.map { $0.sorted() }
    }
}

import EmbeddingKernels
import EmbeddingQuantization

extension RaBitQIndex {
    /// Rows per block of the scan layout.
    static let blockRows = Int(EQ_RABITQ_BLOCK_ROWS)

    /// Rows per scan chunk (kernel output buffer; 256 blocks).
    static let chunkRows = 256 * Self.blockRows

    /// Calls `body` with each run of consecutive rows of `rows` (which starts on a block
    /// boundary) made of whole blocks that hold a row `filter` may allow: the rows a filtered
    /// scan estimates. Without a filter mask, `rows` is one run.
    @inline(__always)
    static func forEachRun(in rows: Range<Int>, filter: CompiledRowFilter?, _ body: (Range<Int>) -> Void) {
        guard let filter, filter.mask != nil else {
            body(rows)
            return
        }
        var runStart: Int?
        var block = rows.lowerBound
        while block < rows.upperBound {
            let end = Swift.min(block + Self.blockRows, rows.upperBound)
            if filter.mayAllow(block..<end) {
                if runStart == nil { runStart = block }
            } else if let start = runStart {
                body(start..<block)
                runStart = nil
            }
            block = end
        }
        if let start = runStart { body(start..<rows.upperBound) }
    }

    /// Queries scored together per pass over the codes.
    static let queryGroup = 64

    /// Whether the scan of `queryBits`-bit queries runs by lookups (`eq_rabitq_scan_lookup`, 7-bit
    /// windows or nibbles: 1-bit codes, queries of at most 5 bits, every query of a group in one
    /// pass) rather than the popcount kernel (one query per call). Both give the same estimates,
    /// bit for bit.
    func scansByLookups(queryBits: Int) -> Bool { bits == 1 && queryBits <= 5 }

    /// A group of queries (at most ``queryGroup``) and their preparations: scan, bound-driven
    /// candidates, refinement, among the rows `filter` allows; one result per query, in order. A
    /// row whose upper bound (its estimate for ``RaBitQSearchParameters/Refinement/estimate``)
    /// does not reach its query's floor is left out, and so is every hit not above it.
    ///
    /// The codes are scanned chunk by chunk, each chunk for every query of the group while it is
    /// in cache. Blocks without an allowed row are skipped; a row enters a query's top `k` (or the
    /// bound's candidates) only when the filter allows it, checked only for rows above the current
    /// bar.
    func searchGroup(
        _ queries: [[Float]], prepared: [RaBitQQuery], k: Int, parameters: RaBitQSearchParameters, filter: CompiledRowFilter?,
        floors: [Float]
    ) throws(SearchError) -> [(hits: [SearchHit], statistics: RaBitQSearchStatistics)] {
        guard rowCount > 0, !queries.isEmpty else { return queries.map { _ in ([], RaBitQSearchStatistics()) } }
        let groupSize = prepared.count
        let refinesExactly: Bool
        if case .exact = parameters.refinement { refinesExactly = true } else { refinesExactly = false }
        let estimateOnly: Bool
        if case .estimate = parameters.refinement { estimateOnly = true } else { estimateOnly = false }
        let queryTerms = prepared.map { parameters.queryErrorMultiplier * $0.quantizationSigma * largestGridNorm }
        let codeTerms = prepared.map { refinesExactly ? parameters.errorMultiplier * $0.norm : 0 }
        let centres = prepared.map(\.centre)
        let kernels = KernelTable.current.table
        // The process's table itself (KernelTable.current is its copy), for the C entry point.
        let processKernels = eq_kernels()!
        let selectAbove = kernels.select_above_f32!
        let wordsPerBlock = bits * planeWords * Self.blockRows
        let keep = Swift.min(k, rowCount)
        // The bar is the `depth`-th best lower bound (RaBitQ's rule at depth k).
        let (product, overflow) = k.multipliedReportingOverflow(by: parameters.candidateMultiplier)
        let depth = Swift.min(overflow ? Int.max : product, rowCount)

        // Lookups: the counting tables, then each query's; estimates of query q at (q + 1) · stride.
        // Smaller chunks keep the group's estimates in L2.
        let lookups = scansByLookups(queryBits: parameters.queryBits)
        let chunkRows = lookups ? 64 * Self.blockRows : Self.chunkRows
        let stride = chunkRows
        let queryBits = Int32(parameters.queryBits)
        let tableBytes = Int(eq_rabitq_lookup_table_bytes(processKernels, Int64(planeWords), queryBits))
        // 64-byte aligned (the AVX-512 kernel loads a word's tables as whole registers).
        let tables = BlockedStorage(byteCount: lookups ? (groupSize + 1) * tableBytes : 0)
        let lookupTables = tables.base.assumingMemoryBound(to: UInt8.self)
        if lookups {
            eq_rabitq_lookup_tables(processKernels, nil, Int64(dimension), Int64(planeWords), queryBits, lookupTables)
            for (q, query) in prepared.enumerated() {
                query.codes.withUnsafeBufferPointer { c in
                    eq_rabitq_lookup_tables(
                        processKernels, c.baseAddress, Int64(dimension), Int64(planeWords), queryBits,
                        lookupTables + (q + 1) * tableBytes)
                }
            }
        }
        let deltas = prepared.map(\.delta), lows = prepared.map(\.low), biases = prepared.map(\.bias)

        // Scratch for one chunk: estimates of every query, selected positions, the lookup kernel's
        // scratch.
        let estimates = UnsafeMutableRawPointer.allocate(byteCount: (groupSize + 1) * stride * 4, alignment: 64)
            .bindMemory(to: Float.self, capacity: (groupSize + 1) * stride)
        let selected = UnsafeMutablePointer<Int32>.allocate(capacity: chunkRows)
        let scratch = UnsafeMutableRawPointer.allocate(
            byteCount: Swift.max(Int(eq_rabitq_lookup_scratch_bytes(processKernels, Int64(planeWords), queryBits)), 1),
            alignment: 64)
        defer {
            UnsafeMutableRawPointer(estimates).deallocate()
            selected.deallocate()
            scratch.deallocate()
        }
        var lowerBounds = [TopK<Float>](repeating: TopK<Float>(capacity: depth), count: groupSize)
        var best = [TopK<Float>](repeating: TopK<Float>(capacity: keep), count: groupSize)
        var candidates = [[(row: Int, upper: Float)]](repeating: [], count: groupSize)
        var scanned = 0

        blocks.withUnsafeBufferPointer { blockWords in
            scales.withUnsafeBufferPointer { scaleValues in
                errorFactors.withUnsafeBufferPointer { errorValues in
                    var start = 0
                    while start < rowCount {
                        let chunk = start..<Swift.min(start + chunkRows, rowCount)
                        Self.forEachRun(in: chunk, filter: filter) { run in
                            let base = run.lowerBound, count = run.count
                            let blockCount = (count + Self.blockRows - 1) / Self.blockRows
                            let runBlocks = blockWords.baseAddress! + (base / Self.blockRows) * wordsPerBlock
                            if lookups {
                                eq_rabitq_scan_lookup(
                                    processKernels, runBlocks, Int64(blockCount), Int64(planeWords), queryBits,
                                    lookupTables, Int64(groupSize), scaleValues.baseAddress! + base,
                                    deltas, lows, biases, estimates, Int64(stride), scratch.assumingMemoryBound(to: UInt8.self))
                            } else {
                                for (q, query) in prepared.enumerated() {
                                    query.planes.withUnsafeBufferPointer { planes in
                                        kernels.rabitq_scan!(
                                            runBlocks, Int64(blockCount), Int64(planeWords), Int32(bits), planes.baseAddress!,
                                            Int32(query.queryBits), scaleValues.baseAddress! + base, query.delta, query.low,
                                            query.bias, estimates + (q + 1) * stride)
                                    }
                                }
                            }
                            scanned += count
                            // The run's largest factors bound every row's error term (below).
                            var largestScale: Float = 0, largestError: Float = 0
                            if !estimateOnly {
                                let scale = scaleValues.baseAddress! + base, error = errorValues.baseAddress! + base
                                for i in 0..<count {
                                    largestScale = Swift.max(largestScale, abs(scale[i]))
                                    largestError = Swift.max(largestError, abs(error[i]))
                                }
                            }
                            for q in 0..<groupSize {
                                let rowEstimates = estimates + (q + 1) * stride
                                if estimateOnly {
                                    // Only rows that can enter the top k are offered.
                                    let bar = Swift.max(best[q].isFull ? best[q].worst!.key - centres[q] : -Float.infinity, floors[q] - centres[q])
                                    let found = Int(selectAbove(rowEstimates, Int64(count), bar.nextDown, selected))
                                    for position in 0..<found {
                                        let i = Int(selected[position])
                                        if let filter, !filter.allows(base + i) { continue }
                                        best[q].offer(key: centres[q] + rowEstimates[i], row: base + i)
                                    }
                                } else {
                                    // A row is a candidate when its upper bound (estimate + bound) reaches the
                                    // bar. Every bound is at most `reach`, so only rows whose estimate clears
                                    // bar − centre − reach (less a margin far above float rounding) can be:
                                    // the select kernel finds those, and each is then checked exactly.
                                    let scale = scaleValues.baseAddress! + base, error = errorValues.baseAddress! + base
                                    let (queryTerm, codeTerm, centre) = (queryTerms[q], codeTerms[q], centres[q])
                                    let bar = Swift.max(lowerBounds[q].isFull ? lowerBounds[q].worst!.key : -Float.infinity, floors[q])
                                    let reach = largestScale * abs(queryTerm) + largestError * abs(codeTerm)
                                    let margin = 1e-3 * (1 + abs(bar) + abs(centre) + reach)
                                    let threshold = bar - centre - reach - margin
                                    let found = Int(selectAbove(rowEstimates, Int64(count), threshold, selected))
                                    for position in 0..<found {
                                        let i = Int(selected[position])
                                        let bound = scale[i] * queryTerm + error[i] * codeTerm
                                        let estimate = centre + rowEstimates[i]
                                        let upper = estimate + bound
                                        guard upper >= bar else { continue }
                                        if let filter, !filter.allows(base + i) { continue }
                                        lowerBounds[q].offer(key: estimate - bound, row: base + i)
                                        candidates[q].append((base + i, upper))
                                    }
                                }
                            }
                        }
                        start = chunk.upperBound
                    }
                }
            }
        }
        var results: [(hits: [SearchHit], statistics: RaBitQSearchStatistics)] = []
        for q in 0..<groupSize {
            if estimateOnly {
                let hits = best[q].sorted().filter { $0.key > floors[q] }.map { SearchHit(row: $0.row, score: Double($0.key)) }
                results.append((hits, RaBitQSearchStatistics(rowsScanned: scanned, candidatesRefined: 0)))
                continue
            }
            let bar = Swift.max(lowerBounds[q].worst?.key ?? -Float.infinity, floors[q])
            let rows = candidates[q].filter { $0.upper >= bar }.map(\.row)
            let hits: [SearchHit]
            switch parameters.refinement {
            case .exact(let finer):
                hits = try finer.rescore(query: queries[q], candidates: rows, k: keep)
            default:
                // The float query against the RaBitQ codes themselves (AsymmetricScorer's estimator),
                // rotated once: `codes` and `rotation` come from the same quantized codes.
                hits = try codes.rescore(query: queries[q], candidates: rows, k: keep, rotated: prepared[q].rotated)
            }
            results.append((hits.filter { $0.score > Double(floors[q]) }, RaBitQSearchStatistics(rowsScanned: scanned, candidatesRefined: rows.count)))
        }
        return results
    }
}

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

    /// One query: scan, bound-driven candidates, refinement, among the rows `filter` allows.
    ///
    /// Blocks without an allowed row are skipped; a row enters the top `k` (or the bound's
    /// candidates) only when the filter allows it, checked only for rows above the current bar.
    func searchOne(
        _ query: [Float], k: Int, parameters: RaBitQSearchParameters, filter: CompiledRowFilter?
    ) throws(SearchError) -> (hits: [SearchHit], statistics: RaBitQSearchStatistics) {
        guard rowCount > 0 else { return ([], RaBitQSearchStatistics()) }
        let prepared = RaBitQQuery(
            query: query, rotation: rotation, codeBits: bits, queryBits: parameters.queryBits, planeWords: planeWords)
        let refinesExactly: Bool
        if case .exact = parameters.refinement { refinesExactly = true } else { refinesExactly = false }
        let estimateOnly: Bool
        if case .estimate = parameters.refinement { estimateOnly = true } else { estimateOnly = false }
        let queryTerm = parameters.queryErrorMultiplier * prepared.quantizationSigma * largestGridNorm
        let codeTerm = refinesExactly ? parameters.errorMultiplier * prepared.norm : 0
        let kernels = KernelTable.current.table
        let kernel = kernels.rabitq_scan!
        let selectAbove = kernels.select_above_f32!
        let wordsPerBlock = bits * planeWords * Self.blockRows
        let keep = Swift.min(k, rowCount)
        // The bar is the `depth`-th best lower bound (RaBitQ's rule at depth k).
        let (product, overflow) = k.multipliedReportingOverflow(by: parameters.candidateMultiplier)
        let depth = Swift.min(overflow ? Int.max : product, rowCount)

        // Scratch for one chunk: estimates (then lower bounds), upper bounds, selected positions.
        let estimates = UnsafeMutablePointer<Float>.allocate(capacity: Self.chunkRows)
        let uppers = UnsafeMutablePointer<Float>.allocate(capacity: Self.chunkRows)
        let selected = UnsafeMutablePointer<Int32>.allocate(capacity: Self.chunkRows)
        defer {
            estimates.deallocate()
            uppers.deallocate()
            selected.deallocate()
        }
        var lowerBounds = TopK<Float>(capacity: depth)
        var best = TopK<Float>(capacity: keep)
        var candidates: [(row: Int, upper: Float)] = []
        var scanned = 0
        let centre = prepared.centre

        blocks.withUnsafeBufferPointer { blockWords in
            scales.withUnsafeBufferPointer { scaleValues in
                errorFactors.withUnsafeBufferPointer { errorValues in
                    prepared.planes.withUnsafeBufferPointer { planes in
                        var start = 0
                        while start < rowCount {
                            let chunk = start..<Swift.min(start + Self.chunkRows, rowCount)
                            Self.forEachRun(in: chunk, filter: filter) { run in
                                let base = run.lowerBound, count = run.count
                                let blockCount = (count + Self.blockRows - 1) / Self.blockRows
                                kernel(
                                    blockWords.baseAddress! + (base / Self.blockRows) * wordsPerBlock, Int64(blockCount),
                                    Int64(planeWords), Int32(bits), planes.baseAddress!, Int32(prepared.queryBits),
                                    scaleValues.baseAddress! + base, prepared.delta, prepared.low, prepared.bias, estimates)
                                scanned += count
                                if estimateOnly {
                                    // Only rows that can enter the top k are offered.
                                    let bar = best.isFull ? best.worst!.key - centre : -Float.infinity
                                    let found = Int(selectAbove(estimates, Int64(count), bar.nextDown, selected))
                                    for position in 0..<found {
                                        let i = Int(selected[position])
                                        if let filter, !filter.allows(base + i) { continue }
                                        best.offer(key: centre + estimates[i], row: base + i)
                                    }
                                } else {
                                    let scale = scaleValues.baseAddress! + base, error = errorValues.baseAddress! + base
                                    for i in 0..<count {
                                        let bound = scale[i] * queryTerm + error[i] * codeTerm
                                        let estimate = centre + estimates[i]
                                        uppers[i] = estimate + bound
                                        estimates[i] = estimate - bound  // now the lower bound
                                    }
                                    let bar = lowerBounds.isFull ? lowerBounds.worst!.key : -Float.infinity
                                    let found = Int(selectAbove(uppers, Int64(count), bar.nextDown, selected))
                                    for position in 0..<found {
                                        let i = Int(selected[position])
                                        if let filter, !filter.allows(base + i) { continue }
                                        lowerBounds.offer(key: estimates[i], row: base + i)
                                        candidates.append((base + i, uppers[i]))
                                    }
                                }
                            }
                            start = chunk.upperBound
                        }
                    }
                }
            }
        }
        if estimateOnly {
            let hits = best.sorted().map { SearchHit(row: $0.row, score: Double($0.key)) }
            return (hits, RaBitQSearchStatistics(rowsScanned: scanned, candidatesRefined: 0))
        }
        let bar = lowerBounds.worst?.key ?? -Float.infinity
        let rows = candidates.filter { $0.upper >= bar }.map(\.row)
        let hits: [SearchHit]
        switch parameters.refinement {
        case .exact(let finer):
            hits = try finer.rescore(query: query, candidates: rows, k: keep)
        default:
            // The float query against the RaBitQ codes themselves (AsymmetricScorer's estimator).
            hits = try codes.rescore(query: query, candidates: rows, k: keep)
        }
        return (hits, RaBitQSearchStatistics(rowsScanned: scanned, candidatesRefined: rows.count))
    }
}

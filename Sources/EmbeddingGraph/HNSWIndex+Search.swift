import EmbeddingQuantization
import EmbeddingSearch

extension HNSWIndex: VectorIndex {
    /// Rows of the codes (graph nodes), deleted ones included.
    public var rowCount: Int { graph.rowCount }

    /// The best `k` allowed rows per float32 query (`m × d`), quantized like the corpus (float
    /// indexes take them as they are); see ``HNSWIndex`` for when the answer is exact.
    /// ``SearchParameters/rescoreMultiplier`` is ignored (wrap the index in a `RefineIndex`).
    ///
    /// - Throws: `SearchError`: `invalidK`, `dimensionMismatch`, `invalidThreadCount`, `invalidEf`,
    ///   `nonFiniteValue`, `missingRanges` (int8 or ternary codes without their calibration).
    public func search(_ queries: EmbeddingMatrix, k: Int, parameters: SearchParameters) throws(SearchError) -> SearchResults {
        let (threads, ef) = try validate(k: k, queryDimension: queries.dimension, parameters: parameters)
        do {
            try queries.validateFinite()
        } catch let QuantizationError.nonFiniteValue(row, column, _) {
            throw SearchError.nonFiniteValue(what: "the queries", row: row, column: column)
        } catch {
            throw SearchError.nonFiniteValue(what: "the queries", row: 0, column: 0)
        }
        let prepared: [UInt8]
        if metric.hasFloatQueries {
            prepared = queries.values.withUnsafeBytes { [UInt8]($0) }
        } else {
            if precision.needsCalibration {
                guard let ranges, precision != .ternary || ranges.ternaryThresholds != nil else {
                    throw SearchError.missingRanges(precision)
                }
            }
            do {
                prepared = try EmbeddingQuantizer(precision: precision, ranges: ranges, rounding: rounding).quantize(queries).codes
            } catch {
                throw SearchError.quantization(error)
            }
        }
        return run(prepared, queryCount: queries.rowCount, k: k, ef: ef, threads: threads, filter: parameters.filter)
    }

    /// The best `k` allowed rows per query given as codes of the index's precision (float
    /// indexes take float32, float16 or bfloat16 queries, widened exactly).
    ///
    /// - Throws: `SearchError.precisionMismatch` for codes of another precision, and the errors
    ///   of ``search(_:k:parameters:)-(EmbeddingMatrix,_,_)``.
    public func search(_ queries: QuantizedEmbeddings, k: Int, parameters: SearchParameters) throws(SearchError) -> SearchResults {
        let (threads, ef) = try validate(k: k, queryDimension: queries.dimension, parameters: parameters)
        if metric.hasFloatQueries {
            guard [.float32, .float16, .bfloat16].contains(queries.precision) else {
                throw SearchError.precisionMismatch(index: precision, queries: queries.precision)
            }
            let widened: EmbeddingMatrix
            do {
                widened = try EmbeddingQuantizer(precision: queries.precision).dequantize(queries)
            } catch {
                throw SearchError.quantization(error)
            }
            return try search(widened, k: k, parameters: parameters)
        }
        guard queries.precision == precision else {
            throw SearchError.precisionMismatch(index: precision, queries: queries.precision)
        }
        var prepared = queries.codes
        prepared.withUnsafeMutableBytes { bytes in
            for q in 0..<queries.rowCount {
                metric.clearPadding(bytes.baseAddress!.assumingMemoryBound(to: UInt8.self) + q * metric.rowBytes)
            }
        }
        return run(prepared, queryCount: queries.rowCount, k: k, ef: ef, threads: threads, filter: parameters.filter)
    }

    /// Checks `k`, the dimension, the thread count and `ef`; returns the threads and `ef`.
    private func validate(k: Int, queryDimension: Int, parameters: SearchParameters) throws(SearchError) -> (Int, Int) {
        try validate(k: k, queryDimension: queryDimension)
        let threads = try Parallel.resolve(parameters.threads)
        let ef = parameters.ef ?? defaultEf
        guard ef >= 1 else { throw SearchError.invalidEf(ef) }
        return (threads, ef)
    }

    /// How one batch of queries is answered.
    enum Plan: Equatable {
        /// No row is allowed.
        case nothing
        /// Every allowed row scored (`ef` covers them, or the filter is too selective).
        case exactScan
        /// The graph walk.
        case graph
    }

    /// The plan for `ef` candidates and a filter allowing about `allowed` rows.
    func plan(ef: Int, allowed: Int) -> Plan {
        if allowed == 0 { return .nothing }
        guard allowsExactScan else { return .graph }
        if ef >= allowed || Double(allowed) < exactScanSelectivity * Double(rowCount) { return .exactScan }
        return .graph
    }

    /// Searches `queryCount` prepared queries (``GraphMetric/queryBytes`` each).
    private func run(_ prepared: [UInt8], queryCount: Int, k: Int, ef: Int, threads: Int, filter: RowFilter?) -> SearchResults {
        guard queryCount > 0 else { return SearchResults(metric: metric.searchMetric, hits: []) }
        let compiled = compiledFilter(filter)
        let allowed = Self.estimateAllowed(compiled, rowCount: rowCount)
        let plan = plan(ef: Swift.max(ef, k), allowed: allowed)
        let workers = Swift.min(threads, queryCount)
        let parts = Parallel.ranges(total: queryCount, parts: workers)
        let perWorker = Parallel.map(workers) { worker -> [[SearchHit]] in
            scratches.withScratch { scratch in
                compiled.mask.withWords { words in
                    let graphFilter = compiled.mask == nil && compiled.predicates.isEmpty
                        ? nil : GraphFilter(words: words, predicates: compiled.predicates)
                    return prepared.withUnsafeBytes { bytes in
                        parts[worker].map { q in
                            let query = bytes.baseAddress! + q * metric.queryBytes
                            let found: [ScoredNode]
                            switch plan {
                            case .nothing: found = []
                            case .exactScan: found = exactScan(query, k: k, filter: graphFilter, mask: compiled.mask, scratch: scratch)
                            case .graph: found = walk(query, k: k, ef: Swift.max(ef, k), filter: graphFilter, scratch: scratch)
                            }
                            return found.map { SearchHit(row: Int($0.node), score: metric.score(ofKey: $0.key)) }
                        }
                    }
                }
            }
        }
        return SearchResults(metric: metric.searchMetric, hits: perWorker.flatMap { $0 })
    }

    /// The caller's filter and the deleted rows as one mask and the predicates.
    func compiledFilter(_ filter: RowFilter?) -> CompiledRowFilter {
        let compiled = filter?.compiled(rowCount: rowCount)
        var mask = compiled?.mask
        if let deletedRows {
            let live = deletedRows.complement
            mask = mask.map { $0.intersection(live) } ?? live
        }
        return CompiledRowFilter(mask: mask, predicates: compiled?.predicates ?? [])
    }

    /// About how many rows `filter` allows: the mask's count, times the fraction of up to 1,024
    /// evenly spaced mask rows the predicates accept.
    static func estimateAllowed(_ filter: CompiledRowFilter, rowCount: Int) -> Int {
        let masked = filter.mask?.count ?? rowCount
        guard !filter.predicates.isEmpty, masked > 0 else { return masked }
        let samples = Swift.min(1024, rowCount)
        var seen = 0, accepted = 0
        for i in 0..<samples {
            let row = i * rowCount / samples
            guard filter.mask?.contains(row) ?? true else { continue }
            seen += 1
            if filter.allows(row) { accepted += 1 }
        }
        guard seen > 0 else { return masked }
        // Never estimate 0 for a filter that may allow rows: the scan finds out exactly.
        return Swift.max(1, masked * accepted / seen)
    }

    /// HNSW search: greedy descent from the entry point through the upper levels, then a beam
    /// search of `ef` on level 0; the best `k` allowed rows, ascending by key.
    func walk(_ query: UnsafeRawPointer, k: Int, ef: Int, filter: GraphFilter?, scratch: SearchScratch) -> [ScoredNode] {
        guard let entry = graph.entryPoint else { return [] }
        let traversal = GraphTraversal(storage: graph.storage, codes: codes, metric: metric)
        var current = traversal.scored(query, UInt32(entry), scratch: scratch)
        var level = graph.maxLevel
        while level > 0 {
            current = traversal.greedy(query, from: current, level: level, scratch: scratch)
            level -= 1
        }
        // A walk whose ef covers every node also starts from the entry point, from which the
        // builder made every node reachable: it visits them all (the exact answer).
        let second = ef >= rowCount ? traversal.scored(query, UInt32(entry), scratch: scratch) : nil
        traversal.searchLayer(query, entry: current, level: 0, ef: ef, filter: filter, scratch: scratch, alsoFrom: second)
        var found = Array(scratch.results.elements)
        found.sort()
        return Array(found.prefix(k))
    }

    /// Every allowed row scored (in chunks of ``scanChunk`` rows, ascending); the best `k`,
    /// ascending by key. Predicates are asked only about rows that could enter the top `k`.
    func exactScan(
        _ query: UnsafeRawPointer, k: Int, filter: GraphFilter?, mask: RowBitset?, scratch: SearchScratch
    ) -> [ScoredNode] {
        var best = scratch.results
        best.removeAll()
        defer { scratch.results = best }
        let (ids, keys) = (scratch.ids, scratch.keys)
        let predicates = filter?.predicates ?? []
        var filled = 0
        func flush() {
            guard filled > 0 else { return }
            metric.keys(query: query, codes: codes, rows: ids, count: filled, into: keys)
            for i in 0..<filled {
                let candidate = ScoredNode(key: keys[i], node: ids[i])
                guard best.count < k || candidate < best.top else { continue }
                if !predicates.isEmpty, !predicates.allSatisfy({ $0(Int(ids[i])) }) { continue }
                if best.count < k { best.push(candidate) } else { best.replaceTop(candidate) }
            }
            filled = 0
        }
        if let mask {
            for (index, word) in mask.words.enumerated() {
                var remaining = word
                while remaining != 0 {
                    ids[filled] = UInt32(index * 64 + remaining.trailingZeroBitCount)
                    filled += 1
                    if filled == Self.scanChunk { flush() }
                    remaining &= remaining - 1
                }
            }
        } else {
            for row in 0..<rowCount {
                ids[filled] = UInt32(row)
                filled += 1
                if filled == Self.scanChunk { flush() }
            }
        }
        flush()
        var found = Array(best.elements)
        found.sort()
        return found
    }
}

extension Optional where Wrapped == RowBitset {
    /// Calls `body` with the words of the set (`nil` when there is no set), valid during the call.
    func withWords<Result>(_ body: (UnsafePointer<UInt64>?) -> Result) -> Result {
        guard let set = self else { return body(nil) }
        return set.words.withUnsafeBufferPointer { body($0.baseAddress) }
    }
}

import EmbeddingQuantization

extension FlatIndex: VectorIndex {
    /// Searches float32 queries (`m × d`); see ``VectorIndex/search(_:k:parameters:)``.
    ///
    /// A float index scores them exactly (float32 dot product). A code index first quantizes them
    /// with the index's ``ranges`` and ``rounding`` (signs for bit codes), then searches
    /// symmetrically; the result's metric is ``metric``. ``SearchParameters/rescoreMultiplier`` is
    /// ignored (a flat index has no refine stage).
    ///
    /// - Throws: ``SearchError/invalidK(_:)``, ``SearchError/dimensionMismatch(expected:actual:what:)``,
    ///   ``SearchError/invalidThreadCount(_:)``, ``SearchError/nonFiniteValue(what:row:column:)``;
    ///   ``SearchError/missingRanges(_:)`` when a calibrated precision has no ranges.
    public func search(_ queries: EmbeddingMatrix, k: Int, parameters: SearchParameters) throws(SearchError) -> SearchResults {
        try search(queries, k: k, filter: parameters.filter, threads: parameters.threads, strictlyBefore: nil)
    }

    /// Searches with queries that are already codes of the index's precision (symmetric scoring,
    /// see ``FlatIndex``); otherwise as ``search(_:k:parameters:)``.
    ///
    /// A float index (`float32`, `float16`, `bfloat16`) accepts queries in any of those three
    /// precisions (widened exactly to float32).
    ///
    /// - Parameters:
    ///   - queries: `m × d` codes; `m` may be 0.
    ///   - k: hits per query (≥ 1); more than the allowed rows returns every allowed row.
    ///   - parameters: the row filter and thread count.
    /// - Returns: `m` lists of hits, best first (see ``metric`` for the direction), equal scores by
    ///   ascending row.
    /// - Throws: ``SearchError/precisionMismatch(index:queries:)`` for codes of another precision,
    ///   and the errors of ``search(_:k:parameters:)``.
    public func search(_ queries: QuantizedEmbeddings, k: Int, parameters: SearchParameters) throws(SearchError) -> SearchResults {
        let threadCount = try validate(k: k, threads: parameters.threads, queryDimension: queries.dimension)
        let filter = parameters.filter?.compiled(rowCount: rowCount)
        if precision.isFloat {
            guard queries.precision.isFloat else {
                throw SearchError.precisionMismatch(index: precision, queries: queries.precision)
            }
            let widened: EmbeddingMatrix
            do {
                widened = try EmbeddingQuantizer(precision: queries.precision).dequantize(queries)
            } catch {
                throw SearchError.quantization(error)
            }
            return searchFloats(widened.values, queryCount: widened.rowCount, k: k, threads: threadCount, filter: filter)
        }
        guard queries.precision == precision else {
            throw SearchError.precisionMismatch(index: precision, queries: queries.precision)
        }
        return searchCodes(queries.codes, queryCount: queries.rowCount, k: k, threads: threadCount, filter: filter)
    }

    /// Searches with code queries of the index's precision among the rows `filter` allows (every
    /// row when `nil`), on `threads` threads (`nil`: every core); see ``search(_:k:parameters:)-(QuantizedEmbeddings,_,_)``.
    ///
    /// - Throws: ``SearchError``, as ``search(_:k:parameters:)-(QuantizedEmbeddings,_,_)``.
    public func search(
        _ queries: QuantizedEmbeddings, k: Int, filter: RowFilter? = nil, threads: Int? = nil
    ) throws(SearchError) -> SearchResults {
        try search(queries, k: k, parameters: SearchParameters(filter: filter, threads: threads))
    }

    /// Searches float32 queries as ``search(_:k:parameters:)`` does, keeping only rows whose score
    /// ranks strictly before `bounds[q]` (higher, or for Hamming lower; `nil`: no bound): the
    /// scan of one part of a corpus split in parts, continuing the best `k` of the parts before
    /// it, whose ties rank first. Equal to filtering the unbounded hits, without the heap work
    /// of rows that cannot make the merged top `k`.
    ///
    /// - Parameters:
    ///   - queries: `m × d` float32 queries.
    ///   - bounds: `m` scores of this index's ``metric``, or `nil` per query; `nil`: no bounds.
    /// - Throws: as ``search(_:k:parameters:)``; ``SearchError/dimensionMismatch(expected:actual:what:)``
    ///   when `bounds` does not hold one entry per query.
    package func search(
        _ queries: EmbeddingMatrix, k: Int, filter: RowFilter?, threads: Int?, strictlyBefore bounds: [Double?]?
    ) throws(SearchError) -> SearchResults {
        let threadCount = try validate(k: k, threads: threads, queryDimension: queries.dimension)
        if let bounds, bounds.count != queries.rowCount {
            throw SearchError.dimensionMismatch(expected: queries.rowCount, actual: bounds.count, what: "the score bounds (one per query)")
        }
        try Self.validateFinite(queries, what: "the queries")
        let compiled = filter?.compiled(rowCount: rowCount)
        if precision.isFloat {
            let bars = bounds?.map { $0.flatMap { $0.isNaN ? nil : Float($0) } }
            return searchFloats(queries.values, queryCount: queries.rowCount, k: k, threads: threadCount, filter: compiled, bars: bars)
        }
        let codes = try quantizeQueries(queries)
        return searchCodes(codes.codes, queryCount: codes.rowCount, k: k, threads: threadCount, filter: compiled, bounds: bounds)
    }

    /// The queries quantized the way the corpus was (`m × d` → codes of ``precision``).
    func quantizeQueries(_ queries: EmbeddingMatrix) throws(SearchError) -> QuantizedEmbeddings {
        if precision.needsCalibration {
            guard let ranges, precision != .ternary || ranges.ternaryThresholds != nil else {
                throw SearchError.missingRanges(precision)
            }
        }
        do {
            return try EmbeddingQuantizer(precision: precision, ranges: ranges, rounding: rounding).quantize(queries)
        } catch {
            throw SearchError.quantization(error)
        }
    }

    /// Checks `k`, the thread count and the query dimension; returns the thread count.
    func validate(k: Int, threads: Int?, queryDimension: Int) throws(SearchError) -> Int {
        try validate(k: k, queryDimension: queryDimension)
        return try Parallel.resolve(threads)
    }

    /// Float scan: `values` holds `queryCount × d` floats; `bars`, when given, one key bar per
    /// query (see ``BlockScan/run(queryCount:k:threads:filter:bars:)``).
    func searchFloats(
        _ values: [Float], queryCount: Int, k: Int, threads: Int, filter: CompiledRowFilter?, bars: [Float?]? = nil
    ) -> SearchResults {
        let (storage, layout, path, d) = (self.storage, self.layout, kernels, dimension)
        let format: Int32 = precision == .float16 ? 1 : (precision == .bfloat16 ? 2 : 0)
        let padded = values + [Float](repeating: 0, count: 16)  // never an empty buffer
        let scan = BlockScan<Float>(
            rowCount: rowCount, blockBytes: layout.blockBytes,
            kernel: { blockStart, blockCount, queryStart, size, out, stride in
                padded.withUnsafeBufferPointer { queries in
                    BlockKernels.floats(
                        path, storage.base + blockStart * layout.blockBytes, blockCount, d, format,
                        queries.baseAddress! + queryStart * d, size, out, stride)
                }
            },
            select: { keys, n, bar, indices in BlockKernels.selectAbove(path, keys, n, bar, indices) })
        let hits = scan.run(queryCount: queryCount, k: k, threads: threads, filter: filter, bars: bars).map { rows in
            rows.map { SearchHit(row: $0.row, score: Double($0.key)) }
        }
        return SearchResults(metric: metric, hits: hits)
    }

    /// Integer and bit scan: `codes` holds `queryCount` rows of the index's precision; `bounds`,
    /// when given, one score per query that every hit must rank strictly before.
    func searchCodes(
        _ codes: [UInt8], queryCount: Int, k: Int, threads: Int, filter: CompiledRowFilter?, bounds: [Double?]? = nil
    ) -> SearchResults {
        let (storage, layout, path, bias) = (self.storage, self.layout, kernels, rowBias)
        let queryBytes = layout.queryRowBytes
        let sourceBytes = precision.bytesPerVector(dimension: dimension)
        var encoded = [UInt8](repeating: 0, count: queryCount * queryBytes + 64)
        var offsets = [Int64](repeating: 0, count: queryCount)
        codes.withUnsafeBufferPointer { source in
            encoded.withUnsafeMutableBufferPointer { target in
                for q in 0..<queryCount where sourceBytes > 0 {
                    layout.padQueryRow(source.baseAddress! + q * sourceBytes, into: target.baseAddress! + q * queryBytes)
                    if self.precision == .int8 {
                        // Σ (c + 128)·q − 128·Σ q = Σ c·q.
                        var sum: Int64 = 0
                        for j in 0..<sourceBytes { sum += Int64(Int8(bitPattern: source[q * sourceBytes + j])) }
                        offsets[q] = -128 * sum
                    }
                }
            }
        }
        let queries = encoded
        let precision = self.precision
        let kernel: BlockScan<Int32>.Kernel = { blockStart, blockCount, queryStart, size, out, stride in
            queries.withUnsafeBytes { raw in
                let blocks = UnsafeRawPointer(storage.base + blockStart * layout.blockBytes)
                let query = raw.baseAddress! + queryStart * queryBytes
                switch precision {
                case .binary, .ubinary:
                    BlockKernels.hamming(path, blocks, blockCount, layout.words, query, size, out, stride)
                case .ternary:
                    BlockKernels.ternary(path, blocks, blockCount, layout.words, query, size, out, stride)
                case .int4:
                    BlockKernels.nibbles(path, blocks, blockCount, layout.words, query, size, out, stride)
                default:
                    bias.withUnsafeBufferPointer { rowBias in
                        // An empty array may still lend a non-nil base address: only uint8 has a bias.
                        let start = rowBias.isEmpty ? nil : rowBias.baseAddress.map { $0 + blockStart * BlockLayout.rowsPerBlock }
                        BlockKernels.bytes(path, blocks, blockCount, layout.words, query, size, start, out, stride)
                    }
                }
            }
        }
        let scan = BlockScan<Int32>(
            rowCount: rowCount, blockBytes: layout.blockBytes, kernel: kernel,
            select: { keys, n, bar, indices in BlockKernels.selectAbove(path, keys, n, bar, indices) })
        let bars = bounds.map { bounds in
            bounds.enumerated().map { query, bound in bound.flatMap { bar(score: $0, offset: offsets[query]) } }
        }
        let ranked = scan.run(queryCount: queryCount, k: k, threads: threads, filter: filter, bars: bars)
        let hits = ranked.enumerated().map { query, rows in
            rows.map { SearchHit(row: $0.row, score: score(key: $0.key, offset: offsets[query])) }
        }
        return SearchResults(metric: metric, hits: hits)
    }

    /// The bar of keys that rank strictly before `score` (the inverse of ``score(key:offset:)``);
    /// `nil` when every key does (a bound below the keys' range, or NaN).
    private func bar(score: Double, offset: Int64) -> Int32? {
        let value: Double
        switch precision {
        case .binary, .ubinary: value = -score
        case .int8: value = score - Double(offset)
        case .uint8: value = score - Double(0x8000_0000 as Int64)
        default: value = score
        }
        guard !value.isNaN, value >= Double(Int32.min) else { return nil }
        return Int32(clamping: Int64(min(value.rounded(.down), Double(Int32.max))))
    }

    /// The score a kernel key stands for (see the table in ``FlatIndex``).
    private func score(key: Int32, offset: Int64) -> Double {
        switch precision {
        case .binary, .ubinary: return Double(-Int64(key))
        case .int8: return Double(Int64(key) + offset)
        case .uint8: return Double(Int64(key) + 0x8000_0000)
        default: return Double(key)
        }
    }
}

extension Precision {
    /// float32, float16 or bfloat16.
    var isFloat: Bool { self == .float32 || self == .float16 || self == .bfloat16 }
}

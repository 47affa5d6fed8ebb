import EmbeddingQuantization

extension FlatIndex {
    /// Searches with queries of the index's precision (symmetric scoring, see ``FlatIndex``).
    ///
    /// A float index (`float32`, `float16`, `bfloat16`) accepts queries in any of those three
    /// precisions (widened exactly to float32).
    ///
    /// - Parameters:
    ///   - queries: `m × d` codes; `m` may be 0.
    ///   - k: hits per query (≥ 1); more than ``count`` returns every row.
    ///   - threads: threads to use (≥ 1); `nil` uses every core.
    /// - Returns: `m` lists of `min(k, count)` hits, best first (see ``metric`` for the direction),
    ///   equal scores by ascending row.
    public func search(_ queries: QuantizedEmbeddings, k: Int, threads: Int? = nil) throws(SearchError) -> [[SearchHit]] {
        let threadCount = try validate(k: k, threads: threads, queryDimension: queries.dimension)
        if precision.isFloat {
            guard queries.precision.isFloat else {
                throw SearchError.precisionMismatch(index: precision, queries: queries.precision)
            }
            let widened: EmbeddingMatrix
            do {
                widened = try EmbeddingQuantizer(precision: queries.precision).dequantize(queries)
            } catch {
                throw SearchError.quantization(error as? QuantizationError ?? .invalidParameter("\(error)"))
            }
            return searchFloats(widened.values, queryCount: widened.rowCount, k: k, threads: threadCount)
        }
        guard queries.precision == precision else {
            throw SearchError.precisionMismatch(index: precision, queries: queries.precision)
        }
        return searchCodes(queries.codes, queryCount: queries.rowCount, k: k, threads: threadCount)
    }

    /// Searches with float32 queries (`m × d`).
    ///
    /// A float index scores them exactly (float32 dot product). A code index first quantizes them
    /// with the index's ``ranges`` and ``rounding`` (signs for bit codes), then searches
    /// symmetrically, as sentence-transformers' `semantic_search_faiss` does. For float queries
    /// against dequantized codes use ``StoredCodes/asymmetricSearch(_:k:threads:)``; to refine
    /// with finer codes use ``search(_:k:rescoring:threads:)``.
    ///
    /// - Throws: ``SearchError/missingRanges(_:)`` when a calibrated precision has no ranges;
    ///   ``SearchError/nonFiniteValue(what:row:column:)``; the errors of the symmetric search.
    public func search(_ queries: EmbeddingMatrix, k: Int, threads: Int? = nil) throws(SearchError) -> [[SearchHit]] {
        let threadCount = try validate(k: k, threads: threads, queryDimension: queries.dimension)
        try Self.validateFinite(queries, what: "the queries")
        if precision.isFloat {
            return searchFloats(queries.values, queryCount: queries.rowCount, k: k, threads: threadCount)
        }
        let codes = try quantizeQueries(queries)
        return searchCodes(codes.codes, queryCount: codes.rowCount, k: k, threads: threadCount)
    }

    /// Searches with one float32 query of `d` values; see ``search(_:k:threads:)-(EmbeddingMatrix,_,_)``.
    public func search(_ query: [Float], k: Int, threads: Int? = nil) throws(SearchError) -> [SearchHit] {
        try search(EmbeddingMatrix(vector: query), k: k, threads: threads)[0]
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
            throw SearchError.quantization(error as? QuantizationError ?? .invalidParameter("\(error)"))
        }
    }

    /// Checks `k`, the thread count and the query dimension; returns the thread count.
    func validate(k: Int, threads: Int?, queryDimension: Int) throws(SearchError) -> Int {
        guard k >= 1 else { throw SearchError.invalidK(k) }
        guard queryDimension == dimension else {
            throw SearchError.dimensionMismatch(expected: dimension, actual: queryDimension, what: "the queries")
        }
        return try Parallel.resolve(threads)
    }

    /// Float scan: `values` holds `queryCount × d` floats.
    func searchFloats(_ values: [Float], queryCount: Int, k: Int, threads: Int) -> [[SearchHit]] {
        let (storage, layout, path, d) = (self.storage, self.layout, kernelPath, dimension)
        let format: Int32 = precision == .float16 ? 1 : (precision == .bfloat16 ? 2 : 0)
        let padded = values + [Float](repeating: 0, count: 16)  // never an empty buffer
        let scan = BlockScan<Float>(
            rowCount: count, blockBytes: layout.blockBytes,
            kernel: { blockStart, blockCount, queryStart, size, out, stride in
                padded.withUnsafeBufferPointer { queries in
                    BlockKernels.floats(
                        path, storage.base + blockStart * layout.blockBytes, blockCount, d, format,
                        queries.baseAddress! + queryStart * d, size, out, stride)
                }
            },
            select: { keys, n, bar, indices in BlockKernels.selectAbove(path, keys, n, bar, indices) })
        return scan.run(queryCount: queryCount, k: k, threads: threads).map { rows in
            rows.map { SearchHit(row: $0.row, score: Double($0.key)) }
        }
    }

    /// Integer and bit scan: `codes` holds `queryCount` rows of the index's precision.
    func searchCodes(_ codes: [UInt8], queryCount: Int, k: Int, threads: Int) -> [[SearchHit]] {
        let (storage, layout, path, bias) = (self.storage, self.layout, kernelPath, rowBias)
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
            rowCount: count, blockBytes: layout.blockBytes, kernel: kernel,
            select: { keys, n, bar, indices in BlockKernels.selectAbove(path, keys, n, bar, indices) })
        let ranked = scan.run(queryCount: queryCount, k: k, threads: threads)
        return ranked.enumerated().map { query, rows in
            rows.map { SearchHit(row: $0.row, score: score(key: $0.key, offset: offsets[query])) }
        }
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

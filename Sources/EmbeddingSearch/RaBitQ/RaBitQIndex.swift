import EmbeddingKernels
import EmbeddingQuantization

/// Exact-scan search over RaBitQ-family codes (`rabitq1` … `rabitq4`) with float queries.
///
/// ```swift
/// let rotation = try RaBitQRotation.random(dimension: 384, seed: 7, centroid: RaBitQRotation.mean(of: corpus))
/// let ranges = try Calibration.ranges(from: corpus).withRotation(rotation)
/// let codes = try EmbeddingQuantizer(precision: .rabitq1, ranges: ranges).quantize(corpus)  // 56 B/row at d = 384
/// let index = try RaBitQIndex(codes)
/// let hits = try index.search(queries, k: 10)                              // scores: estimated inner products
/// let exact = try index.search(queries, k: 10, parameters: .init(refinement: .exact(StoredCodes(corpus))))
/// ```
///
/// The codes are re-laid in blocks of 16 rows for the popcount scan (`RaBitQKernels.h`); the
/// correction factors live in two arrays beside them; the row-major codes are kept for refining
/// candidates with the float query. Scores are estimates of the inner product `⟨x, q⟩` (higher
/// is better), or the finer codes' scores with ``RaBitQSearchParameters/Refinement/exact(_:)``;
/// ties go to the lower row.
public struct RaBitQIndex: Sendable {
    /// The row-major codes (bit-planes and factors per row).
    public let codes: StoredCodes
    /// Bits per dimension (1 … 4).
    public let bits: Int
    /// Number of rows.
    public var rowCount: Int { codes.rowCount }
    /// Dimensions of the vectors.
    public var dimension: Int { codes.dimension }
    /// What a search through ``VectorIndex`` uses: query bits, refinement, error multipliers.
    public var searchParameters = RaBitQSearchParameters()

    let rotation: RaBitQRotation
    let planeWords: Int
    let blocks: [UInt64]
    let scales: [Float]
    let errorFactors: [Float]
    /// The largest `‖y‖` of any row (bounds the query-quantization error).
    let largestGridNorm: Float

    /// Indexes RaBitQ codes (their ranges must carry the rotation they were made with).
    ///
    /// - Throws: ``SearchError/unsupportedPrecision(_:reason:)`` for codes of another precision;
    ///   ``SearchError/missingRanges(_:)`` without a rotation.
    public init(_ quantized: QuantizedEmbeddings) throws(SearchError) {
        guard let bits = quantized.precision.rabitqCodeBits else {
            throw SearchError.unsupportedPrecision(quantized.precision, reason: "a RaBitQIndex holds rabitq1 … rabitq4 codes")
        }
        guard let rotation = quantized.ranges?.rotation else { throw SearchError.missingRanges(quantized.precision) }
        let d = quantized.dimension
        let n = quantized.rowCount
        let planeBytes = RaBitQCodes.planeBytes(dimension: d)
        let planeWords = (d + 63) / 64
        let blockCount = (n + Self.blockRows - 1) / Self.blockRows
        let rowsPadded = blockCount * Self.blockRows
        let wordsPerRow = bits * planeWords
        var blocks = [UInt64](repeating: 0, count: rowsPadded * wordsPerRow)
        var scales = [Float](repeating: 0, count: rowsPadded)
        var errorFactors = [Float](repeating: 0, count: rowsPadded)
        var largestGridNorm: Float = 0
        let width = quantized.bytesPerVector
        quantized.codes.withUnsafeBytes { all in
            for row in 0..<n {
                let bytes = UnsafeRawBufferPointer(rebasing: all[(row * width)..<((row + 1) * width)])
                let factors = RaBitQCodes.factors(of: bytes, dimension: d, bits: bits)
                scales[row] = factors.scale
                errorFactors[row] = factors.errorFactor
                let block = row / Self.blockRows, lane = row % Self.blockRows
                for a in 0..<bits {
                    for j in 0..<planeWords {
                        var word: UInt64 = 0
                        for byte in 0..<8 where j * 8 + byte < planeBytes {
                            var value = bytes[a * planeBytes + j * 8 + byte]
                            // Bits past the last dimension are padding: ignored even when set.
                            if j * 8 + byte == planeBytes - 1, d % 8 != 0 { value &= UInt8(0xFF) << UInt8(8 - d % 8) }
                            word |= UInt64(value) << UInt64(8 * byte)
                        }
                        blocks[(block * wordsPerRow + a * planeWords + j) * Self.blockRows + lane] = word
                    }
                }
                if bits > 1 {
                    var squared: Float = 0
                    for code in RaBitQCodes.codes(of: bytes, dimension: d, bits: bits) {
                        let y = RaBitQCodes.gridValue(code: code, bits: bits)
                        squared += y * y
                    }
                    largestGridNorm = max(largestGridNorm, squared.squareRoot())
                }
            }
        }
        if bits == 1 { largestGridNorm = Float(d).squareRoot() / 2 }
        self.codes = StoredCodes(quantized)
        self.bits = bits
        self.rotation = rotation
        self.planeWords = planeWords
        self.blocks = blocks
        self.scales = scales
        self.errorFactors = errorFactors
        self.largestGridNorm = largestGridNorm
    }

    /// The best `k` rows for each float query (`m × d`), best first.
    ///
    /// - Parameter threads: threads over which the queries are split (`nil`: every core).
    /// - Throws: ``SearchError/invalidK(_:)``, ``SearchError/dimensionMismatch(expected:actual:what:)``,
    ///   ``SearchError/nonFiniteValue(what:row:column:)``, ``SearchError/invalidThreadCount(_:)``,
    ///   ``SearchError/unsupportedPrecision(_:reason:)`` for query bits outside 1 … 8, and the errors of the
    ///   exact refinement's codes (rows or dimension that differ from the index's).
    public func search(
        _ queries: EmbeddingMatrix, k: Int, parameters: RaBitQSearchParameters = RaBitQSearchParameters(),
        threads: Int? = nil
    ) throws(SearchError) -> [[SearchHit]] {
        try searchWithStatistics(queries, k: k, parameters: parameters, threads: threads).map(\.hits)
    }

    /// As ``search(_:k:parameters:threads:)``, with each query's ``RaBitQSearchStatistics``.
    public func searchWithStatistics(
        _ queries: EmbeddingMatrix, k: Int, parameters: RaBitQSearchParameters = RaBitQSearchParameters(),
        threads: Int? = nil
    ) throws(SearchError) -> [(hits: [SearchHit], statistics: RaBitQSearchStatistics)] {
        guard k >= 1 else { throw SearchError.invalidK(k) }
        guard queries.dimension == dimension else {
            throw SearchError.dimensionMismatch(expected: dimension, actual: queries.dimension, what: "the queries")
        }
        guard (1...8).contains(parameters.queryBits) else {
            throw SearchError.unsupportedPrecision(codes.precision, reason: "query bits must be 1 … 8, got \(parameters.queryBits)")
        }
        if case .exact(let finer) = parameters.refinement {
            guard finer.rowCount == rowCount, finer.dimension == dimension else {
                throw SearchError.dimensionMismatch(
                    expected: dimension, actual: finer.dimension, what: "the refinement codes (\(finer.rowCount) rows)")
            }
        }
        try FlatIndex.validateFinite(queries, what: "the queries")
        let threadCount = min(try Parallel.resolve(threads), max(queries.rowCount, 1))
        let parts = Parallel.ranges(total: queries.rowCount, parts: threadCount)
        let results = Parallel.map(parts.count) { part -> Result<[(hits: [SearchHit], statistics: RaBitQSearchStatistics)], SearchError> in
            do throws(SearchError) {
                var out: [(hits: [SearchHit], statistics: RaBitQSearchStatistics)] = []
                for query in parts[part] { out.append(try searchOne(Array(queries[row: query]), k: k, parameters: parameters)) }
                return .success(out)
            } catch {
                return .failure(error)
            }
        }
        var merged: [(hits: [SearchHit], statistics: RaBitQSearchStatistics)] = []
        for result in results {
            switch result {
            case .success(let rows): merged += rows
            case .failure(let error): throw error
            }
        }
        return merged
    }

    /// Rows per block of the scan layout.
    static let blockRows = Int(EQ_RABITQ_BLOCK_ROWS)

    /// Rows per scan chunk (kernel output buffer; 256 blocks).
    static let chunkRows = 256 * Self.blockRows

    /// One query: scan, bound-driven candidates, refinement.
    func searchOne(
        _ query: [Float], k: Int, parameters: RaBitQSearchParameters
    ) throws(SearchError) -> (hits: [SearchHit], statistics: RaBitQSearchStatistics) {
        guard rowCount > 0 else { return ([], RaBitQSearchStatistics()) }
        let prepared = RaBitQQuery(
            query: query, rotation: rotation, codeBits: bits, queryBits: parameters.queryBits, planeWords: planeWords)
        let refinesExactly: Bool
        switch parameters.refinement {
        case .estimate: refinesExactly = false
        case .floatQuery: refinesExactly = false
        case .exact: refinesExactly = true
        }
        let queryTerm = parameters.queryErrorMultiplier * prepared.quantizationSigma * largestGridNorm
        let codeTerm = refinesExactly ? parameters.errorMultiplier * prepared.norm : 0
        let kernels = KernelTable.current.table
        let kernel = kernels.rabitq_scan!
        let selectAbove = kernels.select_above_f32!
        let wordsPerBlock = bits * planeWords * Self.blockRows
        let keep = min(k, rowCount)

        // Scratch for one chunk: estimates (then lower bounds), upper bounds, selected positions.
        let estimates = UnsafeMutablePointer<Float>.allocate(capacity: Self.chunkRows)
        let uppers = UnsafeMutablePointer<Float>.allocate(capacity: Self.chunkRows)
        let selected = UnsafeMutablePointer<Int32>.allocate(capacity: Self.chunkRows)
        defer {
            estimates.deallocate()
            uppers.deallocate()
            selected.deallocate()
        }
        var lowerBounds = TopK<Float>(capacity: keep)
        var best = TopK<Float>(capacity: keep)
        var candidates: [(row: Int, upper: Float)] = []
        let estimateOnly: Bool
        if case .estimate = parameters.refinement { estimateOnly = true } else { estimateOnly = false }
        let centre = prepared.centre

        blocks.withUnsafeBufferPointer { blockWords in
            scales.withUnsafeBufferPointer { scaleValues in
                errorFactors.withUnsafeBufferPointer { errorValues in
                    prepared.planes.withUnsafeBufferPointer { planes in
                        var start = 0
                        while start < rowCount {
                            let count = min(Self.chunkRows, rowCount - start)
                            let blockCount = (count + Self.blockRows - 1) / Self.blockRows
                            kernel(
                                blockWords.baseAddress! + (start / Self.blockRows) * wordsPerBlock, Int64(blockCount),
                                Int64(planeWords), Int32(bits), planes.baseAddress!, Int32(prepared.queryBits),
                                scaleValues.baseAddress! + start, prepared.delta, prepared.low, prepared.bias, estimates)
                            if estimateOnly {
                                // Only rows that can enter the top k are offered.
                                let bar = best.isFull ? best.worst!.key - centre : -Float.infinity
                                let found = Int(selectAbove(estimates, Int64(count), bar.nextDown, selected))
                                for position in 0..<found {
                                    let i = Int(selected[position])
                                    best.offer(key: centre + estimates[i], row: start + i)
                                }
                            } else {
                                let scale = scaleValues.baseAddress! + start, error = errorValues.baseAddress! + start
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
                                    lowerBounds.offer(key: estimates[i], row: start + i)
                                    candidates.append((start + i, uppers[i]))
                                }
                            }
                            start += count
                        }
                    }
                }
            }
        }
        if estimateOnly {
            let hits = best.sorted().map { SearchHit(row: $0.row, score: Double($0.key)) }
            return (hits, RaBitQSearchStatistics(rowsScanned: rowCount, candidatesRefined: 0))
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
        return (hits, RaBitQSearchStatistics(rowsScanned: rowCount, candidatesRefined: rows.count))
    }
}

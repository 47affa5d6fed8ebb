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
/// let some = try index.search(queries, k: 10, filter: .allowing(rows: allowed, rowCount: index.rowCount))
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
        try self.init(StoredCodes(quantized))
    }

    /// Indexes RaBitQ codes read from any ``ByteSource`` (an array, a memory-mapped file): the
    /// scan's blocks are built from them, and the row-major codes are not copied — refinement
    /// reads its candidate rows from `quantized.bytes` (``codes``).
    ///
    /// - Throws: as ``init(_:)-(QuantizedEmbeddings)``.
    public init(_ quantized: StoredCodes) throws(SearchError) {
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
        quantized.bytes.withUnsafeBytes { all in
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
        self.codes = quantized
        self.bits = bits
        self.rotation = rotation
        self.planeWords = planeWords
        self.blocks = blocks
        self.scales = scales
        self.errorFactors = errorFactors
        self.largestGridNorm = largestGridNorm
    }

    /// The best `k` rows `filter` allows (every row when `nil`) for each float query (`m × d`),
    /// best first; `min(k, allowed rows)` hits per query.
    ///
    /// The filter is applied where candidates are selected: blocks of 16 rows without an
    /// allowed row are not scanned, and only allowed rows enter the bound's top `k` and the
    /// refinement. Each row keeps the estimate and bound it has without a filter, so the answer
    /// is the unfiltered rule applied to the allowed rows alone: with ``RaBitQSearchParameters/Refinement/estimate``
    /// exactly their best `k` estimates, with a refinement the refined best `k` of the allowed
    /// rows whose bound reaches the bar.
    ///
    /// - Parameters:
    ///   - parameters: query bits, refinement, error multipliers, the bar's rank.
    ///   - filter: the rows that may be returned (rows are `0 ..< rowCount`).
    ///   - threads: threads over which the queries are split (`nil`: every core).
    /// - Throws: ``SearchError/invalidK(_:)``, ``SearchError/dimensionMismatch(expected:actual:what:)``,
    ///   ``SearchError/nonFiniteValue(what:row:column:)``, ``SearchError/invalidThreadCount(_:)``,
    ///   ``SearchError/unsupportedPrecision(_:reason:)`` for query bits outside 1 … 8,
    ///   ``SearchError/invalidRescoreMultiplier(_:)`` for a candidate multiplier below 1, and the
    ///   errors of the exact refinement's codes (rows or dimension that differ from the index's,
    ///   a failed read).
    public func search(
        _ queries: EmbeddingMatrix, k: Int, parameters: RaBitQSearchParameters = RaBitQSearchParameters(),
        filter: RowFilter? = nil, threads: Int? = nil
    ) throws(SearchError) -> [[SearchHit]] {
        try searchWithStatistics(queries, k: k, parameters: parameters, filter: filter, threads: threads).map(\.hits)
    }

    /// As ``search(_:k:parameters:filter:threads:)``, with each query's ``RaBitQSearchStatistics``.
    public func searchWithStatistics(
        _ queries: EmbeddingMatrix, k: Int, parameters: RaBitQSearchParameters = RaBitQSearchParameters(),
        filter: RowFilter? = nil, threads: Int? = nil
    ) throws(SearchError) -> [(hits: [SearchHit], statistics: RaBitQSearchStatistics)] {
        try searchWithStatistics(queries, k: k, parameters: parameters, filter: filter, threads: threads, above: nil)
    }

    /// As ``search(_:k:parameters:filter:threads:)``, keeping only the hits whose score is above
    /// `floors[q]` (`nil`: no floor): the search of one part of a corpus split in parts (a
    /// collection's segments), continuing the best `k` of the parts before it. A row whose upper
    /// bound does not reach its query's floor is neither a candidate nor refined (and does not
    /// enter the top `k` of ``RaBitQSearchParameters/Refinement/estimate``), so a part after
    /// the first refines only rows that can still enter. Equal to filtering the unbounded hits
    /// whenever the bound holds.
    ///
    /// - Throws: as ``search(_:k:parameters:filter:threads:)``;
    ///   ``SearchError/dimensionMismatch(expected:actual:what:)`` when `floors` does not hold one
    ///   entry per query.
    package func search(
        _ queries: EmbeddingMatrix, k: Int, parameters: RaBitQSearchParameters = RaBitQSearchParameters(),
        filter: RowFilter?, threads: Int?, above floors: [Double?]
    ) throws(SearchError) -> [[SearchHit]] {
        try searchWithStatistics(queries, k: k, parameters: parameters, filter: filter, threads: threads, above: floors).map(\.hits)
    }

    func searchWithStatistics(
        _ queries: EmbeddingMatrix, k: Int, parameters: RaBitQSearchParameters, filter: RowFilter?, threads: Int?, above floors: [Double?]?
    ) throws(SearchError) -> [(hits: [SearchHit], statistics: RaBitQSearchStatistics)] {
        try searchWithStatistics(
            prepare(queries, parameters: parameters, threads: threads), k: k, parameters: parameters, filter: filter, threads: threads, above: floors)
    }

    /// `queries` (`m × d`) rotated with this index's rotation and quantized to
    /// `parameters.queryBits` bits, once for the searches of every index with the same
    /// rotation, centroid and code bits (the parts of a collection) with the same query bits.
    ///
    /// - Throws: ``SearchError/dimensionMismatch(expected:actual:what:)``,
    ///   ``SearchError/nonFiniteValue(what:row:column:)``, ``SearchError/invalidThreadCount(_:)``,
    ///   ``SearchError/unsupportedPrecision(_:reason:)`` for query bits outside 1 … 8.
    package func prepare(
        _ queries: EmbeddingMatrix, parameters: RaBitQSearchParameters = RaBitQSearchParameters(), threads: Int?
    ) throws(SearchError) -> RaBitQPreparedQueries {
        guard queries.dimension == dimension else {
            throw SearchError.dimensionMismatch(expected: dimension, actual: queries.dimension, what: "the queries")
        }
        guard (1...8).contains(parameters.queryBits) else {
            throw SearchError.unsupportedPrecision(codes.precision, reason: "query bits must be 1 … 8, got \(parameters.queryBits)")
        }
        try FlatIndex.validateFinite(queries, what: "the queries")
        let threadCount = min(try Parallel.resolve(threads), max(queries.rowCount, 1))
        let parts = Parallel.ranges(total: queries.rowCount, parts: threadCount)
        let (rotation, bits, planeWords) = (self.rotation, self.bits, self.planeWords)
        let prepared = Parallel.map(parts.count) { part in
            parts[part].map { row in
                let query = Array(queries[row: row])
                return (query, RaBitQQuery(query: query, rotation: rotation, codeBits: bits, queryBits: parameters.queryBits, planeWords: planeWords))
            }
        }.flatMap { $0 }
        return RaBitQPreparedQueries(
            queries: prepared.map(\.0), prepared: prepared.map(\.1), centroid: rotation.centroid,
            firstRow: Array(rotation.matrix.prefix(dimension)), lastRow: Array(rotation.matrix.suffix(dimension)),
            dimension: dimension, codeBits: bits, queryBits: parameters.queryBits)
    }

    /// As ``search(_:k:parameters:filter:threads:above:)`` with queries prepared once
    /// (``prepare(_:parameters:threads:)``, by this index or one with the same rotation).
    ///
    /// - Throws: as ``search(_:k:parameters:filter:threads:above:)``;
    ///   ``SearchError/unsupportedPrecision(_:reason:)`` for queries prepared for other codes,
    ///   query bits or another rotation (their centroid, or the first or last row of the matrix,
    ///   differ).
    package func search(
        prepared: RaBitQPreparedQueries, k: Int, parameters: RaBitQSearchParameters = RaBitQSearchParameters(),
        filter: RowFilter?, threads: Int?, above floors: [Double?]?
    ) throws(SearchError) -> [[SearchHit]] {
        try searchWithStatistics(prepared, k: k, parameters: parameters, filter: filter, threads: threads, above: floors).map(\.hits)
    }

    private func searchWithStatistics(
        _ prepared: RaBitQPreparedQueries, k: Int, parameters: RaBitQSearchParameters, filter: RowFilter?, threads: Int?,
        above floors: [Double?]?
    ) throws(SearchError) -> [(hits: [SearchHit], statistics: RaBitQSearchStatistics)] {
        guard prepared.dimension == dimension, prepared.codeBits == bits, prepared.queryBits == parameters.queryBits,
              prepared.centroid == rotation.centroid, prepared.firstRow.elementsEqual(rotation.matrix.prefix(dimension)),
              prepared.lastRow.elementsEqual(rotation.matrix.suffix(dimension)) else {
            throw SearchError.unsupportedPrecision(
                codes.precision, reason: "queries prepared for \(prepared.codeBits)-bit codes of dimension \(prepared.dimension) with \(prepared.queryBits)-bit queries "
                    + "do not fit this index (\(bits)-bit codes, dimension \(dimension), \(parameters.queryBits)-bit queries) or were rotated with another centroid or rotation")
        }
        if let floors, floors.count != prepared.count {
            throw SearchError.dimensionMismatch(expected: prepared.count, actual: floors.count, what: "the score floors (one per query)")
        }
        guard k >= 1 else { throw SearchError.invalidK(k) }
        guard parameters.candidateMultiplier >= 1 else { throw SearchError.invalidRescoreMultiplier(parameters.candidateMultiplier) }
        if case .exact(let finer) = parameters.refinement {
            guard finer.rowCount == rowCount, finer.dimension == dimension else {
                throw SearchError.dimensionMismatch(
                    expected: dimension, actual: finer.dimension, what: "the refinement codes (\(finer.rowCount) rows)")
            }
        }
        let compiled = filter?.compiled(rowCount: rowCount)
        let threadCount = min(try Parallel.resolve(threads), max(prepared.count, 1))
        let parts = Parallel.ranges(total: prepared.count, parts: threadCount)
        let results = Parallel.map(parts.count) { part -> Result<[(hits: [SearchHit], statistics: RaBitQSearchStatistics)], SearchError> in
            do throws(SearchError) {
                var out: [(hits: [SearchHit], statistics: RaBitQSearchStatistics)] = []
                let rows = Array(parts[part])
                for first in stride(from: 0, to: rows.count, by: Self.queryGroup) {
                    let members = rows[first..<Swift.min(first + Self.queryGroup, rows.count)]
                    let groupFloors = members.map { row in floors?[row].map(Float.init) ?? -Float.infinity }
                    out += try searchGroup(
                        members.map { prepared.queries[$0] }, prepared: members.map { prepared.prepared[$0] }, k: k,
                        parameters: parameters, filter: compiled, floors: groupFloors)
                }
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
}

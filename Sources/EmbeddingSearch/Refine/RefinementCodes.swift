import EmbeddingQuantization

/// Finer codes a ``RefineIndex`` rescores candidates with: one row of ``precision`` codes per row
/// of the index it refines, wherever they live — in memory or memory-mapped (``StoredCodes`` over
/// an array or a ``MemoryMappedFile``), or in a file read with `pread` (an index file's rescoring
/// section, conformance in `EmbeddingIndex`).
///
/// Conformers must be safe to read from several threads at once.
public protocol RefinementCodes: Sendable {
    /// The precision of the codes (layouts in `Precision`).
    var precision: Precision { get }
    /// Number of rows.
    var rowCount: Int { get }
    /// Dimensions of the embeddings the codes encode.
    var dimension: Int { get }
    /// The calibration of `int8`, `uint8`, `int4` (needed to score them) and `ternary` codes.
    var ranges: QuantizationRanges? { get }
    /// The rounding the integer codes were made with (decides the dequantized values).
    var rounding: RoundingMode { get }

    /// Calls `body(position, bytes)` for each row of `rows`, in order, with that row's
    /// `precision.bytesPerVector(dimension:)` bytes (valid only during the call).
    ///
    /// - Parameters:
    ///   - rows: distinct rows in `0 ..< rowCount`, ascending.
    ///   - body: called with each row's position in `rows` and its bytes.
    /// - Throws: ``SearchError/rowOutOfRange(row:rowCount:)``; ``SearchError/readFailed(operation:errno:message:)``
    ///   when the codes live in a file that cannot be read.
    func withRows(_ rows: [Int], _ body: (Int, UnsafeRawBufferPointer) -> Void) throws(SearchError)
}

extension StoredCodes: RefinementCodes {
    /// Calls `body` with each row's bytes in place (no copy); see ``RefinementCodes/withRows(_:_:)``.
    ///
    /// - Throws: ``SearchError/rowOutOfRange(row:rowCount:)``.
    public func withRows(_ rows: [Int], _ body: (Int, UnsafeRawBufferPointer) -> Void) throws(SearchError) {
        if let bad = rows.first(where: { $0 < 0 || $0 >= rowCount }) {
            throw SearchError.rowOutOfRange(row: bad, rowCount: rowCount)
        }
        let width = bytesPerVector
        bytes.withUnsafeBytes { all in
            for (position, row) in rows.enumerated() {
                body(position, UnsafeRawBufferPointer(rebasing: all[(row * width)..<((row + 1) * width)]))
            }
        }
    }
}

extension RefinementCodes {
    /// The best `k` of `candidates` by the float query's score against these codes, read
    /// in ascending row order (ties therefore stay ordered by ascending row).
    ///
    /// `int8`, `uint8`, `int4`, `ternary`, `binary` and `ubinary` candidates are gathered into the
    /// blocked layout and scored by the asymmetric SIMD kernels — the path of ``AsymmetricIndex``,
    /// with the same scores bit for bit; other precisions one row at a time by ``AsymmetricScorer``.
    /// `rotated`: for RaBitQ codes, the query already rotated by the codes' rotation.
    func rescore(query: [Float], candidates: [Int], k: Int, rotated: [Float]? = nil) throws(SearchError) -> [SearchHit] {
        guard !candidates.isEmpty else { return [] }
        let rows = candidates.sorted()
        let scorer = try AsymmetricScorer(query: query, precision: precision, ranges: ranges, rounding: rounding, rotated: rotated)
        if AsymmetricBlocks.format(of: precision) != nil, dimension > 0 {
            let width = precision.bytesPerVector(dimension: dimension)
            var gathered = [UInt8]()
            gathered.reserveCapacity(rows.count * width)
            try withRows(rows) { _, bytes in gathered.append(contentsOf: bytes) }
            let blocks = gathered.withUnsafeBytes { raw in
                AsymmetricBlocks(precision: precision, dimension: dimension, rowCount: rows.count, bytes: raw)
            }
            if let blocks {
                let best = blocks.search([scorer], k: k, threads: 1, filter: nil)[0]
                return best.map { SearchHit(row: rows[$0.row], score: $0.score) }
            }
        }
        var best = TopK<Float>(capacity: Swift.min(k, rows.count))
        try withRows(rows) { position, bytes in
            best.offer(key: scorer.score(bytes), row: rows[position])
        }
        return best.sorted().map { SearchHit(row: $0.row, score: Double($0.key)) }
    }
}

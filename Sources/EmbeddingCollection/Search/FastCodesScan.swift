import EmbeddingQuantization
import EmbeddingSearch

/// The exact scan of one part's fast codes (a segment's or a memory chunk's): a `FlatIndex` for
/// every precision but the RaBitQ family, whose codes are scanned by a `RaBitQIndex` (the float
/// query rotated with the codes' rotation, scanned with its 4-bit quantization, and the rows
/// whose error bound reaches the `k`-th best refined with the float query; scores are estimated
/// inner products).
enum FastCodesScan: Sendable {
    /// A scan of non-RaBitQ codes.
    case flat(FlatIndex)
    /// A scan of `rabitq1` … `rabitq4` codes.
    case rabitq(RaBitQIndex)

    /// The scan of `codes` (their ranges carry the rotation for RaBitQ codes).
    ///
    /// - Throws: `SearchError` when the codes cannot be indexed (RaBitQ codes without a rotation).
    init(_ codes: QuantizedEmbeddings) throws(SearchError) {
        self = codes.precision.rabitqCodeBits != nil ? .rabitq(try RaBitQIndex(codes)) : .flat(try FlatIndex(codes))
    }

    /// The scan as a `VectorIndex` (the base of a `RefineIndex`).
    var index: any VectorIndex {
        switch self {
        case .flat(let flat): return flat
        case .rabitq(let rabitq): return rabitq
        }
    }

    /// The best `k` rows `filter` allows for each float query (`m × d`) whose score ranks strictly
    /// before `bounds[q]` (`nil`: no bound), best first; see `FlatIndex`'s bounded search. A
    /// RaBitQ scan ranks by its refined estimates and refines only rows whose upper bound reaches
    /// the bound (`RaBitQIndex`'s search `above:` floors).
    ///
    /// `prepared` carries the queries rotated and quantized for RaBitQ scans from one part to the
    /// next: the first RaBitQ part prepares them, the others reuse them (every part of a
    /// collection holds codes made with the collection's one rotation; the index checks the
    /// centroid and the first and last rows of the rotation).
    func search(
        _ queries: EmbeddingMatrix, k: Int, filter: RowFilter?, threads: Int?, strictlyBefore bounds: [Double?],
        prepared: inout RaBitQPreparedQueries?
    ) throws(SearchError) -> [[SearchHit]] {
        switch self {
        case .flat(let flat):
            return try flat.search(queries, k: k, filter: filter, threads: threads, strictlyBefore: bounds).hits
        case .rabitq(let rabitq):
            let ready: RaBitQPreparedQueries
            if let prepared {
                ready = prepared
            } else {
                ready = try rabitq.prepare(queries, threads: threads)
            }
            prepared = ready
            return try rabitq.search(prepared: ready, k: k, filter: filter, threads: threads, above: bounds)
        }
    }
}

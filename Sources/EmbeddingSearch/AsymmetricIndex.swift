import EmbeddingQuantization

/// An exact index that scores float32 queries against codes as they dequantize (``AsymmetricScorer``):
/// float query × `int8` / `uint8` / `int4` (per-dimension scale honoured), × `ternary`, × bits as
/// ±1, × float rows. A ``VectorIndex``; scores are inner products (higher is better).
///
/// `int8`, `uint8`, `int4`, `ternary`, `binary` and `ubinary` codes are copied once into the
/// blocked layout of the symmetric scans (as many bytes as the codes, plus padding) and scanned
/// with each query's weights rounded to int8 (``AsymmetricScorer``) by the integer dot-product
/// kernels of the symmetric scans (`AsymmetricKernels.h`; bit and ternary codes unpacked to bytes
/// by the portable, AVX2, AVX-512 or NEON variant). The scores are the same in every variant,
/// bit for bit, and equal ``AsymmetricScorer``'s. Float and
/// RaBitQ codes stay in their row-major layout in any ``ByteSource`` (an array or a memory-mapped
/// file) and are scanned in place, one row at a time. Safe to share between threads.
///
/// A NaN or infinite query value is rejected (``SearchError/nonFiniteValue(what:row:column:)``).
public struct AsymmetricIndex: VectorIndex {
    /// The corpus codes, one row per corpus row.
    public let codes: StoredCodes

    /// Dimensions of the queries (and of the codes' embeddings).
    public var dimension: Int { codes.dimension }
    /// Rows of codes.
    public var rowCount: Int { codes.rowCount }

    /// Indexes `codes` (not copied).
    ///
    /// - Throws: ``SearchError/missingRanges(_:)`` for `int8`, `uint8` or `int4` codes without the
    ///   ranges that give their scale.
    public init(_ codes: StoredCodes) throws(SearchError) {
        if [.int8, .uint8, .int4].contains(codes.precision), codes.ranges == nil {
            throw SearchError.missingRanges(codes.precision)
        }
        self.codes = codes
        blocks = AsymmetricBlocks(codes)
    }

    /// The blocked copy the SIMD kernels scan (`nil` for float and RaBitQ codes).
    let blocks: AsymmetricBlocks?
    /// The C kernel table (tests pin one level; production uses the process's table).
    var kernels: KernelTable = .current

    /// The asymmetric kernel variant searches run on this CPU: `"avx512"`, `"avx2"`, `"neon"` or
    /// `"portable"` (capped by `EMBEDQ_ISA`).
    public static var kernelVariantName: String { KernelTable.current.asymmetricVariant }

    /// The variant of the nibble-lookup scan of bit codes on this CPU: `"avx512vbmi"`, `"avx2"`,
    /// `"neon"` or `"portable"` (capped by `EMBEDQ_ISA`).
    public static var lookupVariantName: String { KernelTable.current.asymmetricLookupVariant }

    /// The best `k` allowed rows per float32 query (`m × d`) by the inner product with the
    /// dequantized codes; see ``VectorIndex/search(_:k:parameters:)``.
    /// ``SearchParameters/rescoreMultiplier`` is ignored.
    ///
    /// - Throws: ``SearchError/invalidK(_:)``, ``SearchError/dimensionMismatch(expected:actual:what:)``,
    ///   ``SearchError/invalidThreadCount(_:)``, ``SearchError/nonFiniteValue(what:row:column:)``.
    public func search(_ queries: EmbeddingMatrix, k: Int, parameters: SearchParameters) throws(SearchError) -> SearchResults {
        let filter = parameters.filter?.compiled(rowCount: rowCount)
        guard let blocks else {
            let hits = try codes.asymmetricSearch(queries, k: k, threads: parameters.threads, filter: filter)
            return SearchResults(metric: .innerProduct, hits: hits)
        }
        guard k >= 1 else { throw SearchError.invalidK(k) }
        guard queries.dimension == dimension else {
            throw SearchError.dimensionMismatch(expected: dimension, actual: queries.dimension, what: "the queries")
        }
        let threads = try Parallel.resolve(parameters.threads)
        // Named by its row among the queries (a scorer sees one query).
        try FlatIndex.validateFinite(queries, what: "the query")
        let scorers = try (0..<queries.rowCount).map { (q) throws(SearchError) in
            try AsymmetricScorer(query: Array(queries[row: q]), codes: codes)
        }
        let hits = blocks.search(scorers, k: k, threads: threads, filter: filter, kernels: kernels)
        return SearchResults(metric: .innerProduct, hits: hits)
    }
}

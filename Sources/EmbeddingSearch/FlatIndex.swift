import EmbeddingKernels
import EmbeddingQuantization

/// An exact (brute-force) index over embeddings in any `Precision`: a ``VectorIndex``.
///
/// Every search scores each query against every row the ``RowFilter`` allows and returns the best
/// `k`, sorted best first, equal scores by ascending row. Float32 queries against codes are
/// quantized like the corpus first (as sentence-transformers' `semantic_search_faiss` does); for
/// float queries against dequantized codes use ``AsymmetricIndex``, to rescore with finer codes
/// wrap the index in a ``RefineIndex``. Scores and their direction per precision (``metric``):
///
/// | corpus | symmetric score (codes × codes) | direction |
/// |---|---|---|
/// | float32, float16, bfloat16 | float32 dot product (one fused multiply-add per dimension, in dimension order) | higher is better |
/// | int8 | exact integer dot product of the signed codes (−128 ... 127) | higher is better |
/// | uint8 | exact integer dot product of the unsigned codes (0 ... 255) | higher is better |
/// | int4 | exact integer dot product of the 4-bit codes (0 ... 15) | higher is better |
/// | ternary | exact dot product of the −1 / 0 / +1 codes | higher is better |
/// | binary, ubinary | Hamming distance in bits | **lower** is better |
///
/// Integer dot products are exact for dimensions up to ``maximumIntegerDimension`` (65,536).
/// The corpus is copied into a blocked layout for the kernels (as many bytes as the codes, plus
/// padding to whole words and 16-row blocks); the index is immutable and safe to share.
public struct FlatIndex: Sendable {
    /// The precision of the stored codes.
    public let precision: Precision
    /// Dimensions per embedding.
    public let dimension: Int
    /// Number of rows (embeddings) in the corpus.
    public let rowCount: Int
    /// The calibration the codes were made with (`int8`, `uint8`, `int4`, `ternary`), used to
    /// quantize float queries; `nil` for the other precisions.
    public let ranges: QuantizationRanges?
    /// The rounding the codes were made with (used to quantize float queries).
    public let rounding: RoundingMode

    /// The largest dimension for which integer dot products cannot overflow their accumulator
    /// (`int8`: Int32; `uint8`: UInt32).
    public static let maximumIntegerDimension = 65_536

    let layout: BlockLayout
    let storage: BlockedStorage
    /// `uint8` only: per row, `128 × Σ codes − 2³¹` (wrapping), added by the kernel.
    let rowBias: [Int32]
    /// The C kernel table (tests pin one level; production uses the process's table).
    var kernels: KernelTable = .current

    /// The search kernel variants this process runs (the dispatch table, capped by `EMBEDQ_ISA`):
    /// `"avx512"` (AVX-512 with VPOPCNTDQ and VNNI), `"avx2"` (AVX2, FMA, F16C, POPCNT),
    /// `"neoni8mm"` / `"neondot"` (NEON with USDOT / SDOT), `"neon"`, `"portable"`, or per scan family
    /// `hamming=… dot_int=… dot_float=… select=…` on CPUs that mix levels (AVX-512 without
    /// VPOPCNTDQ / VNNI).
    public static var kernelVariant: String { KernelTable.current.searchSummary }

    /// The metric of symmetric searches (queries of the index's precision).
    public var metric: Metric { Metric.symmetric(for: precision) }

    /// Indexes quantized codes (their bytes are copied).
    ///
    /// - Throws: ``SearchError/dimensionTooLarge(dimension:limit:precision:)`` for integer codes
    ///   wider than ``maximumIntegerDimension``; ``SearchError/unsupportedPrecision(_:reason:)``
    ///   for RaBitQ codes (``RaBitQIndex`` searches those).
    public init(_ codes: QuantizedEmbeddings) throws(SearchError) {
        if codes.precision.rabitqCodeBits != nil {
            throw SearchError.unsupportedPrecision(codes.precision, reason: "a FlatIndex has no RaBitQ estimator; use RaBitQIndex")
        }
        try Self.checkDimension(codes.dimension, precision: codes.precision)
        let built = codes.codes.withUnsafeBufferPointer { bytes in
            Self.build(precision: codes.precision, rowCount: codes.rowCount, dimension: codes.dimension, bytes: bytes)
        }
        self.init(
            precision: codes.precision, rowCount: codes.rowCount, dimension: codes.dimension,
            ranges: codes.ranges, rounding: codes.rounding, built: built)
    }

    /// Indexes float32 embeddings (`n × d`, copied); searches score by the float32 dot product.
    ///
    /// - Throws: ``SearchError/nonFiniteValue(what:row:column:)`` for a NaN or infinity.
    public init(_ embeddings: EmbeddingMatrix) throws(SearchError) {
        try Self.validateFinite(embeddings, what: "the corpus")
        let built = embeddings.values.withUnsafeBytes { raw in
            Self.build(
                precision: .float32, rowCount: embeddings.rowCount, dimension: embeddings.dimension,
                bytes: UnsafeBufferPointer(start: raw.baseAddress?.assumingMemoryBound(to: UInt8.self), count: raw.count))
        }
        self.init(
            precision: .float32, rowCount: embeddings.rowCount, dimension: embeddings.dimension,
            ranges: nil, rounding: .floor, built: built)
    }

    init(
        precision: Precision, rowCount: Int, dimension: Int, ranges: QuantizationRanges?, rounding: RoundingMode,
        built: (BlockLayout, BlockedStorage, [Int32])
    ) {
        self.precision = precision
        self.dimension = dimension
        self.rowCount = rowCount
        self.ranges = ranges
        self.rounding = rounding
        (layout, storage, rowBias) = built
    }

    /// Rejects integer codes too wide for overflow-free accumulation.
    static func checkDimension(_ dimension: Int, precision: Precision) throws(SearchError) {
        switch precision {
        case .int8, .uint8, .int4, .ternary:
            guard dimension <= maximumIntegerDimension else {
                throw SearchError.dimensionTooLarge(dimension: dimension, limit: maximumIntegerDimension, precision: precision)
            }
        default: break
        }
    }

    /// The blocked storage (and the `uint8` row bias) of `rowCount` row-major rows of codes.
    private static func build(
        precision: Precision, rowCount: Int, dimension: Int, bytes: UnsafeBufferPointer<UInt8>
    ) -> (BlockLayout, BlockedStorage, [Int32]) {
        let layout = BlockLayout(precision: precision, dimension: dimension)
        let rowBytes = precision.bytesPerVector(dimension: dimension)
        guard rowCount > 0, rowBytes > 0, let base = bytes.baseAddress else {
            let empty = BlockedStorage(byteCount: BlockLayout.blockCount(rows: rowCount) * layout.blockBytes)
            return (layout, empty, precision == .uint8 ? Array(repeating: Int32.min, count: rowCount) : [])
        }
        let storage = BlockedStorage.build(layout: layout, rowCount: rowCount) { row, destination in
            layout.padCorpusRow(base + row * rowBytes, into: destination)
        }
        guard precision == .uint8 else { return (layout, storage, []) }
        let bias = (0..<rowCount).map { row in uint8RowBias(base + row * rowBytes, count: rowBytes) }
        return (layout, storage, bias)
    }

    /// The `uint8` row bias of one row of `count` codes: `128 × Σ codes − 2³¹` (wrapping).
    static func uint8RowBias(_ codes: UnsafePointer<UInt8>, count: Int) -> Int32 {
        // Σ u·(s + 128) = Σ u·s + 128·Σ u for the signed query s = q − 128; subtracting 2³¹ maps
        // the unsigned score range 0 ..< 2³² onto Int32 keys in the same order.
        var sum: UInt32 = 0
        for j in 0..<count { sum &+= UInt32(codes[j]) }
        return Int32(bitPattern: (sum &* 128) &- 0x8000_0000)
    }

    static func validateFinite(_ matrix: EmbeddingMatrix, what: String) throws(SearchError) {
        do {
            try matrix.validateFinite()
        } catch let QuantizationError.nonFiniteValue(row, column, _) {
            throw SearchError.nonFiniteValue(what: what, row: row, column: column)
        } catch {
            throw SearchError.nonFiniteValue(what: what, row: 0, column: 0)
        }
    }
}

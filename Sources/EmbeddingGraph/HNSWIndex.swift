import EmbeddingQuantization
import EmbeddingSearch

/// Approximate nearest-neighbour search over compact codes: an ``HNSWGraph`` and the codes it
/// navigates, a `VectorIndex`.
///
/// The graph scores codes with their own distance (Hamming for `binary` / `ubinary`, the integer
/// dot product for `ternary` and `int8`, the float dot product for `float32`, `float16`,
/// `bfloat16`; see ``GraphMetric``), so scores and their direction are those of a `FlatIndex`
/// over the same codes (float scores within float32 rounding of it: another summation order).
/// Float32 queries are quantized like the corpus first.
///
/// A search keeps `ef` candidates (``SearchParameters/ef``, default ``defaultEf``, at least
/// `k`); it becomes an exact scan of the allowed rows when `ef` reaches their number, or when
/// a filter allows fewer than ``exactScanSelectivity`` of the rows (then the graph would visit
/// most nodes anyway). With a `RowFilter`, every node still carries the traversal but only
/// allowed rows are collected (`ef` counts allowed rows); deleted rows (``deleting(_:)``) are
/// navigated through and never returned. Rescoring is a `RefineIndex` around this index.
///
/// ```swift
/// let bits = try EmbeddingQuantizer(precision: .ubinary).quantize(corpus)
/// let graph = try HNSWIndex(codes: bits, parameters: HNSWParameters(connectivity: 16, efConstruction: 128))
/// let hits = try graph.search(queries, k: 10, parameters: SearchParameters(ef: 64))
/// let refined = try RefineIndex(base: graph, codes: StoredCodes(int8), multiplier: 4)
/// ```
public struct HNSWIndex: Sendable {
    /// The graph.
    public let graph: HNSWGraph
    /// The precision of the codes.
    public let precision: Precision
    /// Dimensions per row (and per query).
    public let dimension: Int
    /// The calibration float queries are quantized with (`int8`, `ternary`).
    public let ranges: QuantizationRanges?
    /// The rounding float queries are quantized with.
    public let rounding: RoundingMode
    /// Rows that are never returned (still used to navigate); `nil` when none are deleted.
    public let deletedRows: RowBitset?
    /// The search breadth when ``SearchParameters/ef`` is `nil`.
    public var defaultEf: Int = HNSWIndex.standardEf
    /// The initial ``defaultEf``: 64 candidates.
    public static let standardEf = 64
    /// Fraction of the rows below which a filtered search scans the allowed rows exactly instead
    /// of walking the graph (measured in docs/HNSW.md, "Filters").
    public var exactScanSelectivity: Double = HNSWIndex.defaultExactScanSelectivity
    /// Whether a search may switch to the exact scan at all (tests turn it off to check the
    /// graph walk itself).
    var allowsExactScan = true

    /// The default of ``exactScanSelectivity``.
    public static let defaultExactScanSelectivity = 0.02

    let codes: GraphCodes
    let metric: GraphMetric
    let scratches: ScratchPool

    /// Builds the graph of `codes` (binary, ubinary, ternary, int8, float32, float16 or bfloat16;
    /// the codes are copied) on `threads` threads (`nil`: every core). The same codes,
    /// parameters and seed give the same graph whatever the thread count.
    ///
    /// - Throws: ``HNSWError`` for an unsupported precision, invalid parameters, more than
    ///   ``HNSWGraph/maximumRowCount`` rows, or a thread count below 1.
    public init(
        codes: QuantizedEmbeddings, parameters: HNSWParameters = HNSWParameters(), threads: Int? = nil,
        progress: (@Sendable (Int) -> Void)? = nil
    ) throws(HNSWError) {
        try self.init(codes: codes, parameters: parameters, threads: threads, maximumBatch: 1024, progress: progress)
    }

    /// Builds with batches of at most `maximumBatch` rows (1: row by row; tests compare both).
    init(
        codes: QuantizedEmbeddings, parameters: HNSWParameters, threads: Int?, maximumBatch: Int,
        progress: (@Sendable (Int) -> Void)?
    ) throws(HNSWError) {
        try parameters.validate()
        guard codes.dimension >= 1 else {
            throw HNSWError.invalidParameter(name: "dimension", value: codes.dimension, reason: "must be at least 1")
        }
        guard codes.rowCount <= HNSWGraph.maximumRowCount else { throw HNSWError.tooManyRows(codes.rowCount) }
        let threadCount = try Self.threadCount(threads)
        let metric = try GraphMetric(precision: codes.precision, dimension: codes.dimension)
        let stored = codes.codes.withUnsafeBytes { GraphCodes(copying: $0, rowCount: codes.rowCount, metric: metric) }
        var builder = HNSWBuilder(codes: stored, metric: metric, parameters: parameters, threads: threadCount)
        builder.maximumBatch = maximumBatch
        let storage = builder.build(progress: progress)
        let header = try! HNSWSectionHeader.read(storage.bytes).0  // just sealed by the builder
        self.init(
            graph: HNSWGraph(storage: storage, header: header), codes: stored, metric: metric,
            ranges: codes.ranges, rounding: codes.rounding, deletedRows: nil)
    }

    /// Builds the graph of float32 embeddings (`n × d`, copied), scored by the float dot product.
    ///
    /// - Throws: ``HNSWError/nonFiniteValue(row:column:)`` for a NaN or infinity, and the errors
    ///   of ``init(codes:parameters:threads:progress:)``.
    public init(
        embeddings: EmbeddingMatrix, parameters: HNSWParameters = HNSWParameters(), threads: Int? = nil,
        progress: (@Sendable (Int) -> Void)? = nil
    ) throws(HNSWError) {
        do {
            try embeddings.validateFinite()
        } catch let QuantizationError.nonFiniteValue(row, column, _) {
            throw HNSWError.nonFiniteValue(row: row, column: column)
        } catch {
            throw HNSWError.nonFiniteValue(row: 0, column: 0)
        }
        let bytes = embeddings.values.withUnsafeBytes { [UInt8]($0) }
        // The size matches by construction.
        let codes = try! QuantizedEmbeddings(
            precision: .float32, rowCount: embeddings.rowCount, dimension: embeddings.dimension, codes: bytes)
        try self.init(codes: codes, parameters: parameters, threads: threads, progress: progress)
    }

    /// Pairs a stored graph with the codes it was built on (copied).
    ///
    /// - Throws: ``HNSWError/codesMismatch(what:graph:codes:)`` when the rows, dimension or
    ///   precision differ from the graph's.
    public init(graph: HNSWGraph, codes: QuantizedEmbeddings) throws(HNSWError) {
        try Self.check(graph, precision: codes.precision, rowCount: codes.rowCount, dimension: codes.dimension)
        let metric = try GraphMetric(precision: codes.precision, dimension: codes.dimension)
        let stored = codes.codes.withUnsafeBytes { GraphCodes(copying: $0, rowCount: codes.rowCount, metric: metric) }
        self.init(graph: graph, codes: stored, metric: metric, ranges: codes.ranges, rounding: codes.rounding, deletedRows: nil)
    }

    /// Pairs a stored graph with codes from any byte source: read in place when they are
    /// memory-mapped (a `MemoryMappedFile` or a `ByteSlice` of one; padding bits of bit codes
    /// must be clear, as EmbedQ writes them), copied otherwise.
    ///
    /// - Throws: ``HNSWError/codesMismatch(what:graph:codes:)`` when the rows, dimension or
    ///   precision differ from the graph's.
    public init(graph: HNSWGraph, codes: StoredCodes) throws(HNSWError) {
        try Self.check(graph, precision: codes.precision, rowCount: codes.rowCount, dimension: codes.dimension)
        let metric = try GraphMetric(precision: codes.precision, dimension: codes.dimension)
        let mapped = codes.bytes is MemoryMappedFile || (codes.bytes as? ByteSlice)?.base is MemoryMappedFile
        let stored = mapped
            ? GraphCodes(inPlace: codes.bytes, rowCount: codes.rowCount, metric: metric)
            : codes.bytes.withUnsafeBytes { GraphCodes(copying: $0, rowCount: codes.rowCount, metric: metric) }
        self.init(graph: graph, codes: stored, metric: metric, ranges: codes.ranges, rounding: codes.rounding, deletedRows: nil)
    }

    init(
        graph: HNSWGraph, codes: GraphCodes, metric: GraphMetric, ranges: QuantizationRanges?, rounding: RoundingMode,
        deletedRows: RowBitset?
    ) {
        self.graph = graph
        self.codes = codes
        self.metric = metric
        precision = metric.precision
        dimension = metric.dimension
        self.ranges = ranges
        self.rounding = rounding
        self.deletedRows = deletedRows
        let (rows, queryBytes) = (graph.rowCount, metric.queryBytes)
        let batch = Swift.max(graph.storage.baseSlots, Self.scanChunk)
        scratches = ScratchPool { SearchScratch(rowCount: rows, queryBytes: queryBytes, batchCapacity: batch) }
    }

    /// The same index with `rows` deleted as well: they stay in the graph to navigate through
    /// and are never returned. Rows outside `0 ..< rowCount` are ignored.
    public func deleting(_ rows: some Sequence<Int>) -> HNSWIndex {
        var deleted = deletedRows ?? RowBitset(rowCount: rowCount)
        for row in rows { deleted.insert(row) }
        var copy = HNSWIndex(
            graph: graph, codes: codes, metric: metric, ranges: ranges, rounding: rounding, deletedRows: deleted)
        copy.defaultEf = defaultEf
        copy.exactScanSelectivity = exactScanSelectivity
        copy.allowsExactScan = allowsExactScan
        return copy
    }

    /// Bytes the index holds: the graph section and the codes (as laid out for the kernels).
    public var byteCount: Int { graph.byteCount + codes.byteCount }

    /// The distance kernel variant searches run ("avx512vpopcntdq", "avx512vnni", "avx512",
    /// "avx2", "neon" or "portable").
    public var kernelVariant: String { metric.variant }

    /// Rows scored per kernel call of the exact scan.
    static let scanChunk = 256

    private static func threadCount(_ threads: Int?) throws(HNSWError) -> Int {
        do {
            return try Parallel.resolve(threads)
        } catch {
            throw HNSWError.invalidParameter(name: "threads", value: threads ?? 0, reason: "must be at least 1")
        }
    }

    private static func check(_ graph: HNSWGraph, precision: Precision, rowCount: Int, dimension: Int) throws(HNSWError) {
        guard precision == graph.precision else {
            throw HNSWError.codesMismatch(what: "the precision", graph: graph.precision.rawValue, codes: precision.rawValue)
        }
        guard rowCount == graph.rowCount else {
            throw HNSWError.codesMismatch(what: "the row count", graph: "\(graph.rowCount)", codes: "\(rowCount)")
        }
        guard dimension == graph.dimension else {
            throw HNSWError.codesMismatch(what: "the dimension", graph: "\(graph.dimension)", codes: "\(dimension)")
        }
    }
}

import EmbeddingKernels
import EmbeddingQuantization
import EmbeddingSearch

/// The distance a graph uses for codes of one precision: the C kernel (GraphKernels.h), its
/// `size` argument, and how a distance key turns back into a search score.
///
/// | precision | kernel | score (as a flat index reports it) |
/// |---|---|---|
/// | binary, ubinary | Hamming (popcount of XOR) | Hamming distance, lower is better |
/// | ternary | ternary dot product of the bit planes | integer dot product |
/// | int8 | int8 dot product | integer dot product |
/// | float32, float16, bfloat16 | float dot product, 32 partial sums | float32 dot product |
struct GraphMetric: @unchecked Sendable {
    // The kernel pointer is a plain C function: safe to call from any thread.
    let precision: Precision
    let dimension: Int
    let kind: eq_graph_metric
    /// The kernels' `size`: bytes (binary), bytes per plane (ternary), or the dimension.
    let size: Int
    /// Bytes of one row of codes.
    let rowBytes: Int
    /// Bytes of one prepared query: the codes, or `dimension` float32 values for float metrics.
    let queryBytes: Int
    /// The distance function.
    let distances: eq_graph_distances_fn
    /// The kernel variant in use ("avx512vpopcntdq", "avx2", "neon", "portable", …).
    let variant: String

    /// The metric of `precision` codes of `dimension` values, with the kernels of `kernels` (the
    /// process's dispatch table by default).
    ///
    /// - Throws: ``HNSWError/unsupportedPrecision(_:)`` for `uint8`, `int4` and the RaBitQ precisions.
    init(precision: Precision, dimension: Int, kernels: KernelTable = .current) throws(HNSWError) {
        self.precision = precision
        self.dimension = dimension
        rowBytes = precision.bytesPerVector(dimension: dimension)
        switch precision {
        case .binary, .ubinary:
            (kind, size, queryBytes) = (EQ_GRAPH_HAMMING, rowBytes, rowBytes)
        case .ternary:
            (kind, size, queryBytes) = (EQ_GRAPH_TERNARY, (dimension + 7) / 8, rowBytes)
        case .int8:
            (kind, size, queryBytes) = (EQ_GRAPH_DOT_I8, dimension, rowBytes)
        case .float32:
            (kind, size, queryBytes) = (EQ_GRAPH_DOT_F32, dimension, 4 * dimension)
        case .float16:
            (kind, size, queryBytes) = (EQ_GRAPH_DOT_F16, dimension, 4 * dimension)
        case .bfloat16:
            (kind, size, queryBytes) = (EQ_GRAPH_DOT_BF16, dimension, 4 * dimension)
        case .uint8, .int4, .rabitq1, .rabitq2, .rabitq3, .rabitq4:
            throw HNSWError.unsupportedPrecision(precision)
        }
        let metric = Int32(kind.rawValue)
        distances = withUnsafePointer(to: kernels.table) { eq_kernels_graph_distances($0, metric)! }
        variant = kernels.graphVariant(metric)
    }

    /// The metric (and direction) of the scores, as a flat index of the precision reports them.
    var searchMetric: Metric { Metric.symmetric(for: precision) }

    /// Whether queries are float32 values rather than codes.
    var hasFloatQueries: Bool { kind == EQ_GRAPH_DOT_F32 || kind == EQ_GRAPH_DOT_F16 || kind == EQ_GRAPH_DOT_BF16 }

    /// The score a distance key stands for (exact inverse of the kernels' key).
    @inline(__always)
    func score(ofKey key: UInt32) -> Double {
        switch kind {
        case EQ_GRAPH_HAMMING: return Double(key)
        case EQ_GRAPH_TERNARY, EQ_GRAPH_DOT_I8: return Double(0x8000_0000 - Int64(key))
        default: return Double(eq_graph_float_from_key(key))
        }
    }

    /// Keys of `count` rows (`rows`) of `codes` against `query` (``queryBytes`` bytes).
    @inline(__always)
    func keys(
        query: UnsafeRawPointer, codes: GraphCodes, rows: UnsafePointer<UInt32>, count: Int, into keys: UnsafeMutablePointer<UInt32>
    ) {
        distances(query, codes.base, Int64(codes.stride), Int64(size), rows, Int64(count), keys)
    }

    /// Writes the query form of row `row` of `codes` to `destination` (``queryBytes`` bytes): the
    /// codes themselves, or the row widened to float32 for float16 / bfloat16.
    func prepareQuery(fromRow row: UnsafePointer<UInt8>, into destination: UnsafeMutableRawPointer) {
        switch precision {
        case .float16, .bfloat16:
            let floats = destination.assumingMemoryBound(to: Float.self)
            let halves = UnsafeRawPointer(row)
            for j in 0..<dimension {
                let bits = halves.loadUnaligned(fromByteOffset: 2 * j, as: UInt16.self)
                floats[j] = precision == .float16 ? HalfPrecision.float(fromFloat16Bits: bits) : HalfPrecision.float(fromBFloat16Bits: bits)
            }
        default:
            destination.copyMemory(from: row, byteCount: queryBytes)
        }
    }

    /// Clears the padding bits of one row of bit codes in place (the bits past `dimension` in the
    /// last byte of each plane), so that codes whose padding was set score as if it were clear.
    func clearPadding(_ row: UnsafeMutablePointer<UInt8>) {
        let used = dimension % 8
        guard used != 0 else { return }
        let mask = ~UInt8(0xFF >> UInt8(used))
        switch precision {
        case .binary, .ubinary:
            row[rowBytes - 1] &= mask
        case .ternary:
            let plane = (dimension + 7) / 8
            row[plane - 1] &= mask
            row[2 * plane - 1] &= mask
        default:
            break
        }
    }
}

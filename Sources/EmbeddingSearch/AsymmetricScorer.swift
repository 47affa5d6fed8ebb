import EmbeddingKernels
import EmbeddingQuantization

/// Scores one float32 query against rows of codes, as the inner product of the query with the
/// dequantized row (what `EmbeddingQuantizer/dequantize(_:bitValues:)` reconstructs):
///
/// - `float32`, `float16`, `bfloat16`: `Σ x_j q_j` as the fused multiply-add chain
///   `acc = fma(x_j, q_j, acc)` in dimension order (bit-identical to ``FlatIndex``'s float scores);
/// - `int8`, `uint8`, `int4` (the per-dimension scale honoured): with `x_j = base_j + c_j·step_j`
///   (`base_j = minimum_j + ½·step_j` for `floor` rounding, `minimum_j` for `nearest`; a constant
///   dimension contributes `minimum_j`), the score is `Σ (q_j·step_j)·c_j + Σ q_j·base_j`: the
///   weights `q_j·step_j` and the constant are computed once per query, so a row costs one
///   multiply-add per code (`int8` / `uint8` rows run a C kernel with 16 or 8 partial sums). It
///   differs from dequantize-then-dot only by float32 rounding (at most about `d · 2⁻²³` of
///   `Σ |q_j x_j|`);
/// - `ternary`: `Σ_{x_j = +1} q_j − Σ_{x_j = −1} q_j`;
/// - `binary`, `ubinary`: the query against the unpacked bits as ±1 (set bit +1, clear bit −1),
///   as sentence-transformers rescores binary codes.
///
/// Every score is an inner product: **higher is better**.
public struct AsymmetricScorer: Sendable {
    /// The precision of the rows scored.
    public let precision: Precision
    /// Dimensions of the query and the rows.
    public let dimension: Int

    private let query: [Float]
    private let weights: [Float]
    private let constant: Float
    /// The C kernel variant for `int8` / `uint8` rows (tests pin it).
    var kernelPath: SearchKernelPath = .automatic

    /// Prepares a query for rows of `codes`.
    ///
    /// - Throws: ``SearchError/dimensionMismatch(expected:actual:what:)``;
    ///   ``SearchError/missingRanges(_:)`` for `int8` / `uint8` / `int4` codes without ranges;
    ///   ``SearchError/nonFiniteValue(what:row:column:)`` for a NaN or infinite query value.
    public init(query: [Float], codes: StoredCodes) throws(SearchError) {
        try self.init(query: query, precision: codes.precision, ranges: codes.ranges, rounding: codes.rounding)
    }

    /// Prepares a query (`d` floats) for rows of `precision` codes of dimension `query.count`.
    public init(
        query: [Float], precision: Precision, ranges: QuantizationRanges?, rounding: RoundingMode
    ) throws(SearchError) {
        if let column = query.firstIndex(where: { !$0.isFinite }) {
            throw SearchError.nonFiniteValue(what: "the query", row: 0, column: column)
        }
        self.precision = precision
        self.dimension = query.count
        self.query = query
        switch precision {
        case .int8, .uint8, .int4:
            guard let ranges else { throw SearchError.missingRanges(precision) }
            guard ranges.dimension == query.count else {
                throw SearchError.dimensionMismatch(expected: ranges.dimension, actual: query.count, what: "the query")
            }
            let steps = ranges.steps(levels: precision == .int4 ? 16 : 256)
            let half: Float = rounding == .floor ? 0.5 : 0
            var weights = [Float](repeating: 0, count: query.count)
            var constant: Float = 0
            for j in query.indices {
                let low = ranges.minimums[j]
                if low == ranges.maximums[j] {
                    constant = constant.addingProduct(query[j], low)
                } else {
                    weights[j] = query[j] * steps[j]
                    constant = constant.addingProduct(query[j], low.addingProduct(half, steps[j]))
                }
            }
            self.weights = weights
            self.constant = constant
        default:
            weights = []
            constant = 0
        }
    }

    /// The score of one row (`precision.bytesPerVector(dimension:)` bytes).
    public func score(_ row: UnsafeRawBufferPointer) -> Float {
        guard precision == .int8 || precision == .uint8, dimension > 0, let base = row.baseAddress else {
            return referenceScore(row)
        }
        let codes = base.assumingMemoryBound(to: UInt8.self)
        let flip: UInt8 = precision == .int8 ? 0x80 : 0
        let sum = weights.withUnsafeBufferPointer { w in
            let d = Int64(dimension)
            switch kernelPath.level {
            case EQ_SEARCH_AVX512: return eq_dot_f32_u8_avx512(w.baseAddress!, codes, d, flip)
            case EQ_SEARCH_AVX2: return eq_dot_f32_u8_avx2(w.baseAddress!, codes, d, flip)
            default: return eq_dot_f32_u8_scalar(w.baseAddress!, codes, d, flip)
            }
        }
        return sum + constant
    }

    /// The plain-Swift score of one row: one fused multiply-add per dimension, in order.
    func referenceScore(_ row: UnsafeRawBufferPointer) -> Float {
        let bytes = row.bindMemory(to: UInt8.self)
        guard let base = bytes.baseAddress, dimension > 0 else { return constant }
        let d = dimension
        return query.withUnsafeBufferPointer { q in
            var acc: Float = 0
            switch precision {
            case .float32, .float16, .bfloat16:
                for j in 0..<d { acc = acc.addingProduct(ReferenceKernels.floatValue(precision, base, j), q[j]) }
                return acc
            case .int8, .uint8, .int4:
                return weights.withUnsafeBufferPointer { w in
                    switch precision {
                    case .int8: for j in 0..<d { acc = acc.addingProduct(w[j], Float(base[j] ^ 0x80)) }
                    case .uint8: for j in 0..<d { acc = acc.addingProduct(w[j], Float(base[j])) }
                    default: for j in 0..<d { acc = acc.addingProduct(w[j], Float(ReferenceKernels.nibble(base, j))) }
                    }
                    return acc + constant
                }
            case .ternary:
                for j in 0..<d {
                    switch ReferenceKernels.trit(base, j, dimension: d) {
                    case 1: acc += q[j]
                    case -1: acc -= q[j]
                    default: break
                    }
                }
                return acc
            case .binary, .ubinary:
                let flip: UInt8 = precision == .binary ? 0x80 : 0
                for j in 0..<d {
                    let set = (base[j / 8] ^ flip) & (0x80 >> UInt8(j % 8)) != 0
                    acc += set ? q[j] : -q[j]
                }
                return acc
            }
        }
    }
}

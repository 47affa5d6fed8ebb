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
///   fused multiply-add per code, in dimension order, then `+ constant`. It differs from
///   dequantize-then-dot only by float32 rounding (at most about `d · 2⁻²³` of `Σ |q_j x_j|`);
/// - `ternary`: `Σ_{x_j = +1} q_j − Σ_{x_j = −1} q_j`;
/// - `binary`, `ubinary`: the query against the unpacked bits as ±1 (set bit +1, clear bit −1),
///   as sentence-transformers rescores binary codes;
/// - `rabitq1` … `rabitq4`: the RaBitQ estimate `⟨c, q⟩ + scale · ⟨y, R·q⟩` (``RaBitQCodes``):
///   the query is rotated once, a row costs one masked sum per bit-plane (the RaBitQ kernels'
///   code-dot).
///
/// Every score is an inner product: **higher is better**. `int8`, `uint8`, `int4`, `ternary`,
/// `binary` and `ubinary` rows are scored with the asymmetric kernels' arithmetic
/// (`AsymmetricKernels.h`: one fused multiply-add, or one ±weight add, per dimension, in order), so
/// ``AsymmetricIndex``, rescoring and this scorer give the same scores bit for bit.
public struct AsymmetricScorer: Sendable {
    /// The precision of the rows scored.
    public let precision: Precision
    /// Dimensions of the query and the rows.
    public let dimension: Int

    private let query: [Float]
    private let weights: [Float]
    private let constant: Float
    /// `binary` only: the query with the dimensions `j ≡ 0 (mod 8)` negated (see `blockedWeights`).
    private let flippedQuery: [Float]

    /// Prepares a query for rows of `codes`.
    ///
    /// - Throws: ``SearchError/dimensionMismatch(expected:actual:what:)``;
    ///   ``SearchError/missingRanges(_:)`` for `int8` / `uint8` / `int4` codes without ranges
    ///   (RaBitQ codes without a rotation);
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
        var flipped = precision == .binary ? query : []
        for j in Swift.stride(from: 0, to: flipped.count, by: 8) { flipped[j] = -flipped[j] }
        flippedQuery = flipped
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
        case .rabitq1, .rabitq2, .rabitq3, .rabitq4:
            guard let rotation = ranges?.rotation else { throw SearchError.missingRanges(precision) }
            guard rotation.dimension == query.count else {
                throw SearchError.dimensionMismatch(expected: rotation.dimension, actual: query.count, what: "the query")
            }
            // weights = R·q; constant = ⟨c, q⟩; the grid offset (2^B − 1)/2 · Σ q'_i is kept apart.
            weights = rotation.rotate(query)
            var centre: Float = 0
            for j in query.indices { centre = centre.addingProduct(rotation.centroid[j], query[j]) }
            constant = centre
        default:
            weights = []
            constant = 0
        }
    }

    /// The weights and constant of the blocked asymmetric kernels (`AsymmetricKernels.h`) for this
    /// query, `nil` for precisions they do not scan (floats, RaBitQ): `int8` / `uint8` / `int4` the
    /// per-dimension `q_j·step_j` and `Σ q_j·base_j`; `ternary` and `ubinary` the query itself;
    /// `binary` the query with the dimensions `j ≡ 0 (mod 8)` negated (its stored bytes carry the
    /// top bit flipped, and flipping a ±1 bit is negating its weight — exactly).
    var blockedWeights: (weights: [Float], constant: Float)? {
        switch precision {
        case .int8, .uint8, .int4: return (weights, constant)
        case .ternary, .ubinary: return (query, 0)
        case .binary: return (flippedQuery, 0)
        default: return nil
        }
    }

    /// The score of one row (`precision.bytesPerVector(dimension:)` bytes).
    public func score(_ row: UnsafeRawBufferPointer) -> Float {
        if let bits = precision.rabitqCodeBits, let base = row.baseAddress {
            let factors = RaBitQCodes.factors(of: row, dimension: dimension, bits: bits)
            let dot = weights.withUnsafeBufferPointer { w in
                KernelTable.current.table.rabitq_code_dot(
                    base.assumingMemoryBound(to: UInt8.self), Int64(dimension), Int32(bits), w.baseAddress!)
            }
            return constant + factors.scale * (dot - gridOffset(bits: bits))
        }
        // The codes the blocked kernels scan: their one-row reference, the same float operations
        // in the same order, so a row scores the same here as in AsymmetricIndex, bit for bit.
        guard let format = AsymmetricBlocks.format(of: precision), let inputs = blockedWeights, dimension > 0,
              let base = row.baseAddress
        else {
            return referenceScore(row)
        }
        let flip: UInt8 = precision == .int8 ? 0x80 : 0
        return inputs.weights.withUnsafeBufferPointer { w in
            eq_asym_score_reference(
                format, base.assumingMemoryBound(to: UInt8.self), Int64(dimension), w.baseAddress!, inputs.constant, flip)
        }
    }

    /// `(2^bits − 1)/2 · Σ_j (R·q)_j`: the grid's offset against the rotated query.
    private func gridOffset(bits: Int) -> Float {
        var sum: Float = 0
        for value in weights { sum += value }
        return Float((1 << bits) - 1) / 2 * sum
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
            case .rabitq1, .rabitq2, .rabitq3, .rabitq4:
                let bits = precision.rabitqCodeBits ?? 1
                let factors = RaBitQCodes.factors(of: row, dimension: d, bits: bits)
                let codes = RaBitQCodes.codes(of: row, dimension: d, bits: bits)
                var inner: Float = 0
                for j in 0..<d { inner = inner.addingProduct(RaBitQCodes.gridValue(code: codes[j], bits: bits), weights[j]) }
                return constant + factors.scale * inner
            }
        }
    }
}

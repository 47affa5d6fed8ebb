import EmbeddingKernels
import EmbeddingQuantization

/// Scores one float32 query against rows of codes, as the inner product of the query with the
/// dequantized row (what `EmbeddingQuantizer/dequantize(_:bitValues:)` reconstructs):
///
/// - `float32`, `float16`, `bfloat16`: `Σ x_j q_j` as the fused multiply-add chain
///   `acc = fma(x_j, q_j, acc)` in dimension order (bit-identical to ``FlatIndex``'s float scores);
/// - `int8`, `uint8`, `int4` (the per-dimension scale honoured): with `x_j = base_j + c_j·step_j`
///   (`base_j = minimum_j + ½·step_j` for `floor` rounding, `minimum_j` for `nearest`; a constant
///   dimension contributes `minimum_j`), the score is `Σ w_j·c_j + Σ q_j·base_j` with the weights
///   `w_j = q_j·step_j`;
/// - `ternary`: `Σ_{x_j = +1} w_j − Σ_{x_j = −1} w_j` with `w_j = q_j`;
/// - `binary`, `ubinary`: `Σ w_j·(±1)` over the unpacked bits (set bit +1, clear bit −1, as
///   sentence-transformers rescores binary codes), `w_j = q_j`;
/// - `rabitq1` … `rabitq4`: the RaBitQ estimate `⟨c, q⟩ + scale · ⟨y, R·q⟩` (``RaBitQCodes``):
///   the query is rotated once, a row costs one masked sum per bit-plane (the RaBitQ kernels'
///   code-dot).
///
/// For `int8`, `uint8`, `int4` and `ternary` the weights are rounded once per query to int8,
/// `w_j ≈ s·v_j` with `s = max_j |w_j| / 127` and `v_j = round(w_j / s)` — finer than the codes
/// themselves (an int4 step is 1/15 of a range, a weight's rounding at most 1/254 of the largest
/// weight) — so a row costs integer multiply-adds at the speed of the symmetric int8 scan
/// (`AsymmetricKernels.h`): `I = Σ v_j·u_j` exactly, then `Float(I)·scale + constant`; the score
/// differs from the float inner product by at most `s/2 · Σ_j |u_j|` plus float32 rounding. For
/// `binary` and `ubinary` the sums of the weights over every bit pattern of each 4 dimensions
/// are rounded instead, to steps `s` of 1/60 of the largest one-signed such sum (byte tables, see
/// `eq_asym_lookup_tables`), so that a row costs one byte table lookup per 4 dimensions, about a
/// Hamming scan; the score differs by at most `s · ⌈d/4⌉` plus float32 rounding.
/// ``AsymmetricIndex``, rescoring and this scorer give the same scores bit for bit.
///
/// Every score is an inner product: **higher is better**.
public struct AsymmetricScorer: Sendable {
    /// The precision of the rows scored.
    public let precision: Precision
    /// Dimensions of the query and the rows.
    public let dimension: Int

    private let query: [Float]
    /// RaBitQ: the rotated query; the integer-scored precisions: the float weights `w_j` before
    /// rounding (`binary`: with the dimensions `j ≡ 0 (mod 8)` negated, see ``kernelQuery``).
    private let weights: [Float]
    private let constant: Float
    /// The integer-scored precisions: the rounded weights, their scale and the score's constant.
    private let rounded: (weights: [Int8], scale: Float, constant: Float)?
    /// Bit codes: the nibble-lookup tables, their scale and the score's constant.
    private(set) var lookup: (tables: [UInt8], scale: Float, constant: Float)?
    /// RaBitQ: `Σ_j (R·q)_j`, summed once in dimension order (the grid offset's factor).
    private var rotatedSum: Float = 0

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
        try self.init(query: query, precision: precision, ranges: ranges, rounding: rounding, rotated: nil)
    }

    /// The same scorer, for RaBitQ codes with `rotated` = `ranges.rotation.rotate(query)` already
    /// computed (``RaBitQIndex`` has it from the scan): not rotated a second time. Ignored for
    /// other precisions.
    init(
        query: [Float], precision: Precision, ranges: QuantizationRanges?, rounding: RoundingMode, rotated: [Float]?
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
            rounded = Self.round(weights, scale: 1, constant: constant, offset: 0)
        case .ternary, .binary, .ubinary:
            // Ternary rows are scanned as u = 1 + t, bits as u = b: Σ w·t = s·Σ v·u − s·Σ v and
            // Σ w·(2b − 1) = 2s·Σ v·b − s·Σ v.
            var weights = query
            if precision == .binary {
                // Stored bytes carry the top bit flipped; flipping a ±1 bit negates its weight.
                for j in Swift.stride(from: 0, to: weights.count, by: 8) { weights[j] = -weights[j] }
            }
            self.weights = weights
            constant = 0
            if precision == .ternary {
                rounded = Self.round(weights, scale: 1, constant: 0, offset: -1)
            } else {
                rounded = nil
                lookup = Self.lookupQuery(weights)
            }
        case .rabitq1, .rabitq2, .rabitq3, .rabitq4:
            guard let rotation = ranges?.rotation else { throw SearchError.missingRanges(precision) }
            guard rotation.dimension == query.count else {
                throw SearchError.dimensionMismatch(expected: rotation.dimension, actual: query.count, what: "the query")
            }
            // weights = R·q; constant = ⟨c, q⟩; the grid offset (2^B − 1)/2 · Σ q'_i is kept apart.
            let rotated = rotated ?? rotation.rotate(query)
            weights = rotated
            var sum: Float = 0
            for value in rotated { sum += value }
            rotatedSum = sum
            var centre: Float = 0
            for j in query.indices { centre = centre.addingProduct(rotation.centroid[j], query[j]) }
            constant = centre
            rounded = nil
        default:
            weights = []
            constant = 0
            rounded = nil
        }
    }

    /// `weights` rounded to int8 at `s = max |w_j| / 127` (all zero when every weight is), with
    /// the kernels' scale `multiple · s` and constant `constant + offset · s · Σ v_j`.
    private static func round(
        _ weights: [Float], scale multiple: Float, constant: Float, offset: Float
    ) -> (weights: [Int8], scale: Float, constant: Float) {
        let largest = weights.reduce(Float(0)) { Swift.max($0, abs($1)) }
        guard largest > 0 else { return ([Int8](repeating: 0, count: weights.count), 0, constant) }
        let s = largest / 127
        var sum = 0
        let codes = weights.map { w -> Int8 in
            let x = (w / s).rounded()
            let v = x.isNaN ? 0 : Int8(Swift.min(127, Swift.max(-127, x)))
            sum += Int(v)
            return v
        }
        let shift = offset * s * Float(sum)
        return (codes, multiple * s, constant + shift)
    }

    /// The nibble-lookup query of ±1 rows (`AsymmetricKernels.h`): `Σ w_j·(2b_j − 1) ≈ 2s·I − Σ w_j`,
    /// with the tables and step `s` of `eq_asym_lookup_tables` (64-dimension words of the rows).
    private static func lookupQuery(_ weights: [Float]) -> (tables: [UInt8], scale: Float, constant: Float) {
        guard !weights.isEmpty else { return ([], 0, 0) }
        let words = Int64((weights.count + 63) / 64)
        var tables = [UInt8](repeating: 0, count: Int(eq_asym_lookup_table_bytes(words)))
        let step = weights.withUnsafeBufferPointer { w in
            tables.withUnsafeMutableBufferPointer { t in
                eq_asym_lookup_tables(w.baseAddress!, Int64(w.count), words, t.baseAddress!)
            }
        }
        var sum: Float = 0
        for w in weights { sum += w }
        return (tables, 2 * step, -sum)
    }

    /// The query of the asymmetric kernels (`AsymmetricKernels.h`): int8 weights in dimension
    /// order, the scale and the constant of `Float(Σ v_j·u_j)·scale + constant`; `nil` for the
    /// precisions they do not scan (floats, RaBitQ, bits: ``lookup``).
    var kernelQuery: (weights: [Int8], scale: Float, constant: Float)? { rounded }

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
        // The codes the blocked kernels scan: their one-row reference (the same exact integer sum,
        // then the same multiply and add), so a row scores the same here as in AsymmetricIndex.
        if let lookup, dimension > 0, let base = row.baseAddress {
            return lookup.tables.withUnsafeBufferPointer { t in
                eq_asym_lookup_score_reference(
                    base.assumingMemoryBound(to: UInt8.self), Int64(dimension), t.baseAddress!, lookup.scale, lookup.constant)
            }
        }
        guard let format = AsymmetricBlocks.format(of: precision), let inputs = rounded, dimension > 0,
              let base = row.baseAddress
        else {
            return referenceScore(row)
        }
        let flip: UInt8 = precision == .int8 ? 0x80 : 0
        return inputs.weights.withUnsafeBufferPointer { w in
            eq_asym_score_reference(
                format, base.assumingMemoryBound(to: UInt8.self), Int64(dimension), w.baseAddress!, inputs.scale,
                inputs.constant, flip)
        }
    }

    /// `(2^bits − 1)/2 · Σ_j (R·q)_j`: the grid's offset against the rotated query.
    private func gridOffset(bits: Int) -> Float {
        Float((1 << bits) - 1) / 2 * rotatedSum
    }

    /// The plain-Swift score of one row: floats one fused multiply-add per dimension, in order;
    /// the integer-scored precisions `Float(Σ v_j·u_j)·scale + constant` (wrapping 32-bit sum).
    func referenceScore(_ row: UnsafeRawBufferPointer) -> Float {
        let bytes = row.bindMemory(to: UInt8.self)
        guard let base = bytes.baseAddress, dimension > 0 else { return rounded?.constant ?? lookup?.constant ?? constant }
        let d = dimension
        if let lookup {
            var sum: Int32 = 0
            for k in 0..<((d + 7) / 8) {
                let high = lookup.tables[Int(eq_lookup_table_offset(Int64(k), 0)) + Int(base[k] >> 4)]
                let low = lookup.tables[Int(eq_lookup_table_offset(Int64(k), 1)) + Int(base[k] & 0x0F)]
                sum += Int32(high) + Int32(low) - 120
            }
            let product = Float(sum) * lookup.scale
            return product + lookup.constant
        }
        if let rounded {
            var sum: Int32 = 0
            for j in 0..<d {
                let u: Int32
                switch precision {
                case .int8: u = Int32(base[j] ^ 0x80)
                case .uint8: u = Int32(base[j])
                case .int4: u = Int32(ReferenceKernels.nibble(base, j))
                case .ternary: u = 1 + Int32(ReferenceKernels.trit(base, j, dimension: d))
                default: u = base[j / 8] & (0x80 >> UInt8(j % 8)) != 0 ? 1 : 0
                }
                sum &+= u &* Int32(rounded.weights[j])
            }
            let product = Float(sum) * rounded.scale
            return product + rounded.constant
        }
        return query.withUnsafeBufferPointer { q in
            var acc: Float = 0
            switch precision {
            case .float32, .float16, .bfloat16:
                for j in 0..<d { acc = acc.addingProduct(ReferenceKernels.floatValue(precision, base, j), q[j]) }
                return acc
            case .rabitq1, .rabitq2, .rabitq3, .rabitq4:
                let bits = precision.rabitqCodeBits ?? 1
                let factors = RaBitQCodes.factors(of: row, dimension: d, bits: bits)
                let codes = RaBitQCodes.codes(of: row, dimension: d, bits: bits)
                var inner: Float = 0
                for j in 0..<d { inner = inner.addingProduct(RaBitQCodes.gridValue(code: codes[j], bits: bits), weights[j]) }
                return constant + factors.scale * inner
            case .int8, .uint8, .int4, .ternary, .binary, .ubinary:
                return acc + constant  // unreachable: scored from their rounded weights above
            }
        }
    }
}

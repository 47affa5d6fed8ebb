/// A double-precision oracle for asymmetric scores (a float32 query against rows of codes),
/// written in the tests from the raw code bytes and the per-dimension ranges, with none of
/// EmbedQ's code: it decodes each byte as README "Precisions" defines it and sums in `Double`.
///
/// Checked against the NumPy fixtures' float64 scores (Tests/Fixtures/quantization,
/// `scores_<name>.npy`), then used by the search tests as their exact oracle.
public enum PlainAsymmetricReference {
    /// How a row's bytes encode `d` values.
    public enum Encoding: String, Sendable, CaseIterable {
        /// `d` little-endian float32 values.
        case float32
        /// `d` little-endian IEEE binary16 values.
        case float16
        /// `d` little-endian bfloat16 values (the upper 16 bits of a float32).
        case bfloat16
        /// One byte per dimension, the bucket minus 128 as a two's-complement byte.
        case int8
        /// One byte per dimension, the bucket.
        case uint8
        /// Two buckets per byte, the even dimension in the high nibble.
        case int4
        /// Two bit-planes of `ceil(d / 8)` bytes (`x > t` then `x < −t`), most significant bit first.
        case ternary
        /// Packed sign bits (most significant bit first), each byte minus 128 as a signed byte.
        case binary
        /// Packed sign bits, most significant bit first.
        case ubinary
    }

    /// Per-dimension ranges: `minimums`, `maximums` (float32, as stored) and the rounding of the
    /// codes (`floor`: bucket centres `min + (c + ½)·step`; otherwise grid points `min + c·step`).
    public struct Ranges: Sendable {
        /// Minimum per dimension.
        public var minimums: [Float]
        /// Maximum per dimension.
        public var maximums: [Float]
        /// Whether the codes were made with `floor` (else `nearest`).
        public var floor: Bool

        /// Ranges of `minimums.count` dimensions.
        public init(minimums: [Float], maximums: [Float], floor: Bool = true) {
            self.minimums = minimums
            self.maximums = maximums
            self.floor = floor
        }
    }

    /// The decoded values of one row (`d` doubles): the dequantized value per dimension, ±1 for
    /// bits, +1 / 0 / −1 for ternary.
    public static func values(_ row: [UInt8], encoding: Encoding, dimension d: Int, ranges: Ranges?) -> [Double] {
        func bit(_ byte: UInt8, _ j: Int) -> Bool { byte & (0x80 >> UInt8(j % 8)) != 0 }
        func grid(_ bucket: Int, _ j: Int, levels: Int) -> Double {
            guard let ranges else { preconditionFailure("\(encoding) needs ranges") }
            let low = ranges.minimums[j], high = ranges.maximums[j]
            if low == high { return Double(low) }
            // The step in float32, as quantization computes it; then everything in double.
            let step = Double((high - low) / Float(levels - 1))
            return Double(low) + (Double(bucket) + (ranges.floor ? 0.5 : 0)) * step
        }
        let planeBytes = (d + 7) / 8
        return (0..<d).map { j -> Double in
            switch encoding {
            case .float32:
                let bits = UInt32(row[4 * j]) | UInt32(row[4 * j + 1]) << 8 | UInt32(row[4 * j + 2]) << 16
                    | UInt32(row[4 * j + 3]) << 24
                return Double(Float(bitPattern: bits))
            case .float16:
                let bits = Int(row[2 * j]) | Int(row[2 * j + 1]) << 8
                let sign: Double = bits & 0x8000 != 0 ? -1 : 1
                let exponent = (bits >> 10) & 0x1F, mantissa = Double(bits & 0x3FF)
                if exponent == 0 { return sign * mantissa * 0x1p-24 }
                if exponent == 31 { return mantissa == 0 ? sign * .infinity : .nan }
                return sign * (1 + mantissa / 1024) * Double(sign: .plus, exponent: exponent - 15, significand: 1)
            case .bfloat16:
                return Double(Float(bitPattern: (UInt32(row[2 * j]) | UInt32(row[2 * j + 1]) << 8) << 16))
            case .int8: return grid(Int(Int8(bitPattern: row[j])) + 128, j, levels: 256)
            case .uint8: return grid(Int(row[j]), j, levels: 256)
            case .int4:
                let byte = row[j / 2]
                return grid(Int(j % 2 == 0 ? byte >> 4 : byte & 0x0F), j, levels: 16)
            case .ternary:
                if bit(row[j / 8], j) { return 1 }
                return bit(row[planeBytes + j / 8], j) ? -1 : 0
            case .binary: return bit(UInt8(Int(Int8(bitPattern: row[j / 8])) + 128), j) ? 1 : -1
            case .ubinary: return bit(row[j / 8], j) ? 1 : -1
            }
        }
    }

    /// `Σ_j q_j · x_j` in double for the decoded row `x` of ``values(_:encoding:dimension:ranges:)``.
    public static func score(query: [Float], row: [UInt8], encoding: Encoding, ranges: Ranges?) -> Double {
        let x = values(row, encoding: encoding, dimension: query.count, ranges: ranges)
        var sum = 0.0
        for j in query.indices { sum += Double(query[j]) * x[j] }
        return sum
    }

    /// A bound on the error of EmbedQ's score of the row against the exact one: float32 rounding
    /// of any summation order, `2 · (d + 2) · 2⁻²³ · Σ_j |q_j| · (2|x_j| + |min_j| + step_j)` (the
    /// magnitudes of every term a float32 implementation may add), plus, for the integer-scored
    /// encodings, the int8 rounding of the query's weights (README "Search": `w_j = q_j · step_j`
    /// for int8 / uint8 / int4, `q_j` for ternary, rounded at `s = max |w_j| / 127`; bits: the
    /// nibble lookups' rounding, `queryRoundingBound`):
    /// `s/2 · Σ_j |u_j|` with `u_j` the bucket (int8 / uint8 / int4) or `|x_j|` (ternary, bits),
    /// with 1 % to spare for the float32 arithmetic of the rounding itself.
    public static func roundingBound(query: [Float], row: [UInt8], encoding: Encoding, ranges: Ranges?) -> Double {
        let x = values(row, encoding: encoding, dimension: query.count, ranges: ranges)
        var magnitude = 0.0
        for j in query.indices {
            var term = 2 * abs(x[j])
            if let ranges, [.int8, .uint8, .int4].contains(encoding) {
                term += abs(Double(ranges.minimums[j])) + Double(ranges.maximums[j] - ranges.minimums[j])
            }
            magnitude += abs(Double(query[j])) * term
        }
        let float32 = 2 * Double(query.count + 2) * 0x1p-23 * magnitude
        return float32 + 1.01 * queryRoundingBound(query: query, row: row, encoding: encoding, ranges: ranges)
    }

    /// `s/2 · Σ_j |u_j|`: the most the integer rounding of the query's weights moves the score (0
    /// for the float encodings, which score the float query itself); bit codes: the nibble
    /// lookups' `s · ⌈d/4⌉`.
    static func queryRoundingBound(query: [Float], row: [UInt8], encoding: Encoding, ranges: Ranges?) -> Double {
        let d = query.count
        var weights = [Double](repeating: 0, count: d)
        var units = [Double](repeating: 0, count: d)
        switch encoding {
        case .float32, .float16, .bfloat16: return 0
        case .int8, .uint8, .int4:
            guard let ranges else { return 0 }
            let levels: Float = encoding == .int4 ? 15 : 255
            for j in 0..<d where ranges.minimums[j] != ranges.maximums[j] {
                weights[j] = Double(query[j] * ((ranges.maximums[j] - ranges.minimums[j]) / levels))
                switch encoding {
                case .int8: units[j] = Double(Int(Int8(bitPattern: row[j])) + 128)
                case .uint8: units[j] = Double(row[j])
                default: units[j] = Double(j % 2 == 0 ? row[j / 2] >> 4 : row[j / 2] & 0x0F)
                }
            }
        case .binary, .ubinary:
            // Nibble lookups: the weight sums over each 4 dimensions' bit patterns rounded to steps
            // of 1/60 of the largest one-signed nibble sum (weights of `binary`'s flipped bits,
            // dimensions j ≡ 0 mod 8, negated), each sum off by at most half a step; the score
            // counts the sums twice (±1 = 2b − 1).
            var largest = 0.0
            for group in Swift.stride(from: 0, to: d, by: 4) {
                var positive = 0.0, negative = 0.0
                for j in group..<Swift.min(group + 4, d) {
                    let w = Double(encoding == .binary && j % 8 == 0 ? -query[j] : query[j])
                    if w > 0 { positive += w } else { negative -= w }
                }
                largest = Swift.max(largest, positive, negative)
            }
            return largest / 60 * Double((d + 3) / 4)
        case .ternary:
            let x = values(row, encoding: encoding, dimension: d, ranges: nil)
            for j in 0..<d {
                weights[j] = Double(query[j])
                units[j] = abs(x[j])
            }
        }
        let s = (weights.map(abs).max() ?? 0) / 127
        return s / 2 * units.reduce(0, +)
    }
}

/// Checks that search results are a correct top-k against reference scores that carry a known
/// rounding bound: hits sorted best first, distinct rows drawn from the candidates, each hit's
/// score within its bound of the reference, and no candidate left out that beats a returned hit
/// by more than both bounds (near-ties may fall either way; nothing else may).
public enum TopKOracle {
    /// The problems found, empty when `hits` is a correct top-`k` of `candidates`.
    ///
    /// - Parameters:
    ///   - hits: (row, score) best first.
    ///   - reference: the exact score of a row.
    ///   - bound: the tolerated float32 error of a row's score.
    ///   - higherIsBetter: whether larger scores rank first.
    public static func problems(
        hits: [(row: Int, score: Double)], candidates: [Int], k: Int,
        reference: (Int) -> Double, bound: (Int) -> Double, higherIsBetter: Bool = true
    ) -> [String] {
        var problems = [String]()
        let sign: Double = higherIsBetter ? 1 : -1
        if hits.count != min(k, candidates.count) {
            problems.append("\(hits.count) hits, expected \(min(k, candidates.count))")
        }
        let candidateSet = Set(candidates)
        let hitRows = Set(hits.map(\.row))
        if hitRows.count != hits.count { problems.append("repeated rows \(hits.map(\.row))") }
        for (rank, hit) in hits.enumerated() {
            if !candidateSet.contains(hit.row) { problems.append("row \(hit.row) is not a candidate") }
            let exact = reference(hit.row)
            if !(abs(hit.score - exact) <= bound(hit.row)) {
                problems.append("row \(hit.row): score \(hit.score), reference \(exact) (bound \(bound(hit.row)))")
            }
            if rank > 0, sign * hits[rank - 1].score < sign * hit.score {
                problems.append("not sorted at rank \(rank)")
            }
        }
        guard let worst = hits.min(by: { sign * reference($0.row) < sign * reference($1.row) }) else { return problems }
        let floor = sign * reference(worst.row)
        for row in candidates where !hitRows.contains(row) {
            if sign * reference(row) > floor + bound(row) + bound(worst.row) {
                problems.append("row \(row) (reference \(reference(row))) left out, beats returned row \(worst.row) (\(reference(worst.row)))")
            }
        }
        return problems
    }
}

/// RaBitQ-family codes (`rabitq1` … `rabitq4`): encoding, the per-vector correction factors and
/// the plain reference estimator.
///
/// A vector `x` with centroid `c` and rotation `R` (``RaBitQRotation``) has residual `r = x − c`
/// and rotated unit residual `o' = R·r / ‖r‖`. Its B-bit code picks the grid vector
/// `y_i = u_i − (2^B − 1)/2` (`0 ≤ u_i < 2^B`) whose direction is closest to `o'`: for B = 1 the
/// signs (RaBitQ, SIGMOD 2024); for B > 1 the rescaling `t` that maximizes `⟨y, o'⟩ / ‖y‖` over
/// every breakpoint of `y_i = sign(o'_i)·(min(⌊t·|o'_i|⌋, 2^(B−1) − 1) + ½)` (extended RaBitQ,
/// SIGMOD 2025). For a query `q` (`q' = R·q`) the estimate
///
///     ⟨x, q⟩ ≈ ⟨c, q⟩ + scale · ⟨y, q'⟩,   scale = ‖r‖ / ⟨y, o'⟩
///
/// is unbiased over the random rotation, with error at most `errorFactor · ε₀ · ‖q'‖` with high
/// probability, `errorFactor = ‖r‖ · √(1 − cos²) / (cos · √(D − 1))`, `cos = ⟨y, o'⟩ / ‖y‖`,
/// ε₀ ≈ 1.9 (``defaultErrorMultiplier``). Both factors follow the bit-planes in each row.
public enum RaBitQCodes {
    /// Bytes of correction factors per row: scale and error factor, float32 little-endian.
    public static let factorBytes = 8
    /// ε₀ of the RaBitQ error bound (the paper's confidence constant; 1.9 bounds all but ~1e-3
    /// of the estimates in its experiments).
    public static let defaultErrorMultiplier: Float = 1.9

    /// Per-vector correction factors stored after a row's bit-planes.
    public struct Factors: Sendable, Equatable {
        /// `‖x − c‖ / ⟨y, o'⟩`: multiplies `⟨y, q'⟩` into the estimate of `⟨x − c, q⟩`.
        public var scale: Float
        /// `‖x − c‖ · √(1 − cos²) / (cos · √(D − 1))`: times `ε₀ · ‖q'‖`, the error bound.
        public var errorFactor: Float

        /// Creates factors.
        public init(scale: Float, errorFactor: Float) {
            self.scale = scale
            self.errorFactor = errorFactor
        }
    }

    /// Bytes of one bit-plane for `dimension` dimensions.
    public static func planeBytes(dimension: Int) -> Int { (dimension + 7) / 8 }

    /// Encodes `matrix` (`n × d`) into rows of `bits` bit-planes and factors.
    ///
    /// - Throws: ``QuantizationError/nonFiniteValue(row:column:value:)``,
    ///   ``QuantizationError/dimensionMismatch(expected:actual:what:)`` when the rotation covers
    ///   another dimension, ``QuantizationError/invalidParameter(_:)`` for bits outside 1…4.
    public static func encode(_ matrix: EmbeddingMatrix, bits: Int, rotation: RaBitQRotation) throws -> [UInt8] {
        guard (1...4).contains(bits) else { throw QuantizationError.invalidParameter("RaBitQ bits must be 1…4, got \(bits)") }
        guard rotation.dimension == matrix.dimension else {
            throw QuantizationError.dimensionMismatch(expected: matrix.dimension, actual: rotation.dimension, what: "the RaBitQ rotation")
        }
        let d = matrix.dimension
        let width = bits * planeBytes(dimension: d) + factorBytes
        var output = [UInt8](repeating: 0, count: matrix.rowCount * width)
        var residual = [Float](repeating: 0, count: d)
        var rotated = [Float](repeating: 0, count: d)
        var codes = [Int](repeating: 0, count: d)
        try matrix.values.withUnsafeBufferPointer { values in
            for row in 0..<matrix.rowCount {
                let x = values.baseAddress! + row * d
                var squared = 0.0
                for column in 0..<d {
                    guard x[column].isFinite else { throw QuantizationError.nonFiniteValue(row: row, column: column, value: x[column]) }
                    residual[column] = x[column] - rotation.centroid[column]
                    squared += Double(residual[column]) * Double(residual[column])
                }
                let norm = squared.squareRoot()
                var factors = Factors(scale: 0, errorFactor: 0)
                if norm > 0 {
                    residual.withUnsafeBufferPointer { r in
                        rotated.withUnsafeMutableBufferPointer { rotation.rotate(r.baseAddress!, into: $0.baseAddress!) }
                    }
                    let inverse = Float(1 / norm)
                    for column in 0..<d { rotated[column] *= inverse }
                    factors = gridCode(of: rotated, bits: bits, norm: norm, into: &codes)
                } else {
                    for column in 0..<d { codes[column] = 0 }
                }
                output.withUnsafeMutableBufferPointer { out in
                    write(codes: codes, factors: factors, bits: bits, into: out.baseAddress! + row * width)
                }
            }
        }
        return output
    }

    /// The codes `u_i` of the grid vector closest in direction to the unit vector `o` (rotated
    /// residual), and its factors for a residual of length `norm`.
    static func gridCode(of o: [Float], bits: Int, norm: Double, into codes: inout [Int]) -> Factors {
        let d = o.count
        let half = 1 << (bits - 1)
        // Magnitude steps k_i (0 … half − 1) of the best rescaling; y_i = ±(k_i + ½).
        var steps = [Int](repeating: 0, count: d)
        if bits > 1 {
            // Breakpoints t = (k + 1) / |o_i| where k_i rises to k + 1, swept in increasing t.
            var events: [(t: Double, column: Int)] = []
            events.reserveCapacity(d * (half - 1))
            for column in 0..<d {
                let magnitude = Double(abs(o[column]))
                guard magnitude > 0 else { continue }
                for k in 0..<(half - 1) { events.append((Double(k + 1) / magnitude, column)) }
            }
            events.sort { $0.t < $1.t || ($0.t == $1.t && $0.column < $1.column) }
            var inner = 0.0, squared = 0.0
            for column in 0..<d {
                inner += 0.5 * Double(abs(o[column]))
                squared += 0.25
            }
            var best = inner / squared.squareRoot(), bestCount = 0
            var current = [Int](repeating: 0, count: d)
            for (index, event) in events.enumerated() {
                let k = current[event.column] + 1
                current[event.column] = k
                inner += Double(abs(o[event.column]))
                squared += 2 * Double(k)  // (k + ½)² − (k − ½)²
                let cosine = inner / squared.squareRoot()
                if cosine > best {
                    best = cosine
                    bestCount = index + 1
                }
            }
            for event in events.prefix(bestCount) { steps[event.column] += 1 }
        }
        var inner = 0.0, squared = 0.0
        for column in 0..<d {
            let k = steps[column]
            let positive = o[column] > 0
            codes[column] = positive ? half + k : half - 1 - k
            let y = Double(codes[column]) - Double((1 << bits) - 1) / 2
            inner += y * Double(o[column])
            squared += y * y
        }
        guard inner > 0 else { return Factors(scale: 0, errorFactor: 0) }
        let cosine = min(inner / squared.squareRoot(), 1)
        let errorFactor = d > 1 ? norm * (1 - cosine * cosine).squareRoot() / (cosine * Double(d - 1).squareRoot()) : 0
        return Factors(scale: Float(norm / inner), errorFactor: Float(errorFactor))
    }

    /// Packs codes into `bits` planes (most-significant bit first) followed by the factors.
    static func write(codes: [Int], factors: Factors, bits: Int, into row: UnsafeMutablePointer<UInt8>) {
        let d = codes.count
        let plane = planeBytes(dimension: d)
        for index in 0..<(bits * plane) { row[index] = 0 }
        for a in 0..<bits {
            for column in 0..<d where (codes[column] >> a) & 1 == 1 {
                row[a * plane + (column >> 3)] |= UInt8(0x80) >> UInt8(column & 7)
            }
        }
        let base = UnsafeMutableRawPointer(row + bits * plane)
        base.storeBytes(of: factors.scale.bitPattern.littleEndian, as: UInt32.self)
        (base + 4).storeBytes(of: factors.errorFactor.bitPattern.littleEndian, as: UInt32.self)
    }

    /// The factors stored in `row` (one row of `bits` planes for `dimension` dimensions).
    public static func factors(of row: UnsafeRawBufferPointer, dimension: Int, bits: Int) -> Factors {
        let offset = bits * planeBytes(dimension: dimension)
        let scale = UInt32(littleEndian: row.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
        let error = UInt32(littleEndian: row.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self))
        return Factors(scale: Float(bitPattern: scale), errorFactor: Float(bitPattern: error))
    }

    /// The codes `u_i` of `row` (`dimension` values in 0 ..< 2^bits).
    public static func codes(of row: UnsafeRawBufferPointer, dimension: Int, bits: Int) -> [Int] {
        let plane = planeBytes(dimension: dimension)
        return (0..<dimension).map { column in
            var code = 0
            for a in 0..<bits where (row[a * plane + (column >> 3)] >> (7 - UInt8(column & 7))) & 1 == 1 { code |= 1 << a }
            return code
        }
    }

    /// The grid value `y = u − (2^bits − 1)/2` of a code.
    @inline(__always)
    public static func gridValue(code: Int, bits: Int) -> Float {
        Float(code) - Float((1 << bits) - 1) / 2
    }

    /// The reference estimate of `⟨x, q⟩` for the row's vector `x` and a float query `q` (not
    /// rotated; `dimension` values): `⟨c, q⟩ + scale · ⟨y, R·q⟩`, in double precision.
    public static func referenceEstimate(
        row: UnsafeRawBufferPointer, query: [Float], bits: Int, rotation: RaBitQRotation
    ) -> Double {
        let d = rotation.dimension
        let rotated = rotation.rotate(query)
        let u = codes(of: row, dimension: d, bits: bits)
        var inner = 0.0, centre = 0.0
        for column in 0..<d {
            inner += Double(gridValue(code: u[column], bits: bits)) * Double(rotated[column])
            centre += Double(rotation.centroid[column]) * Double(query[column])
        }
        return centre + Double(factors(of: row, dimension: d, bits: bits).scale) * inner
    }

    /// Dequantizes rows: `c + scale · Rᵀ·y`, the vector whose inner product with any query is the
    /// estimate above (its length exceeds `‖x‖`: it is an estimator, not a reconstruction).
    static func decode(_ quantized: QuantizedEmbeddings, rotation: RaBitQRotation) -> [Float] {
        let d = quantized.dimension
        let bits = quantized.precision.rabitqCodeBits ?? 1
        var output = [Float](repeating: 0, count: quantized.rowCount * d)
        var grid = [Float](repeating: 0, count: d)
        quantized.codes.withUnsafeBytes { all in
            output.withUnsafeMutableBufferPointer { out in
                for row in 0..<quantized.rowCount {
                    let bytes = UnsafeRawBufferPointer(rebasing: all[(row * quantized.bytesPerVector)..<((row + 1) * quantized.bytesPerVector)])
                    let factors = factors(of: bytes, dimension: d, bits: bits)
                    let u = codes(of: bytes, dimension: d, bits: bits)
                    for column in 0..<d { grid[column] = factors.scale * gridValue(code: u[column], bits: bits) }
                    let target = out.baseAddress! + row * d
                    grid.withUnsafeBufferPointer { rotation.rotateBack($0.baseAddress!, into: target) }
                    for column in 0..<d { target[column] += rotation.centroid[column] }
                }
            }
        }
        return output
    }
}

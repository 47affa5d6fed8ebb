/// The data-independent part of RaBitQ codes: a centroid `c` (d floats) and a random orthogonal
/// matrix `R` (d × d, row-major), seeded so the same seed rebuilds it. Codes quantize
/// `R · (x − c) / ‖x − c‖`; queries are rotated by the same `R` (inner products are preserved).
///
/// Kept with the calibration ranges (``QuantizationRanges/rotation``) and written by
/// ``RangesFile``, so corpus and queries use the same one.
public struct RaBitQRotation: Sendable, Equatable, Codable {
    /// Dimensions of the vectors (and of the rotated vectors).
    public let dimension: Int
    /// The seed the matrix was drawn from (informational once the matrix is stored).
    public let seed: UInt64
    /// The centroid `c` subtracted before rotating (`dimension` values; usually the corpus mean).
    public let centroid: [Float]
    /// `R`, row-major `dimension × dimension`, orthogonal within float32 rounding.
    public let matrix: [Float]

    /// Wraps a stored rotation, checking shapes and finiteness.
    ///
    /// - Throws: ``QuantizationError/dimensionMismatch(expected:actual:what:)`` for a centroid or
    ///   matrix of the wrong size; ``QuantizationError/malformedRanges(_:)`` for a non-finite value
    ///   or a row whose length is not 1 (within 10⁻³).
    public init(dimension: Int, seed: UInt64, centroid: [Float], matrix: [Float]) throws {
        guard centroid.count == dimension else {
            throw QuantizationError.dimensionMismatch(expected: dimension, actual: centroid.count, what: "the RaBitQ centroid")
        }
        guard matrix.count == dimension * dimension else {
            throw QuantizationError.malformedRanges(
                "the RaBitQ rotation has \(matrix.count) values, expected \(dimension) × \(dimension)")
        }
        if let bad = (centroid + matrix).firstIndex(where: { !$0.isFinite }) {
            throw QuantizationError.malformedRanges("the RaBitQ centroid / rotation holds a non-finite value at \(bad)")
        }
        for row in 0..<dimension {
            var squared = 0.0
            for k in 0..<dimension { squared += Double(matrix[row * dimension + k]) * Double(matrix[row * dimension + k]) }
            guard abs(squared - 1) < 1e-3 else {
                throw QuantizationError.malformedRanges("row \(row) of the RaBitQ rotation has length \(squared.squareRoot()), not 1")
            }
        }
        self.dimension = dimension
        self.seed = seed
        self.centroid = centroid
        self.matrix = matrix
    }

    /// A seeded random orthogonal rotation (Gaussian matrix, orthonormalized by modified
    /// Gram–Schmidt in double precision, applied twice) around `centroid`.
    ///
    /// - Throws: ``QuantizationError/invalidParameter(_:)`` for a dimension below 1.
    public static func random(dimension: Int, seed: UInt64, centroid: [Float]? = nil) throws -> RaBitQRotation {
        guard dimension >= 1 else { throw QuantizationError.invalidParameter("RaBitQ dimension must be ≥ 1, got \(dimension)") }
        var generator = SeededRandomGenerator(seed: seed)
        let d = dimension
        var rows = [Double](repeating: 0, count: d * d)
        for index in rows.indices { rows[index] = generator.nextGaussian() }
        rows.withUnsafeMutableBufferPointer { m in
            for i in 0..<d {
                for _ in 0..<2 {  // re-orthogonalize once for accuracy
                    for j in 0..<i {
                        var dot = 0.0
                        for k in 0..<d { dot += m[i * d + k] * m[j * d + k] }
                        for k in 0..<d { m[i * d + k] -= dot * m[j * d + k] }
                    }
                }
                var norm = 0.0
                for k in 0..<d { norm += m[i * d + k] * m[i * d + k] }
                let inverse = 1 / norm.squareRoot()
                for k in 0..<d { m[i * d + k] *= inverse }
            }
        }
        return try RaBitQRotation(
            dimension: d, seed: seed, centroid: centroid ?? [Float](repeating: 0, count: d), matrix: rows.map { Float($0) })
    }

    /// The centroid of `embeddings`: the mean of its rows in double precision (zeros when empty).
    public static func mean(of embeddings: EmbeddingMatrix) -> [Float] {
        var sums = [Double](repeating: 0, count: embeddings.dimension)
        embeddings.values.withUnsafeBufferPointer { values in
            for row in 0..<embeddings.rowCount {
                for column in 0..<embeddings.dimension { sums[column] += Double(values[row * embeddings.dimension + column]) }
            }
        }
        let count = Double(max(embeddings.rowCount, 1))
        return sums.map { Float($0 / count) }
    }

    /// `R · vector` (`dimension` values in, `dimension` out), float32 with eight partial sums.
    public func rotate(_ vector: UnsafePointer<Float>, into output: UnsafeMutablePointer<Float>) {
        let d = dimension
        matrix.withUnsafeBufferPointer { m in
            for i in 0..<d {
                let row = m.baseAddress! + i * d
                var acc = SIMD8<Float>()
                var k = 0
                while k + 8 <= d {
                    acc += UnsafeRawPointer(row + k).loadUnaligned(as: SIMD8<Float>.self)
                        * UnsafeRawPointer(vector + k).loadUnaligned(as: SIMD8<Float>.self)
                    k += 8
                }
                var total = acc.sum()
                while k < d {
                    total += row[k] * vector[k]
                    k += 1
                }
                output[i] = total
            }
        }
    }

    /// `Rᵀ · vector`: maps a rotated vector back.
    public func rotateBack(_ vector: UnsafePointer<Float>, into output: UnsafeMutablePointer<Float>) {
        let d = dimension
        for k in 0..<d { output[k] = 0 }
        matrix.withUnsafeBufferPointer { m in
            for i in 0..<d {
                let value = vector[i]
                let row = m.baseAddress! + i * d
                for k in 0..<d { output[k] += value * row[k] }
            }
        }
    }

    /// Rotations are equal when their centroids and matrices are: the seed is informational
    /// (`.npy` ranges and index files keep the matrix, not the seed).
    public static func == (left: RaBitQRotation, right: RaBitQRotation) -> Bool {
        left.dimension == right.dimension && left.centroid == right.centroid && left.matrix == right.matrix
    }

    /// `R · vector` for an array.
    public func rotate(_ vector: [Float]) -> [Float] {
        var output = [Float](repeating: 0, count: dimension)
        vector.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { rotate(input.baseAddress!, into: $0.baseAddress!) }
        }
        return output
    }
}

/// Computes ``QuantizationRanges`` from representative embeddings.
///
/// Calibrate once on a representative sample (usually the corpus), save the ranges, and reuse
/// them for every later batch and for queries, so corpus and query codes share one scale.
public enum Calibration {
    /// Default multiplier α of the ternary thresholds `t_d = α·σ_d`. Chosen by measurement on
    /// SciFact with all-MiniLM-L6-v2 (ternary × ternary scoring kept ≈ 99 % of float32 NDCG@10).
    public static let defaultTernaryAlpha: Double = 0.7

    /// Below this many rows, self-calibration works but warns: ranges from few rows are unstable.
    public static let recommendedMinimumRows = 100

    /// Ranges of `embeddings` (`n × d`, `n ≥ 2`) by `method`, with ternary thresholds
    /// `α·σ_d` (population standard deviation of each dimension).
    ///
    /// - Throws: ``QuantizationError/tooFewRowsToCalibrate(rows:)`` for fewer than 2 rows,
    ///   ``QuantizationError/nonFiniteValue(row:column:value:)`` for NaN or infinity.
    public static func ranges(
        from embeddings: EmbeddingMatrix,
        method: CalibrationMethod = .minMax,
        ternaryAlpha: Double = defaultTernaryAlpha
    ) throws(QuantizationError) -> QuantizationRanges {
        guard embeddings.rowCount >= 2 else {
            throw QuantizationError.tooFewRowsToCalibrate(rows: embeddings.rowCount)
        }
        guard ternaryAlpha >= 0, ternaryAlpha.isFinite else {
            throw QuantizationError.invalidParameter("ternary alpha must be finite and ≥ 0, got \(ternaryAlpha)")
        }
        try embeddings.validateFinite()
        let statistics = ColumnStatistics(embeddings)
        let thresholds = statistics.standardDeviations.map { Float(ternaryAlpha * $0) }
        switch method {
        case .minMax:
            return try QuantizationRanges(
                minimums: statistics.minimums, maximums: statistics.maximums, ternaryThresholds: thresholds)
        case .quantile(let p):
            guard p >= 0, p < 0.5 else {
                throw QuantizationError.invalidParameter("quantile must be in [0, 0.5), got \(p)")
            }
            var lows = [Float](repeating: 0, count: embeddings.dimension)
            var highs = lows
            var column = [Float](repeating: 0, count: embeddings.rowCount)
            for j in 0..<embeddings.dimension {
                embeddings.values.withUnsafeBufferPointer { values in
                    for i in 0..<embeddings.rowCount { column[i] = values[i * embeddings.dimension + j] }
                }
                column.sort()
                lows[j] = interpolatedQuantile(sorted: column, p)
                highs[j] = interpolatedQuantile(sorted: column, 1 - p)
            }
            return try QuantizationRanges(minimums: lows, maximums: highs, ternaryThresholds: thresholds)
        case .meanStd(let k):
            guard k > 0, k.isFinite else {
                throw QuantizationError.invalidParameter("meanstd k must be positive, got \(k)")
            }
            var lows = [Float](repeating: 0, count: embeddings.dimension)
            var highs = lows
            for j in 0..<embeddings.dimension {
                let mean = statistics.means[j], deviation = statistics.standardDeviations[j]
                lows[j] = max(statistics.minimums[j], Float(mean - k * deviation))
                highs[j] = min(statistics.maximums[j], Float(mean + k * deviation))
            }
            return try QuantizationRanges(minimums: lows, maximums: highs, ternaryThresholds: thresholds)
        }
    }

    /// The `p`-quantile of ascending `sorted` values with linear interpolation between the two
    /// nearest ranks (NumPy's default `method="linear"`).
    static func interpolatedQuantile(sorted: [Float], _ p: Double) -> Float {
        precondition(!sorted.isEmpty)
        let position = p * Double(sorted.count - 1)
        let lower = Int(position.rounded(.down))
        let upper = min(lower + 1, sorted.count - 1)
        let fraction = position - Double(lower)
        return Float(Double(sorted[lower]) + fraction * (Double(sorted[upper]) - Double(sorted[lower])))
    }
}

/// Per-column minimum, maximum, mean and population standard deviation of a matrix, in one pass
/// over the rows (float64 accumulation).
struct ColumnStatistics {
    var minimums: [Float]
    var maximums: [Float]
    var means: [Double]
    var standardDeviations: [Double]

    init(_ matrix: EmbeddingMatrix) {
        let d = matrix.dimension, n = matrix.rowCount
        var lows = [Float](repeating: .infinity, count: d)
        var highs = [Float](repeating: -.infinity, count: d)
        var sums = [Double](repeating: 0, count: d)
        var squares = [Double](repeating: 0, count: d)
        matrix.values.withUnsafeBufferPointer { values in
            for i in 0..<n {
                let row = values.baseAddress! + i * d
                for j in 0..<d {
                    let x = row[j]
                    lows[j] = Swift.min(lows[j], x)
                    highs[j] = Swift.max(highs[j], x)
                    let wide = Double(x)
                    sums[j] += wide
                    squares[j] += wide * wide
                }
            }
        }
        let count = Double(Swift.max(n, 1))
        means = sums.map { $0 / count }
        standardDeviations = zip(sums, squares).map { sum, square in
            let mean = sum / count
            return (Swift.max(0, square / count - mean * mean)).squareRoot()
        }
        minimums = lows
        maximums = highs
    }
}

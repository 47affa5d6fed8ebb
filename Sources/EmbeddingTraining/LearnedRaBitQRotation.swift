import EmbeddingQuantization

extension IterativeQuantization {
    /// A RaBitQ rotation learned from the corpus instead of drawn at random: ITQ (Gong & Lazebnik
    /// 2011) over the unit residuals `(x − c)/‖x − c‖` with `c` the corpus mean, keeping every
    /// dimension (`W = Rᵀ·P`, `d × d`, orthogonal). ITQ finds the rotation whose signs are closest to
    /// the rotated residuals, which is what a 1-bit RaBitQ code keeps, so `⟨y, o'⟩` grows and the
    /// estimate's error (`√(1 − cos²)/cos`) shrinks. The estimator is no longer unbiased over a random
    /// rotation; its error bound (the error factor) is still computed per row from `cos`.
    ///
    /// - Parameters:
    ///   - corpus: `n × d` float32 embeddings (`n ≥ max(2, d)`: every principal direction is rotated).
    ///   - iterations: ITQ alternations (sign, then the best rotation).
    ///   - seed: the seed of ITQ's starting rotation (recorded as the rotation's seed).
    ///   - sampleLimit: at most this many rows (evenly strided) are used to learn it, so a million-row
    ///     corpus costs what 20,000 rows cost.
    /// - Returns: the rotation, with the mean of the whole corpus as its centroid.
    /// - Throws: ``TrainingError/tooFewRows(rows:needed:what:)`` below `max(2, d)` rows,
    ///   ``TrainingError/invalidParameter(_:)`` for a non-positive iteration count or sample limit.
    public static func rabitqRotation(
        _ corpus: EmbeddingMatrix, iterations: Int = 50, seed: UInt64 = 1, sampleLimit: Int = 20_000
    ) throws(TrainingError) -> RaBitQRotation {
        let (n, d) = (corpus.rowCount, corpus.dimension)
        guard iterations >= 1, sampleLimit >= 2 else {
            throw .invalidParameter("ITQ rotation needs iterations ≥ 1 and a sample limit ≥ 2 (got \(iterations), \(sampleLimit))")
        }
        // ITQ's rotation of all d principal directions needs them all: at least d rows.
        guard n >= Swift.max(2, d) else { throw .tooFewRows(rows: n, needed: Swift.max(2, d), what: "the ITQ rotation") }
        let centroid = RaBitQRotation.mean(of: corpus)
        let sample = Swift.min(n, Swift.max(sampleLimit, d))
        var residuals = [Double](repeating: 0, count: sample * d)
        corpus.values.withUnsafeBufferPointer { values in
            for s in 0..<sample {
                let row = s * n / sample
                var norm = 0.0
                for k in 0..<d {
                    let r = Double(values[row * d + k]) - Double(centroid[k])
                    residuals[s * d + k] = r
                    norm += r * r
                }
                // A row at the centroid has no direction: it stays zero and does not pull the rotation.
                let inverse = norm > 0 ? 1 / norm.squareRoot() : 0
                for k in 0..<d { residuals[s * d + k] *= inverse }
            }
        }
        let head = try itqHead(residuals, count: sample, dimension: d, outputDimension: d, iterations: iterations, seed: seed)
        do {
            return try RaBitQRotation(dimension: d, seed: seed, centroid: centroid, matrix: head.weights.map { Float($0) })
        } catch {
            throw .invalidParameter("the ITQ rotation is not orthogonal: \(error)")
        }
    }
}

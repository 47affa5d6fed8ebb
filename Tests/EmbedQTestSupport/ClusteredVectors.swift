/// Seeded clustered unit vectors, like sentence embeddings: a few shared directions (clusters)
/// plus noise, each row normalized. Shared by the RaBitQ tests of several targets.
public enum ClusteredVectors {
    /// `rows × dimension` float32 values, row-major: row `r` is `0.6 · centre[r % clusters] +
    /// noise` (every value uniform in −1 … 1), normalized to unit length.
    ///
    /// - Parameters:
    ///   - rows: rows to make (≥ 0).
    ///   - dimension: values per row (≥ 1).
    ///   - clusters: shared directions (≥ 1).
    ///   - seed: the ``SeededGenerator`` seed: equal seeds give equal values.
    public static func values(rows: Int, dimension: Int, clusters: Int = 4, seed: UInt64) -> [Float] {
        var generator = SeededGenerator(seed: seed)
        let centres = (0..<(clusters * dimension)).map { _ in Float.random(in: -1...1, using: &generator) }
        var values: [Float] = []
        values.reserveCapacity(rows * dimension)
        for row in 0..<rows {
            let centre = (row % clusters) * dimension
            var v = (0..<dimension).map { centres[centre + $0] * 0.6 + Float.random(in: -1...1, using: &generator) }
            let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
            for i in v.indices { v[i] /= norm }
            values += v
        }
        return values
    }
}

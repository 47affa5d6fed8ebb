import EmbedQTestSupport
import EmbeddingQuantization
import Foundation

/// Seeded unit vectors around a few centres, for the graph tests: uniform random vectors have no
/// neighbourhood structure (every point is about as far as every other), real embeddings do.
enum ClusteredVectors {
    /// `rows` unit vectors of `dimension` values drawn around `clusters` seeded centres.
    static func rows(_ rows: Int, dimension: Int, clusters: Int = 24, spread: Float = 0.4, seed: UInt64) -> [[Float]] {
        var generator = SeededGenerator(seed: seed)
        func gaussian() -> Float {
            let u = Float.random(in: Float.ulpOfOne..<1, using: &generator), v = Float.random(in: 0..<1, using: &generator)
            return (-2 * Foundation.log(u)).squareRoot() * Foundation.cos(2 * .pi * v)
        }
        let centres = (0..<clusters).map { _ in (0..<dimension).map { _ in gaussian() } }
        return (0..<rows).map { _ in
            let centre = centres[Int.random(in: 0..<clusters, using: &generator)]
            let row = centre.map { $0 + spread * gaussian() }
            let norm = row.reduce(0) { $0 + $1 * $1 }.squareRoot()
            return row.map { $0 / norm }
        }
    }

    /// The rows as a matrix.
    static func matrix(_ rows: [[Float]]) -> EmbeddingMatrix {
        try! EmbeddingMatrix(rows: rows, dimension: rows.first?.count)
    }
}

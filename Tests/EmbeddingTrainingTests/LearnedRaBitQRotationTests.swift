import EmbedQTestSupport
import EmbeddingQuantization
import XCTest
@testable import EmbeddingTraining

/// The RaBitQ rotation learned by ITQ (`IterativeQuantization.rabitqRotation`) on seeded
/// anisotropic data (like sentence embeddings: a few directions carry most of the variance):
/// orthogonal, centred on the corpus mean, reproducible from its seed, and better aligned with
/// 1-bit codes than the random rotation it starts from; fewer rows than dimensions are refused.
final class LearnedRaBitQRotationTests: XCTestCase {
    /// 800 rows of 48 dimensions: Gaussian coordinates with standard deviations e^(−j/12), an
    /// offset mean, then a seeded random rotation (so no axis is special).
    private func anisotropic() throws -> EmbeddingMatrix {
        let (n, d) = (800, 48)
        var generator = SeededGenerator(seed: 41)
        let mix = try RaBitQRotation.random(dimension: d, seed: 99)
        var values = [Float](repeating: 0, count: n * d)
        for row in 0..<n {
            let raw = (0..<d).map { j -> Double in
                let (u, v) = (Double.random(in: 1e-12..<1, using: &generator), Double.random(in: 0..<1, using: &generator))
                return (-2 * log(u)).squareRoot() * cos(2 * .pi * v) * exp(-Double(j) / 12) + 0.3
            }
            for i in 0..<d {
                var value = 0.0
                for k in 0..<d { value += Double(mix.matrix[i * d + k]) * raw[k] }
                values[row * d + i] = Float(value)
            }
        }
        return try EmbeddingMatrix(rowCount: n, dimension: d, values: values)
    }

    /// Mean over rows of `⟨sign(R·o), R·o⟩ / √d` for the unit residuals `o`: the cosine between a
    /// 1-bit RaBitQ code and its vector, which sets the estimate's error.
    private func meanOneBitCosine(_ rotation: RaBitQRotation, _ corpus: EmbeddingMatrix) -> Double {
        let d = corpus.dimension
        var total = 0.0
        for row in 0..<corpus.rowCount {
            let residual = (0..<d).map { Double(corpus.values[row * d + $0]) - Double(rotation.centroid[$0]) }
            let norm = residual.reduce(0) { $0 + $1 * $1 }.squareRoot()
            var l1 = 0.0
            for i in 0..<d {
                var value = 0.0
                for k in 0..<d { value += Double(rotation.matrix[i * d + k]) * residual[k] }
                l1 += abs(value)
            }
            total += l1 / norm / Double(d).squareRoot()
        }
        return total / Double(corpus.rowCount)
    }

    func testLearnedRotationIsOrthogonalCentredAndBetterAlignedThanRandom() throws {
        let corpus = try anisotropic()
        let d = corpus.dimension
        let learned = try IterativeQuantization.rabitqRotation(corpus, iterations: 20, seed: 7)
        XCTAssertEqual(learned.dimension, d)
        XCTAssertEqual(learned.seed, 7)
        XCTAssertEqual(learned.centroid, RaBitQRotation.mean(of: corpus))
        var worst = 0.0
        for i in 0..<d {
            for j in i..<d {
                var dot = 0.0
                for k in 0..<d { dot += Double(learned.matrix[i * d + k]) * Double(learned.matrix[j * d + k]) }
                worst = max(worst, abs(dot - (i == j ? 1 : 0)))
            }
        }
        XCTAssertLessThan(worst, 1e-5, "R·Rᵀ differs from the identity by \(worst)")
        let random = try RaBitQRotation.random(dimension: d, seed: 7, centroid: learned.centroid)
        let (learnedCosine, randomCosine) = (meanOneBitCosine(learned, corpus), meanOneBitCosine(random, corpus))
        // A random rotation gives ≈ √(2/π) = 0.798 for any data; ITQ must do clearly better.
        XCTAssertEqual(randomCosine, 0.798, accuracy: 0.01)
        XCTAssertGreaterThan(learnedCosine, randomCosine + 0.01, "ITQ \(learnedCosine) vs random \(randomCosine)")
        // The same seed gives the same matrix.
        XCTAssertEqual(try IterativeQuantization.rabitqRotation(corpus, iterations: 20, seed: 7).matrix, learned.matrix)
    }

    func testTooFewRowsAndBadParametersAreRefused() throws {
        let one = try EmbeddingMatrix(rowCount: 1, dimension: 4, values: [1, 0, 0, 0])
        XCTAssertThrowsError(try IterativeQuantization.rabitqRotation(one)) { error in
            XCTAssertEqual(error as? TrainingError, .tooFewRows(rows: 1, needed: 4, what: "the ITQ rotation"))
        }
        let fewer = try EmbeddingMatrix(rowCount: 3, dimension: 4, values: [Float](repeating: 0.5, count: 12))
        XCTAssertThrowsError(try IterativeQuantization.rabitqRotation(fewer)) { error in
            XCTAssertEqual(error as? TrainingError, .tooFewRows(rows: 3, needed: 4, what: "the ITQ rotation"))
        }
        let two = try EmbeddingMatrix(rowCount: 2, dimension: 2, values: [1, 0, 0, 1])
        XCTAssertThrowsError(try IterativeQuantization.rabitqRotation(two, iterations: 0))
    }
}

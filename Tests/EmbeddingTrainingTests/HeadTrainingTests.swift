import EmbedQTestSupport
import EmbeddingQuantization
import XCTest
@testable import EmbeddingTraining

/// The head's loss gradient against central finite differences (double precision, identity
/// quantizer: the exact chain), the straight-through quantizers, PCA / ITQ against their
/// definitions, head files, and a short seeded training run that lowers the held-out loss.
final class HeadTrainingTests: XCTestCase {
    private func randomValues(_ count: Int, _ generator: inout SeededGenerator, scale: Double = 1) -> [Double] {
        (0..<count).map { _ in Double.random(in: -scale...scale, using: &generator) }
    }

    private func softmaxRows(_ values: [Double], rows: Int, columns: Int) -> [Double] {
        var out = values
        for r in 0..<rows {
            let largest = values[(r * columns)..<((r + 1) * columns)].max()!
            let total = (0..<columns).reduce(0.0) { $0 + exp(values[r * columns + $1] - largest) }
            for c in 0..<columns { out[r * columns + c] = exp(values[r * columns + c] - largest) / total }
        }
        return out
    }

    func testGradientMatchesFiniteDifferences() throws {
        var generator = SeededGenerator(seed: 17)
        let (d, p, b, n) = (7, 5, 3, 6)
        let head = try ProjectionHead(
            inputDimension: d, outputDimension: p, weights: randomValues(p * d, &generator),
            scales: randomValues(p, &generator).map { 1 + 0.5 * $0 }, offsets: randomValues(p, &generator, scale: 0.3))
        let queries = randomValues(b * d, &generator), documents = randomValues(n * d, &generator)
        for oneHot in [false, true] {
            let target = oneHot
                ? (0..<(b * n)).map { Double($0 % n == ($0 / n) ? 1 : 0) }
                : softmaxRows(randomValues(b * n, &generator, scale: 3), rows: b, columns: n)
            let loss = DistillationLoss(quantizer: .identity)
            let logTemperature = 0.7
            let (_, gradient) = loss.evaluate(
                head: head, logTemperature: logTemperature, queries: queries, queryCount: b, documents: documents,
                documentCount: n, target: target)
            func value(_ change: (inout ProjectionHead, inout Double) -> Void) -> Double {
                var h = head, t = logTemperature
                change(&h, &t)
                return loss.evaluate(head: h, logTemperature: t, queries: queries, queryCount: b, documents: documents,
                                     documentCount: n, target: target).loss
            }
            let step = 1e-6
            func check(_ analytic: Double, _ change: @escaping (inout ProjectionHead, inout Double, Double) -> Void, _ what: String) {
                let numeric = (value { change(&$0, &$1, step) } - value { change(&$0, &$1, -step) }) / (2 * step)
                XCTAssertEqual(analytic, numeric, accuracy: 1e-6 + 1e-5 * abs(numeric), "\(what) one-hot \(oneHot)")
            }
            for index in 0..<(p * d) { check(gradient.weights[index], { h, _, e in h.weights[index] += e }, "W[\(index)]") }
            for index in 0..<p {
                check(gradient.scales[index], { h, _, e in h.scales[index] += e }, "s[\(index)]")
                check(gradient.offsets[index], { h, _, e in h.offsets[index] += e }, "b[\(index)]")
            }
            check(gradient.logTemperature, { _, t, e in t += e }, "log γ")
        }
    }

    func testQuantizersForwardAndStraightThroughMask() {
        let y: [Double] = [-2, -0.4, 0, 0.3, 1.5, 0.9]
        let (signs, signMask) = HeadQuantizer.sign.forward(y, rows: 6, dimension: 1)
        XCTAssertEqual(signs, [-1, -1, -1, 1, 1, 1])  // y > 0, as EmbedQ's binary codes
        XCTAssertEqual(signMask, [0, 1, 1, 1, 0, 1])
        let (trits, _) = HeadQuantizer.ternary.forward(y, rows: 6, dimension: 1)
        // σ of y ≈ 1.08: threshold 0.7σ ≈ 0.76.
        XCTAssertEqual(trits, [-1, 0, 0, 0, 1, 1])
        let (levels, _) = HeadQuantizer.int4.forward(y, rows: 6, dimension: 1)
        XCTAssertEqual(levels.first, -2)
        XCTAssertEqual(levels[4], 1.5, accuracy: 1e-12)
        XCTAssertEqual(Set(levels).count, 6)
        XCTAssertEqual(try HeadQuantizer(for: .binary), .sign)
        XCTAssertThrowsError(try HeadQuantizer(for: .float32))
    }

    func testPCAAndITQHeads() throws {
        var generator = SeededGenerator(seed: 3)
        let (n, d, p) = (200, 6, 4)
        // Data stretched along known axes: variance 16, 9, 4, 1, 0.25, 0.01.
        let spreads: [Double] = [4, 3, 2, 1, 0.5, 0.1]
        let data = (0..<n).flatMap { _ in spreads.map { $0 * Double.random(in: -1...1, using: &generator) + 0.2 } }
        let pca = try IterativeQuantization.pcaHead(data, count: n, dimension: d, outputDimension: p)
        for i in 0..<p {
            // Each direction is (±) the i-th axis.
            XCTAssertEqual(abs(pca.weights[i * d + i]), 1, accuracy: 0.05, "direction \(i)")
        }
        // Centred: offsets P·μ, so the outputs have mean 0. Uncentred (for RaBitQ, which keeps its
        // own centroid): the same directions and no offsets, so y_q · y_x = (P·q) · (P·x).
        let matrix = try EmbeddingMatrix(rowCount: n, dimension: d, values: data.map(Float.init))
        let centredOutputs = try pca.apply(matrix)
        for i in 0..<p {
            let mean = (0..<n).reduce(0.0) { $0 + Double(centredOutputs.values[$1 * p + i]) } / Double(n)
            XCTAssertEqual(mean, 0, accuracy: 1e-5, "centred output \(i)")
            XCTAssertGreaterThan(abs(pca.offsets[i]), 1e-3, "offset \(i)")
        }
        let plain = try IterativeQuantization.pcaHead(data, count: n, dimension: d, outputDimension: p, centred: false)
        XCTAssertEqual(plain.weights, pca.weights)
        XCTAssertEqual(plain.offsets, [Double](repeating: 0, count: p))
        let plainOutputs = try plain.apply(matrix)
        for row in [0, 57, 199] {
            for i in 0..<p {
                let projected = (0..<d).reduce(0.0) { $0 + pca.weights[i * d + $1] * Double(Float(data[row * d + $1])) }
                XCTAssertEqual(Double(plainOutputs.values[row * p + i]), projected, accuracy: 1e-5, "row \(row) output \(i)")
            }
        }
        let itq = try IterativeQuantization.itqHead(data, count: n, dimension: d, outputDimension: p, iterations: 30)
        // W·Wᵀ = I (a rotation of orthonormal directions), and the codes' quantization error
        // ‖B − V·R‖ is no larger than PCA's own signs'.
        for i in 0..<p {
            for j in 0..<p {
                let dot = (0..<d).reduce(0.0) { $0 + itq.weights[i * d + $1] * itq.weights[j * d + $1] }
                XCTAssertEqual(dot, i == j ? 1 : 0, accuracy: 1e-6)
            }
        }
        func quantizationError(_ head: ProjectionHead) throws -> Double {
            let matrix = try EmbeddingMatrix(rowCount: n, dimension: d, values: data.map(Float.init))
            return try head.apply(matrix).values.reduce(0.0) { $0 + pow(Double(abs($1)) - 1, 2) }
        }
        XCTAssertLessThanOrEqual(try quantizationError(itq), try quantizationError(pca) * 1.0001)
    }

    func testHeadFileRoundTripAndErrors() throws {
        var generator = SeededGenerator(seed: 5)
        let head = try ProjectionHead(
            inputDimension: 4, outputDimension: 3, weights: randomValues(12, &generator), scales: randomValues(3, &generator),
            offsets: randomValues(3, &generator), precision: .ternary)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("head-\(getpid()).json").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try ProjectionHeadFile.write(head, to: path)
        XCTAssertEqual(try ProjectionHeadFile.read(contentsOf: path), head)
        try Data(#"{"format": "embedq.head", "version": 1, "input_dimension": 4, "output_dimension": 3, "weights": [1], "scales": [1, 1, 1], "offsets": [0, 0, 0]}"#.utf8)
            .write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try ProjectionHeadFile.read(contentsOf: path)) { error in
            XCTAssertTrue("\(error)".contains(path) && "\(error)".contains("weights"), "\(error)")
        }
        XCTAssertThrowsError(try ProjectionHead.identity(dimension: 3).apply(.empty(dimension: 4)))
        XCTAssertThrowsError(try ProjectionHead(inputDimension: 2, outputDimension: 3, weights: [], scales: [], offsets: []))
    }

    /// A short run on clustered data: seeded (two runs agree), and the held-out loss falls.
    func testTrainingLowersTheHeldOutLossAndRepeats() throws {
        var generator = SeededGenerator(seed: 9)
        let (n, d) = (240, 24)
        let centres = (0..<6).map { _ in (0..<d).map { _ in Float.random(in: -1...1, using: &generator) } }
        let rows = (0..<n).map { row -> [Float] in
            var v = centres[row % 6].map { $0 + 0.6 * Float.random(in: -1...1, using: &generator) }
            let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
            for i in v.indices { v[i] /= norm }
            return v
        }
        let corpus = try EmbeddingMatrix(rows: rows)
        let options = HeadTrainingOptions(
            quantizer: .sign, outputDimension: 16, initialization: .rotation, learningRate: 2e-3, batchQueries: 16, neighbours: 8, randomDocuments: 32,
            maximumSteps: 60, evaluationInterval: 10, patience: 10, seed: 4)
        var reports: [HeadTrainingProgress] = []
        let head = try HeadTrainer.train(corpus: corpus, options: options) { reports.append($0) }
        XCTAssertEqual(reports.count, 6)
        XCTAssertLessThan(reports.last!.bestHeldOutLoss, reports.first!.heldOutLoss)
        XCTAssertEqual(head.outputDimension, 16)
        XCTAssertEqual(try HeadTrainer.train(corpus: corpus, options: options), head)
        XCTAssertThrowsError(try HeadTrainer.train(corpus: corpus, pairs: [(0, 1)], options: options))
    }

    /// The polar factor of a random (nonsingular) matrix is orthogonal to rounding, and
    /// `Rᵀ·M` is symmetric positive definite (its diagonal positive): R is the polar factor,
    /// not just some rotation. A rank-one-heavy matrix (condition ≈ 10³) converges too, and a
    /// singular one still gives an orthogonal matrix.
    func testPolarFactorIsOrthogonalAndThePolarFactor() {
        var generator = SeededGenerator(seed: 23)
        for (n, conditioning, zeroRows) in [(1, 1.0, 0), (13, 1.0, 0), (40, 1.0, 0), (40, 1e-3, 0), (40, 1.0, 3)] {
            var m = randomValues(n * n, &generator)
            // Shrink all but the first column: singular values spread over ≈ 1/conditioning.
            for i in 0..<n { for j in 1..<n { m[i * n + j] *= conditioning } }
            // Singular: rows of zeros (dimensions without variance, as in ITQ on a rank-deficient corpus).
            for i in 0..<zeroRows { for j in 0..<n { m[(5 * i + 2) * n + j] = 0 } }
            let r = IterativeQuantization.polarFactor(m, n)
            var worst = 0.0
            for i in 0..<n {
                for j in 0..<n {
                    let dot = (0..<n).reduce(0.0) { $0 + r[$1 * n + i] * r[$1 * n + j] }
                    worst = max(worst, abs(dot - (i == j ? 1 : 0)))
                }
            }
            XCTAssertLessThan(worst, 1e-10, "n = \(n), conditioning \(conditioning): ‖RᵀR − I‖∞")
            // P = Rᵀ·M: symmetric, positive diagonal.
            var p = [Double](repeating: 0, count: n * n)
            for i in 0..<n { for j in 0..<n { p[i * n + j] = (0..<n).reduce(0.0) { $0 + r[$1 * n + i] * m[$1 * n + j] } } }
            for i in 0..<n {
                XCTAssertGreaterThanOrEqual(p[i * n + i], zeroRows == 0 ? 1e-12 : -1e-9, "n = \(n): diagonal \(i)")
                for j in 0..<i { XCTAssertEqual(p[i * n + j], p[j * n + i], accuracy: 1e-9, "n = \(n): P[\(i), \(j)]") }
            }
        }
    }

    /// The default start (identity) is the precision's own codes: with no training steps the head
    /// is a positive multiple of the identity with no offsets, so its signs are the input's signs,
    /// and the outputs' root mean square is ½.
    func testIdentityStartKeepsThePlainCodes() throws {
        var generator = SeededGenerator(seed: 31)
        let (n, d) = (64, 9)
        let values = (0..<(n * d)).map { index in Float(Double.random(in: -1...1, using: &generator) + (index % d == 0 ? 3 : 0)) }
        let corpus = try EmbeddingMatrix(rowCount: n, dimension: d, values: values)
        let head = try HeadTrainer.train(corpus: corpus, options: HeadTrainingOptions(quantizer: .sign, maximumSteps: 0))
        XCTAssertEqual(head.offsets, [Double](repeating: 0, count: d))
        XCTAssertEqual(Set(head.scales).count, 1)
        let outputs = try head.apply(corpus).values
        XCTAssertEqual(outputs.map { $0 > 0 }, values.map { $0 > 0 })
        let rms = (outputs.reduce(0.0) { $0 + Double($1 * $1) } / Double(outputs.count)).squareRoot()
        XCTAssertEqual(rms, 0.5, accuracy: 1e-6)
    }
}

import EmbedQTestSupport
import XCTest
@testable import EmbeddingQuantization

/// RaBitQ-family codes against independent double-precision references: the rotation, the
/// estimator's unbiasedness and error bound over random rotations, the extended codes' optimal
/// rescaling (against a dense search), code and file round trips.
final class RaBitQCodesTests: XCTestCase {
    private func unitVector(_ d: Int, _ generator: inout SeededGenerator) -> [Float] {
        var v = (0..<d).map { _ in Float.random(in: -1...1, using: &generator) }
        let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
        for i in v.indices { v[i] /= norm }
        return v
    }

    func testRotationIsOrthogonalAndRepeatsFromItsSeed() throws {
        for d in [1, 5, 64, 97] {
            let rotation = try RaBitQRotation.random(dimension: d, seed: 3)
            for i in 0..<d {
                for j in 0..<d {
                    var dot = 0.0
                    for k in 0..<d { dot += Double(rotation.matrix[i * d + k]) * Double(rotation.matrix[j * d + k]) }
                    XCTAssertEqual(dot, i == j ? 1 : 0, accuracy: 1e-5, "d=\(d) (\(i), \(j))")
                }
            }
            XCTAssertEqual(try RaBitQRotation.random(dimension: d, seed: 3), rotation)
            if d > 1 { XCTAssertNotEqual(try RaBitQRotation.random(dimension: d, seed: 4).matrix, rotation.matrix) }
        }
        XCTAssertThrowsError(try RaBitQRotation.random(dimension: 0, seed: 1))
    }

    /// Over random rotations the estimate of ⟨x, q⟩ averages to the truth, and RaBitQ's bound
    /// holds as its near-Gaussian error predicts: ε₀ = 1.9 (≈ 1.9 σ) for all but ~6 % of the
    /// estimates, ε₀ = 3 for all but ~0.3 %; more bits, smaller errors.
    func testEstimatorIsUnbiasedAndWithinItsBound() throws {
        let d = 48
        var generator = SeededGenerator(seed: 11)
        let centroid = (0..<d).map { _ in Float.random(in: -0.1...0.1, using: &generator) }
        let x = unitVector(d, &generator)
        let queries = (0..<4).map { _ in unitVector(d, &generator) }
        let truths = queries.map { q in zip(x, q).reduce(0.0) { $0 + Double($1.0) * Double($1.1) } }
        let trials = 300
        var meanAbsolute: [Double] = []
        for bits in 1...4 {
            var errors = [[Double]](repeating: [], count: queries.count)
            var outside = 0, farOutside = 0
            for seed in 0..<trials {
                let rotation = try RaBitQRotation.random(dimension: d, seed: UInt64(1000 + seed), centroid: centroid)
                let row = try RaBitQCodes.encode(EmbeddingMatrix(vector: x), bits: bits, rotation: rotation)
                try row.withUnsafeBytes { bytes in
                    let factors = RaBitQCodes.factors(of: bytes, dimension: d, bits: bits)
                    for (index, q) in queries.enumerated() {
                        let estimate = RaBitQCodes.referenceEstimate(row: bytes, query: q, bits: bits, rotation: rotation)
                        let error = estimate - truths[index]
                        errors[index].append(error)
                        let qNorm = rotation.rotate(q).reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
                        if abs(error) > Double(factors.errorFactor) * 1.9 * qNorm { outside += 1 }
                        if abs(error) > Double(factors.errorFactor) * 3 * qNorm { farOutside += 1 }
                        XCTAssertTrue(estimate.isFinite)
                    }
                    XCTAssertGreaterThan(factors.scale, 0)
                    _ = try XCTUnwrap(Optional(factors))
                }
            }
            for (index, list) in errors.enumerated() {
                let mean = list.reduce(0, +) / Double(list.count)
                let deviation = (list.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(list.count - 1)).squareRoot()
                // Unbiased: the mean error is within 4 standard errors of 0.
                XCTAssertLessThan(abs(mean), 4 * deviation / Double(list.count).squareRoot() + 1e-9, "bits \(bits) query \(index)")
            }
            XCTAssertLessThan(Double(outside) / Double(trials * queries.count), 0.075, "bits \(bits): ε₀ = 1.9 violated too often")
            XCTAssertLessThan(Double(farOutside) / Double(trials * queries.count), 0.01, "bits \(bits): ε₀ = 3 violated too often")
            meanAbsolute.append(errors.joined().reduce(0) { $0 + abs($1) } / Double(trials * queries.count))
        }
        for bits in 1..<4 { XCTAssertLessThan(meanAbsolute[bits], meanAbsolute[bits - 1], "\(meanAbsolute)") }
    }

    /// The extended codes' grid vector is at least as close in direction to o' as any rescaling
    /// a dense search over t finds (an independent oracle of the breakpoint sweep).
    func testExtendedCodesPickTheBestRescaling() throws {
        var generator = SeededGenerator(seed: 5)
        for bits in 2...4 {
            for d in [3, 17, 64] {
                let o = unitVector(d, &generator)
                var codes = [Int](repeating: 0, count: d)
                _ = RaBitQCodes.gridCode(of: o, bits: bits, norm: 1, into: &codes)
                func cosine(_ y: [Double]) -> Double {
                    let inner = zip(y, o).reduce(0.0) { $0 + $1.0 * Double($1.1) }
                    return inner / y.reduce(0.0) { $0 + $1 * $1 }.squareRoot()
                }
                let chosen = cosine(codes.map { Double(RaBitQCodes.gridValue(code: $0, bits: bits)) })
                let top = (1 << (bits - 1)) - 1
                var best = -1.0
                for step in 1...4000 {
                    let t = Double(step) * 0.01
                    let y = o.map { v -> Double in
                        let k = Double(min(Int((t * Double(abs(v))).rounded(.down)), top))
                        return (v > 0 ? 1 : -1) * (k + 0.5)
                    }
                    best = max(best, cosine(y))
                }
                XCTAssertGreaterThanOrEqual(chosen, best - 1e-9, "bits \(bits) d \(d)")
                XCTAssertTrue(codes.allSatisfy { (0..<(1 << bits)).contains($0) })
            }
        }
    }

    func testCodesFactorsAndDequantizedInnerProductsRoundTrip() throws {
        let d = 29
        var generator = SeededGenerator(seed: 8)
        let rows = (0..<6).map { _ in unitVector(d, &generator) }
        let matrix = try EmbeddingMatrix(rows: rows)
        let rotation = try RaBitQRotation.random(dimension: d, seed: 2, centroid: RaBitQRotation.mean(of: matrix))
        let ranges = try Calibration.ranges(from: matrix).withRotation(rotation)
        let query = unitVector(d, &generator)
        for bits in 1...4 {
            let precision = try XCTUnwrap(Precision.rabitq(bits: bits))
            let quantized = try EmbeddingQuantizer(precision: precision, ranges: ranges).quantize(matrix)
            XCTAssertEqual(quantized.bytesPerVector, bits * 4 + 8)
            let back = try EmbeddingQuantizer(precision: precision).dequantize(quantized)
            for row in 0..<6 {
                try quantized.codes.withUnsafeBytes { all in
                    let bytes = UnsafeRawBufferPointer(rebasing: all[(row * quantized.bytesPerVector)..<((row + 1) * quantized.bytesPerVector)])
                    let codes = RaBitQCodes.codes(of: bytes, dimension: d, bits: bits)
                    var repacked = [UInt8](repeating: 0, count: quantized.bytesPerVector)
                    repacked.withUnsafeMutableBufferPointer {
                        RaBitQCodes.write(codes: codes, factors: RaBitQCodes.factors(of: bytes, dimension: d, bits: bits), bits: bits, into: $0.baseAddress!)
                    }
                    XCTAssertEqual(repacked, Array(bytes))
                    // The dequantized vector's inner product is the estimate.
                    let estimate = RaBitQCodes.referenceEstimate(row: bytes, query: query, bits: bits, rotation: rotation)
                    let viaVector = zip(back[row: row], query).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
                    XCTAssertEqual(viaVector, estimate, accuracy: 1e-4)
                    _ = try XCTUnwrap(Optional(estimate))
                }
            }
        }
        // A row equal to the centroid has no direction: zero factors, the estimate is ⟨c, q⟩.
        let centre = try EmbeddingQuantizer(precision: .rabitq2, ranges: ranges).quantize(EmbeddingMatrix(vector: rotation.centroid))
        centre.codes.withUnsafeBytes { bytes in
            XCTAssertEqual(RaBitQCodes.factors(of: bytes, dimension: d, bits: 2), RaBitQCodes.Factors(scale: 0, errorFactor: 0))
        }
        // Without a rotation: a clear error.
        XCTAssertThrowsError(try EmbeddingQuantizer(precision: .rabitq1, ranges: try Calibration.ranges(from: matrix)).quantize(matrix)) { error in
            XCTAssertTrue("\(error)".contains("rotation"), "\(error)")
        }
    }

    func testRangesFilesKeepTheRotation() throws {
        let d = 7
        var generator = SeededGenerator(seed: 4)
        let matrix = try EmbeddingMatrix(rows: (0..<5).map { _ in unitVector(d, &generator) })
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rabitq-ranges-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let rotation = try RaBitQRotation.random(dimension: d, seed: 77, centroid: RaBitQRotation.mean(of: matrix))
        for thresholds in [false, true] {
            var ranges = try Calibration.ranges(from: matrix).withRotation(rotation)
            if !thresholds { ranges = try ranges.withTernaryThresholds(nil) }
            let json = folder.appendingPathComponent("r\(thresholds).json").path
            try RangesFile.write(ranges, to: json)
            XCTAssertEqual(try RangesFile.read(contentsOf: json), ranges)
            let npy = folder.appendingPathComponent("r\(thresholds).npy").path
            try RangesFile.write(ranges, to: npy)
            let back = try RangesFile.read(contentsOf: npy)
            XCTAssertEqual(try NPYFile.read(contentsOf: npy).shape, [d + (thresholds ? 4 : 3), d])
            XCTAssertEqual(back.rotation?.matrix, rotation.matrix)
            XCTAssertEqual(back.rotation?.centroid, rotation.centroid)
            XCTAssertEqual(back.ternaryThresholds, ranges.ternaryThresholds)
            XCTAssertEqual(back.minimums, ranges.minimums)
        }
        // A centroid without its rotation is refused, naming both keys.
        let broken = #"{"format": "embedq.ranges", "version": 2, "minimums": [0], "maximums": [1], "rabitq_centroid": [0]}"#
        XCTAssertThrowsError(try RangesFile.decodeJSON(Data(broken.utf8))) { error in
            XCTAssertTrue("\(error)".contains("rabitq_rotation"), "\(error)")
        }
        let wrongSize = #"{"minimums": [0, 0], "maximums": [1, 1], "rabitq_centroid": [0, 0], "rabitq_rotation": [1, 0, 0]}"#
        XCTAssertThrowsError(try RangesFile.decodeJSON(Data(wrongSize.utf8)))
    }
}

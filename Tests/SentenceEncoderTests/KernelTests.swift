import Foundation
import SentenceEncoderKernels
import XCTest
@testable import SentenceEncoder

/// Every variant of the element-wise kernels this CPU has (one table per distinct
/// `EMBEDQ_ISA` level) against double-precision references, and bit for bit against the
/// portable variant, as `SentenceEncoderKernels.h` states.
final class KernelTests: XCTestCase {
    static let portable = EncoderKernels(capabilities: 0)

    func testTheKernelTablesAreReported() {
        // Informational: which variants run here (the tests below run every one of them).
        for (level, kernels) in EncoderKernels.availableLevels { print("kernel level \(level): \(kernels.summary)") }
        print("process table: \(EncoderKernels.current.summary); matrix path \(MatrixPath.current)")
        XCTAssertEqual(EncoderKernels.availableLevels.first?.level, "portable")
        XCTAssertTrue(EncoderKernels.availableLevels.contains { $0.kernels.summary == EncoderKernels.current.summary })
    }

    func testGELUMatchesErfReference() {
        var generator = SeededGenerator(seed: 11)
        var inputs = (0..<10_001).map { _ in Float.random(in: -12...12, using: &generator) }
        inputs += [0, -0, 1e-30, -1e-30, 3.999, 4.001, -4.001, 5.657, -5.658, 100, -100, .infinity, -.infinity, .nan]
        var expected = inputs
        Self.portable.gelu(&expected, count: expected.count)
        for (level, kernels) in EncoderKernels.availableLevels {
            var values = inputs
            kernels.gelu(&values, count: values.count)
            for (index, (x, y)) in zip(inputs, values).enumerated() {
                XCTAssertEqual(y.bitPattern, expected[index].bitPattern, "\(level) gelu(\(x)) differs from portable")
                guard x.isFinite else { continue }
                XCTAssertEqual(y, FeedForward.referenceGELU(x), accuracy: 4e-7 * max(1, abs(x)), "\(level) gelu(\(x))")
            }
            XCTAssertTrue(values.last!.isNaN, "\(level) gelu(NaN)")
        }
    }

    func testSoftmaxMatchesReference() {
        var generator = SeededGenerator(seed: 12)
        for columns in [1, 7, 13, 16, 33, 65, 257] {
            let rows = 5
            var inputs = (0..<(rows * columns)).map { _ in Float.random(in: -30...30, using: &generator) }
            if columns > 1 { inputs[columns] = -.infinity }  // a masked score gets probability 0
            var expected = inputs
            Self.portable.softmaxRows(&expected, rows: rows, columns: columns)
            for (level, kernels) in EncoderKernels.availableLevels {
                var values = inputs
                kernels.softmaxRows(&values, rows: rows, columns: columns)
                XCTAssertEqual(values.map(\.bitPattern), expected.map(\.bitPattern), "\(level) softmax \(columns)")
                for row in 0..<rows {
                    let slice = inputs[(row * columns)..<((row + 1) * columns)]
                    let maximum = Double(slice.max()!)
                    let exps = slice.map { exp(Double($0) - maximum) }
                    let sum = exps.reduce(0, +)
                    for column in 0..<columns {
                        let reference = exps[column] / sum
                        // exp within 4e-7; x − max is rounded to float32 first.
                        let argument = inputs[row * columns + column].isFinite ? abs(Double(inputs[row * columns + column]) - maximum) : 0
                        XCTAssertEqual(Double(values[row * columns + column]), reference,
                                       accuracy: (1e-6 + argument * 0x1p-23) * reference + 1e-37, "\(level) softmax \(columns)")
                    }
                }
            }
        }
    }

    func testLayerNormMatchesReference() {
        var generator = SeededGenerator(seed: 13)
        for width in [1, 7, 10, 16, 33, 384, 385] {
            let rows = 3
            let values = (0..<(rows * width)).map { _ in Float.random(in: -5...5, using: &generator) }
            let residual = (0..<(rows * width)).map { _ in Float.random(in: -5...5, using: &generator) }
            let gamma = (0..<width).map { _ in Float.random(in: 0.5...1.5, using: &generator) }
            let beta = (0..<width).map { _ in Float.random(in: -1...1, using: &generator) }
            var expected = values
            Self.portable.addLayerNorm(&expected, residual: residual, gamma: gamma, beta: beta, rows: rows, columns: width, epsilon: 1e-12)
            for (level, kernels) in EncoderKernels.availableLevels {
                var output = values
                kernels.addLayerNorm(&output, residual: residual, gamma: gamma, beta: beta, rows: rows, columns: width, epsilon: 1e-12)
                XCTAssertEqual(output.map(\.bitPattern), expected.map(\.bitPattern), "\(level) layer norm \(width)")
            }
            var output = values
            LayerNorm(gamma: gamma, beta: beta, epsilon: 1e-12).apply(to: &output, adding: residual, rows: rows)
            XCTAssertEqual(output.map(\.bitPattern), expected.map(\.bitPattern), "LayerNorm uses the process table")
            let sums = zip(values, residual).map { Double($0) + Double($1) }
            for row in 0..<rows {
                let x = sums[(row * width)..<((row + 1) * width)]
                let mean = x.reduce(0, +) / Double(width)
                let variance = x.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(width)
                for column in 0..<width where width > 1 {
                    let reference = (x[row * width + column] - mean) / (variance + 1e-12).squareRoot() * Double(gamma[column]) + Double(beta[column])
                    XCTAssertEqual(Double(output[row * width + column]), reference, accuracy: 1e-5 * (1 + abs(reference)))
                }
            }
        }
    }

    func testBLASMatchesReferenceProduct() {
        var generator = SeededGenerator(seed: 14)
        let m = 13, n = 17, k = 29
        let a = (0..<(m * k)).map { _ in Float.random(in: -1...1, using: &generator) }
        let b = (0..<(n * k)).map { _ in Float.random(in: -1...1, using: &generator) }
        var c = [Float](repeating: 0, count: m * n)
        MatrixMultiply.multiplyTransposed(m: m, n: n, k: k, a: a, lda: k, b: b, ldb: k, c: &c, ldc: n)
        let reference = MatrixMultiply.referenceMultiplyTransposed(m: m, n: n, k: k, a: a, b: b)
        for (x, y) in zip(c, reference) { XCTAssertEqual(x, y, accuracy: 1e-5) }
    }

    func testHalfAndBFloat16Conversion() {
        XCTAssertEqual(SafeTensors.floatFromHalf(0x3C00), 1)
        XCTAssertEqual(SafeTensors.floatFromHalf(0xC000), -2)
        XCTAssertEqual(SafeTensors.floatFromHalf(0x0001), Float(sign: .plus, exponent: -24, significand: 1))
        XCTAssertEqual(SafeTensors.floatFromHalf(0x7BFF), 65504)
        XCTAssertEqual(SafeTensors.floatFromHalf(0x7C00), .infinity)
        XCTAssertTrue(SafeTensors.floatFromHalf(0x7E00).isNaN)
    }
}

/// The fp32 GEMM (every variant) through `LinearLayer` and the attention products against a
/// double-precision product, and bit for bit against the portable variant.
final class PackedLinearTests: XCTestCase {
    /// Shapes (m, n, k) covering every tile remainder and odd widths around 16 / 32 / 64 / 384.
    static let shapes: [(m: Int, n: Int, k: Int)] = [
        (13, 37, 29), (8, 32, 1), (70, 65, 100), (1, 1, 1), (9, 16, 384), (65, 385, 17), (7, 63, 383), (49, 13, 385),
    ]

    func reference(_ x: [Float], _ w: [Float], _ b: [Float], m: Int, n: Int, k: Int) -> [(value: Double, magnitude: Double)] {
        (0..<(m * n)).map { index in
            let i = index / n, j = index % n
            var sum = Double(b[j]), magnitude = abs(Double(b[j]))
            for p in 0..<k {
                sum += Double(x[i * k + p]) * Double(w[j * k + p])
                magnitude += abs(Double(x[i * k + p]) * Double(w[j * k + p]))
            }
            return (sum, magnitude)
        }
    }

    func testEveryVariantMatchesTheReferenceOnEdgeShapes() {
        var generator = SeededGenerator(seed: 3)
        for (m, n, k) in Self.shapes {
            let x = (0..<(m * k)).map { _ in Float.random(in: -1...1, using: &generator) }
            let w = (0..<(n * k)).map { _ in Float.random(in: -1...1, using: &generator) }
            let b = (0..<n).map { _ in Float.random(in: -1...1, using: &generator) }
            let expected = reference(x, w, b, m: m, n: n, k: k)
            let portable = LinearLayer(weight: w, bias: b, outputWidth: n, inputWidth: k, precision: .float32,
                                       path: .packed, kernels: KernelTests.portable)(x, rows: m)
            for (level, kernels) in EncoderKernels.availableLevels {
                let layer = LinearLayer(weight: w, bias: b, outputWidth: n, inputWidth: k, precision: .float32,
                                        path: .packed, kernels: kernels)
                let y = layer(x, rows: m)
                // The same fused multiply-adds in the same order: identical bits.
                XCTAssertEqual(y.map(\.bitPattern), portable.map(\.bitPattern), "\(level) \(m)×\(n)×\(k)")
                for (actual, wanted) in zip(y, expected) {
                    XCTAssertLessThanOrEqual(abs(Double(actual) - wanted.value), Double(k + 1) * 0x1p-23 * wanted.magnitude,
                                             "\(level) \(m)×\(n)×\(k)")
                }
            }
            let blas = LinearLayer(weight: w, bias: b, outputWidth: n, inputWidth: k, precision: .float32, path: .blas)(x, rows: m)
            for (actual, wanted) in zip(blas, expected) {
                XCTAssertLessThanOrEqual(abs(Double(actual) - wanted.value), Double(k + 1) * 0x1p-23 * wanted.magnitude, "BLAS")
            }
        }
    }

    func testEachRowDependsOnlyOnItself() {
        var generator = SeededGenerator(seed: 4)
        let m = 21, n = 40, k = 50
        let x = (0..<(m * k)).map { _ in Float.random(in: -1...1, using: &generator) }
        let w = (0..<(n * k)).map { _ in Float.random(in: -1...1, using: &generator) }
        for (level, kernels) in EncoderKernels.availableLevels {
            let layer = LinearLayer(weight: w, bias: [Float](repeating: 0.5, count: n), outputWidth: n, inputWidth: k,
                                    precision: .float32, path: .packed, kernels: kernels)
            var all = [Float](repeating: 0, count: m * n)
            layer.apply(x, rows: m, into: &all)
            for row in [0, 7, 8, 20] {
                var one = [Float](repeating: 0, count: n)
                Array(x[(row * k)..<((row + 1) * k)]).withUnsafeBufferPointer { layer.apply($0.baseAddress!, rows: 1, into: &one) }
                XCTAssertEqual(one, Array(all[(row * n)..<((row + 1) * n)]), "\(level) row \(row)")
            }
        }
    }

    func testAttentionProductsMatchTheReference() {
        var generator = SeededGenerator(seed: 5)
        for (length, headSize) in [(1, 32), (7, 32), (33, 13), (65, 64), (129, 32)] {
            let stride = 3 * headSize + 3
            let qkv = (0..<(length * stride)).map { _ in Float.random(in: -1...1, using: &generator) }
            let scale = 1 / Float(headSize).squareRoot()
            for path in [MatrixPath.packed, .blas] {
                for (level, kernels) in path == .packed ? EncoderKernels.availableLevels : [("blas", EncoderKernels.current)] {
                    var scores = [Float](repeating: .nan, count: length * length)
                    var context = [Float](repeating: .nan, count: length * headSize)
                    qkv.withUnsafeBufferPointer { qkv in
                        let q = qkv.baseAddress!
                        AttentionProducts.scores(query: q, queryStride: stride, key: q + headSize, keyStride: stride,
                                                 rows: length, keys: length, headSize: headSize, scale: scale,
                                                 scores: &scores, scoresStride: length, path: path, kernels: kernels)
                        for i in 0..<length {
                            for j in 0..<length {
                                var sum = 0.0, magnitude = 0.0
                                for t in 0..<headSize {
                                    let term = Double(q[i * stride + t]) * Double(q[j * stride + headSize + t]) * Double(scale)
                                    sum += term
                                    magnitude += abs(term)
                                }
                                XCTAssertLessThanOrEqual(abs(Double(scores[i * length + j]) - sum),
                                                         Double(headSize + 2) * 0x1p-23 * magnitude, "\(level) scores L \(length) d \(headSize)")
                            }
                        }
                        kernels.softmaxRows(&scores, rows: length, columns: length)
                        AttentionProducts.context(probabilities: scores, probabilitiesStride: length, value: q + 2 * headSize,
                                                  valueStride: stride, rows: length, keys: length, headSize: headSize,
                                                  context: &context, contextStride: headSize, path: path, kernels: kernels)
                        for i in 0..<length {
                            for t in 0..<headSize {
                                var sum = 0.0, magnitude = 0.0
                                for j in 0..<length {
                                    let term = Double(scores[i * length + j]) * Double(q[j * stride + 2 * headSize + t])
                                    sum += term
                                    magnitude += abs(term)
                                }
                                XCTAssertLessThanOrEqual(abs(Double(context[i * headSize + t]) - sum),
                                                         Double(length + 1) * 0x1p-23 * magnitude, "\(level) context L \(length) d \(headSize)")
                            }
                        }
                    }
                }
            }
        }
    }
}

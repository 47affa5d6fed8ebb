import EmbedQTestSupport
import Foundation
import SentenceEncoderKernels
import XCTest
@testable import SentenceEncoder

/// The C kernels and the BLAS path against plain-Swift references.
final class KernelTests: XCTestCase {
    /// The rational erf approximation is within a few float32 ulps of the C library's erf.
    func testGELUMatchesErfReference() {
        var generator = SeededGenerator(seed: 1)
        var inputs = (0..<10_000).map { _ in Float.random(in: -12...12, using: &generator) }
        inputs += [0, -0, 1e-30, -1e-30, 3.999, 4.001, -4.001, 100, -100]
        for build in [sek_gelu, sek_gelu_portable] {
            var values = inputs
            build(&values, values.count)
            for (x, y) in zip(inputs, values) {
                let reference = FeedForward.referenceGELU(x)
                XCTAssertEqual(y, reference, accuracy: 4e-7 * max(1, abs(x)), "gelu(\(x))")
            }
        }
        print("kernel ISA level: \(sek_isa_level())")
    }

    func testSoftmaxMatchesReference() {
        let rows = 7, columns = 33
        var generator = SeededGenerator(seed: 2)
        let inputs = (0..<(rows * columns)).map { _ in Float.random(in: -30...30, using: &generator) }
        for build in [sek_softmax_rows, sek_softmax_rows_portable] {
            var values = inputs
            build(&values, rows, columns)
            for row in 0..<rows {
                let slice = inputs[(row * columns)..<((row + 1) * columns)]
                let maximum = Double(slice.max()!)
                let exps = slice.map { exp(Double($0) - maximum) }
                let sum = exps.reduce(0, +)
                for column in 0..<columns {
                    let reference = exps[column] / sum
                    XCTAssertEqual(Double(values[row * columns + column]), reference, accuracy: 1e-6 * max(reference, 1e-3))
                }
            }
        }
    }

    func testLayerNormMatchesReference() {
        let rows = 3, width = 10
        var generator = SeededGenerator(seed: 3)
        var values = (0..<(rows * width)).map { _ in Float.random(in: -5...5, using: &generator) }
        let residual = (0..<(rows * width)).map { _ in Float.random(in: -5...5, using: &generator) }
        let gamma = (0..<width).map { _ in Float.random(in: 0.5...1.5, using: &generator) }
        let beta = (0..<width).map { _ in Float.random(in: -1...1, using: &generator) }
        let sums = zip(values, residual).map { Double($0) + Double($1) }
        LayerNorm(gamma: gamma, beta: beta, epsilon: 1e-12).apply(to: &values, adding: residual, rows: rows)
        for row in 0..<rows {
            let x = sums[(row * width)..<((row + 1) * width)]
            let mean = x.reduce(0, +) / Double(width)
            let variance = x.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(width)
            for column in 0..<width {
                let reference = (x[row * width + column] - mean) / variance.squareRoot() * Double(gamma[column]) + Double(beta[column])
                XCTAssertEqual(Double(values[row * width + column]), reference, accuracy: 1e-5)
            }
        }
    }

    func testBLASMatchesReferenceProduct() {
        let m = 13, n = 17, k = 29
        var generator = SeededGenerator(seed: 4)
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

/// The packed-weight linear kernel against a plain-Swift product.
final class PackedLinearTests: XCTestCase {
    func reference(_ x: [Float], _ w: [Float], _ b: [Float], m: Int, n: Int, k: Int) -> [Float] {
        (0..<(m * n)).map { index in
            let i = index / n, j = index % n
            return Float((0..<k).reduce(Double(b[j])) { $0 + Double(x[i * k + $1]) * Double(w[j * k + $1]) })
        }
    }

    func testMatchesReferenceOnEdgeShapes() {
        var generator = SeededGenerator(seed: 3)
        for (m, n, k) in [(13, 37, 29), (8, 32, 1), (70, 65, 100), (1, 1, 1), (9, 16, 384), (65, 1152, 17)] {
            let x = (0..<(m * k)).map { _ in Float.random(in: -1...1, using: &generator) }
            let w = (0..<(n * k)).map { _ in Float.random(in: -1...1, using: &generator) }
            let b = (0..<n).map { _ in Float.random(in: -1...1, using: &generator) }
            let expected = reference(x, w, b, m: m, n: n, k: k)
            for path in [MatrixPath.packed, .blas] {
                let layer = LinearLayer(weight: w, bias: b, outputWidth: n, inputWidth: k, precision: .float32, path: path)
                var y = [Float](repeating: .nan, count: m * n)
                layer.apply(x, rows: m, into: &y)
                for (actual, wanted) in zip(y, expected) {
                    XCTAssertEqual(actual, wanted, accuracy: 1e-5 * Float(k).squareRoot() * 4, "\(path) \(m)×\(n)×\(k)")
                }
            }
            var packed = [Float](repeating: 0, count: sek_packed_weight_count(n, k))
            sek_pack_weights(w, n, k, &packed)
            var portable = [Float](repeating: .nan, count: m * n)
            sek_packed_linear_portable(x, k, packed, b, &portable, n, m, n, k)
            var dispatched = [Float](repeating: .nan, count: m * n)
            sek_packed_linear(x, k, packed, b, &dispatched, n, m, n, k)
            // Same fused multiply-adds in the same order: identical results.
            XCTAssertEqual(portable, dispatched, "\(m)×\(n)×\(k)")
        }
    }

    func testEachRowDependsOnlyOnItself() {
        var generator = SeededGenerator(seed: 4)
        let m = 21, n = 40, k = 50
        let x = (0..<(m * k)).map { _ in Float.random(in: -1...1, using: &generator) }
        let w = (0..<(n * k)).map { _ in Float.random(in: -1...1, using: &generator) }
        let layer = LinearLayer(weight: w, bias: [Float](repeating: 0.5, count: n), outputWidth: n, inputWidth: k, precision: .float32, path: .packed)
        var all = [Float](repeating: 0, count: m * n)
        layer.apply(x, rows: m, into: &all)
        for row in [0, 7, 8, 20] {
            var one = [Float](repeating: 0, count: n)
            Array(x[(row * k)..<((row + 1) * k)]).withUnsafeBufferPointer { layer.apply($0.baseAddress!, rows: 1, into: &one) }
            XCTAssertEqual(one, Array(all[(row * n)..<((row + 1) * n)]), "row \(row)")
        }
    }
}

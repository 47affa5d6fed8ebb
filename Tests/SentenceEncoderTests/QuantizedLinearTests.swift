import EmbedQTestSupport
import Foundation
import SentenceEncoderKernels
import XCTest
@testable import SentenceEncoder

/// The int8 and bfloat16 linear layers (dispatched and portable C kernels) against the
/// plain-Swift references in `LinearReference`.
final class QuantizedLinearTests: XCTestCase {
    /// Shapes that cover full 6-row × 64-column tiles, every remainder, and unpadded widths.
    static let shapes: [(rows: Int, n: Int, k: Int)] = [
        (1, 16, 4), (7, 70, 13), (13, 130, 66), (6, 64, 384), (25, 200, 100), (3, 1, 1),
    ]

    private func randomValues(_ count: Int, scale: Float, using generator: inout SeededGenerator) -> [Float] {
        (0..<count).map { _ in Float.random(in: -scale...scale, using: &generator) }
    }

    func testInt8QuantizationRoundTripsWithinHalfAStep() {
        var generator = SeededGenerator(seed: 11)
        let weight = randomValues(40 * 33, scale: 0.3, using: &generator)
        let (codes, scales) = Int8LinearWeights.quantize(weight, outputWidth: 40, inputWidth: 33)
        for row in 0..<40 {
            let slice = weight[(row * 33)..<((row + 1) * 33)]
            XCTAssertEqual(scales[row], slice.map(abs).max()! / 127)
            XCTAssertEqual(codes[(row * 33)..<((row + 1) * 33)].map { abs(Int($0)) }.max(), 127)
            for (offset, value) in slice.enumerated() {
                XCTAssertLessThanOrEqual(abs(Float(codes[row * 33 + offset]) * scales[row] - value), scales[row] * 0.5001)
            }
        }
        // A zero row has scale 0 and zero codes.
        let zero = Int8LinearWeights.quantize([0, 0, 0], outputWidth: 1, inputWidth: 3)
        XCTAssertEqual(zero.scales, [0])
        XCTAssertEqual(zero.codes, [0, 0, 0])
    }

    func testActivationCodesMatchTheReferenceRule() {
        var generator = SeededGenerator(seed: 12)
        let rows = 5, columns = 37, padded = 40
        var input = randomValues(rows * columns, scale: 4, using: &generator)
        for column in 0..<columns { input[3 * columns + column] = 0 }  // a zero row
        var codes = [UInt8](repeating: 0, count: rows * padded)
        var scales = [Float](repeating: -1, count: rows)
        sek_quantize_rows_u8(input, rows, columns, padded, &codes, &scales)
        let expected = Int8LinearWeights.quantize(input, outputWidth: rows, inputWidth: columns)
        XCTAssertEqual(scales, expected.scales)
        for row in 0..<rows {
            XCTAssertEqual(codes[(row * padded)..<(row * padded + columns)].map { Int($0) - 128 },
                           expected.codes[(row * columns)..<((row + 1) * columns)].map { Int($0) })
            XCTAssertEqual(Array(codes[(row * padded + columns)..<((row + 1) * padded)]), [128, 128, 128])
        }
    }

    func testInt8KernelsAgreeWithTheReference() {
        var generator = SeededGenerator(seed: 13)
        for (rows, n, k) in Self.shapes {
            let weight = randomValues(n * k, scale: 0.2, using: &generator)
            let bias = randomValues(n, scale: 1, using: &generator)
            let input = randomValues(rows * k, scale: 3, using: &generator)
            let layer = LinearLayer(weight: weight, bias: bias, outputWidth: n, inputWidth: k, precision: .int8)
            guard case .int8(let weights) = layer.weight else { return XCTFail("not int8") }
            let expected = LinearReference.int8(input: input, rows: rows, codes: weights.codes, scales: Array(weights.scales.prefix(n)),
                                                bias: bias, outputWidth: n, inputWidth: k)
            assertClose(layer(input, rows: rows), expected, "int8 dispatched \(rows)×\(n)×\(k)")
            assertClose(portableInt8(weights, input: input, rows: rows, bias: bias), expected, "int8 portable \(rows)×\(n)×\(k)")
            // Static quantization: a fixed maximum clamps larger values.
            var fixed = layer
            fixed.inputMaximum = 1.5
            assertClose(fixed(input, rows: rows),
                        LinearReference.int8(input: input, rows: rows, codes: weights.codes, scales: Array(weights.scales.prefix(n)),
                                             bias: bias, outputWidth: n, inputWidth: k, inputMaximum: 1.5),
                        "int8 static \(rows)×\(n)×\(k)")
        }
    }

    func testInt8IsCloseToFloat32() {
        var generator = SeededGenerator(seed: 14)
        let (rows, n, k) = (8, 96, 384)
        let weight = randomValues(n * k, scale: 0.1, using: &generator)
        let input = randomValues(rows * k, scale: 1, using: &generator)
        let bias = [Float](repeating: 0, count: n)
        let exact = LinearLayer(weight: weight, bias: bias, outputWidth: n, inputWidth: k, precision: .float32)(input, rows: rows)
        let quantized = LinearLayer(weight: weight, bias: bias, outputWidth: n, inputWidth: k, precision: .int8)(input, rows: rows)
        XCTAssertGreaterThan(EmbeddingGoldenTests.cosine(exact[...], quantized[...]), 0.999)
    }

    func testBFloat16RoundingIsNearestEven() {
        XCTAssertEqual(BFloat16.bits(rounding: 1), 0x3F80)
        XCTAssertEqual(BFloat16.bits(rounding: Float(bitPattern: 0x3F80_8000)), 0x3F80)  // tie, even stays
        XCTAssertEqual(BFloat16.bits(rounding: Float(bitPattern: 0x3F81_8000)), 0x3F82)  // tie, odd rounds up
        XCTAssertEqual(BFloat16.bits(rounding: Float(bitPattern: 0x3F80_8001)), 0x3F81)
        XCTAssertEqual(BFloat16.bits(rounding: -2.5), 0xC020)
        XCTAssertTrue(BFloat16.float(BFloat16.bits(rounding: .nan)).isNaN)
        XCTAssertEqual(BFloat16.float(BFloat16.bits(rounding: .infinity)), .infinity)
        var generator = SeededGenerator(seed: 15)
        let input = randomValues(3 * 21, scale: 100, using: &generator)
        var output = [UInt16](repeating: 7, count: 3 * 22)
        sek_round_rows_bf16(input, 3, 21, 22, &output)
        for row in 0..<3 {
            XCTAssertEqual(Array(output[(row * 22)..<(row * 22 + 21)]), input[(row * 21)..<((row + 1) * 21)].map(BFloat16.bits(rounding:)))
            XCTAssertEqual(output[row * 22 + 21], 0)
        }
    }

    func testBFloat16KernelsAgreeWithTheReference() {
        var generator = SeededGenerator(seed: 16)
        for (rows, n, k) in Self.shapes {
            let weight = randomValues(n * k, scale: 0.2, using: &generator)
            let bias = randomValues(n, scale: 1, using: &generator)
            let input = randomValues(rows * k, scale: 3, using: &generator)
            let layer = LinearLayer(weight: weight, bias: bias, outputWidth: n, inputWidth: k, precision: .bfloat16)
            guard case .bfloat16(let weights) = layer.weight else { return XCTFail("not bf16") }
            let expected = LinearReference.bfloat16(input: input, rows: rows, values: weights.values, bias: bias,
                                                    outputWidth: n, inputWidth: k)
            assertClose(layer(input, rows: rows), expected, "bf16 dispatched \(rows)×\(n)×\(k)")
            var portable = [Float](repeating: 0, count: rows * n)
            for row in 0..<rows { for j in 0..<n { portable[row * n + j] = bias[j] } }
            var activations = [UInt16](repeating: 0, count: rows * weights.paddedInputWidth)
            sek_round_rows_bf16(input, rows, k, weights.paddedInputWidth, &activations)
            sek_gemm_bf16_portable(rows, n, weights.paddedInputWidth, activations, weights.packed, &portable, n)
            assertClose(portable, expected, "bf16 portable \(rows)×\(n)×\(k)")
        }
    }

    /// The native int8 / bf16 paths run exactly where the processor has the instructions (the
    /// agreement tests above cover whichever path runs; this one proves which).
    func testTheNativePathsFollowTheProcessorFlags() throws {
        print("int8 VNNI kernel: \(sek_has_int8_dot() != 0), bf16 kernel: \(sek_has_bf16_dot() != 0)")
        #if arch(x86_64) && os(Linux)
        let cpuinfo = try String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)
        let line = try XCTUnwrap(cpuinfo.split(separator: "\n").first { $0.hasPrefix("flags") })
        let flags = Set(line.split(separator: ":")[1].split(separator: " ").map(String.init))
        let avx512 = ["avx512f", "avx512bw", "avx512dq", "avx512vl"].allSatisfy(flags.contains)
        XCTAssertEqual(sek_has_int8_dot() != 0, avx512 && flags.contains("avx512_vnni"))
        XCTAssertEqual(sek_has_bf16_dot() != 0, avx512 && flags.contains("avx512_bf16"))
        #elseif arch(arm64)
        XCTAssertEqual(sek_has_int8_dot(), 0)
        XCTAssertEqual(sek_has_bf16_dot(), 0)
        #else
        throw XCTSkip("no processor flags to compare with on this platform")
        #endif
    }

    private func portableInt8(_ weights: Int8LinearWeights, input: [Float], rows: Int, bias: [Float]) -> [Float] {
        let n = weights.outputWidth
        var output = [Float](repeating: 0, count: rows * n)
        for row in 0..<rows { for j in 0..<n { output[row * n + j] = bias[j] } }
        var codes = [UInt8](repeating: 0, count: rows * weights.paddedInputWidth)
        var scales = [Float](repeating: 0, count: rows)
        sek_quantize_rows_u8(input, rows, weights.inputWidth, weights.paddedInputWidth, &codes, &scales)
        sek_gemm_u8s8_portable(rows, n, weights.paddedInputWidth, codes, scales, weights.packed, weights.corrections,
                               weights.scales, &output, n)
        return output
    }

    /// Equal up to float32 rounding of sums of up to a few hundred terms.
    private func assertClose(_ actual: [Float], _ expected: [Float], _ message: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(actual.count, expected.count, message, file: file, line: line)
        let magnitude = max(1, expected.map(abs).max() ?? 0)
        let worst = zip(actual, expected).map { abs($0 - $1) }.max() ?? 0
        XCTAssertLessThan(worst, magnitude * 2e-5, message, file: file, line: line)
    }
}

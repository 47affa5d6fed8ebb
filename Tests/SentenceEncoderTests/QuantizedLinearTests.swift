import SentenceEncoderKernels
import XCTest
@testable import SentenceEncoder

/// The int8 and bfloat16 linear layers, every variant this CPU has, against the plain-Swift
/// references in `LinearReference`: int8 bit for bit (exact Int32 sums), bf16 bit for bit for
/// the widened variants and within the header's bound for the native dot products.
final class QuantizedLinearTests: XCTestCase {
    /// Shapes that cover full tiles, every remainder, and unpadded widths (k not a multiple of 8).
    static let shapes: [(rows: Int, n: Int, k: Int)] = [
        (1, 16, 4), (7, 70, 13), (13, 130, 66), (6, 64, 384), (25, 200, 100), (3, 1, 1), (5, 385, 63), (65, 33, 385),
    ]

    private func randomValues(_ count: Int, scale: Float, using generator: inout SeededGenerator) -> [Float] {
        (0..<count).map { _ in Float.random(in: -scale...scale, using: &generator) }
    }

    func testInt8QuantizationRoundTripsWithinHalfAStep() {
        var generator = SeededGenerator(seed: 21)
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
        var generator = SeededGenerator(seed: 22)
        for columns in [1, 7, 16, 37, 65, 385] {
            let rows = 5, padded = sek_int8_padded_inputs(columns)
            var input = randomValues(rows * columns, scale: 4, using: &generator)
            for column in 0..<columns { input[3 * columns + column] = 0 }  // a zero row
            input[4 * columns] = .nan  // NaN: ignored by the maximum, coded −127
            let expected = Int8LinearWeights.quantize(Array(input.prefix(4 * columns)) + [0] + input.suffix(columns - 1),
                                                      outputWidth: rows, inputWidth: columns)
            for (level, kernels) in EncoderKernels.availableLevels {
                var codes = [UInt8](repeating: 0, count: rows * padded)
                var scales = [Float](repeating: -1, count: rows)
                kernels.table.quantize_rows_u8(input, rows, columns, padded, &codes, &scales)
                XCTAssertEqual(scales, expected.scales, "\(level) width \(columns)")
                for row in 0..<rows {
                    var wanted = expected.codes[(row * columns)..<((row + 1) * columns)].map { Int($0) }
                    if row == 4 { wanted[0] = -127 }
                    XCTAssertEqual(codes[(row * padded)..<(row * padded + columns)].map { Int($0) - 128 }, wanted, "\(level) width \(columns) row \(row)")
                    XCTAssertEqual(Array(codes[(row * padded + columns)..<((row + 1) * padded)]),
                                   [UInt8](repeating: 128, count: padded - columns), "\(level) padding")
                }
            }
        }
    }

    func testInt8KernelsEqualTheReference() {
        var generator = SeededGenerator(seed: 23)
        for (rows, n, k) in Self.shapes {
            let weight = randomValues(n * k, scale: 0.2, using: &generator)
            let bias = randomValues(n, scale: 1, using: &generator)
            var input = randomValues(rows * k, scale: 3, using: &generator)
            input[0] = 7  // the row maximum: codes ±127 occur
            let (codes, scales) = Int8LinearWeights.quantize(weight, outputWidth: n, inputWidth: k)
            let expected = LinearReference.int8(input: input, rows: rows, codes: codes, scales: scales, bias: bias,
                                                outputWidth: n, inputWidth: k)
            let expectedStatic = LinearReference.int8(input: input, rows: rows, codes: codes, scales: scales, bias: bias,
                                                      outputWidth: n, inputWidth: k, inputMaximum: 1.5)
            for (level, kernels) in EncoderKernels.availableLevels {
                var layer = LinearLayer(weight: weight, bias: bias, outputWidth: n, inputWidth: k, precision: .int8, kernels: kernels)
                XCTAssertEqual(layer(input, rows: rows).map(\.bitPattern), expected.map(\.bitPattern), "\(level) int8 \(rows)×\(n)×\(k)")
                // Static quantization: a fixed maximum clamps larger values.
                layer.inputMaximum = 1.5
                XCTAssertEqual(layer(input, rows: rows).map(\.bitPattern), expectedStatic.map(\.bitPattern),
                               "\(level) int8 static \(rows)×\(n)×\(k)")
            }
        }
    }

    func testInt8IsCloseToFloat32() {
        var generator = SeededGenerator(seed: 24)
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
        var generator = SeededGenerator(seed: 25)
        for columns in [1, 7, 16, 21, 33] {
            var input = randomValues(3 * columns, scale: 100, using: &generator)
            input[0] = .nan
            let padded = columns + 1
            for (level, kernels) in EncoderKernels.availableLevels {
                var output = [UInt16](repeating: 7, count: 3 * padded)
                kernels.table.round_rows_bf16(input, 3, columns, padded, &output)
                for row in 0..<3 {
                    XCTAssertEqual(Array(output[(row * padded)..<(row * padded + columns)]),
                                   input[(row * columns)..<((row + 1) * columns)].map(BFloat16.bits(rounding:)), "\(level) width \(columns)")
                    XCTAssertEqual(output[row * padded + columns], 0)
                }
            }
        }
    }

    func testBFloat16KernelsMatchTheReference() {
        var generator = SeededGenerator(seed: 26)
        for (rows, n, k) in Self.shapes {
            let weight = randomValues(n * k, scale: 0.2, using: &generator)
            let bias = randomValues(n, scale: 1, using: &generator)
            let input = randomValues(rows * k, scale: 3, using: &generator)
            let values = weight.map(BFloat16.bits(rounding:))
            let expected = LinearReference.bfloat16(input: input, rows: rows, values: values, bias: bias, outputWidth: n, inputWidth: k)
            for (level, kernels) in EncoderKernels.availableLevels {
                let layer = LinearLayer(weight: weight, bias: bias, outputWidth: n, inputWidth: k, precision: .bfloat16, kernels: kernels)
                let output = layer(input, rows: rows)
                if kernels.hasNativeBFloat16Dot {
                    // |native − reference| ≤ (k + 2) · 2⁻²³ · (|b| + Σ|a·w|) + k · 2⁻¹²⁶.
                    for row in 0..<rows {
                        let a = input[(row * k)..<((row + 1) * k)].map { Double(BFloat16.float(BFloat16.bits(rounding: $0))) }
                        for j in 0..<n {
                            var magnitude = Double(abs(bias[j]))
                            for p in 0..<k { magnitude += abs(a[p] * Double(BFloat16.float(values[j * k + p]))) }
                            XCTAssertLessThanOrEqual(abs(Double(output[row * n + j]) - Double(expected[row * n + j])),
                                                     Double(k + 2) * 0x1p-23 * magnitude + Double(k) * 0x1p-126,
                                                     "\(level) bf16 \(rows)×\(n)×\(k)")
                        }
                    }
                } else {
                    XCTAssertEqual(output.map(\.bitPattern), expected.map(\.bitPattern), "\(level) bf16 \(rows)×\(n)×\(k)")
                }
            }
        }
    }
}

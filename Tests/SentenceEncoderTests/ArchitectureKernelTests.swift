import EmbedQTestSupport
import Foundation
import SentenceEncoderKernels
import XCTest
@testable import SentenceEncoder

/// Every build (portable, AVX2, AVX-512 as the CPU allows) of the architecture kernels against
/// plain double-precision Swift, on random inputs with fixed seeds and odd sizes.
final class ArchitectureKernelTests: XCTestCase {
    /// The builds this CPU runs.
    private var builds: [(level: Int32, kernels: sek_architecture_kernels)] {
        (0...sek_isa_level()).compactMap { level in sek_architecture_kernels_for(level).map { (level, $0.pointee) } }
    }

    private func random(_ count: Int, _ generator: inout SeededGenerator, in range: ClosedRange<Float> = -4...4) -> [Float] {
        (0..<count).map { _ in Float.random(in: range, using: &generator) }
    }

    func testEveryBuildIsAvailableUpToTheDispatchedOne() {
        XCTAssertEqual(builds.count, Int(sek_isa_level()) + 1)
        XCTAssertNil(sek_architecture_kernels_for(sek_isa_level() + 1))
        XCTAssertNil(sek_architecture_kernels_for(-1))
    }

    func testGatedActivationsMatchReference() {
        var generator = SeededGenerator(seed: 11)
        for (rows, width) in [(1, 1), (3, 17), (5, 64), (2, 100)] {
            let input = random(rows * 2 * width, &generator, in: -12...12)
            for (level, kernels) in builds {
                for (kind, function, reference) in [
                    ("silu", kernels.gated_silu!, FeedForward.referenceSiLU),
                    ("gelu", kernels.gated_gelu!, FeedForward.referenceGELU),
                ] {
                    var separate = [Float](repeating: .nan, count: rows * width)
                    function(input, &separate, rows, width)
                    // In place: the rows are compacted from the start.
                    var inPlace = input
                    inPlace.withUnsafeMutableBufferPointer { function($0.baseAddress, $0.baseAddress, rows, width) }
                    for row in 0..<rows {
                        for column in 0..<width {
                            let a = input[row * 2 * width + column], b = input[row * 2 * width + width + column]
                            let expected = Double(reference(a)) * Double(b)
                            // erf and exp are accurate to 2e-7 absolute / 4e-7 relative (KernelTests).
                            let tolerance = 1e-6 * abs(expected) + 4e-7 * max(1, Double(abs(a))) * max(1, Double(abs(b)))
                            XCTAssertEqual(Double(separate[row * width + column]), expected, accuracy: tolerance, "\(kind) level \(level)")
                            XCTAssertEqual(inPlace[row * width + column], separate[row * width + column], "\(kind) in place, level \(level)")
                        }
                    }
                }
            }
        }
    }

    func testGatedActivationsAtExtremes() {
        let input: [Float] = [100, -100, 0, -0, 1, 1, 1, 1]
        for (_, kernels) in builds {
            var output = [Float](repeating: .nan, count: 4)
            kernels.gated_silu(input, &output, 1, 4)
            XCTAssertEqual(output[0], 100)
            XCTAssertLessThan(abs(output[1]), 1e-30, "silu(-100) is -100 / (1 + e^100), below float32 resolution")
            XCTAssertEqual(Array(output[2...]), [0, 0])
            kernels.gated_gelu(input, &output, 1, 4)
            XCTAssertEqual(output[0], 100)
            XCTAssertEqual(output[1], 0)
        }
    }

    func testRotaryMatchesReference() {
        var generator = SeededGenerator(seed: 12)
        for (heads, headSize, dimensions, interleaved) in [(2, 8, 8, false), (3, 10, 6, false), (2, 8, 8, true), (1, 64, 64, false)] {
            let rows = 9, stride = heads * headSize + 5
            let values = random(rows * stride, &generator)
            let half = dimensions / 2
            let angles = (0..<(rows * half)).map { _ in Double.random(in: -50...50, using: &generator) }
            let cosines = angles.map { Float(cos($0)) }, sines = angles.map { Float(sin($0)) }
            for (level, kernels) in builds {
                var rotated = values
                kernels.rotary(&rotated, rows, stride, heads, headSize, dimensions, cosines, sines, interleaved ? 1 : 0)
                for row in 0..<rows {
                    var expected = values[(row * stride)..<((row + 1) * stride)].map(Double.init)
                    for head in 0..<heads {
                        for i in 0..<half {
                            let (first, second) = interleaved ? (head * headSize + 2 * i, head * headSize + 2 * i + 1)
                                : (head * headSize + i, head * headSize + i + half)
                            let c = Double(cosines[row * half + i]), s = Double(sines[row * half + i])
                            let x1 = Double(values[row * stride + first]), x2 = Double(values[row * stride + second])
                            expected[first] = x1 * c - x2 * s
                            expected[second] = x2 * c + x1 * s
                        }
                    }
                    for column in 0..<stride {
                        XCTAssertEqual(Double(rotated[row * stride + column]), expected[column], accuracy: 2e-6,
                                       "level \(level), interleaved \(interleaved), row \(row), column \(column)")
                    }
                }
            }
        }
    }

    func testToeplitzAndBandMatchReference() {
        var generator = SeededGenerator(seed: 13)
        let rows = 7, columns = 19, ld = 23
        let scores = random(rows * ld, &generator)
        let diagonals = random(rows + columns, &generator)
        for (level, kernels) in builds {
            var biased = scores
            diagonals.withUnsafeBufferPointer { kernels.add_toeplitz(&biased, rows, columns, ld, $0.baseAddress! + rows - 1) }
            for (firstOffset, halfWindow) in [(-3, 2), (5, 0), (0, 100)] {
                var masked = scores
                kernels.mask_outside_band(&masked, rows, columns, ld, firstOffset, halfWindow)
                for i in 0..<rows {
                    for j in 0..<ld {
                        let index = i * ld + j
                        guard j < columns else {
                            XCTAssertEqual(masked[index], scores[index])
                            XCTAssertEqual(biased[index], scores[index])
                            continue
                        }
                        XCTAssertEqual(biased[index], scores[index] + diagonals[j - i + rows - 1], "toeplitz level \(level)")
                        let outside = abs(firstOffset + j - i) > halfWindow
                        XCTAssertEqual(masked[index], outside ? -.infinity : scores[index], "band level \(level)")
                    }
                }
            }
        }
    }

    /// The rotary tables against double precision: exact float32 frequencies as PyTorch rounds
    /// them, cos / sin within the float32 rounding of the angle.
    func testRotaryTableMatchesDoublePrecision() {
        let rotary = EncoderConfiguration.RotaryEmbedding(dimensions: 64, base: 10_000)
        let table = RotaryTable(rotary, base: 10_000, positions: 2048)
        for position in [0, 1, 7, 500, 2047] {
            for index in [0, 1, 13, 31] {
                let angle = Double(position) * pow(10_000, -Double(2 * index) / 64)
                let (c, s) = table.cosineSine(position: position, index: index)
                let tolerance = 1e-6 + angle * 1.2e-7
                XCTAssertEqual(Double(c), cos(angle), accuracy: tolerance, "cos at \(position), \(index)")
                XCTAssertEqual(Double(s), sin(angle), accuracy: tolerance, "sin at \(position), \(index)")
            }
        }
    }

    /// Attention in query blocks of any size (with a window, a relative bias and rotary
    /// positions) computes what one block does.
    func testAttentionBlocksDoNotChangeResults() {
        var generator = SeededGenerator(seed: 14)
        let hidden = 16, heads = 2, lengths = [300, 1, 37]
        let tokens = lengths.reduce(0, +)
        let qkv = random(tokens * 3 * hidden, &generator, in: -1...1)
        let table = random(32 * heads, &generator, in: -1...1)
        var spans: [(offset: Int, length: Int)] = []
        for length in lengths { spans.append((spans.last.map { $0.offset + $0.length } ?? 0, length)) }
        let options = Attention.Options(
            rotary: RotaryTable(EncoderConfiguration.RotaryEmbedding(dimensions: 6, base: 500), base: 500, positions: 300),
            relativeBias: RelativePositionBias(table: table, bucketRows: 32, headCount: heads, maxLength: 300),
            halfWindow: 9)
        func run(block: Int, options: Attention.Options) -> [Float] {
            var input = qkv
            var context = [Float](repeating: .nan, count: tokens * hidden)
            var scores = [Float](repeating: .nan, count: 300 * 300)
            Attention.apply(queryKeyValue: &input, context: &context, spans: spans, hiddenSize: hidden, headCount: heads,
                            options: options, scores: &scores, block: block)
            return context
        }
        for options in [options, .plain] {
            let whole = run(block: 1000, options: options)
            for block in [1, 7, 64] {
                let blocked = run(block: block, options: options)
                XCTAssertEqual(zip(whole, blocked).map { abs($0 - $1) }.max()!, 0, accuracy: 1e-6, "block \(block)")
            }
        }
    }
}

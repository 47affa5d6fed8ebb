import EmbeddingQuantization
import XCTest
@testable import EmbeddingSearch

/// The asymmetric byte kernels (float weights × int8 / uint8 codes) against the plain-Swift
/// fused multiply-add chain. The variants sum in other orders, so the bound is float32 rounding
/// of two summations: |Δ| ≤ 2 · d · 2⁻²⁴ · Σ |w_j · c_j| (plus the constant's last bit).
final class AsymmetricKernelTests: XCTestCase {
    func testByteKernelsAgreeWithReferenceWithinRoundingBound() throws {
        for (index, d) in KernelAgreementTests.dimensions.enumerated() {
            let corpus = TestData.matrix(rows: 20, dimension: d, seed: UInt64(300 + index))
            let query = Array(TestData.matrix(rows: 1, dimension: d, seed: UInt64(400 + index))[row: 0])
            let ranges = try QuantizationRanges(
                minimums: [Float](repeating: -1, count: d), maximums: [Float](repeating: 1, count: d))
            for precision in [Precision.int8, .uint8] {
                let codes = try EmbeddingQuantizer(precision: precision, ranges: ranges).quantize(corpus)
                let steps = ranges.steps(levels: 256)
                for path in TestData.paths {
                    var scorer = try AsymmetricScorer(query: query, codes: StoredCodes(codes))
                    scorer.kernelPath = path
                    for row in 0..<20 {
                        let bytes = Array(codes[row: row])
                        let (fast, reference) = bytes.withUnsafeBytes { (scorer.score($0), scorer.referenceScore($0)) }
                        var magnitude: Double = 0
                        for j in 0..<d {
                            let code = Double(precision == .int8 ? bytes[j] ^ 0x80 : bytes[j])
                            magnitude += abs(Double(query[j]) * Double(steps[j]) * code) + abs(Double(query[j]))
                        }
                        let bound = 2 * Double(d + 1) * 0x1p-24 * magnitude
                        XCTAssertEqual(Double(fast), Double(reference), accuracy: bound, "\(precision) d=\(d) \(path) row \(row)")
                    }
                }
            }
        }
    }
}

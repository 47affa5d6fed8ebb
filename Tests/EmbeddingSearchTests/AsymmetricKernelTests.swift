import EmbedQTestSupport
import EmbeddingQuantization
import XCTest
@testable import EmbeddingSearch

/// The asymmetric scorer's byte scores (float weights × int8 / uint8 codes; the blocked kernels'
/// variants are held to it bit for bit in `AsymmetricBlockedScanTests`), against a
/// double-precision reference written from the raw codes and ranges
/// (``PlainAsymmetricReference``, checked against NumPy in ``AsymmetricFixtureTests``): nothing
/// shared with the scorer (not its precomputed weights, not its plain-Swift path). The bound is
/// float32 rounding of any summation order (``PlainAsymmetricReference/roundingBound``).
final class AsymmetricKernelTests: XCTestCase {
    func testByteKernelsAgreeWithDoubleReferenceWithinRoundingBound() throws {
        for (index, d) in KernelAgreementTests.dimensions.enumerated() {
            let corpus = TestData.matrix(rows: 20, dimension: d, seed: UInt64(300 + index))
            let query = Array(TestData.matrix(rows: 1, dimension: d, seed: UInt64(400 + index))[row: 0])
            let minimums = [Float](repeating: -1, count: d), maximums = [Float](repeating: 1, count: d)
            let ranges = try QuantizationRanges(minimums: minimums, maximums: maximums)
            let plainRanges = PlainAsymmetricReference.Ranges(minimums: minimums, maximums: maximums)
            for (precision, encoding) in [(Precision.int8, PlainAsymmetricReference.Encoding.int8), (.uint8, .uint8)] {
                let codes = try EmbeddingQuantizer(precision: precision, ranges: ranges).quantize(corpus)
                let scorer = try AsymmetricScorer(query: query, codes: StoredCodes(codes))
                for row in 0..<20 {
                    let bytes = Array(codes[row: row])
                    let fast = bytes.withUnsafeBytes { scorer.score($0) }
                    let exact = PlainAsymmetricReference.score(query: query, row: bytes, encoding: encoding, ranges: plainRanges)
                    let bound = PlainAsymmetricReference.roundingBound(query: query, row: bytes, encoding: encoding, ranges: plainRanges)
                    XCTAssertEqual(Double(fast), exact, accuracy: bound, "\(precision) d=\(d) row \(row)")
                }
            }
        }
    }
}

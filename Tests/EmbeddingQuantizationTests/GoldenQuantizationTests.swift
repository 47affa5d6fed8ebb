import XCTest
@testable import EmbeddingQuantization

/// Byte-identity with `sentence_transformers.util.quantize_embeddings` on every golden case of
/// `$EMBEDQ_SHARED/golden/quantize/`, through every kernel path the CPU supports.
final class GoldenQuantizationTests: XCTestCase {
    static let cases = ["minilm_calibrated", "no_ranges_self_calibrated_1024", "odd_dim_13_zero_range", "st_clip_example"]
    static let precisions: [Precision] = [.int8, .uint8, .binary, .ubinary]

    /// The case folder; absent, a skip naming it (a failure in CI).
    func folder(_ name: String) throws -> URL {
        try SharedData.file("golden/quantize/\(name)")
    }

    // One test per case: a missing case folder is reported by name and cannot hide the others.
    func testCaseMiniLMCalibrated() throws { try checkCase("minilm_calibrated") }
    func testCaseNoRangesSelfCalibrated() throws { try checkCase("no_ranges_self_calibrated_1024") }
    func testCaseOddDimensionZeroRange() throws { try checkCase("odd_dim_13_zero_range") }
    func testCaseSentenceTransformersClipExample() throws { try checkCase("st_clip_example") }

    /// The four tests above cover every case of the list.
    func testEveryCaseHasItsTest() {
        XCTAssertEqual(Self.cases.count, 4)
    }

    private func checkCase(_ name: String) throws {
        var checked = 0
        let folder = try folder(name)
        let embeddings = try EmbeddingMatrix(contentsOfNPY: folder.appendingPathComponent("embeddings.npy").path)
        let rangesPath = folder.appendingPathComponent("ranges.npy").path
        let ranges = FileManager.default.fileExists(atPath: rangesPath) ? try RangesFile.read(contentsOf: rangesPath) : nil
        XCTAssertEqual(ranges == nil, name.hasPrefix("no_ranges"), name)
        for precision in Self.precisions {
            let expected = try NPYFile.read(contentsOf: folder.appendingPathComponent("\(precision.rawValue).npy").path)
            let resolved = try ranges ?? Calibration.ranges(from: embeddings)
            for path in KernelPath.allCases {
                let codes = try QuantizationKernels.encode(
                    embeddings, precision: precision, ranges: resolved, rounding: .floor, path: path)
                XCTAssertEqual(codes, expected.bytes, "\(name) \(precision) \(path)")
                checked += 1
            }
            // The public API, with self-calibration where the case has no ranges, writes
            // exactly sentence-transformers' array (dtype and shape included).
            let quantized = try EmbeddingQuantizer(precision: precision, ranges: ranges).quantize(embeddings)
            XCTAssertEqual(NPYFile.encode(quantized.npyArray), NPYFile.encode(expected), "\(name) \(precision) file bytes")
        }
        XCTAssertGreaterThanOrEqual(checked, 4 * 3, "reference, portable and automatic paths at least")
    }

    func testGoldenCasesCoverClippingAndTheZeroRangeDimension() throws {
        let folder = try folder("odd_dim_13_zero_range")
        let ranges = try RangesFile.read(contentsOf: folder.appendingPathComponent("ranges.npy").path)
        XCTAssertTrue(zip(ranges.minimums, ranges.maximums).contains { $0 == $1 }, "a zero-range dimension")
        let embeddings = try EmbeddingMatrix(contentsOfNPY: folder.appendingPathComponent("embeddings.npy").path)
        let outside = embeddings.values.enumerated().filter { index, value in
            value < ranges.minimums[index % 13] || value > ranges.maximums[index % 13]
        }
        XCTAssertFalse(outside.isEmpty, "values outside the ranges")
    }

    /// Dividing by the step is not the same as multiplying by its reciprocal, nor as scaling by
    /// `255 / range`: the golden bytes pin the order down. This guards against a "faster" rewrite.
    func testDivisionOrderMatters() throws {
        var reciprocalDifferences = 0
        for name in Self.cases where !name.hasPrefix("no_ranges") {
            let folder = try folder(name)
            let embeddings = try EmbeddingMatrix(contentsOfNPY: folder.appendingPathComponent("embeddings.npy").path)
            let ranges = try RangesFile.read(contentsOf: folder.appendingPathComponent("ranges.npy").path)
            let expected = try NPYFile.read(contentsOf: folder.appendingPathComponent("uint8.npy").path).bytes
            let steps = ranges.steps(levels: 256)
            for (index, value) in embeddings.values.enumerated() {
                let column = index % embeddings.dimension
                let viaReciprocal = (value - ranges.minimums[column]) * (1 / steps[column])
                if UInt8(min(max(viaReciprocal.rounded(.down), 0), 255)) != expected[index] { reciprocalDifferences += 1 }
            }
        }
        XCTAssertGreaterThan(reciprocalDifferences, 0, "the reciprocal shortcut changes a golden code")
        // Scaling by 255 / range puts the maximum in bucket 255; dividing by the rounded step gives 254.
        let ranges = try QuantizationRanges(minimums: [1], maximums: [3])
        XCTAssertEqual((Float(3) - 1) * 255 / 2, 255)
        XCTAssertEqual(try EmbeddingQuantizer(precision: .uint8, ranges: ranges).quantize(EmbeddingMatrix(vector: [3])).codes, [254])
    }
}

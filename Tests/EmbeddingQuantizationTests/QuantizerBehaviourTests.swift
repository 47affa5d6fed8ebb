import XCTest
@testable import EmbeddingQuantization

final class QuantizerBehaviourTests: XCTestCase {
    func testEmptyBatchKeepsItsShapeForEveryPrecision() throws {
        let empty = EmbeddingMatrix.empty(dimension: 13)
        let ranges = try TestData.narrowRanges(dimension: 13, seed: 1).withRotation(.random(dimension: 13, seed: 1))
        for precision in Precision.allCases {
            let codes = try EmbeddingQuantizer(precision: precision, ranges: ranges).quantize(empty)
            XCTAssertEqual(codes.rowCount, 0)
            XCTAssertEqual(codes.dimension, 13)
            XCTAssertTrue(codes.codes.isEmpty)
            let back = try EmbeddingQuantizer(precision: precision).dequantize(codes)
            XCTAssertEqual(back.rowCount, 0)
            XCTAssertEqual(back.dimension, 13)
        }
        // Without ranges too: nothing to calibrate, nothing to fail.
        XCTAssertEqual(try EmbeddingQuantizer(precision: .int8).quantize(empty).rowCount, 0)
    }

    func testSingleRowNeedsRangesLikeSentenceTransformers() throws {
        let one = EmbeddingMatrix(vector: [0.1, -0.2, 0.3])
        XCTAssertThrowsError(try EmbeddingQuantizer(precision: .int8).quantize(one)) { error in
            XCTAssertEqual(error as? QuantizationError, .tooFewRowsToCalibrate(rows: 1))
        }
        let ranges = try QuantizationRanges(minimums: [-1, -1, -1], maximums: [1, 1, 1])
        let codes = try EmbeddingQuantizer(precision: .uint8, ranges: ranges).quantize(one)
        // NumPy (float32, sentence-transformers' order): (x - np.float32(-1)) / (np.float32(2) / 255)
        // = [140.25, 101.99999, 165.74998] -> floor [140, 101, 165]. In exact arithmetic the middle
        // one is 102: float32 rounding of -0.2 and of the step puts it just below.
        XCTAssertEqual(codes.codes, [140, 101, 165])
        // Binary needs no ranges at all.
        XCTAssertEqual(try EmbeddingQuantizer(precision: .ubinary).quantize(one).codes, [0b1010_0000])
    }

    func testSelfCalibrationWarnsUnderOneHundredRows() throws {
        var warnings: [String] = []
        _ = try EmbeddingQuantizer(precision: .int8).quantize(
            TestData.randomMatrix(rows: 99, dimension: 8, seed: 3)) { warnings.append($0) }
        XCTAssertEqual(warnings.count, 1)
        XCTAssertTrue(warnings[0].contains("99 embeddings"))
        warnings.removeAll()
        _ = try EmbeddingQuantizer(precision: .int8).quantize(
            TestData.randomMatrix(rows: 100, dimension: 8, seed: 3)) { warnings.append($0) }
        XCTAssertTrue(warnings.isEmpty)
    }

    func testRangesOfAnotherDimensionAreRejected() throws {
        let ranges = TestData.narrowRanges(dimension: 12, seed: 1)
        let matrix = TestData.randomMatrix(rows: 4, dimension: 13, seed: 2)
        XCTAssertThrowsError(try EmbeddingQuantizer(precision: .int8, ranges: ranges).quantize(matrix)) { error in
            XCTAssertEqual(error as? QuantizationError, .dimensionMismatch(expected: 13, actual: 12, what: "the ranges"))
            XCTAssertTrue("\(error)".contains("dimension 12"))
        }
    }

    func testInvalidRangesAreRejected() {
        XCTAssertThrowsError(try QuantizationRanges(minimums: [0, 1], maximums: [1, 0])) { error in
            XCTAssertEqual(error as? QuantizationError, .invertedRange(column: 1, minimum: 1, maximum: 0))
        }
        XCTAssertThrowsError(try QuantizationRanges(minimums: [0, .nan], maximums: [1, 1]))
        XCTAssertThrowsError(try QuantizationRanges(minimums: [0], maximums: [1, 2]))
        XCTAssertThrowsError(try QuantizationRanges(minimums: [0], maximums: [1], ternaryThresholds: [-1]))
    }

    func testTernaryWithoutThresholdsIsAClearError() throws {
        let ranges = try QuantizationRanges(minimums: [-1, -1], maximums: [1, 1])
        XCTAssertThrowsError(try EmbeddingQuantizer(precision: .ternary, ranges: ranges)
            .quantize(EmbeddingMatrix(vector: [0.5, -0.5])))
    }

    func testTernaryCodesAndDequantization() throws {
        let ranges = try QuantizationRanges(minimums: [-1, -1, -1, -1], maximums: [1, 1, 1, 1],
                                            ternaryThresholds: [0.1, 0.1, 0.5, 0])
        let matrix = EmbeddingMatrix(vector: [0.2, -0.2, 0.3, 0])
        let codes = try EmbeddingQuantizer(precision: .ternary, ranges: ranges).quantize(matrix)
        XCTAssertEqual(codes.codes, [0b1000_0000, 0b0100_0000], "positive plane, then negative plane")
        XCTAssertEqual(try EmbeddingQuantizer(precision: .ternary).dequantize(codes).values, [1, -1, 0, 0])
    }

    func testBinaryDequantizationGivesSignsOrBits() throws {
        let matrix = EmbeddingMatrix(vector: [0.2, -0.2, 0, 3, -1, 1, 1, 1, 0.5])
        for precision in [Precision.binary, .ubinary] {
            let codes = try EmbeddingQuantizer(precision: precision).quantize(matrix)
            let quantizer = EmbeddingQuantizer(precision: precision)
            XCTAssertEqual(try quantizer.dequantize(codes).values, [1, -1, -1, 1, -1, 1, 1, 1, 1])
            XCTAssertEqual(try quantizer.dequantize(codes, bitValues: .zeroOne).values, [1, 0, 0, 1, 0, 1, 1, 1, 1])
        }
    }

    func testInt4PacksTwoCodesPerByteHighNibbleFirst() throws {
        let ranges = try QuantizationRanges(minimums: [0, 0, 0], maximums: [15, 15, 15])
        let codes = try EmbeddingQuantizer(precision: .int4, ranges: ranges).quantize(EmbeddingMatrix(vector: [3, 12.5, 15]))
        XCTAssertEqual(codes.codes, [0x3C, 0xF0], "dims 0|1 in byte 0, dim 2 in the high nibble of byte 1")
        let back = try EmbeddingQuantizer(precision: .int4).dequantize(codes).values
        XCTAssertEqual(back, [3.5, 12.5, 15.5], "bucket centres for floor codes")
    }

    func testDequantizedIntegerCodesStayWithinHalfAStep() throws {
        let matrix = TestData.randomMatrix(rows: 200, dimension: 24, seed: 11)
        let ranges = try Calibration.ranges(from: matrix)
        for precision in [Precision.int8, .uint8, .int4] {
            for rounding in RoundingMode.allCases {
                let quantizer = EmbeddingQuantizer(precision: precision, ranges: ranges, rounding: rounding)
                let back = try quantizer.dequantize(quantizer.quantize(matrix))
                let steps = ranges.steps(levels: precision == .int4 ? 16 : 256)
                for index in matrix.values.indices {
                    let error = abs(back.values[index] - matrix.values[index])
                    XCTAssertLessThanOrEqual(error, steps[index % 24] * 0.5 + 1e-6, "\(precision) \(rounding) at \(index)")
                }
            }
        }
    }

    /// `nearest` halves the error of floor codes read back the way sentence-transformers reads
    /// them (bucket lower edge, `minimum + code·step`); floor codes read back as bucket centres
    /// (EmbedQ's dequantization) are about as good as `nearest`.
    func testNearestRoundingLowersTheError() throws {
        let matrix = TestData.randomMatrix(rows: 500, dimension: 64, seed: 12)
        let ranges = try Calibration.ranges(from: matrix)
        let steps = ranges.steps(levels: 256)
        let floorCodes = try EmbeddingQuantizer(precision: .uint8, ranges: ranges, rounding: .floor).quantize(matrix)
        let nearestQuantizer = EmbeddingQuantizer(precision: .uint8, ranges: ranges, rounding: .nearest)
        let nearest = try nearestQuantizer.dequantize(nearestQuantizer.quantize(matrix))
        let floorCentres = try EmbeddingQuantizer(precision: .uint8).dequantize(floorCodes)
        var (lowerEdgeError, centreError, nearestError) = (0.0, 0.0, 0.0)
        for index in matrix.values.indices {
            let column = index % 64
            let lowerEdge = ranges.minimums[column] + Float(floorCodes.codes[index]) * steps[column]
            lowerEdgeError += Double(abs(lowerEdge - matrix.values[index]))
            centreError += Double(abs(floorCentres.values[index] - matrix.values[index]))
            nearestError += Double(abs(nearest.values[index] - matrix.values[index]))
        }
        XCTAssertLessThan(nearestError, 0.6 * lowerEdgeError, "nearest ≈ half the lower-edge error")
        XCTAssertEqual(nearestError / centreError, 1, accuracy: 0.1, "both have mean error step/4")
    }

    func testConstantDimensionMapsToCodeZeroAndBack() throws {
        let matrix = try EmbeddingMatrix(rows: [[0.5, 1], [0.5, 2], [0.5, 3]])
        let quantizer = EmbeddingQuantizer(precision: .uint8, ranges: try Calibration.ranges(from: matrix))
        let codes = try quantizer.quantize(matrix)
        // (3 - 1) / float32(2 / 255) = 254.99998 in float32: the maximum lands in bucket 254, as in
        // sentence-transformers, because the step is rounded before the division.
        XCTAssertEqual(codes.codes, [0, 0, 0, 127, 0, 254])
        XCTAssertEqual(try quantizer.dequantize(codes)[row: 1].first, 0.5)
    }
}

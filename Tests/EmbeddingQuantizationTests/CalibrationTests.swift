import XCTest
@testable import EmbeddingQuantization

final class CalibrationTests: XCTestCase {
    let matrix = try! EmbeddingMatrix(rows: (0..<11).map { i in [Float(i), -Float(i) * 2, 7] })

    func testMinMax() throws {
        let ranges = try Calibration.ranges(from: matrix, method: .minMax)
        XCTAssertEqual(ranges.minimums, [0, -20, 7])
        XCTAssertEqual(ranges.maximums, [10, 0, 7])
    }

    func testQuantileInterpolatesLikeNumPy() throws {
        // numpy.quantile(arange(11), [0.05, 0.95]) == [0.5, 9.5]
        let ranges = try Calibration.ranges(from: matrix, method: .quantile(0.05))
        XCTAssertEqual(ranges.minimums[0], 0.5, accuracy: 1e-6)
        XCTAssertEqual(ranges.maximums[0], 9.5, accuracy: 1e-6)
        XCTAssertEqual(ranges.minimums[1], -19, accuracy: 1e-6)
        XCTAssertEqual(ranges.maximums[1], -1, accuracy: 1e-6)
        XCTAssertEqual(try Calibration.ranges(from: matrix, method: .quantile(0)).maximums, [10, 0, 7])
    }

    func testMeanStdIsClampedToTheObservedRange() throws {
        // column 0: mean 5, population std sqrt(10) ≈ 3.1623
        let ranges = try Calibration.ranges(from: matrix, method: .meanStd(1))
        XCTAssertEqual(ranges.minimums[0], Float(5 - 10.0.squareRoot()), accuracy: 1e-5)
        XCTAssertEqual(ranges.maximums[0], Float(5 + 10.0.squareRoot()), accuracy: 1e-5)
        let wide = try Calibration.ranges(from: matrix, method: .meanStd(10))
        XCTAssertEqual(wide.minimums, [0, -20, 7])
        XCTAssertEqual(wide.maximums, [10, 0, 7])
    }

    func testTernaryThresholdsAreAlphaTimesStd() throws {
        let ranges = try Calibration.ranges(from: matrix, ternaryAlpha: 0.5)
        let thresholds = try XCTUnwrap(ranges.ternaryThresholds)
        XCTAssertEqual(thresholds[0], Float(0.5 * 10.0.squareRoot()), accuracy: 1e-5)
        XCTAssertEqual(thresholds[1], Float(0.5 * 40.0.squareRoot()), accuracy: 1e-5)
        XCTAssertEqual(thresholds[2], 0)
    }

    func testMethodParsing() throws {
        XCTAssertEqual(try CalibrationMethod(parsing: "minmax"), .minMax)
        XCTAssertEqual(try CalibrationMethod(parsing: "quantile:0.001"), .quantile(0.001))
        XCTAssertEqual(try CalibrationMethod(parsing: "meanstd:3"), .meanStd(3))
        for bad in ["", "quantile", "quantile:0.7", "meanstd:-1", "median", "quantile:x"] {
            XCTAssertThrowsError(try CalibrationMethod(parsing: bad), bad)
        }
    }

    func testCalibrationRejectsOneRowAndNonFiniteValues() throws {
        XCTAssertThrowsError(try Calibration.ranges(from: EmbeddingMatrix(vector: [1, 2]))) { error in
            XCTAssertEqual(error as? QuantizationError, .tooFewRowsToCalibrate(rows: 1))
        }
        let bad = try EmbeddingMatrix(rows: [[1, 2], [3, .nan]])
        XCTAssertThrowsError(try Calibration.ranges(from: bad)) { error in
            XCTAssertEqual("\(error)", "non-finite value nan at row 1, column 1")
        }
    }
}

import XCTest
@testable import EmbeddingQuantization

/// Every C kernel variant the CPU supports must produce the reference's bytes exactly.
final class KernelAgreementTests: XCTestCase {
    static let dimensions = [1, 7, 8, 13, 15, 16, 17, 63, 64, 65, 127, 383, 384, 385]
    static let fastPaths = KernelPath.allCases.filter { $0 != .reference }

    func testEveryPathMatchesTheReferenceForEveryIntegerPrecision() throws {
        XCTAssertTrue(Self.fastPaths.contains(.portable))
        for (index, dimension) in Self.dimensions.enumerated() {
            let matrix = TestData.randomMatrix(rows: 37, dimension: dimension, seed: UInt64(100 + index))
            let ranges = TestData.narrowRanges(dimension: dimension, seed: UInt64(200 + index))
            for precision in [Precision.int8, .uint8, .int4, .binary, .ubinary, .ternary] {
                for rounding in RoundingMode.allCases {
                    let expected = try QuantizationKernels.encode(
                        matrix, precision: precision, ranges: ranges, rounding: rounding, path: .reference)
                    XCTAssertEqual(expected.count, 37 * precision.bytesPerVector(dimension: dimension))
                    for path in Self.fastPaths {
                        let actual = try QuantizationKernels.encode(
                            matrix, precision: precision, ranges: ranges, rounding: rounding, path: path)
                        XCTAssertEqual(actual, expected, "\(precision) \(rounding) d=\(dimension) path=\(path)")
                    }
                }
            }
        }
    }

    /// Edge values at odd dimensions: far outside the calibrated range (both ends, up to the
    /// largest finite float), subnormals, ±0, exact bucket boundaries and ties (the `nearest`
    /// rounding's half-to-even case), values exactly at ±threshold; every table against the
    /// reference, byte for byte.
    func testEveryPathMatchesTheReferenceOnEdgeValues() throws {
        XCTAssertGreaterThanOrEqual(Self.fastPaths.count, 1)
        for (index, dimension) in [1, 7, 13, 63, 65, 383, 385].enumerated() {
            let ranges = TestData.narrowRanges(dimension: dimension, seed: UInt64(300 + index))
            let steps = ranges.steps(levels: 256)
            let thresholds = ranges.ternaryThresholds ?? [Float](repeating: 0, count: dimension)
            var generator = SeededGenerator(seed: UInt64(400 + index))
            let rows = 23
            var values = [Float](repeating: 0, count: rows * dimension)
            for i in values.indices {
                let j = i % dimension
                switch Int.random(in: 0..<9, using: &generator) {
                case 0: values[i] = [Float.greatestFiniteMagnitude, -.greatestFiniteMagnitude, 1e30, -1e30][Int.random(in: 0..<4, using: &generator)]
                case 1: values[i] = [Float.leastNonzeroMagnitude, -.leastNonzeroMagnitude, .leastNormalMagnitude / 4, 0, -0.0][Int.random(in: 0..<5, using: &generator)]
                case 2: values[i] = ranges.minimums[j] + steps[j] * Float(Int.random(in: 0...255, using: &generator))
                case 3: values[i] = ranges.minimums[j] + steps[j] * (Float(Int.random(in: 0...254, using: &generator)) + 0.5)
                case 4: values[i] = Bool.random(using: &generator) ? thresholds[j] : -thresholds[j]
                case 5: values[i] = Float.random(in: -3...3, using: &generator)
                default: values[i] = Float.random(in: -0.3...0.3, using: &generator)
                }
            }
            let matrix = try EmbeddingMatrix(rowCount: rows, dimension: dimension, values: values)
            for precision in [Precision.int8, .uint8, .int4, .binary, .ubinary, .ternary] {
                for rounding in RoundingMode.allCases {
                    let expected = try QuantizationKernels.encode(
                        matrix, precision: precision, ranges: ranges, rounding: rounding, path: .reference)
                    for path in Self.fastPaths {
                        let actual = try QuantizationKernels.encode(
                            matrix, precision: precision, ranges: ranges, rounding: rounding, path: path)
                        XCTAssertEqual(actual, expected, "edge values: \(precision) \(rounding) d=\(dimension) path=\(path)")
                    }
                }
            }
        }
    }

    func testNonFiniteValuesAreReportedWithRowAndColumnByEveryPath() throws {
        let dimension = 45
        let ranges = try TestData.narrowRanges(dimension: dimension, seed: 7).withRotation(.random(dimension: dimension, seed: 7))
        for bad in [Float.nan, .infinity, -.infinity] {
            var values = TestData.randomMatrix(rows: 9, dimension: dimension, seed: 8).values
            values[6 * dimension + 44] = bad
            values[7 * dimension + 1] = bad
            let matrix = try EmbeddingMatrix(rowCount: 9, dimension: dimension, values: values)
            for precision in Precision.allCases {
                for path in KernelPath.allCases {
                    XCTAssertThrowsError(try QuantizationKernels.encode(
                        matrix, precision: precision, ranges: ranges, rounding: .floor, path: path)
                    ) { error in
                        guard case .nonFiniteValue(let row, let column, let value)? = error as? QuantizationError else {
                            return XCTFail("\(precision) \(path): unexpected \(error)")
                        }
                        XCTAssertEqual(row, 6, "\(precision) \(path)")
                        XCTAssertEqual(column, 44, "\(precision) \(path)")
                        XCTAssertEqual(value.isNaN, bad.isNaN)
                        XCTAssertTrue("\(error)".contains("row 6, column 44"))
                    }
                }
            }
        }
    }

    func testAllBitsSetAndNoneSet() throws {
        for dimension in [8, 13, 64, 70] {
            let positive = try EmbeddingMatrix(rows: [[Float](repeating: 0.5, count: dimension)])
            let negative = try EmbeddingMatrix(rows: [[Float](repeating: -0.5, count: dimension)])
            for path in KernelPath.allCases {
                let ones = try QuantizationKernels.encode(positive, precision: .ubinary, ranges: nil, rounding: .floor, path: path)
                let fullBytes = dimension / 8
                XCTAssertEqual(Array(ones.prefix(fullBytes)), [UInt8](repeating: 0xFF, count: fullBytes))
                if dimension % 8 != 0 {
                    XCTAssertEqual(ones.last, UInt8(0xFF) << UInt8(8 - dimension % 8), "padding bits are zero")
                }
                let zeros = try QuantizationKernels.encode(negative, precision: .binary, ranges: nil, rounding: .floor, path: path)
                XCTAssertEqual(zeros, [UInt8](repeating: 0x80, count: (dimension + 7) / 8), "0 - 128 as Int8 is 0x80")
            }
        }
    }
}

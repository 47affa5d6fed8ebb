import Foundation
import XCTest
@testable import EmbeddingQuantization

final class InteropTests: XCTestCase {
    var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("embedq-interop-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    func testRangesRoundTripExactlyThroughJSONAndNPY() throws {
        var generator = SeededGenerator(seed: 5)
        let d = 13
        let minimums = (0..<d).map { _ in -Float.random(in: 0...1, using: &generator) }
        let maximums = minimums.map { $0 + Float.random(in: 0...2, using: &generator) }
        let thresholds = (0..<d).map { _ in Float.random(in: 0...0.3, using: &generator) }
        for ranges in [try QuantizationRanges(minimums: minimums, maximums: maximums),
                       try QuantizationRanges(minimums: minimums, maximums: maximums, ternaryThresholds: thresholds)] {
            for name in ["r.json", "r.npy"] {
                let path = directory.appendingPathComponent(name).path
                try RangesFile.write(ranges, to: path)
                XCTAssertEqual(try RangesFile.read(contentsOf: path), ranges, name)
            }
        }
        let npy = try NPYFile.read(contentsOf: directory.appendingPathComponent("r.npy").path)
        XCTAssertEqual(npy.shape, [3, d], "thresholds are row 2")
        XCTAssertEqual(npy.dataType, .float32)
    }

    func testMalformedRangesFilesGiveClearErrors() throws {
        let cases: [(String, String, String)] = [
            ("a.json", "{\"minimums\": [0, 1]", "not valid JSON"),
            ("b.json", "[1, 2]", "not a number array as expected"),
            ("c.json", "{\"minimums\": [0, 1]}", "missing key 'maximums'"),
            ("d.json", "{\"minimums\": [0, \"x\"], \"maximums\": [1, 1]}", "'minimums'[1] is not a number array"),
            ("e.json", "{\"minimums\": [0, 2], \"maximums\": [1, 1]}", "inverted"),
            ("f.json", "{\"format\": \"other\", \"minimums\": [0], \"maximums\": [1]}", "format is 'other'"),
            ("g.json", "{\"dimension\": 3, \"minimums\": [0], \"maximums\": [1]}", "'dimension' is 3"),
        ]
        for (name, text, message) in cases {
            let path = directory.appendingPathComponent(name).path
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
            XCTAssertThrowsError(try RangesFile.read(contentsOf: path), name) { error in
                XCTAssertTrue("\(error)".contains(message), "\(name): \(error)")
                XCTAssertTrue("\(error)".contains(name), "\(name): the message names the file")
            }
        }
        let wrongShape = directory.appendingPathComponent("h.npy").path
        try NPYFile.write(NPYArray(float32: [Float](repeating: 0, count: 12), shape: [4, 3]), to: wrongShape)
        XCTAssertThrowsError(try RangesFile.read(contentsOf: wrongShape)) { error in
            XCTAssertTrue("\(error)".contains("shape (2, d)"), "\(error)")
        }
        XCTAssertThrowsError(try RangesFile.read(contentsOf: directory.appendingPathComponent("missing.npy").path))
    }

    func testIntegerArraysAreRefusedAsEmbeddings() throws {
        let codes = try NPYArray(int8: [1, 2, 3, 4], shape: [2, 2])
        XCTAssertThrowsError(try EmbeddingMatrix(codes)) { error in
            XCTAssertEqual(error as? QuantizationError, .integerInput(dtype: "int8"))
        }
        let cube = try NPYArray(float32: [Float](repeating: 0, count: 8), shape: [2, 2, 2])
        XCTAssertThrowsError(try EmbeddingMatrix(cube))
        XCTAssertEqual(try EmbeddingMatrix(NPYArray(float32: [1, 2, 3], shape: [3])).rowCount, 1)
        let halves = try NPYArray(float16Bits: [0x3C00, 0xC000], shape: [1, 2])
        XCTAssertEqual(try EmbeddingMatrix(halves).values, [1, -2])
    }

    func testCodesRoundTripThroughNPYForEveryPrecision() throws {
        let matrix = TestData.randomMatrix(rows: 5, dimension: 13, seed: 9)
        let ranges = try Calibration.ranges(from: matrix).withRotation(.random(dimension: 13, seed: 9))
        for precision in Precision.allCases {
            let quantized = try EmbeddingQuantizer(precision: precision, ranges: ranges).quantize(matrix)
            let array = quantized.npyArray
            let back = try QuantizedEmbeddings(array, precision: precision, dimension: 13, ranges: quantized.ranges)
            XCTAssertEqual(back, quantized, "\(precision)")
            XCTAssertEqual(array.shape, [5, QuantizedEmbeddings.npyLayout(of: precision, dimension: 13).columns])
        }
        // A binary file of the wrong dtype or width is refused with both named.
        let wrong = try NPYArray(float32: [Float](repeating: 0, count: 10), shape: [5, 2])
        XCTAssertThrowsError(try QuantizedEmbeddings(wrong, precision: .binary, dimension: 13)) { error in
            XCTAssertTrue("\(error)".contains("int8") && "\(error)".contains("float32"), "\(error)")
        }
    }

    func testHalfPrecisionsRoundToNearestEven() throws {
        let values: [Float] = [1, -2.5, 0.1, 65504, 1e-8, 3.14159]
        let matrix = EmbeddingMatrix(vector: values)
        // NumPy: values.astype(np.float16).astype(np.float32), and bfloat16 by round-to-nearest-even
        // on the bit patterns (scripts/fixtures/make_quantization_fixtures.py, bfloat16_bits).
        let numPy: [Precision: [Float]] = [
            .float16: [1.0, -2.5, 0.0999755859375, 65504.0, 0.0, 3.140625],
            .bfloat16: [1.0, -2.5, 0.10009765625, 65536.0, 1.0011717677116394e-08, 3.140625],
        ]
        for precision in [Precision.float16, .bfloat16] {
            let quantizer = EmbeddingQuantizer(precision: precision)
            let codes = try quantizer.quantize(matrix)
            XCTAssertEqual(codes.byteCount, values.count * 2)
            let back = try quantizer.dequantize(codes).values
            XCTAssertEqual(back, numPy[precision], "\(precision)")
            for (value, restored) in zip(values, back) {
                XCTAssertEqual(restored, value, accuracy: abs(value) * (precision == .float16 ? 1e-3 : 8e-3) + 1e-7)
            }
        }
        // 1 + 2^-8 is a tie for bfloat16 (7 fraction bits): to even gives 1.0; 1 + 3·2^-8 rounds up.
        XCTAssertEqual(HalfPrecision.float(fromBFloat16Bits: HalfPrecision.bfloat16Bits(from: 1 + 1.0 / 256)), 1)
        XCTAssertEqual(HalfPrecision.float(fromBFloat16Bits: HalfPrecision.bfloat16Bits(from: 1 + 3.0 / 256)), 1 + 4.0 / 256)
        XCTAssertEqual(try EmbeddingQuantizer(precision: .float32).quantize(matrix).npyArray.float32Values(), values)
    }
}

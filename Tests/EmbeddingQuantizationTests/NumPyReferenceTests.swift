import Foundation
import XCTest
@testable import EmbeddingQuantization

/// EmbedQ's codes against NumPy's, for the precisions sentence-transformers does not define
/// (int4, ternary, `nearest` rounding) and the half precisions, on the cases
/// `scripts/fixtures/make_quantization_fixtures.py` writes to `Tests/Fixtures/quantization/`.
/// The expected bytes come from NumPy code written from the layouts in README.md and
/// `Precision.swift`, never from EmbedQ, through every kernel path the CPU supports and the
/// public API (dtype and shape of the `.npy` array included).
final class NumPyReferenceTests: XCTestCase {
    func testEdgeCase13Dimensions() throws { try checkCase("edge_13") }
    func testUnitVectors384Dimensions() throws { try checkCase("unit_384") }
    func testUniform77Dimensions() throws { try checkCase("uniform_77") }

    /// The edge case really holds what its name promises, so the byte comparison above is not
    /// vacuous: values on both thresholds, a zero threshold, clipping on both ends, a constant
    /// dimension, zeros and negative zeros, an odd dimension.
    func testEdgeCaseCoversTheEdges() throws {
        let fixture = try QuantizationFixture(name: "edge_13")
        let x = fixture.embeddings, ranges = fixture.ranges
        let thresholds = try XCTUnwrap(ranges.ternaryThresholds)
        XCTAssertEqual(x.dimension % 2, 1)
        XCTAssertTrue(thresholds.contains(0))
        XCTAssertEqual(Array(x[row: 0]), thresholds, "row 0 lies exactly on +t")
        XCTAssertTrue(zip(ranges.minimums, ranges.maximums).contains { $0 == $1 }, "a constant dimension")
        XCTAssertTrue(Array(x[row: 3]).allSatisfy { $0 == 0 && $0.sign == .minus }, "negative zeros")
        XCTAssertTrue(x.values.enumerated().contains { $1 > ranges.maximums[$0 % x.dimension] })
        XCTAssertTrue(x.values.enumerated().contains { $1 < ranges.minimums[$0 % x.dimension] })
        let int4 = try fixture.array("int4").bytes
        XCTAssertTrue(int4.contains { $0 & 0xF0 == 0xF0 } && int4.contains { $0 >> 4 == 0 }, "buckets 15 and 0 both occur")
    }

    /// bfloat16 narrowing of edge cases, exact ties and a seeded sample over the whole exponent
    /// range, against NumPy's round-to-nearest-even integer arithmetic.
    func testBFloat16NarrowingMatchesNumPy() throws {
        let input = try NPYFile.read(contentsOf: QuantizationFixture.path("bfloat16_conversion/input.npy")).float32Values()
        let expectedArray = try NPYFile.read(contentsOf: QuantizationFixture.path("bfloat16_conversion/expected.npy"))
        XCTAssertEqual(expectedArray.dataType, .uint16)
        let bytes = expectedArray.bytes  // little-endian uint16 bit patterns
        let expected = stride(from: 0, to: bytes.count, by: 2).map { UInt16(bytes[$0]) | UInt16(bytes[$0 + 1]) << 8 }
        XCTAssertEqual(input.count, expected.count)
        XCTAssertGreaterThan(input.count, 300)
        for (value, bits) in zip(input, expected) {
            XCTAssertEqual(HalfPrecision.bfloat16Bits(from: value), bits, "bfloat16 of \(value) (0x\(String(value.bitPattern, radix: 16)))")
        }
    }

    private func checkCase(_ name: String) throws {
        let fixture = try QuantizationFixture(name: name)
        let cases: [(String, Precision, RoundingMode)] = [
            ("int8", .int8, .floor), ("uint8", .uint8, .floor), ("int8_nearest", .int8, .nearest),
            ("uint8_nearest", .uint8, .nearest), ("int4", .int4, .floor), ("int4_nearest", .int4, .nearest),
            ("ternary", .ternary, .floor), ("binary", .binary, .floor), ("ubinary", .ubinary, .floor),
            ("float16", .float16, .floor), ("bfloat16", .bfloat16, .floor),
        ]
        for (file, precision, rounding) in cases {
            let expected = try fixture.array(file)
            for path in KernelPath.allCases {
                let codes = try QuantizationKernels.encode(
                    fixture.embeddings, precision: precision, ranges: fixture.ranges, rounding: rounding, path: path)
                XCTAssertEqual(codes.count, expected.bytes.count, "\(name) \(file) \(path)")
                if let index = zip(codes, expected.bytes).enumerated().first(where: { $1.0 != $1.1 })?.offset {
                    let width = precision.bytesPerVector(dimension: fixture.embeddings.dimension)
                    XCTFail("\(name) \(file) \(path): byte \(index) (row \(index / width)) is \(codes[index]), NumPy has \(expected.bytes[index])")
                }
            }
            let quantized = try EmbeddingQuantizer(precision: precision, ranges: fixture.ranges, rounding: rounding)
                .quantize(fixture.embeddings)
            XCTAssertEqual(NPYFile.encode(quantized.npyArray), NPYFile.encode(expected), "\(name) \(file): .npy bytes")
        }
        // Dequantization: bucket centres for floor codes, grid points for nearest codes (float32).
        for (file, precision, rounding) in [("int8", Precision.int8, RoundingMode.floor), ("int4", .int4, .floor),
                                            ("int4_nearest", .int4, .nearest)] {
            let codes = try QuantizedEmbeddings(
                fixture.array(file), precision: precision, ranges: fixture.ranges, rounding: rounding)
            let values = try EmbeddingQuantizer(precision: precision).dequantize(codes).values
            XCTAssertEqual(values, try fixture.array(file + "_dequantized").float32Values(), "\(name) \(file) dequantized")
        }
    }
}

/// One case folder of `Tests/Fixtures/quantization/` (see the script that writes it).
struct QuantizationFixture {
    static let directory: String = {
        var components = "\(#filePath)".split(separator: "/", omittingEmptySubsequences: false)
        components.removeLast(2)  // this file, EmbeddingQuantizationTests
        return components.joined(separator: "/") + "/Fixtures/quantization"
    }()

    static func path(_ relative: String) -> String { directory + "/" + relative }

    let name: String
    /// `n × d` float32 embeddings.
    let embeddings: EmbeddingMatrix
    /// Minimums, maximums and ternary thresholds.
    let ranges: QuantizationRanges

    init(name: String) throws {
        self.name = name
        guard FileManager.default.fileExists(atPath: Self.path(name + "/embeddings.npy")) else {
            throw MissingFixture(path: Self.path(name))
        }
        embeddings = try EmbeddingMatrix(contentsOfNPY: Self.path(name + "/embeddings.npy"))
        let bounds = try NPYFile.read(contentsOf: Self.path(name + "/ranges.npy"))
        let values = try bounds.float32Values()
        let d = embeddings.dimension
        guard bounds.shape == [2, d] else { throw MissingFixture(path: Self.path(name + "/ranges.npy")) }
        ranges = try QuantizationRanges(
            minimums: Array(values[0..<d]), maximums: Array(values[d...]),
            ternaryThresholds: NPYFile.read(contentsOf: Self.path(name + "/thresholds.npy")).float32Values())
    }

    /// The array `<file>.npy` of this case.
    func array(_ file: String) throws -> NPYArray {
        try NPYFile.read(contentsOf: Self.path("\(name)/\(file).npy"))
    }

    struct MissingFixture: Error, CustomStringConvertible {
        var path: String
        var description: String { "missing fixture \(path); run scripts/fixtures/make_quantization_fixtures.py" }
    }
}

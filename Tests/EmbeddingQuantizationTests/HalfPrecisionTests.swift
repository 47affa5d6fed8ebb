import XCTest
@testable import EmbeddingQuantization

/// binary16 and bfloat16 conversions against NumPy fixtures, an independent arithmetic
/// reference, Swift's Float16 where available, and hand-checked rounding cases.
final class HalfPrecisionTests: XCTestCase {
    /// All 65536 float16 patterns widen to the value of the binary16 definition.
    func testEveryFloat16PatternWidensExactly() {
        for bits in 0...UInt16.max {
            let value = HalfPrecision.float(fromFloat16Bits: bits)
            let sign: Double = bits & 0x8000 != 0 ? -1 : 1
            let exponent = Int(bits >> 10) & 0x1F
            let fraction = Double(bits & 0x3FF)
            switch exponent {
            case 0x1F where fraction == 0:
                XCTAssertEqual(Double(value), sign * .infinity)
            case 0x1F:
                XCTAssertTrue(value.isNaN, "bits \(bits)")
                XCTAssertEqual(value.bitPattern >> 31, UInt32(bits >> 15))
                XCTAssertEqual((value.bitPattern >> 13) & 0x3FF, UInt32(bits & 0x3FF), "payload kept")
            case 0:
                XCTAssertEqual(Double(value), sign * fraction * 0x1p-24, "bits \(bits)")
                XCTAssertEqual(value.sign == .minus, sign < 0)
            default:
                XCTAssertEqual(Double(value), sign * (1 + fraction / 1024) * Double(sign: .plus, exponent: exponent - 15, significand: 1),
                               "bits \(bits)")
            }
        }
    }

    /// Narrowing the widened value gives the original pattern back, NaNs included.
    func testEveryFloat16PatternRoundTrips() {
        var failures = 0
        for bits in 0...UInt16.max where HalfPrecision.float16Bits(from: HalfPrecision.float(fromFloat16Bits: bits)) != bits {
            failures += 1
        }
        XCTAssertEqual(failures, 0)
    }

    func testNarrowingMatchesNumPy() throws {
        let input = try NPYFixtures.array("f16conv_input_f4.npy").float32Values()
        let expected = try NPYFixtures.array("f16conv_expected_f2.npy").float16Bits()
        XCTAssertEqual(input.count, expected.count)
        XCTAssertGreaterThan(input.count, 250)
        for (value, bits) in zip(input, expected) {
            XCTAssertEqual(HalfPrecision.float16Bits(from: value), bits, "float16 of \(value) (0x\(String(value.bitPattern, radix: 16)))")
        }
        let nanInput = try NPYFile.read(contentsOf: NPYFixtures.path("f16conv_nan_input_u4.npy"))
        let nanExpected = try NPYFile.read(contentsOf: NPYFixtures.path("f16conv_nan_expected_u2.npy"))
        XCTAssertEqual(nanInput.dataType, .uint32)
        for index in 0..<nanInput.elementCount {
            let bits = nanInput.bytes[(4 * index)..<(4 * index + 4)].reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            let expectedBits = UInt16(nanExpected.bytes[2 * index]) | UInt16(nanExpected.bytes[2 * index + 1]) << 8
            XCTAssertEqual(HalfPrecision.float16Bits(from: Float(bitPattern: bits)), expectedBits, "NaN 0x\(String(bits, radix: 16))")
        }
    }

    func testFloat16RoundingCases() {
        let cases: [(Float, UInt16)] = [
            (1 + 0x1p-11, 0x3C00),              // tie, even neighbour below
            (1 + 3 * 0x1p-11, 0x3C02),          // tie, even neighbour above
            (1 + 0x1p-11 + 0x1p-20, 0x3C01),    // just above the tie
            (65504, 0x7BFF), (65519.996, 0x7BFF), (65520, 0x7C00), (-1e9, 0xFC00),
            (0x1p-24, 0x0001), (0x1p-25, 0x0000), (-0x1p-25, 0x8000), (0x1.000002p-25, 0x0001),
            (3 * 0x1p-25, 0x0002), (0x1p-14 - 0x1p-25, 0x0400), (0x1p-14, 0x0400), (0x1p-14 - 0x1p-24, 0x03FF),
            (.leastNonzeroMagnitude, 0), (-0.0, 0x8000), (.infinity, 0x7C00), (-.infinity, 0xFC00),
        ]
        for (value, bits) in cases {
            XCTAssertEqual(HalfPrecision.float16Bits(from: value), bits, "\(value)")
        }
        XCTAssertEqual(HalfPrecision.float16Bits(from: Float(bitPattern: 0x7F80_0001)), 0x7C01, "NaN stays NaN")
    }

    #if os(Linux) && (arch(x86_64) || arch(arm64))
    /// Swift's own Float16 (compiler-rt or hardware) agrees on a million random non-NaN floats.
    func testNarrowingMatchesSwiftFloat16() {
        var generator = SplitMix64(state: 42)
        for _ in 0..<1_000_000 {
            let value = Float(bitPattern: UInt32.random(in: 0...UInt32.max, using: &generator))
            guard !value.isNaN else { continue }
            XCTAssertEqual(HalfPrecision.float16Bits(from: value), Float16(value).bitPattern, "\(value)")
        }
        for bits in 0...UInt16.max where !Float16(bitPattern: bits).isNaN {
            XCTAssertEqual(HalfPrecision.float(fromFloat16Bits: bits), Float(Float16(bitPattern: bits)))
        }
    }
    #endif

    func testBFloat16RoundingCases() {
        let cases: [(Float, UInt16)] = [
            (1, 0x3F80), (1 + 0x1p-8, 0x3F80), (1 + 3 * 0x1p-8, 0x3F82), (1 + 0x1p-8 + 0x1p-20, 0x3F81),
            (-2, 0xC000), (.greatestFiniteMagnitude, 0x7F80), (-.greatestFiniteMagnitude, 0xFF80),
            (.infinity, 0x7F80), (-0.0, 0x8000), (.leastNonzeroMagnitude, 0x0000), (0x1p-133, 0x0001),
        ]
        for (value, bits) in cases {
            XCTAssertEqual(HalfPrecision.bfloat16Bits(from: value), bits, "\(value)")
        }
        XCTAssertEqual(HalfPrecision.bfloat16Bits(from: Float(bitPattern: 0x7F80_0001)), 0x7FC0, "signalling NaN made quiet")
        XCTAssertEqual(HalfPrecision.bfloat16Bits(from: Float(bitPattern: 0xFFC1_2345)), 0xFFC1, "sign and payload kept")
        XCTAssertEqual(HalfPrecision.float(fromBFloat16Bits: 0x3F82), 1 + 0x1p-6)
        XCTAssertEqual(HalfPrecision.float(fromBFloat16Bits: 0xC000), -2)
    }

    /// Every bfloat16 pattern round-trips; random floats round to the nearer neighbour (ties to even).
    func testBFloat16AgainstNearestNeighbourReference() {
        for bits in 0...UInt16.max {
            let value = HalfPrecision.float(fromBFloat16Bits: bits)
            let back = HalfPrecision.bfloat16Bits(from: value)
            if value.isNaN {
                XCTAssertTrue(HalfPrecision.float(fromBFloat16Bits: back).isNaN)
                XCTAssertEqual(back, bits | 0x0040)
            } else {
                XCTAssertEqual(back, bits)
            }
        }
        var generator = SplitMix64(state: 7)
        for _ in 0..<200_000 {
            let value = Float(bitPattern: UInt32.random(in: 0...UInt32.max, using: &generator))
            guard value.isFinite else { continue }
            let below = UInt16(value.bitPattern >> 16)  // truncation toward zero
            let lower = Double(HalfPrecision.float(fromBFloat16Bits: below))
            // Above the largest finite bfloat16 the next step (2^128) rounds to infinity.
            let upper = below & 0x7FFF == 0x7F7F
                ? (value < 0 ? -0x1p128 : 0x1p128) : Double(HalfPrecision.float(fromBFloat16Bits: below &+ 1))
            let distanceLower = abs(Double(value) - lower)
            let distanceUpper = abs(upper - Double(value))
            let expected: UInt16 = distanceLower < distanceUpper || (distanceLower == distanceUpper && below & 1 == 0) ? below : below &+ 1
            XCTAssertEqual(HalfPrecision.bfloat16Bits(from: value), expected, "\(value)")
        }
    }
}

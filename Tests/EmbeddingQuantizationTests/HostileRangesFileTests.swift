import Foundation
import XCTest
@testable import EmbeddingQuantization

/// Ranges files come from users (`--ranges`): JSON and `.npy` ranges cut at every offset, and a
/// fixed number of seeded mutations of each, give a typed error (``QuantizationError`` or
/// ``NPYError``) or ranges that hold every invariant — never a trap.
final class HostileRangesFileTests: XCTestCase {
    static let valid = try! QuantizationRanges(
        minimums: (0..<13).map { -0.5 + Float($0) / 100 }, maximums: (0..<13).map { 0.5 - Float($0) / 200 },
        ternaryThresholds: (0..<13).map { Float($0) / 300 })

    /// Decodes `bytes` as the JSON or `.npy` layout: `nil` for a typed error, else the ranges.
    private func decode(_ bytes: [UInt8], json: Bool, _ context: @autoclosure () -> String) -> QuantizationRanges? {
        do {
            let ranges = json
                ? try RangesFile.decodeJSON(Data(bytes), source: "r.json")
                : try RangesFile.ranges(from: NPYFile.decode(bytes), source: "r.npy")
            // Whatever was accepted is sound ranges.
            XCTAssertEqual(ranges.minimums.count, ranges.maximums.count, context())
            XCTAssertTrue(zip(ranges.minimums, ranges.maximums).allSatisfy { $0.isFinite && $1.isFinite && $0 <= $1 }, context())
            XCTAssertTrue((ranges.ternaryThresholds ?? []).allSatisfy { $0.isFinite && $0 >= 0 }, context())
            return ranges
        } catch let error as QuantizationError {
            XCTAssertTrue("\(error)".contains(json ? "r.json" : "r.npy") || !json, "\(context()): \(error) does not name the file")
        } catch is NPYError {
            XCTAssertFalse(json, context())
        } catch {
            XCTFail("\(context()): untyped error \(error)")
        }
        return nil
    }

    func testTruncationAtEveryOffset() {
        for json in [true, false] {
            let bytes = json ? [UInt8](RangesFile.encodeJSON(Self.valid)) : NPYFile.encode(RangesFile.npyArray(for: Self.valid))
            XCTAssertEqual(decode(bytes, json: json, "valid"), Self.valid)
            // A JSON document cut after its closing brace only lost trailing whitespace.
            let complete = json ? bytes.lastIndex(of: UInt8(ascii: "}"))! + 1 : bytes.count
            for length in 0..<bytes.count {
                let decoded = decode(Array(bytes[0..<length]), json: json, "\(json ? "JSON" : ".npy") cut at \(length)")
                XCTAssertEqual(decoded, length < complete ? nil : Self.valid, "\(json ? "JSON" : ".npy") cut at \(length)")
            }
        }
    }

    func testSeededMutations() {
        var generator = SeededGenerator(seed: 0x2A9E5)
        let jsonAlphabet = Array("0123456789-.eE+{}[]\":, nulltruefalse".utf8)
        for json in [true, false] {
            let valid = json ? [UInt8](RangesFile.encodeJSON(Self.valid)) : NPYFile.encode(RangesFile.npyArray(for: Self.valid))
            var (accepted, refused) = (0, 0)
            for iteration in 0..<1_000 {
                var bytes = valid
                for _ in 0..<Int.random(in: 1...3, using: &generator) {
                    let index = Int.random(in: 0..<bytes.count, using: &generator)
                    switch Int.random(in: 0..<4, using: &generator) {
                    case 0: bytes[index] ^= 1 << UInt8.random(in: 0..<8, using: &generator)
                    case 1 where json: bytes[index] = jsonAlphabet.randomElement(using: &generator)!
                    case 1: bytes[index] = UInt8.random(in: 0...255, using: &generator)
                    case 2: bytes.insert(json ? jsonAlphabet.randomElement(using: &generator)! : 0xFF, at: index)
                    default: bytes.remove(at: index)
                    }
                }
                if decode(bytes, json: json, "\(json ? "JSON" : ".npy") mutation \(iteration)") == nil { refused += 1 } else { accepted += 1 }
            }
            XCTAssertGreaterThan(refused, 300, json ? "JSON" : ".npy")
            XCTAssertGreaterThan(accepted, 10, "\(json ? "JSON" : ".npy"): mutated digits still give valid ranges")
        }
    }
}

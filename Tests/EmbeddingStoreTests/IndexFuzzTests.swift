import Foundation
import XCTest
@testable import EmbeddingStore

/// A seeded random mutation loop over valid index files (a fixed number of iterations, about a
/// second): whatever the bytes, opening yields an index or an ``IndexFileError`` naming the
/// file; an index that opens can be read in full and verified without crashing. The loop counts
/// what opened and which errors refused the rest, and requires both to happen.
final class IndexFuzzTests: XCTestCase {
    /// Mutated files per run (`EMBEDQ_FUZZ_ITERATIONS` overrides, e.g. for a long local run).
    static let iterations = Int(ProcessInfo.processInfo.environment["EMBEDQ_FUZZ_ITERATIONS"] ?? "") ?? 10_000

    func testRandomMutationsNeverCrash() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var seeds: [[UInt8]] = []
        let base = directory + "/base.embq"
        try StoreTestData.createIndex(at: base, ids: StoreTestData.ids("d", 0..<7))
        seeds.append(try fileBytes(base))
        try IndexFile.delete(ids: ["d-2", "d-5"], from: base)
        seeds.append(try fileBytes(base))
        try IndexFile.create(at: base, fast: StoreTestData.binary(["x", "y"]), ids: ["x", "y"])
        seeds.append(try fileBytes(base))

        let seed = UInt64(ProcessInfo.processInfo.environment["EMBEDQ_FUZZ_SEED"] ?? "") ?? 20_261_126
        var generator = SeededGenerator(seed: seed)
        let path = directory + "/fuzz.embq"
        var (opened, verified) = (0, 0)
        var refusals: [String: Int] = [:]
        for _ in 0..<Self.iterations {
            var bytes = seeds.randomElement(using: &generator)!
            for _ in 0..<Int.random(in: 1...4, using: &generator) {
                mutate(&bytes, using: &generator)
            }
            switch Int.random(in: 0..<4, using: &generator) {
            case 0: Forge.resealAll(&bytes)
            case 1: if bytes.count >= IndexHeader.size { Forge.resealHeader(&bytes) }
            default: break
            }
            try writeBytes(bytes, to: path)
            do {
                let index = try IndexFile.open(at: path)
                opened += 1
                _ = touchEverything(index)
                _ = index.metadata
                do {
                    try index.verify()
                    verified += 1
                } catch {
                    refusals["verify: " + Self.kind(of: error), default: 0] += 1
                }
            } catch {
                // `open` throws only IndexFileError (typed throws), naming the file.
                guard case .inFile(path, let inner) = error else {
                    XCTFail("error does not name the file: \(error)")
                    continue
                }
                refusals[Self.kind(of: inner), default: 0] += 1
            }
        }
        let refused = refusals.filter { !$0.key.hasPrefix("verify") }.values.reduce(0, +)
        print("fuzz: seed \(seed), \(Self.iterations) mutated files, \(opened) opened, \(verified) verified; refused: "
              + refusals.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        XCTAssertEqual(opened + refused, Self.iterations)
        XCTAssertGreaterThan(opened, 0, "mutations that keep a file valid (re-sealed edits of unchecked bytes) open")
        XCTAssertGreaterThan(refused, Self.iterations / 2, "most mutations are refused")
        // The checks behind the checksums are reached: forged and re-sealed headers and sections.
        for kind in ["truncated", "headerChecksumMismatch", "invalidHeader", "checksumMismatch", "malformedSection"] {
            XCTAssertGreaterThan(refusals[kind] ?? 0, 0, "no mutation was refused as \(kind)")
        }
    }

    /// The case name of `error` (`invalidHeader`, `truncated`, …).
    private static func kind(of error: IndexFileError) -> String {
        switch error {
        case .notARegularFile: return "notARegularFile"
        case .badMagic: return "badMagic"
        case .unsupportedVersion: return "unsupportedVersion"
        case .unsupportedFlags: return "unsupportedFlags"
        case .unknownCode: return "unknownCode"
        case .truncated: return "truncated"
        case .headerChecksumMismatch: return "headerChecksumMismatch"
        case .invalidHeader: return "invalidHeader"
        case .checksumMismatch: return "checksumMismatch"
        case .malformedSection: return "malformedSection"
        case .invalidArgument: return "invalidArgument"
        case .duplicateID: return "duplicateID"
        case .emptyID: return "emptyID"
        case .concurrentModification: return "concurrentModification"
        case .systemError: return "systemError"
        case .inFile(_, let inner): return kind(of: inner)
        }
    }

    private func mutate(_ bytes: inout [UInt8], using generator: inout SeededGenerator) {
        let interesting: [UInt64] = [0, 1, 7, 8, 255, 4096, UInt64(bytes.count), UInt64(bytes.count) + 1, UInt64(max(bytes.count, 1)) - 1,
                                     1 << 31, 1 << 32, 1 << 60, 1 << 63, UInt64(Int.max), UInt64.max]
        switch Int.random(in: 0..<6, using: &generator) {
        case 0 where !bytes.isEmpty:  // flip a bit anywhere
            bytes[Int.random(in: 0..<bytes.count, using: &generator)] ^= 1 << UInt8.random(in: 0..<8, using: &generator)
        case 1 where bytes.count >= IndexHeader.size:  // an interesting value in a header field
            let field = Int.random(in: 1..<(IndexHeader.checksumOffset / 8), using: &generator) * 8
            let value = interesting.randomElement(using: &generator)!
            if Bool.random(using: &generator) {
                bytes.storeLittleEndian(value, at: field)
            } else {
                bytes.storeLittleEndian(UInt32(truncatingIfNeeded: value), at: field + 4 * Int.random(in: 0...1, using: &generator))
            }
        case 2 where bytes.count >= IndexHeader.size:  // a random header byte
            bytes[Int.random(in: 8..<IndexHeader.size, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
        case 3:  // truncate
            bytes.removeLast(Int.random(in: 0...bytes.count, using: &generator))
        case 4:  // append garbage
            bytes += (0..<Int.random(in: 1...64, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
        default:  // overwrite a run of bytes past the header
            guard bytes.count > IndexHeader.size else { return }
            let start = Int.random(in: IndexHeader.size..<bytes.count, using: &generator)
            for offset in start..<min(bytes.count, start + Int.random(in: 1...16, using: &generator)) {
                bytes[offset] = UInt8.random(in: 0...255, using: &generator)
            }
        }
    }
}

import Foundation
import XCTest
@testable import EmbeddingStore

/// A seeded random mutation loop over valid index files (bounded in time): whatever the bytes,
/// opening yields an index or an ``IndexFileError``; an index that opens can be read in full
/// and verified without crashing.
final class IndexFuzzTests: XCTestCase {
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
        let deadline = Date().addingTimeInterval(4)
        var (iterations, opened, verified) = (0, 0, 0)
        while Date() < deadline {
            iterations += 1
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
                if (try? index.verify()) != nil { verified += 1 }
            } catch {
                // `open` and `verify` throw only IndexFileError (typed throws).
                XCTAssertFalse(error.description.isEmpty)
            }
        }
        XCTAssertGreaterThan(iterations, 200)
        print("fuzz: seed \(seed), \(iterations) mutated files, \(opened) opened, \(verified) verified")
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

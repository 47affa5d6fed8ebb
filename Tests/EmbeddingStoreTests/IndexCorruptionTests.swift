import Foundation
import XCTest
@testable import EmbeddingStore

/// Corrupt files give a typed error naming the problem — never a crash, never an allocation
/// sized by a corrupt field.
final class IndexCorruptionTests: XCTestCase {
    var directory = ""
    var original: [UInt8] = []
    var header: IndexHeader!
    override func setUpWithError() throws {
        directory = try makeTemporaryDirectory()
        let path = directory + "/original.embq"
        try StoreTestData.createIndex(at: path, ids: StoreTestData.ids("doc", 0..<5) + ["é"])
        try IndexFile.delete(ids: ["doc-1"], from: path)
        original = try fileBytes(path)
        header = try IndexFile.header(at: path)
    }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: directory) }

    /// The file cut at every offset (0 ..< size) is reported as truncated.
    func testTruncationAtEveryOffset() throws {
        let path = directory + "/cut.embq"
        for length in 0..<original.count {
            try writeBytes(Array(original[0..<length]), to: path)
            guard let error = openFailure(path) else { continue }
            guard case .truncated = error else { XCTFail("cut at \(length): \(error)"); continue }
        }
    }

    /// Each byte changed, one at a time, everywhere: outside the rescoring codes, open fails with
    /// an error about the right part; inside them, open succeeds, reads do not crash, and
    /// verify (or open with verify) reports the rescoring section.
    func testByteFlipAtEveryOffset() throws {
        let path = directory + "/flip.embq"
        var generator = SeededGenerator(seed: 42)
        for offset in 0..<original.count {
            var bytes = original
            bytes[offset] ^= UInt8.random(in: 1...255, using: &generator)
            try writeBytes(bytes, to: path)
            let section = IndexSection.allCases.first { header[$0].range.contains(offset) }
            if section == .rescoring {
                let index = try IndexFile.open(at: path)
                _ = touchEverything(index)
                XCTAssertThrowsError(try index.verify()) {
                    guard case .inFile(path, .checksumMismatch(section: .rescoring, _, _))? = $0 as? IndexFileError else {
                        return XCTFail("offset \(offset): \($0)")
                    }
                }
                XCTAssertNotNil(openFailure(path, verify: true))
                continue
            }
            guard let error = openFailure(path) else { XCTFail("offset \(offset) undetected"); continue }
            switch (offset, error) {
            case (0..<8, .badMagic), (8..<12, .unsupportedVersion), (12..<IndexHeader.size, .headerChecksumMismatch):
                break
            case (_, .checksumMismatch(let failed, _, _)) where failed == section:
                break
            case (_, .malformedSection(let failed, let reason)) where section == nil && reason.contains("padding"):
                XCTAssertEqual(IndexSection.allCases.first { header[$0].offset > offset }, failed, "offset \(offset)")
            default:
                XCTFail("offset \(offset) in \(section.map(String.init(describing:)) ?? "padding"): \(error)")
            }
        }
    }

    /// Forged headers with valid checksums: every size is checked against the file size before
    /// anything is allocated.
    func testForgedHeaderFields() throws {
        let path = directory + "/forged.embq"
        let size = UInt64(original.count)
        let cases: [(String, (inout [UInt8]) -> Void, (IndexFileError) -> Bool)] = [
            ("row count 2^60", { $0.storeLittleEndian(UInt64(1) << 60, at: 24) }, isInvalidHeader),
            ("row count UInt64.max", { $0.storeLittleEndian(UInt64.max, at: 24) }, isInvalidHeader),
            ("row count + 1", { $0.storeLittleEndian($0.loadLittleEndian(UInt64.self, at: 24) + 1, at: 24) }, isInvalidHeader),
            ("row count − 1", { $0.storeLittleEndian($0.loadLittleEndian(UInt64.self, at: 24) - 1, at: 24) }, isInvalidHeader),
            ("dimension 0", { $0.storeLittleEndian(UInt64(0), at: 16) }, isInvalidHeader),
            ("dimension 2^40", { $0.storeLittleEndian(UInt64(1) << 40, at: 16) }, isInvalidHeader),
            ("dimension + 8", { $0.storeLittleEndian($0.loadLittleEndian(UInt64.self, at: 16) + 8, at: 16) }, isInvalidHeader),
            ("deleted > rows", { $0.storeLittleEndian(UInt64(99), at: 32) }, isInvalidHeader),
            ("deleted count disagrees with bitmap", { $0.storeLittleEndian(UInt64(2), at: 32) }, isMalformed(.deleted)),
            ("file length + 1", { $0.storeLittleEndian(size + 1, at: 48) }, { if case .truncated = $0 { return true } else { return false } }),
            ("file length − 1", { $0.storeLittleEndian(size - 1, at: 48) }, isInvalidHeader),
            ("ids length 2^62", { $0.storeLittleEndian(UInt64(1) << 62, at: Forge.tableField(.ids, 8)) }, isInvalidHeader),
            ("metadata length Int.max", { $0.storeLittleEndian(UInt64(Int.max), at: Forge.tableField(.metadata, 8)) }, isInvalidHeader),
            ("fast offset − 64", { $0.storeLittleEndian($0.loadLittleEndian(UInt64.self, at: Forge.tableField(.fast, 0)) - 64, at: Forge.tableField(.fast, 0)) }, isInvalidHeader),
            ("rescoring offset 2^63", { $0.storeLittleEndian(UInt64(1) << 63, at: Forge.tableField(.rescoring, 0)) }, isInvalidHeader),
            ("unknown flag", { $0[12] |= 0x80 }, { if case .unsupportedFlags(0x80) = $0 { return true } else { return false } }),
            ("thresholds without ranges", { $0[12] = 0x2 }, isInvalidHeader),
            ("unknown precision", { $0[56] = 200 }, { $0 == .unknownCode(field: "fast precision", code: 200) }),
            ("unknown rounding", { $0[59] = 7 }, { $0 == .unknownCode(field: "rescoring rounding", code: 7) }),
            ("no rescoring precision", { $0[58] = 0 }, isInvalidHeader),
            ("other rescoring precision", { $0[58] = 1 }, isInvalidHeader),
            ("version 3", { $0.storeLittleEndian(UInt32(3), at: 8) }, { $0 == .unsupportedVersion(3) }),
            ("reserved byte", { $0[220] = 1 }, isInvalidHeader),
            ("wrong magic", { $0[0] = UInt8(ascii: "X") }, { $0 == .badMagic }),
        ]
        for (name, forge, expected) in cases {
            var bytes = original
            forge(&bytes)
            Forge.resealHeader(&bytes)
            try writeBytes(bytes, to: path)
            guard let error = openFailure(path) else { XCTFail(name); continue }
            XCTAssertTrue(expected(error), "\(name): \(error)")
        }
    }

    /// Forged section contents with valid checksums: the structure inside each section is checked.
    func testForgedSectionContents() throws {
        let path = directory + "/forged.embq"
        let ids = header[.ids].offset
        let blob = ids + 8 * (header.rowCount + 1)
        let cases: [(String, IndexSection, (inout [UInt8]) -> Void)] = [
            ("first id offset not 0", .ids, { $0.storeLittleEndian(UInt64(1), at: ids) }),
            ("decreasing id offsets", .ids, { $0.storeLittleEndian(UInt64(100), at: ids + 8) }),
            ("empty id", .ids, { $0.storeLittleEndian($0.loadLittleEndian(UInt64.self, at: ids + 16), at: ids + 8) }),
            ("invalid UTF-8", .ids, { $0[blob] = 0xFF }),
            ("id starts inside a scalar", .ids, { $0.storeLittleEndian($0.loadLittleEndian(UInt64.self, at: ids + 40) + 1, at: ids + 40) }),
            ("deleted padding bits", .deleted, { $0[self.header[.deleted].offset] |= 0x01 }),
            ("NaN range", .ranges, { $0.storeLittleEndian(Float.nan.bitPattern, at: self.header[.ranges].offset) }),
            ("inverted range", .ranges, { $0.storeLittleEndian(Float(9).bitPattern, at: self.header[.ranges].offset) }),
            ("metadata not JSON", .metadata, { $0[self.header[.metadata].offset] = UInt8(ascii: "[") }),
        ]
        for (name, section, forge) in cases {
            var bytes = original
            forge(&bytes)
            Forge.resealSection(section, &bytes)
            try writeBytes(bytes, to: path)
            guard let error = openFailure(path) else { XCTFail(name); continue }
            // Structure errors are malformedSection; values the quantization layer rejects keep
            // its typed error in invalidSection. Either way the section is named.
            switch error {
            case .malformedSection(section, _), .invalidSection(section, _): break
            default: XCTFail("\(name): \(error)")
            }
        }
    }

    func testForeignFiles() throws {
        let path = directory + "/foreign.embq"
        for bytes in [Array("EMBQ".utf8), Array("hello world, not an index".utf8), [UInt8](repeating: 0, count: 4096)] {
            try writeBytes(bytes, to: path)
            let error = openFailure(path)
            XCTAssertTrue(error == .badMagic || error == .truncated(needed: 256, actual: 4), "\(String(describing: error))")
        }
    }

    func testRefusesDirectoriesAndFIFOs() throws {
        XCTAssertEqual(openFailure(directory), .notARegularFile)
        let fifo = directory + "/fifo"
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        XCTAssertEqual(openFailure(fifo), .notARegularFile)
    }

    private func isInvalidHeader(_ error: IndexFileError) -> Bool {
        if case .invalidHeader = error { return true }
        return false
    }

    private func isMalformed(_ section: IndexSection) -> (IndexFileError) -> Bool {
        { if case .malformedSection(section, _) = $0 { return true } else { return false } }
    }
}

import Foundation
import XCTest
@testable import EmbeddingStore

/// Helpers that forge index files: change header fields and re-seal the checksums, so that the
/// checks behind the CRCs (sizes, offsets, contents) are reached.
enum Forge {
    /// Recomputes the header CRC-32C of `bytes` (which must hold at least a header).
    static func resealHeader(_ bytes: inout [UInt8]) {
        bytes.storeLittleEndian(CRC32C.checksum(of: bytes[0..<IndexHeader.checksumOffset]), at: IndexHeader.checksumOffset)
    }

    /// Recomputes the CRC-32C of `section` from the bytes the table points at, then the header's.
    static func resealSection(_ section: IndexSection, _ bytes: inout [UInt8]) {
        let base = IndexHeader.sectionTableOffset + section.rawValue * IndexHeader.sectionEntrySize
        let offset = Int(bytes.loadLittleEndian(UInt64.self, at: base))
        let length = Int(bytes.loadLittleEndian(UInt64.self, at: base + 8))
        bytes.storeLittleEndian(CRC32C.checksum(of: bytes[offset..<(offset + length)]), at: base + 16)
        resealHeader(&bytes)
    }

    /// Re-seals every section and the header (for mutations anywhere in the file that should get
    /// past the checksums; sections lying outside the file are left alone).
    static func resealAll(_ bytes: inout [UInt8]) {
        guard bytes.count >= IndexHeader.size else { return }
        for section in IndexSection.sections(version: bytes.loadLittleEndian(UInt32.self, at: 8)) {
            let base = IndexHeader.sectionTableOffset + section.rawValue * IndexHeader.sectionEntrySize
            let offset = bytes.loadLittleEndian(UInt64.self, at: base)
            let length = bytes.loadLittleEndian(UInt64.self, at: base + 8)
            let (end, overflow) = offset.addingReportingOverflow(length)
            if !overflow, end <= UInt64(bytes.count) {
                bytes.storeLittleEndian(CRC32C.checksum(of: bytes[Int(offset)..<Int(end)]), at: base + 16)
            }
        }
        resealHeader(&bytes)
    }

    /// Byte offset of a section table field: 0 offset, 8 length, 16 checksum.
    static func tableField(_ section: IndexSection, _ field: Int) -> Int {
        IndexHeader.sectionTableOffset + section.rawValue * IndexHeader.sectionEntrySize + field
    }
}

/// Opens `path` expecting an ``IndexFileError``; returns it (unwrapped from `inFile`).
func openFailure(_ path: String, verify: Bool = false, file: StaticString = #filePath, line: UInt = #line) -> IndexFileError? {
    do {
        let index = try IndexFile.open(at: path, verify: verify)
        XCTFail("opened a corrupt index: \(index.count) rows", file: file, line: line)
        return nil
    } catch {
        guard case .inFile(path, let inner) = error else {
            XCTFail("error does not name the file: \(error)", file: file, line: line)
            return nil
        }
        XCTAssertFalse(error.description.isEmpty, file: file, line: line)
        return inner
    }
}

/// Reads every id and every row of codes of `index`, as a search would.
func touchEverything(_ index: OpenIndex) -> Int {
    var sum = 0
    for row in 0..<index.rowCount {
        sum &+= index.ids[row].utf8.count
        sum &+= index.fast[row: row].reduce(0) { $0 &+ Int($1) }
        if let rescoring = index.rescoring { sum &+= rescoring[row: row].reduce(0) { $0 &+ Int($1) } }
    }
    return sum
}

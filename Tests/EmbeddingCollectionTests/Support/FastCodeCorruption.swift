import EmbeddingStore
import Foundation
import XCTest
@testable import EmbeddingCollection

/// Flips a byte of a collection segment's fast codes and checks that opening the collection
/// fails with the fast section's CRC-32C mismatch, naming the segment.
enum FastCodeCorruption {
    /// Flips the last byte of the fast codes of the first segment in `directory`, then asserts
    /// the checksum error.
    static func assertFlippedByteIsAChecksumError(in directory: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let segment = try XCTUnwrap(
            try FileManager.default.contentsOfDirectory(atPath: directory).first { $0.hasPrefix("segment-") }.map { directory + "/" + $0 },
            file: file, line: line)
        let fast = try IndexFile.header(at: segment)[.fast]
        XCTAssertGreaterThan(fast.length, 0, file: file, line: line)
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: segment)))
        bytes[fast.offset + fast.length - 1] ^= 0x01
        try Data(bytes).write(to: URL(fileURLWithPath: segment))
        XCTAssertThrowsError(try VectorCollection(opening: directory, writable: false), file: file, line: line) { error in
            guard case .segment(.inFile(let path, .checksumMismatch(let section, _, _))) = error as? CollectionError else {
                return XCTFail("\(error)", file: file, line: line)
            }
            XCTAssertEqual(path, segment, file: file, line: line)
            XCTAssertEqual(section, .fast, file: file, line: line)
        }
    }
}

import Foundation
import XCTest
@testable import EmbeddingQuantization

/// Encoding must be byte-identical to numpy.save; writing must be atomic.
final class NPYWriterTests: XCTestCase {
    /// Arrays built from values (not decoded) encode to exactly the bytes numpy.save wrote.
    func testEncodeMatchesNumPySaveForBuiltArrays() throws {
        let cases: [(String, NPYArray)] = [
            ("f4_3x4.npy", try NPYArray(float32: (0..<12).map { Float($0) * 0.5 - 1.25 }, shape: [3, 4])),
            ("f4_5.npy", try NPYArray(float32: [1.5, -2.0, 0.0, 3.25, -0.0], shape: [5])),
            ("f4_scalar.npy", try NPYArray(float32: [3.5], shape: [])),
            ("f4_0x384.npy", try NPYArray(float32: [], shape: [0, 384])),
            ("f4_0.npy", try NPYArray(float32: [], shape: [0])),
            ("f4_1x13.npy", try NPYArray(float32: (0..<13).map { Float($0) / 8 - 0.75 }, shape: [1, 13])),
            ("f4_2x3x2.npy", try NPYArray(float32: (0..<12).map { Float($0 - 6) }, shape: [2, 3, 2])),
            ("f2_6.npy", try NPYArray(float16Bits: [0x3C00, 0xC100, 0x7BFF, 0x0001, 0x7C00, 0x8000], shape: [6])),
            ("f8_3.npy", try NPYArray(float64: [1.0 / 3.0, -1e300, 2.5], shape: [3])),
            ("i1_4.npy", try NPYArray(int8: [-128, -1, 0, 127], shape: [4])),
            ("u1_2x2.npy", try NPYArray(uint8: [0, 1, 128, 255], shape: [2, 2])),
            ("i4_2x2.npy", try NPYArray(int32: [Int32.min, -1, 65536, Int32.max], shape: [2, 2])),
            ("b1_3.npy", try NPYArray(shape: [3], dataType: .bool, bytes: [1, 0, 1])),
            ("u1_rank16.npy", try NPYArray(uint8: [7], shape: [Int](repeating: 1, count: 16))),
        ]
        for (name, array) in cases {
            XCTAssertEqual(NPYFile.encode(array), try NPYFixtures.bytes(name), name)
        }
    }

    /// Every little-endian C-order fixture saved by numpy.save survives decode + encode
    /// unchanged, and big-endian / Fortran / 2.0 / 3.0 files re-encode as their C-order twin.
    func testDecodeEncodeReproducesNumPyFiles() throws {
        var checked = 0
        for name in try NPYFixtures.allNames() {
            let bytes = try NPYFixtures.bytes(name)
            let encoded = NPYFile.encode(try NPYFile.decode(bytes))
            if name.hasPrefix("be_") {
                XCTAssertEqual(encoded, try NPYFixtures.bytes(String(name.dropFirst(3))), name)
            } else if name.hasPrefix("fortran_") || name.hasPrefix("v2_") || name.hasPrefix("v3_") {
                XCTAssertEqual(encoded[6], 1, "\(name) re-encodes as version 1.0")
                XCTAssertFalse(String(decoding: encoded, as: UTF8.self).contains("True"), name)
            } else {
                XCTAssertEqual(encoded, bytes, name)
                checked += 1
            }
        }
        XCTAssertGreaterThanOrEqual(checked, 20)
    }

    /// Header-only cases from NumPy (shapes too big to store data for): growth-axis padding,
    /// 1-tuples, scalars, 19-digit dimensions.
    func testHeadersMatchNumPyForLargeShapes() throws {
        let text = String(decoding: try NPYFixtures.bytes("npy_headers.txt"), as: UTF8.self)
        var checked = 0
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let fields = line.split(separator: ";", omittingEmptySubsequences: false)
            let shape = fields.count == 3 ? fields[1].split(separator: ",").compactMap { Int($0) } : []
            guard fields.count == 3, shape.count == fields[1].split(separator: ",").count else {
                XCTFail("bad fixture line: \(line)")
                continue
            }
            let header = NPYHeader(descr: String(fields[0]), fortranOrder: false, shape: shape)
            let hex = header.encoded().map { String(format: "%02x", $0) }.joined()
            XCTAssertEqual(hex, String(fields[2]), "header for \(fields[0]) \(shape)")
            // And the reader parses it back.
            let bytes = header.encoded()
            let preamble = try NPYHeader.parsePreamble(bytes[...])
            XCTAssertEqual(preamble.dataOffset, bytes.count)
            XCTAssertEqual(preamble.dataOffset % 64, 0)
            XCTAssertEqual(try NPYHeader.parse(text: bytes[preamble.headerOffset...], isUTF8: false), header)
            checked += 1
        }
        XCTAssertEqual(checked, 15)
    }

    func testHeaderAlignmentAndNumPyDictFormatting() throws {
        for rank in 0..<40 {
            let array = try NPYArray(uint8: [7], shape: [Int](repeating: 1, count: rank))
            let bytes = NPYFile.encode(array)
            XCTAssertEqual((bytes.count - 1) % 64, 0, "rank \(rank)")
            XCTAssertEqual(bytes[bytes.count - 2], 0x0A, "header ends with a newline")
            XCTAssertEqual(bytes.last, 7)
        }
        let header = String(decoding: NPYFile.encode(try NPYArray(float32: [1, 2, 3, 4, 5], shape: [5])).prefix(128), as: UTF8.self)
        XCTAssertTrue(header.contains("{'descr': '<f4', 'fortran_order': False, 'shape': (5,), }"), header)
    }

    /// Headers longer than 65535 bytes switch to version 2.0 automatically (NumPy's rule).
    func testVersionTwoForHugeHeaders() throws {
        let small = NPYFile.encode(try NPYArray(uint8: [1], shape: [Int](repeating: 1, count: 21_000)))
        XCTAssertEqual(small[6], 1, "63,000-byte header still fits version 1.0")
        let shape = [Int](repeating: 1, count: 22_000)  // "1, " × 22,000 > 65535 bytes
        let array = try NPYArray(uint8: [9], shape: shape)
        let bytes = NPYFile.encode(array)
        XCTAssertEqual(Array(bytes[6..<8]), [2, 0])
        let headerLength = Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
        XCTAssertGreaterThan(headerLength, 65535)
        XCTAssertEqual(12 + headerLength, bytes.count - 1)
        XCTAssertEqual((12 + headerLength) % 64, 0)
        XCTAssertEqual(try NPYFile.decode(bytes), array)
    }

    func testWriteThenReadRoundTripsEveryDataType() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        for type in NPYDataType.allCases {
            let bytes = (0..<(6 * type.itemSize)).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
            let array = try NPYArray(shape: [2, 3], dataType: type, bytes: type == .bool ? [1, 0, 0, 1, 1, 0] : bytes)
            let path = directory + "/\(type.name).npy"
            try NPYFile.write(array, to: path)
            XCTAssertEqual(try NPYFile.read(contentsOf: path), array, type.name)
            XCTAssertEqual([UInt8](FileManager.default.contents(atPath: path)!), NPYFile.encode(array), type.name)
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory).count, NPYDataType.allCases.count,
                       "no temporary files are left behind")
    }

    func testWriteReplacesExistingFileAndLeavesNoTemporaryFile() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/embeddings.npy"
        try NPYFile.write(try NPYArray(float32: [Float](repeating: 1, count: 1000), shape: [10, 100]), to: path)
        let replacement = try NPYArray(int8: [1, 2, 3], shape: [3])
        try NPYFile.write(replacement, to: path)
        XCTAssertEqual([UInt8](FileManager.default.contents(atPath: path)!), NPYFile.encode(replacement))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory), ["embeddings.npy"])
    }

    func testWriteToRelativePath() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let previous = FileManager.default.currentDirectoryPath
        XCTAssertTrue(FileManager.default.changeCurrentDirectoryPath(directory))
        defer { _ = FileManager.default.changeCurrentDirectoryPath(previous) }
        let array = try NPYArray(uint8: [1, 2], shape: [2])
        try NPYFile.write(array, to: "relative.npy")
        XCTAssertEqual(try NPYFile.read(contentsOf: directory + "/relative.npy"), array)
    }

    func testWriteFailuresNamePathAndCleanUp() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let array = try NPYArray(uint8: [1], shape: [1])

        let missing = directory + "/no/such/dir/out.npy"
        let error = assertNPYError(try NPYFile.write(array, to: missing))
        guard case .inFile(missing, .systemError("open", ENOENT, _)) = error else {
            return XCTFail("unexpected error \(String(describing: error))")
        }
        XCTAssertTrue(error!.description.hasPrefix(missing + ": "), error!.description)

        // Renaming a file over a non-empty directory fails after the temporary file was written:
        // the temporary file must be removed and the directory left intact.
        let occupied = directory + "/occupied"
        try FileManager.default.createDirectory(atPath: occupied + "/child", withIntermediateDirectories: true)
        guard case .inFile(occupied, .systemError("rename", _, _)) = assertNPYError(try NPYFile.write(array, to: occupied)) else {
            return XCTFail("renaming over a directory must fail")
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory), ["occupied"])
    }
}

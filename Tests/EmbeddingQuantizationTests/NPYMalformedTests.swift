import Foundation
import XCTest
@testable import EmbeddingQuantization

/// Truncated, corrupted and hostile input must give a typed NPYError, never a trap or an
/// allocation sized by an untrusted header.
final class NPYMalformedTests: XCTestCase {
    private let header34 = "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }"

    func testBadMagicAndVersions() throws {
        XCTAssertEqual(assertNPYError(try NPYFile.decode([])), .truncated(what: "the magic string", needed: 6, available: 0))
        XCTAssertEqual(assertNPYError(try NPYFile.decode(Array("PK\u{3}\u{4} zip file".utf8))), .badMagic)
        XCTAssertEqual(assertNPYError(try NPYFile.decode([0x93, UInt8(ascii: "N"), UInt8(ascii: "X")])), .badMagic)
        for (major, minor) in [(0, 0), (1, 1), (4, 0), (255, 255)] as [(UInt8, UInt8)] {
            var bytes = makeNPY(header: header34, data: [UInt8](repeating: 0, count: 48))
            bytes[6] = major
            bytes[7] = minor
            XCTAssertEqual(assertNPYError(try NPYFile.decode(bytes)), .unsupportedVersion(major: major, minor: minor))
        }
    }

    func testHeaderLengthPastEndOfFile() throws {
        var bytes = makeNPY(header: header34)
        bytes[8] = 0xFF
        bytes[9] = 0xFF
        XCTAssertEqual(assertNPYError(try NPYFile.decode(bytes)),
                       .truncated(what: "the header", needed: 10 + 65535, available: bytes.count))
        // A 4 GiB version 2.0 header length in a tiny file: refused before reading or allocating.
        let huge = NPYHeader.magic + [2, 0, 0xFF, 0xFF, 0xFF, 0xFF] + Array(header34.utf8)
        XCTAssertEqual(assertNPYError(try NPYFile.decode(huge)),
                       .truncated(what: "the header", needed: 12 + 0xFFFF_FFFF, available: huge.count))
        try withTemporaryFile(huge) { path in
            XCTAssertEqual(assertNPYError(try NPYFile.read(contentsOf: path)),
                           .inFile(path: path, .truncated(what: "the header", needed: 12 + 0xFFFF_FFFF, available: huge.count)))
        }
    }

    func testHeaderThatIsNotADict() throws {
        for header in ["['descr', '<f4']", "'just a string'", "42", "", "   \n", "{'descr': '<f4'", "{'descr' '<f4'}",
                       "{'descr': '<f4',, }", "{descr: '<f4'}", "{'descr': <f4}", "{'descr': '<f4'} trailing",
                       "{'descr': 'unterminated}", "{'shape': (3, 4.0)}", "{'shape': (1e3,)}", "{'fortran_order': false}",
                       "{'descr': '<f4', 'descr': '<f4'}", String(repeating: "(", count: 10_000)] {
            let error = assertNPYError(try NPYFile.decode(makeNPY(header: header)), header)
            guard case .malformedHeader(let reason, let offset)? = error else {
                XCTFail("\(header): expected malformedHeader, got \(String(describing: error))")
                continue
            }
            XCTAssertFalse(reason.isEmpty)
            XCTAssertLessThanOrEqual(offset, header.utf8.count, header)
        }
    }

    /// Header lengths shorter than the 12-byte preamble read: the file reader must not mistake
    /// element bytes for header bytes, and must report what decode reports.
    func testTinyHeaderLengthsGiveTheSameErrorFromPath() throws {
        for length in 0..<4 {
            let file = NPYHeader.magic + [1, 0, UInt8(length), 0] + Array("{}  ".utf8.prefix(length)) + [1, 2, 3, 4]
            let expected = assertNPYError(try NPYFile.decode(file), "header length \(length)")
            XCTAssertNotNil(expected)
            try withTemporaryFile(file) { path in
                XCTAssertEqual(assertNPYError(try NPYFile.read(contentsOf: path)), expected.map { .inFile(path: path, $0) })
            }
        }
    }

    func testMissingUnexpectedAndMistypedKeys() throws {
        XCTAssertEqual(assertNPYError(try NPYFile.decode(makeNPY(header: "{'fortran_order': False, 'shape': (3,)}"))),
                       .missingHeaderKey("descr"))
        XCTAssertEqual(assertNPYError(try NPYFile.decode(makeNPY(header: "{'descr': '<f4', 'shape': (3,)}"))),
                       .missingHeaderKey("fortran_order"))
        XCTAssertEqual(assertNPYError(try NPYFile.decode(makeNPY(header: "{'descr': '<f4', 'fortran_order': False}"))),
                       .missingHeaderKey("shape"))
        XCTAssertEqual(assertNPYError(try NPYFile.decode(makeNPY(
            header: "{'descr': '<f4', 'fortran_order': False, 'shape': (), 'extra': 1}", data: [0, 0, 0, 0]))),
                       .unexpectedHeaderKey("extra"))
        guard case .malformedHeader? = assertNPYError(try NPYFile.decode(makeNPY(
            header: "{'descr': '<f4', 'fortran_order': 0, 'shape': ()}", data: [0, 0, 0, 0]))) else {
            return XCTFail("fortran_order must be a bool")
        }
    }

    func testUnsupportedDataTypes() throws {
        for descr in ["<c8", "<U5", "|S3", "<f16", "f4", "<x4", "<M8[ns]", "|O", "<i3", ""] {
            let file = makeNPY(header: "{'descr': '\(descr)', 'fortran_order': False, 'shape': (), }", data: [0, 0, 0, 0])
            XCTAssertEqual(assertNPYError(try NPYFile.decode(file)), .unsupportedDataType(descr: descr))
        }
        let structured = makeNPY(header: "{'descr': [('a', '<f4'), ('b', '<i4')], 'fortran_order': False, 'shape': (), }")
        guard case .unsupportedDataType(let descr)? = assertNPYError(try NPYFile.decode(structured)) else {
            return XCTFail("structured dtypes are unsupported")
        }
        XCTAssertTrue(descr.contains("('a', '<f4')"), descr)
        XCTAssertTrue(NPYError.unsupportedDataType(descr: "<c8").description.contains("'<c8'"))
    }

    func testInvalidShapes() throws {
        func decode(shape: String, data: [UInt8] = []) -> NPYError? {
            assertNPYError(try NPYFile.decode(makeNPY(
                header: "{'descr': '<f4', 'fortran_order': False, 'shape': \(shape), }", data: data)), shape)
        }
        XCTAssertEqual(decode(shape: "(3, -4)"), .invalidShape(shape: "(3, -4)", reason: "dimension -4 is negative"))
        XCTAssertEqual(decode(shape: "(-1,)"), .invalidShape(shape: "(-1,)", reason: "dimension -1 is negative"))
        XCTAssertEqual(decode(shape: "(99999999999999999999,)"),
                       .invalidShape(shape: "(99999999999999999999,)", reason: "dimension 99999999999999999999 does not fit in Int"))
        XCTAssertEqual(decode(shape: "(4294967296, 4294967296)"),
                       .invalidShape(shape: "(4294967296, 4294967296)", reason: "the element count overflows Int"))
        XCTAssertEqual(decode(shape: "(4611686018427387904,)"),
                       .invalidShape(shape: "(4611686018427387904,)", reason: "the byte count overflows Int"))
        XCTAssertEqual(decode(shape: "12"), .invalidShape(shape: "12", reason: "the shape must be a tuple of integers"))
        XCTAssertEqual(decode(shape: "(12)"), .invalidShape(shape: "12", reason: "the shape must be a tuple of integers"))
        XCTAssertEqual(decode(shape: "[3, 4]"), .invalidShape(shape: "[3, 4]", reason: "the shape must be a tuple of integers"))
        XCTAssertEqual(decode(shape: "(3, 'a')"), .invalidShape(shape: "(3, 'a')", reason: "'a' is not an integer"))
        // A zero dimension makes the array empty whatever the other dimensions are.
        XCTAssertEqual(try NPYFile.decode(makeNPY(header: "{'descr': '<f4', 'fortran_order': False, 'shape': (0, 4294967296, 4294967296), }")).shape,
                       [0, 4_294_967_296, 4_294_967_296])
    }

    /// An absurd (but representable) shape in a tiny file is refused before allocation: reading
    /// it would otherwise try to allocate 4 EiB and trap.
    func testAbsurdShapeIsRefusedBeforeAllocating() throws {
        let file = makeNPY(header: "{'descr': '<f4', 'fortran_order': False, 'shape': (1099511627776, 1048576), }", data: [1, 2, 3, 4])
        XCTAssertEqual(assertNPYError(try NPYFile.decode(file)), .dataSizeMismatch(expectedBytes: 1 << 62, actualBytes: 4))
        try withTemporaryFile(file) { path in
            let error = assertNPYError(try NPYFile.read(contentsOf: path))
            XCTAssertEqual(error, .inFile(path: path, .dataSizeMismatch(expectedBytes: 1 << 62, actualBytes: 4)))
            XCTAssertTrue(error?.description.hasPrefix(path + ": ") == true)
        }
    }

    func testDataShorterOrLongerThanShape() throws {
        let valid = try NPYFixtures.bytes("f4_3x4.npy")
        XCTAssertEqual(assertNPYError(try NPYFile.decode(Array(valid.dropLast()))), .dataSizeMismatch(expectedBytes: 48, actualBytes: 47))
        XCTAssertEqual(assertNPYError(try NPYFile.decode(valid + [0])), .dataSizeMismatch(expectedBytes: 48, actualBytes: 49))
        try withTemporaryFile(valid + [0, 0, 0, 0]) { path in
            XCTAssertEqual(assertNPYError(try NPYFile.read(contentsOf: path)),
                           .inFile(path: path, .dataSizeMismatch(expectedBytes: 48, actualBytes: 52)))
        }
    }

    /// Every proper prefix of a valid file is an error (in memory and on disk), never a trap.
    func testTruncationAtEveryOffset() throws {
        for name in ["f4_3x4.npy", "be_f2_6.npy", "fortran_i4_2x3x4.npy", "v3_f4_2x3.npy", "f4_scalar.npy", "b1_3.npy"] {
            let bytes = try NPYFixtures.bytes(name)
            XCTAssertNoThrow(try NPYFile.decode(bytes), name)
            for length in 0..<bytes.count {
                assertNPYError(try NPYFile.decode(Array(bytes[0..<length])), "\(name) cut at \(length)")
            }
        }
        let bytes = try NPYFixtures.bytes("v2_f4_2x3.npy")
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        for length in 0..<bytes.count {
            let path = directory + "/cut\(length).npy"
            XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data(bytes[0..<length])))
            guard case .inFile(path, _)? = assertNPYError(try NPYFile.read(contentsOf: path), "cut at \(length)") else {
                XCTFail("error for a truncated file must name its path")
                continue
            }
        }
    }

    /// Flipping bits of every header byte gives either a consistent array or an NPYError.
    func testBitFlipsInHeaderNeverTrap() throws {
        for name in ["f4_3x4.npy", "v2_f4_2x3.npy", "fortran_f4_2x3.npy"] {
            let valid = try NPYFixtures.bytes(name)
            let dataOffset = try NPYHeader.parsePreamble(valid[...]).dataOffset
            var rejected = 0
            for offset in 0..<dataOffset {
                for mask: UInt8 in [0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80, 0xFF] {
                    var bytes = valid
                    bytes[offset] ^= mask
                    do {
                        let array = try NPYFile.decode(bytes)
                        let count = array.shape.reduce(1, *)
                        XCTAssertEqual(array.bytes.count, count * array.dataType.itemSize, "\(name) offset \(offset)")
                    } catch {
                        // `decode` throws only NPYError (typed throws): no other error can escape.
                        XCTAssertFalse(error.description.isEmpty)
                        if offset < 6 { XCTAssertEqual(error, .badMagic) }
                        let isKnownVersion = bytes[7] == 0 && (1...3).contains(bytes[6])
                        if (offset == 6 || offset == 7) && !isKnownVersion {
                            XCTAssertEqual(error, .unsupportedVersion(major: bytes[6], minor: bytes[7]))
                        }
                        rejected += 1
                    }
                }
            }
            XCTAssertGreaterThan(rejected, dataOffset * 4, name)
        }
    }

    /// Random headers and random garbage after a valid preamble never trap.
    func testRandomGarbageNeverTraps() throws {
        var generator = SplitMix64(state: 20_260_101)
        let alphabet = Array("{}()[]',: \"<>|=fiub1248TrueFalseNone descr fortran_order shape -0123456789L\\\n".utf8)
        for _ in 0..<3000 {
            let length = Int.random(in: 0..<80, using: &generator)
            let text = (0..<length).map { _ in alphabet.randomElement(using: &generator)! }
            var bytes = NPYHeader.magic + [1, 0, UInt8(text.count), 0] + text
            bytes += (0..<Int.random(in: 0..<16, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            do {
                let array = try NPYFile.decode(bytes)
                XCTAssertEqual(array.bytes.count, array.shape.reduce(1, *) * array.dataType.itemSize)
            } catch {
                // Rejected with an NPYError (the only type `decode` can throw): no trap.
                XCTAssertFalse(error.description.isEmpty)
            }
        }
    }

    private func withTemporaryFile(_ bytes: [UInt8], _ body: (String) throws -> Void) throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/input.npy"
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data(bytes)))
        try body(path)
    }
}

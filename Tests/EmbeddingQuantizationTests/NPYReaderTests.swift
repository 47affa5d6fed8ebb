import Foundation
import XCTest
@testable import EmbeddingQuantization

/// Decoding NumPy-written fixtures: every dtype, shapes from scalar to 3-D, big-endian,
/// Fortran order, format versions 2.0 and 3.0, and reading from a path.
final class NPYReaderTests: XCTestCase {
    func testFloat32MatrixFromNumPy() throws {
        let array = try NPYFixtures.array("f4_3x4.npy")
        XCTAssertEqual(array.shape, [3, 4])
        XCTAssertEqual(array.dataType, .float32)
        XCTAssertEqual(array.elementCount, 12)
        XCTAssertEqual(try array.float32Values(), (0..<12).map { Float($0) * 0.5 - 1.25 })
    }

    func testVectorScalarAndThreeDimensions() throws {
        let vector = try NPYFixtures.array("f4_5.npy")
        XCTAssertEqual(vector.shape, [5])
        let values = try vector.float32Values()
        XCTAssertEqual(values, [1.5, -2.0, 0.0, 3.25, -0.0])
        XCTAssertEqual(values[4].sign, .minus, "negative zero keeps its sign")

        let scalar = try NPYFixtures.array("f4_scalar.npy")
        XCTAssertEqual(scalar.shape, [])
        XCTAssertEqual(scalar.elementCount, 1)
        XCTAssertEqual(try scalar.float32Values(), [3.5])

        let cube = try NPYFixtures.array("f4_2x3x2.npy")
        XCTAssertEqual(cube.shape, [2, 3, 2])
        XCTAssertEqual(try cube.float32Values(), (0..<12).map { Float($0 - 6) })
    }

    func testEmptyArraysKeepTheirShape() throws {
        let empty = try NPYFixtures.array("f4_0x384.npy")
        XCTAssertEqual(empty.shape, [0, 384])
        XCTAssertEqual(empty.elementCount, 0)
        XCTAssertEqual(try empty.float32Values(), [])
        let emptyVector = try NPYFixtures.array("f4_0.npy")
        XCTAssertEqual(emptyVector.shape, [0])
        XCTAssertEqual(emptyVector.bytes, [])
    }

    func testOneRowOfDimensionThirteen() throws {
        let row = try NPYFixtures.array("f4_1x13.npy")
        XCTAssertEqual(row.shape, [1, 13])
        XCTAssertEqual(try row.float32Values(), (0..<13).map { Float($0) / 8 - 0.75 })
    }

    func testFloat16AndFloat64ConvertToFloat32() throws {
        let half = try NPYFixtures.array("f2_6.npy")
        XCTAssertEqual(half.dataType, .float16)
        XCTAssertEqual(try half.float16Bits(), [0x3C00, 0xC100, 0x7BFF, 0x0001, 0x7C00, 0x8000])
        let halfValues = try half.float32Values()
        XCTAssertEqual(Array(halfValues[0..<5]), [1.0, -2.5, 65504.0, 0x1p-24, .infinity])
        XCTAssertEqual(halfValues[5].bitPattern, 0x8000_0000)

        let double = try NPYFixtures.array("f8_3.npy")
        XCTAssertEqual(double.dataType, .float64)
        XCTAssertEqual(try double.float64Values(), [1.0 / 3.0, -1e300, 2.5])
        XCTAssertEqual(try double.float32Values(), [Float(1.0 / 3.0), -.infinity, 2.5])
    }

    func testIntegerAndBoolDataTypes() throws {
        XCTAssertEqual(try NPYFixtures.array("i1_4.npy").int8Values(), [-128, -1, 0, 127])
        let bytes = try NPYFixtures.array("u1_2x2.npy")
        XCTAssertEqual(bytes.shape, [2, 2])
        XCTAssertEqual(try bytes.uint8Values(), [0, 1, 128, 255])
        let int32 = try NPYFixtures.array("i4_2x2.npy")
        XCTAssertEqual(try int32.int32Values(), [Int32.min, -1, 65536, Int32.max])

        // Types without a typed accessor: check dtype and raw little-endian bytes.
        let expected: [(String, NPYDataType, [UInt8])] = [
            ("i2_3.npy", .int16, [0x00, 0x80, 0x07, 0x00, 0xFF, 0x7F]),
            ("u2_3.npy", .uint16, [0x00, 0x00, 0x01, 0x02, 0xFF, 0xFF]),
            ("u4_2.npy", .uint32, [1, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF]),
            ("i8_2.npy", .int64, [0, 0, 0, 0, 0, 0, 0, 0x80, 0, 0, 0, 0, 0, 1, 0, 0]),
            ("u8_2.npy", .uint64, [3, 0, 0, 0, 0, 0, 0, 0] + [UInt8](repeating: 0xFF, count: 8)),
            ("b1_3.npy", .bool, [1, 0, 1]),
        ]
        for (name, type, raw) in expected {
            let array = try NPYFixtures.array(name)
            XCTAssertEqual(array.dataType, type, name)
            XCTAssertEqual(array.bytes, raw, name)
        }
    }

    func testBigEndianInputEqualsLittleEndianTwin() throws {
        for (big, little) in [("be_f4_3x4.npy", "f4_3x4.npy"), ("be_f8_3.npy", "f8_3.npy"), ("be_f2_6.npy", "f2_6.npy"),
                              ("be_i4_2x2.npy", "i4_2x2.npy"), ("be_i2_3.npy", "i2_3.npy")] {
            XCTAssertTrue(try NPYFixtures.bytes(big).contains(UInt8(ascii: ">")), "\(big) is really big-endian")
            XCTAssertEqual(try NPYFixtures.array(big), try NPYFixtures.array(little), big)
        }
    }

    func testNativeAndNotApplicableByteOrderMarks() throws {
        let data: [UInt8] = [0x00, 0x00, 0xC0, 0x3F]  // 1.5 little-endian
        for descr in ["<f4", "=f4", "|f4"] {
            let file = makeNPY(header: "{'descr': '\(descr)', 'fortran_order': False, 'shape': (1,), }\n", data: data)
            XCTAssertEqual(try NPYFile.decode(file).float32Values(), [1.5], descr)
        }
        let bigEndian = makeNPY(header: "{'descr': '>f4', 'fortran_order': False, 'shape': (1,), }", data: data.reversed())
        XCTAssertEqual(try NPYFile.decode(bigEndian).float32Values(), [1.5])
        let oneByte = makeNPY(header: "{'descr': '>u1', 'fortran_order': False, 'shape': (2,), }", data: [1, 2])
        XCTAssertEqual(try NPYFile.decode(oneByte).uint8Values(), [1, 2], "byte order does not apply to one byte")
    }

    func testFortranOrderIsTransposedToCOrder() throws {
        let matrix = try NPYFixtures.array("fortran_f4_2x3.npy")
        XCTAssertEqual(matrix.shape, [2, 3])
        XCTAssertEqual(try matrix.float32Values(), [0, 1, 2, 3, 4, 5])
        let cube = try NPYFixtures.array("fortran_i4_2x3x4.npy")
        XCTAssertEqual(cube.shape, [2, 3, 4])
        XCTAssertEqual(try cube.int32Values(), (0..<24).map { Int32($0) })
        // The raw file data really is column-major: element 1 on disk is [1, 0] = 3.
        let raw = try NPYFixtures.bytes("fortran_f4_2x3.npy")
        XCTAssertEqual(raw.suffix(24).prefix(8), [0, 0, 0, 0, 0, 0, 0x40, 0x40][...])
    }

    func testFortranOrderVectorAndScalarNeedNoTransposition() throws {
        let data: [UInt8] = [1, 2, 3]
        let vector = makeNPY(header: "{'descr': '|u1', 'fortran_order': True, 'shape': (3,), }", data: data)
        XCTAssertEqual(try NPYFile.decode(vector).uint8Values(), [1, 2, 3])
        let scalar = makeNPY(header: "{'descr': '|u1', 'fortran_order': True, 'shape': (), }", data: [7])
        XCTAssertEqual(try NPYFile.decode(scalar).uint8Values(), [7])
    }

    func testVersionsTwoAndThree() throws {
        for name in ["v2_f4_2x3.npy", "v3_f4_2x3.npy"] {
            let bytes = try NPYFixtures.bytes(name)
            XCTAssertEqual(bytes[6], name.hasPrefix("v2") ? 2 : 3, name)
            let array = try NPYFile.decode(bytes)
            XCTAssertEqual(array.shape, [2, 3], name)
            XCTAssertEqual(try array.float32Values(), [0, 1, 2, 3, 4, 5], name)
        }
        // 3.0 headers are UTF-8; 1.0 headers latin-1. Both decode a non-ASCII string value, but a
        // non-ASCII descr is not a dtype.
        let utf8 = makeNPY(header: "{'descr': '<f4é', 'fortran_order': False, 'shape': (), }", major: 3, data: [0, 0, 0, 0])
        XCTAssertEqual(assertNPYError(try NPYFile.decode(utf8)), .unsupportedDataType(descr: "<f4é"))
        var invalidUTF8 = makeNPY(header: "{'descr': '<f4?', 'fortran_order': False, 'shape': (), }", major: 3)
        invalidUTF8[invalidUTF8.firstIndex(of: UInt8(ascii: "?"))!] = 0xFF
        guard case .malformedHeader = assertNPYError(try NPYFile.decode(invalidUTF8)) else {
            return XCTFail("invalid UTF-8 in a 3.0 header must be a malformed header")
        }
    }

    func testHeaderLiteralVariantsNumPyAccepts() throws {
        let data: [UInt8] = [1, 2, 3, 4, 5, 6]
        let headers = [
            "{'descr': '|u1', 'fortran_order': False, 'shape': (2, 3), }",
            "{\"shape\": (2, 3), \"fortran_order\": False, \"descr\": \"|u1\"}",
            "{'descr':'|u1','fortran_order':False,'shape':(2L,3L)}   \n",
            "  {'descr': '|u1',\t'fortran_order': False, 'shape': (2, 3,)}",
        ]
        for header in headers {
            let array = try NPYFile.decode(makeNPY(header: header, data: data))
            XCTAssertEqual(array.shape, [2, 3], header)
            XCTAssertEqual(try array.uint8Values(), data, header)
        }
    }

    func testReadFromPath() throws {
        let array = try NPYFile.read(contentsOf: NPYFixtures.path("f4_3x4.npy"))
        XCTAssertEqual(array, try NPYFixtures.array("f4_3x4.npy"))
        let fortran = try NPYFile.read(contentsOf: NPYFixtures.path("fortran_i4_2x3x4.npy"))
        XCTAssertEqual(try fortran.int32Values(), (0..<24).map { Int32($0) })
        XCTAssertEqual(try NPYFile.read(contentsOf: NPYFixtures.path("be_f8_3.npy")).float64Values(), [1.0 / 3.0, -1e300, 2.5])
        XCTAssertEqual(try NPYFile.read(contentsOf: NPYFixtures.path("f4_0x384.npy")).shape, [0, 384])
        for name in try NPYFixtures.allNames() {
            XCTAssertEqual(try NPYFile.read(contentsOf: NPYFixtures.path(name)), try NPYFixtures.array(name), name)
        }
    }

    func testMissingFileErrorNamesPath() throws {
        let path = NPYFixtures.path("does-not-exist.npy")
        let error = assertNPYError(try NPYFile.read(contentsOf: path))
        guard case .inFile(let errorPath, .systemError(let operation, let code, _)) = error else {
            return XCTFail("unexpected error \(String(describing: error))")
        }
        XCTAssertEqual(errorPath, path)
        XCTAssertEqual(operation, "open")
        XCTAssertEqual(code, ENOENT)
        XCTAssertTrue(error!.description.hasPrefix(path + ": open failed"), error!.description)
    }

    func testLargeMatrixRoundTripThroughFile() throws {
        // 4096 × 384 float32 (6 MB): exercises the bulk read path; values are exact.
        let rows = 4096, dimension = 384
        let values = (0..<(rows * dimension)).map { Float($0 % 9973) * 0.25 - 1000 }
        let array = try NPYArray(float32: values, shape: [rows, dimension])
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/big.npy"
        try NPYFile.write(array, to: path)
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        XCTAssertEqual((attributes[.size] as? NSNumber)?.intValue, 128 + rows * dimension * 4)
        let read = try NPYFile.read(contentsOf: path)
        XCTAssertEqual(read.shape, [rows, dimension])
        XCTAssertEqual(try read.float32Values(), values)
    }
}

import XCTest
@testable import EmbeddingQuantization

/// NPYArray construction, typed accessors, conversions and NPYDataType metadata.
final class NPYArrayTests: XCTestCase {
    func testInitializersCheckShapeAgainstValues() throws {
        XCTAssertEqual(assertNPYError(try NPYArray(float32: [1, 2, 3], shape: [2, 2])), .valueCountMismatch(expected: 4, actual: 3))
        XCTAssertEqual(assertNPYError(try NPYArray(int8: [], shape: [])), .valueCountMismatch(expected: 1, actual: 0))
        XCTAssertEqual(assertNPYError(try NPYArray(uint8: [1], shape: [1, -1])),
                       .invalidShape(shape: "(1, -1)", reason: "dimension -1 is negative"))
        XCTAssertEqual(assertNPYError(try NPYArray(shape: [2], dataType: .float32, bytes: [0, 0, 0, 0])),
                       .dataSizeMismatch(expectedBytes: 8, actualBytes: 4))
        XCTAssertEqual(assertNPYError(try NPYArray(shape: [Int.max, 2], dataType: .uint8, bytes: [])),
                       .invalidShape(shape: "(\(Int.max), 2)", reason: "the element count overflows Int"))
        let empty = try NPYArray(float32: [], shape: [0, 384])
        XCTAssertEqual(empty.elementCount, 0)
        XCTAssertEqual(empty.shape, [0, 384])
    }

    func testTypedValuesRoundTripAndAreLittleEndian() throws {
        let floats = try NPYArray(float32: [1.0, -2.0], shape: [2])
        XCTAssertEqual(floats.bytes, [0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x00, 0xC0])
        XCTAssertEqual(try floats.float32Values(), [1.0, -2.0])
        let int32 = try NPYArray(int32: [1, -2], shape: [1, 2])
        XCTAssertEqual(int32.bytes, [1, 0, 0, 0, 0xFE, 0xFF, 0xFF, 0xFF])
        XCTAssertEqual(try int32.int32Values(), [1, -2])
        XCTAssertEqual(try NPYArray(int8: [-1, 5], shape: [2]).int8Values(), [-1, 5])
        XCTAssertEqual(try NPYArray(uint8: [200], shape: []).uint8Values(), [200])
        XCTAssertEqual(try NPYArray(float64: [0.1], shape: [1]).float64Values(), [0.1])
        XCTAssertEqual(try NPYArray(float16Bits: [0x3555], shape: [1]).bytes, [0x55, 0x35])
    }

    func testFloat32ValuesConvertFloatTypesWithRounding() throws {
        // float64 -> float32 rounds to nearest even: 1 + 2^-24 is a tie between 1 and 1 + 2^-23.
        let doubles = try NPYArray(float64: [1 + 0x1p-24, 1 + 0x1p-24 + 0x1p-40, 1e39, .nan], shape: [4])
        let converted = try doubles.float32Values()
        XCTAssertEqual(Array(converted[0..<3]), [1.0, 1 + 0x1p-23, .infinity])
        XCTAssertTrue(converted[3].isNaN)
        let halves = try NPYArray(float16Bits: [0x3555, 0x0200, 0xFC00], shape: [3])
        XCTAssertEqual(try halves.float32Values(), [0.333251953125, 0x1p-15, -.infinity])
    }

    func testAccessorsRefuseOtherDataTypes() throws {
        let codes = try NPYArray(int8: [1, 2], shape: [2])
        let error = assertNPYError(try codes.float32Values())
        XCTAssertEqual(error, .unexpectedDataType(expected: "float16, float32 or float64", actual: .int8))
        XCTAssertTrue(error?.description.contains("int8") == true, String(describing: error))
        for type in NPYDataType.allCases where !type.isFloatingPoint {
            let array = try NPYArray(shape: [1], dataType: type, bytes: [UInt8](repeating: 0, count: type.itemSize))
            XCTAssertNotNil(assertNPYError(try array.float32Values()), type.name)
        }
        let floats = try NPYArray(float32: [1], shape: [1])
        XCTAssertEqual(assertNPYError(try floats.int8Values()), .unexpectedDataType(expected: "int8", actual: .float32))
        XCTAssertEqual(assertNPYError(try floats.uint8Values()), .unexpectedDataType(expected: "uint8", actual: .float32))
        XCTAssertEqual(assertNPYError(try floats.int32Values()), .unexpectedDataType(expected: "int32", actual: .float32))
        XCTAssertEqual(assertNPYError(try floats.float64Values()), .unexpectedDataType(expected: "float64", actual: .float32))
        XCTAssertEqual(assertNPYError(try floats.float16Bits()), .unexpectedDataType(expected: "float16", actual: .float32))
        XCTAssertEqual(assertNPYError(try codes.int32Values()), .unexpectedDataType(expected: "int32", actual: .int8))
    }

    func testDataTypeMetadata() throws {
        let expected: [NPYDataType: (String, Int, Bool, Bool)] = [
            .bool: ("|b1", 1, false, false), .int8: ("|i1", 1, true, false), .uint8: ("|u1", 1, true, false),
            .int16: ("<i2", 2, true, false), .uint16: ("<u2", 2, true, false), .int32: ("<i4", 4, true, false),
            .uint32: ("<u4", 4, true, false), .int64: ("<i8", 8, true, false), .uint64: ("<u8", 8, true, false),
            .float16: ("<f2", 2, false, true), .float32: ("<f4", 4, false, true), .float64: ("<f8", 8, false, true),
        ]
        XCTAssertEqual(expected.count, NPYDataType.allCases.count)
        for type in NPYDataType.allCases {
            let (descr, size, isInteger, isFloat) = expected[type]!
            XCTAssertEqual(type.descr, descr)
            XCTAssertEqual(type.itemSize, size)
            XCTAssertEqual(type.isInteger, isInteger, type.name)
            XCTAssertEqual(type.isFloatingPoint, isFloat, type.name)
            XCTAssertEqual(try NPYDataType.parse(descr: descr).type, type)
            XCTAssertEqual(try NPYDataType.parse(descr: ">" + descr.dropFirst()).isBigEndian, size > 1)
        }
    }

    func testFortranTranspositionOfAllItemSizes() throws {
        // Shape (2, 3, 2) in Fortran order: element [i, j, k] at i + 2 × (j + 3 × k).
        let shape = [2, 3, 2]
        var fortranIndex = [Int](repeating: 0, count: 12)
        for i in 0..<2 { for j in 0..<3 { for k in 0..<2 { fortranIndex[i + 2 * (j + 3 * k)] = (i * 3 + j) * 2 + k } } }
        for itemSize in [1, 2, 4, 8] {
            var data = [UInt8](repeating: 0, count: 12 * itemSize)
            for (position, cIndex) in fortranIndex.enumerated() {
                for byte in 0..<itemSize { data[position * itemSize + byte] = UInt8(cIndex * 10 + byte) }
            }
            let converted = NPYFortranOrder.cOrder(fromFortranOrder: data, shape: shape, itemSize: itemSize)
            let expected = (0..<12).flatMap { index in (0..<itemSize).map { UInt8(index * 10 + $0) } }
            XCTAssertEqual(converted, expected, "item size \(itemSize)")
        }
    }

    /// The tiled 2-D transpose agrees with the general N-D walk and with the definition, for
    /// sizes that are not multiples of the tile.
    func testTiledFortranTransposeOfLargerMatrices() {
        for (rows, columns) in [(37, 70), (1, 65), (65, 1), (64, 64), (100, 3)] {
            for itemSize in [1, 2, 4, 8] {
                let data = (0..<(rows * columns * itemSize)).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ $0 >> 8) }
                let tiled = NPYFortranOrder.cOrder(fromFortranOrder: data, shape: [rows, columns], itemSize: itemSize)
                let general = NPYFortranOrder.cOrder(
                    fromFortranOrder: data, shape: [rows, columns], itemSize: itemSize, useTiledTransposeFor2D: false)
                XCTAssertEqual(tiled, general, "\(rows) × \(columns), item size \(itemSize)")
                // Element [row, column] sits at column × rows + row in the Fortran-order input.
                let (row, column) = (rows - 1, columns / 2)
                let source = (column * rows + row) * itemSize
                let destination = (row * columns + column) * itemSize
                XCTAssertEqual(tiled[destination..<(destination + itemSize)], data[source..<(source + itemSize)])
            }
        }
    }

    func testErrorDescriptionsSayWhatAndWhere() {
        XCTAssertEqual(NPYError.inFile(path: "/data/x.npy", .badMagic).description,
                       "/data/x.npy: not a .npy file: missing the magic string \\x93NUMPY at offset 0")
        XCTAssertEqual(NPYError.malformedHeader(reason: "duplicate key 'shape'", offset: 40).description,
                       "malformed .npy header at header offset 40: duplicate key 'shape'")
        XCTAssertEqual(NPYError.dataSizeMismatch(expectedBytes: 48, actualBytes: 47).description,
                       "the .npy element data holds 47 bytes, but shape × item size is 48 bytes")
    }
}

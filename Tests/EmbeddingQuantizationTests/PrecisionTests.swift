import XCTest
@testable import EmbeddingQuantization

final class PrecisionTests: XCTestCase {
    func testBytesPerVector() {
        XCTAssertEqual(Precision.float32.bytesPerVector(dimension: 384), 1536)
        XCTAssertEqual(Precision.float16.bytesPerVector(dimension: 384), 768)
        XCTAssertEqual(Precision.int8.bytesPerVector(dimension: 13), 13)
        XCTAssertEqual(Precision.int4.bytesPerVector(dimension: 13), 7)
        XCTAssertEqual(Precision.ternary.bytesPerVector(dimension: 13), 4)
        XCTAssertEqual(Precision.binary.bytesPerVector(dimension: 13), 2)
        XCTAssertEqual(Precision.ubinary.bytesPerVector(dimension: 384), 48)
        XCTAssertEqual(Precision.binary.compressionRatio(dimension: 384), 32)
    }

    func testParsingRejectsUnknownNames() {
        XCTAssertEqual(try Precision(parsing: "INT8"), .int8)
        XCTAssertThrowsError(try Precision(parsing: "int3")) { error in
            XCTAssertEqual(error as? QuantizationError, .unknownPrecision("int3"))
            XCTAssertTrue("\(error)".contains("ubinary"), "the message lists the valid choices")
        }
    }
}

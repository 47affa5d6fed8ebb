import XCTest
import EmbeddingQuantization

/// Keeps the skeleton's test target buildable on the `encoder` branch (its real tests live on
/// other branches); delete when merging.
final class EncoderBranchPlaceholderTests: XCTestCase {
    func testPrecisionNamesParse() throws {
        XCTAssertEqual(try Precision(parsing: "INT8"), .int8)
    }
}

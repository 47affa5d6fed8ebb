import EmbedQTestSupport
import XCTest
@testable import EmbeddingQuantization

/// Matryoshka truncation: the first N columns, then (when asked) unit rows, computed in double.
final class MatryoshkaTruncationTests: XCTestCase {
    func testTruncationKeepsLeadingColumnsAndNormalizes() throws {
        var generator = SeededGenerator(seed: 5)
        let rows = 7, width = 13
        let values = (0..<(rows * width)).map { _ in Float.random(in: -2...2, using: &generator) }
        let matrix = try EmbeddingMatrix(rowCount: rows, dimension: width, values: values)
        let kept = try matrix.truncated(to: 5)
        XCTAssertEqual(kept.dimension, 5)
        for row in 0..<rows { XCTAssertEqual(Array(kept[row: row]), Array(values[(row * width)..<(row * width + 5)])) }
        let unit = try matrix.truncated(to: 5, normalize: true)
        for row in 0..<rows {
            let original = Array(kept[row: row]).map(Double.init)
            let norm = original.reduce(0) { $0 + $1 * $1 }.squareRoot()
            for (a, b) in zip(Array(unit[row: row]), original) { XCTAssertEqual(Double(a), b / norm, accuracy: 1e-7) }
        }
        XCTAssertEqual(try matrix.truncated(to: width), matrix)
        // A zero row stays zero (the norm is floored at 1e-12, as torch.nn.functional.normalize does).
        let zero = try EmbeddingMatrix(rowCount: 1, dimension: 3, values: [0, 0, 0]).truncated(to: 2, normalize: true)
        XCTAssertEqual(zero.values, [0, 0])
        XCTAssertEqual(try EmbeddingMatrix.empty(dimension: 4).truncated(to: 2).dimension, 2)
        for bad in [0, -1, width + 1] {
            XCTAssertThrowsError(try matrix.truncated(to: bad)) { XCTAssertTrue("\($0)".contains("\(bad)")) }
        }
    }
}

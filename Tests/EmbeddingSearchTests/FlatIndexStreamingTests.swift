import EmbeddingQuantization
import XCTest
@testable import EmbeddingSearch

/// A ``FlatIndex`` built from codes streamed in chunks (as collection segments build theirs from
/// the file) is the index built from the whole codes, byte for byte, for every precision, chunk
/// size and row count — including empty and one-row corpora and odd dimensions.
final class FlatIndexStreamingTests: XCTestCase {
    func testStreamedIndexEqualsTheIndexOfTheWholeCodes() throws {
        for precision in TestData.flatPrecisions {
            for (rows, dimension) in [(0, 13), (1, 1), (1, 37), (37, 37), (300, 65)] {
                let codes = TestData.codes(precision, rows: rows, dimension: dimension, seed: UInt64(rows * 1_000 + dimension))
                let whole = try FlatIndex(codes)
                for chunkRows in [1, 7, 16, 1_000] {
                    let builder = try FlatIndex.StreamingBuilder(
                        precision: precision, rowCount: rows, dimension: dimension, ranges: codes.ranges, rounding: codes.rounding)
                    let width = codes.bytesPerVector
                    codes.codes.withUnsafeBytes { bytes in
                        var first = 0
                        while first < rows {
                            let end = min(first + chunkRows, rows)
                            builder.append(UnsafeRawBufferPointer(rebasing: bytes[(first * width)..<(end * width)]))
                            first = end
                        }
                    }
                    XCTAssertEqual(builder.appendedRows, rows)
                    let streamed = builder.finish()
                    let context = "\(precision) \(rows) × \(dimension), chunks of \(chunkRows)"
                    XCTAssertEqual(streamed.layout, whole.layout, context)
                    XCTAssertEqual(streamed.rowCount, rows, context)
                    XCTAssertEqual(streamed.storage.byteCount, whole.storage.byteCount, context)
                    XCTAssertEqual(
                        Array(UnsafeRawBufferPointer(start: streamed.storage.base, count: streamed.storage.byteCount)),
                        Array(UnsafeRawBufferPointer(start: whole.storage.base, count: whole.storage.byteCount)), context)
                    XCTAssertEqual(streamed.rowBias, whole.rowBias, context)
                    if rows > 0 {
                        let queries = TestData.codes(precision, rows: 3, dimension: dimension, seed: 5)
                        XCTAssertEqual(try streamed.search(queries, k: 5, threads: 1).hits, try whole.search(queries, k: 5, threads: 1).hits, context)
                    }
                }
            }
        }
    }

    func testRaBitQAndOverWideIntegerCodesAreRefusedAsByTheWholeCodesInit() {
        XCTAssertThrowsError(try FlatIndex.StreamingBuilder(precision: .rabitq1, rowCount: 3, dimension: 8, ranges: nil, rounding: .floor)) {
            guard case SearchError.unsupportedPrecision(.rabitq1, _) = $0 else { return XCTFail("\($0)") }
        }
        XCTAssertThrowsError(try FlatIndex.StreamingBuilder(
            precision: .int8, rowCount: 3, dimension: FlatIndex.maximumIntegerDimension + 1, ranges: nil, rounding: .floor)) {
            guard case SearchError.dimensionTooLarge = $0 else { return XCTFail("\($0)") }
        }
    }
}

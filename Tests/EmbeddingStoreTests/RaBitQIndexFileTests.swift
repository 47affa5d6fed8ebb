import EmbedQTestSupport
import Foundation
import XCTest
import EmbeddingQuantization
@testable import EmbeddingStore

/// RaBitQ codes in index files: the rotation and centroid travel with the ranges (flag bits 4 /
/// 5), the codes and factors come back byte for byte, and a flag without its ranges is refused.
final class RaBitQIndexFileTests: XCTestCase {
    func testRaBitQCodesAndRotationRoundTrip() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var generator = SeededGenerator(seed: 12)
        let d = 19, n = 23
        let matrix = try EmbeddingMatrix(rowCount: n, dimension: d, values: (0..<(n * d)).map { _ in Float.random(in: -1...1, using: &generator) })
        let rotation = try RaBitQRotation.random(dimension: d, seed: 5, centroid: RaBitQRotation.mean(of: matrix))
        let ranges = try Calibration.ranges(from: matrix).withRotation(rotation)
        let ids = (0..<n).map { "doc-\($0)" }
        for (fastBits, rescoring) in [(1, Precision.int8), (3, Precision.rabitq4)] {
            let path = directory + "/rabitq\(fastBits).embq"
            let fast = try EmbeddingQuantizer(precision: Precision.rabitq(bits: fastBits)!, ranges: ranges).quantize(matrix)
            let finer = try EmbeddingQuantizer(precision: rescoring, ranges: ranges).quantize(matrix)
            try IndexFile.create(at: path, fast: fast, rescoring: finer, ids: ids)
            let index = try IndexFile.open(at: path, verify: true)
            XCTAssertEqual(index.fast, fast)
            XCTAssertEqual(index.fast.ranges?.rotation?.matrix, rotation.matrix)
            XCTAssertEqual(index.fast.ranges?.rotation?.centroid, rotation.centroid)
            XCTAssertEqual(index.rescoring?.ranges?.rotation?.matrix, rotation.matrix)
            XCTAssertEqual(index.rescoring.map { Array($0.bytes) }, finer.codes)
            let header = try IndexFile.header(at: path)
            XCTAssertEqual(header.flags & 0x30, 0x30)
            XCTAssertEqual(header[.ranges].length, 4 * d * (2 + 1 + 1 + d) * 2)
        }
    }

    func testRotationFlagWithoutRangesIsRefused() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/plain.embq"
        try StoreTestData.createIndex(at: path, ids: StoreTestData.ids("d", 0..<3))
        var bytes = try fileBytes(path)
        // Set flag bit 4 (fast rotation) on a file whose fast codes have no ranges; fix the CRC.
        bytes[12] |= 0x10
        let crc = CRC32C.checksum(of: bytes[0..<252])
        for i in 0..<4 { bytes[252 + i] = UInt8((crc >> (8 * UInt32(i))) & 0xFF) }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try IndexFile.open(at: path)) { error in
            XCTAssertTrue("\(error)".contains("bit 4"), "\(error)")
        }
    }
}

import Foundation
import XCTest

/// `embedq embed`, end to end, against references that share no code with EmbedQ: the float
/// vectors against PyTorch sentence-transformers' golden embeddings, the quantized output
/// (`--precision`) against plain formulas written here from the README's layouts, applied to
/// the float output and read with a separate `.npy` reader (``PlainNPY``).
final class EmbedCommandTests: XCTestCase {
    /// Rows of the golden set used: an empty text, accents, CJK, a long text, SciFact documents.
    static let goldenRows = [0, 3, 7, 12, 25, 40, 250]

    func testEmbeddingsAndTheirCodesMatchIndependentReferences() throws {
        let model = try SharedData.file("models/all-MiniLM-L6-v2/config.json").deletingLastPathComponent()
        let textsFile = try SharedData.file("golden/embeddings_texts.jsonl")
        let golden = try PlainNPY(contentsOf: SharedData.file("golden/embeddings_all-MiniLM-L6-v2.npy"))
        let int8Ranges = try SharedData.file("golden/quantize/minilm_calibrated/ranges.npy")
        let lines = try String(contentsOf: textsFile, encoding: .utf8).split(separator: "\n")
        let d = 384
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("embedq-embed-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try Self.goldenRows.map { String(lines[$0]) }.joined(separator: "\n")
            .write(to: directory.appendingPathComponent("texts.jsonl"), atomically: true, encoding: .utf8)
        func run(_ arguments: [String]) throws {
            let result = try CommandRunner.run(arguments, in: directory)
            XCTAssertEqual(result.status, 0, "\(arguments.joined(separator: " ")): \(result.standardError)")
        }
        func array(_ name: String) throws -> PlainNPY { try PlainNPY(contentsOf: directory.appendingPathComponent(name)) }

        // Float32: within 1e-6 of PyTorch, element by element.
        try run(["embed", "--model", model.path, "texts.jsonl", "--output", "float.npy"])
        let float = try array("float.npy")
        XCTAssertEqual(float.shape, [Self.goldenRows.count, d])
        let x = float.float32Values
        let pytorch = golden.float32Values
        for (position, row) in Self.goldenRows.enumerated() {
            let difference = (0..<d).map { abs(x[position * d + $0] - pytorch[row * d + $0]) }.max()!
            XCTAssertLessThanOrEqual(difference, 1e-6, "golden text \(row)")
        }

        // int8 with sentence-transformers' ranges: floor((x − min) / step) in float32, clipped, − 128.
        try run(["embed", "--model", model.path, "texts.jsonl", "--output", "int8.npy", "--precision", "int8", "--ranges", int8Ranges.path])
        let ranges = try PlainNPY(contentsOf: int8Ranges).float32Values
        let int8 = try array("int8.npy")
        XCTAssertEqual(int8.descr, "|i1")
        XCTAssertEqual(int8.shape, [Self.goldenRows.count, d])
        func int8Codes(_ values: [Float]) -> [UInt8] {
            values.enumerated().map { index, value in
                let column = index % d
                var step = (ranges[d + column] - ranges[column]) / 255
                if step == 0 { step = 1 }
                let bucket = min(max(((value - ranges[column]) / step).rounded(.down), 0), 255)
                return UInt8(truncatingIfNeeded: Int(bucket) - 128)
            }
        }
        XCTAssertEqual(int8.data, int8Codes(x))
        // The same formula on PyTorch's vectors: a code may move by one where a value sits within
        // float32 rounding of a bucket edge, never more.
        let pytorchCodes = int8Codes(Self.goldenRows.flatMap { pytorch[($0 * d)..<(($0 + 1) * d)] })
        let moved = zip(int8.data, pytorchCodes).filter { $0 != $1 }
        XCTAssertTrue(moved.allSatisfy { abs(Int(Int8(bitPattern: $0)) - Int(Int8(bitPattern: $1))) == 1 })
        XCTAssertLessThan(moved.count, int8.data.count / 100)

        // ubinary: np.packbits(x > 0), most-significant bit first.
        try run(["embed", "--model", model.path, "texts.jsonl", "--output", "ubinary.npy", "--precision", "ubinary"])
        let ubinary = try array("ubinary.npy")
        XCTAssertEqual(ubinary.shape, [Self.goldenRows.count, d / 8])
        XCTAssertEqual(ubinary.data, Self.packBits(x.map { $0 > 0 }, width: d))

        // ternary with ranges calibrated on the float output: minimum, maximum and 0.7·σ (population,
        // computed here in double precision), then the planes x > t and x < −t.
        try run(["calibrate", "float.npy", "-o", "calibrated.npy"])
        let calibrated = try array("calibrated.npy")
        XCTAssertEqual(calibrated.shape, [3, d])
        let rows = Double(Self.goldenRows.count)
        let bounds = calibrated.float32Values
        for column in 0..<d {
            let values = (0..<Self.goldenRows.count).map { x[$0 * d + column] }
            XCTAssertEqual(bounds[column], values.min())
            XCTAssertEqual(bounds[d + column], values.max())
            let mean = values.reduce(0.0) { $0 + Double($1) } / rows
            let sigma = (values.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / rows).squareRoot()
            XCTAssertEqual(Double(bounds[2 * d + column]), 0.7 * sigma, accuracy: 1e-6 * sigma + 1e-12, "threshold \(column)")
        }
        let thresholds = Array(bounds[(2 * d)...])
        try run(["embed", "--model", model.path, "texts.jsonl", "--output", "ternary.npy", "--precision", "ternary", "--ranges", "calibrated.npy"])
        let ternary = try array("ternary.npy")
        XCTAssertEqual(ternary.shape, [Self.goldenRows.count, 2 * d / 8])
        let positive = Self.packBits(x.enumerated().map { $1 > thresholds[$0 % d] }, width: d)
        let negative = Self.packBits(x.enumerated().map { $1 < -thresholds[$0 % d] }, width: d)
        var planes: [UInt8] = []
        let plane = d / 8
        for row in 0..<Self.goldenRows.count {
            planes += positive[(row * plane)..<((row + 1) * plane)]
            planes += negative[(row * plane)..<((row + 1) * plane)]
        }
        XCTAssertEqual(ternary.data, planes)
        XCTAssertTrue(ternary.data.contains { $0 != 0 }, "some values pass the thresholds")
    }

    /// Row-major bits (`width` per row) packed most-significant bit first, each row zero-padded.
    static func packBits(_ bits: [Bool], width: Int) -> [UInt8] {
        let bytesPerRow = (width + 7) / 8
        var packed = [UInt8](repeating: 0, count: bits.count / width * bytesPerRow)
        for (index, bit) in bits.enumerated() where bit {
            let row = index / width, column = index % width
            packed[row * bytesPerRow + column / 8] |= 0x80 >> UInt8(column % 8)
        }
        return packed
    }
}

import Foundation
import XCTest
@testable import SentenceEncoder

/// The encoder against sentence-transformers' embeddings of the real all-MiniLM-L6-v2.
final class EmbeddingGoldenTests: XCTestCase {
    static func cosine(_ a: ArraySlice<Float>, _ b: ArraySlice<Float>) -> Double {
        var dot = 0.0, normA = 0.0, normB = 0.0
        for (x, y) in zip(a, b) {
            dot += Double(x) * Double(y)
            normA += Double(x) * Double(x)
            normB += Double(y) * Double(y)
        }
        return dot / (normA.squareRoot() * normB.squareRoot())
    }

    static func maximumDifference(_ a: [Float], _ b: [Float]) -> Float {
        precondition(a.count == b.count)
        return zip(a, b).map { abs($0 - $1) }.max() ?? 0
    }

    /// Every element within 1e-6 of PyTorch (measured: 3.2e-7 on the AVX-512 packed path). The
    /// tolerance is what catches a wrong model: an encoder silently running bf16 weights still
    /// gives cosines ≥ 0.99996 to these vectors (a cosine bound alone would pass it) but moves
    /// elements by about 1e-3; a padding or attention-mask leak moves them by 1e-2.
    func testAllGoldenEmbeddingsMatchPyTorch() throws {
        let texts = try SharedData.jsonLines(SharedData.file("golden/embeddings_texts.jsonl")).map {
            try XCTUnwrap($0["text"] as? String)
        }
        let expected = try SharedData.float32Matrix(npy: SharedData.file("golden/embeddings_all-MiniLM-L6-v2.npy"))
        XCTAssertEqual(expected.rows, texts.count)
        let encoder = try SentenceEncoder(folder: SharedData.modelFolder())
        XCTAssertEqual(encoder.dimension, expected.columns)
        XCTAssertEqual(encoder.maxSequenceLength, 256)
        XCTAssertTrue(encoder.normalizes)
        let start = Date()
        let actual = try encoder.encodeRowMajor(texts, batchSize: 32)
        let seconds = Date().timeIntervalSince(start)
        let d = expected.columns
        var minimumCosine = 1.0
        var maximumDifference: Float = 0
        for row in 0..<texts.count {
            let a = actual[(row * d)..<((row + 1) * d)]
            let b = expected.values[(row * d)..<((row + 1) * d)]
            let cosine = Self.cosine(a, b)
            minimumCosine = min(minimumCosine, cosine)
            for (x, y) in zip(a, b) { maximumDifference = max(maximumDifference, abs(x - y)) }
            XCTAssertGreaterThanOrEqual(cosine, 0.99999, "text \(row): \(texts[row].prefix(60).debugDescription)")
        }
        print(String(format: "golden embeddings: %d texts, min cosine %.9f, max |diff| %.3g, %.2f s",
                     texts.count, minimumCosine, maximumDifference, seconds))
        XCTAssertLessThanOrEqual(maximumDifference, 1e-6, "max |difference| to PyTorch over all texts and dimensions")
    }

    func testPaddingNeverChangesAVector() throws {
        let encoder = try SentenceEncoder(folder: SharedData.modelFolder())
        let short = "Vitamin D lowers the risk of colorectal cancer."
        let long = String(repeating: "A much longer text about statins and cardiovascular outcomes. ", count: 40)
        let alone = try encoder.encode([short])[0]
        let batch = try encoder.encode([long, short, long + " again", "x"], batchSize: 4)
        XCTAssertEqual(batch.count, 4)
        // Equal up to float32 rounding: the BLAS may block a 600-row product differently from a
        // 12-row one. A padding leak (an unmasked padding token) would move the vector by ~1e-2.
        XCTAssertLessThan(Self.maximumDifference(batch[1], alone), 1e-6, "the batch changed a text's vector")
        if MatrixPath.current == .packed {
            // The packed kernel computes every row from its own input only: bit-for-bit equal.
            XCTAssertEqual(batch[1], alone)
        }
        // Rows come back in input order.
        XCTAssertLessThan(Self.maximumDifference(try encoder.encode(["x"])[0], batch[3]), 1e-6)
        XCTAssertGreaterThan(Self.maximumDifference(batch[0], batch[1]), 1e-3)
    }

    func testEncodingIsDeterministicAcrossBatchSizesAndThreads() throws {
        let folder = try SharedData.modelFolder()
        let texts = ["one", "two words", "three words here", "", "a b c d e f g h i j k l m n o p"]
        let two = try SentenceEncoder(folder: folder, threadCount: 2).encode(texts, batchSize: 2)
        let one = try SentenceEncoder(folder: folder, threadCount: 1).encode(texts, batchSize: 5)
        XCTAssertEqual(one.count, two.count)
        for (a, b) in zip(one, two) { XCTAssertLessThan(Self.maximumDifference(a, b), 1e-6) }
    }

    func testEmptyInputGivesNoRows() throws {
        let encoder = try SentenceEncoder(folder: SharedData.modelFolder())
        XCTAssertEqual(try encoder.encodeRowMajor([]).count, 0)
        XCTAssertThrowsError(try encoder.encode(["a"], batchSize: 0))
    }
}

import EmbedQTestSupport
import EmbeddingIndex
import EmbeddingQuantization
import EmbeddingSearch
import EmbeddingStore
import Foundation
import SemanticSearch
import SentenceEncoder
import XCTest

/// Text in, hits out, with the real all-MiniLM-L6-v2 (skipped without `../shared`): the encoder's
/// matrix, texts encoded into an index file and searched with text, and the async calls.
final class TextSearchTests: XCTestCase {
    static let texts = [
        "The cat sat on the mat.", "Quantum computers use qubits.", "Paris is the capital of France.",
        "A recipe for chocolate cake.", "The stock market fell sharply today.", "Vitamin D and colorectal cancer.",
    ]
    static let ids = ["cat", "quantum", "paris", "cake", "stocks", "vitamin"]

    func encoder() throws -> (SentenceEncoder, String) {
        let folder = try SharedData.file("models/all-MiniLM-L6-v2")
        return (try SentenceEncoder(folder: folder, threadCount: 2), folder.path)
    }

    func testTheMatrixHoldsTheEncodersVectorsInOrder() throws {
        let (encoder, _) = try encoder()
        let matrix = try encoder.encodeMatrix(Self.texts)
        XCTAssertEqual(matrix.rowCount, Self.texts.count)
        XCTAssertEqual(matrix.dimension, 384)
        XCTAssertEqual(matrix.values, try encoder.encodeRowMajor(Self.texts))
        XCTAssertEqual(try encoder.encodeMatrix(tokenized: encoder.tokenize(Self.texts)), matrix)
        XCTAssertEqual(try encoder.encodeMatrix([]).rowCount, 0)
    }

    /// An index built from texts with Matryoshka truncation records the model; its
    /// `recordedEncoder` is truncated to the index's width, so text queries are cut alike and
    /// rank as the truncated (and re-normalized) query vectors do.
    func testATruncatedIndexIsSearchedWithQueriesTruncatedAlike() throws {
        let (_, folder) = try encoder()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("embedq-text-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("truncated.embq").path
        let truncated = try SentenceEncoder(folder: URL(fileURLWithPath: folder), threadCount: 2, dimensions: 128)
        try IndexBuilder.create(
            at: path, texts: Self.texts, ids: Self.ids, encoder: truncated, model: folder, precision: .float32, normalize: true)
        let index = try SearchableIndex(path: path)
        XCTAssertEqual(index.dimension, 128)
        let recorded = try index.recordedEncoder(threadCount: 1)
        XCTAssertEqual(recorded.dimension, 128)
        let questions = ["what are qubits", "capital city of France", "diet and cancer risk"]
        let results = try index.search(texts: questions, encoder: recorded, k: 6)
        XCTAssertEqual(index.documents(results).map { $0.first?.id }, ["quantum", "paris", "vitamin"])
        // Independent oracle: full-width vectors cut to 128 values and normalized in double precision.
        let full = try SentenceEncoder(folder: URL(fileURLWithPath: folder), threadCount: 2)
        func cut(_ texts: [String]) throws -> [[Double]] {
            try full.encode(texts).map { vector in
                let head = vector.prefix(128).map(Double.init)
                let norm = head.reduce(0) { $0 + $1 * $1 }.squareRoot()
                return head.map { $0 / norm }
            }
        }
        let documents = try cut(Self.texts), queries = try cut(questions)
        for (q, query) in queries.enumerated() {
            let scores = documents.map { zip($0, query).reduce(0) { $0 + $1.0 * $1.1 } }
            let expected = scores.indices.sorted { scores[$0] > scores[$1] }.map { Self.ids[$0] }
            XCTAssertEqual(index.documents(results)[q].map(\.id), expected, questions[q])
        }
    }

    func testAnIndexBuiltFromTextsIsSearchedWithText() throws {
        let (encoder, folder) = try encoder()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("embedq-text-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("texts.embq").path
        try IndexBuilder.create(
            at: path, texts: Self.texts, ids: Self.ids, encoder: encoder, model: folder, precision: .binary, rescoring: .int8)
        let index = try SearchableIndex(path: path)
        XCTAssertEqual(index.metadata?.modelName, folder)
        XCTAssertEqual(index.metadata?.modelPath, URL(fileURLWithPath: folder).standardizedFileURL.path)
        let recorded = try index.recordedEncoder(threadCount: 1)
        let questions = ["what are qubits", "capital city of France", "diet and cancer risk"]
        let results = try index.search(
            texts: questions, encoder: recorded, k: 2, parameters: SearchParameters(rescoreMultiplier: 3))
        XCTAssertEqual(index.documents(results).map { $0.first?.id }, ["quantum", "paris", "vitamin"])
        XCTAssertEqual(results.metric, .innerProduct)
        // The same as encoding the questions and searching the vectors.
        let vectors = try encoder.encodeMatrix(questions)
        XCTAssertEqual(results, try index.search(vectors, k: 2, parameters: SearchParameters(rescoreMultiplier: 3)))
        // A row filter applies to text searches too.
        let withoutQuantum = try index.search(
            texts: ["what are qubits"], encoder: recorded, k: 1, parameters: SearchParameters(filter: .excluding(rows: [1], rowCount: 6)))
        XCTAssertNotEqual(index.documents(withoutQuantum)[0].first?.id, "quantum")

        // An index without a model cannot be searched with text.
        let bare = directory.appendingPathComponent("bare.embq").path
        try IndexBuilder.create(at: bare, embeddings: vectors, ids: ["a", "b", "c"], precision: .binary)
        XCTAssertThrowsError(try SearchableIndex(path: bare).recordedEncoder()) {
            XCTAssertEqual($0 as? TextSearchError, .noModelRecorded(path: bare))
        }
        // An encoder of another width is a dimension error of the search.
        let narrow = try FlatIndex(TestMatrix.random(rows: 4, dimension: 8, seed: 1))
        XCTAssertThrowsError(try narrow.search(texts: ["x"], encoder: encoder, k: 1)) {
            XCTAssertEqual($0 as? TextSearchError, .search(.dimensionMismatch(expected: 8, actual: 384, what: "the queries")))
        }
    }

    func testAsyncEncodingAndSearchMatchTheSynchronousCalls() async throws {
        let encoder: SentenceEncoder = try self.encoder().0
        // Sync closures: in an async context the async overloads are chosen.
        let synchronous = try { try encoder.encodeMatrix(Self.texts) }()
        let asynchronous: EmbeddingMatrix = try await encoder.encodeMatrix(Self.texts, chunkSize: 4)
        XCTAssertEqual(asynchronous, synchronous)
        let index = try FlatIndex(synchronous)
        let expected = try { try index.search(texts: ["what are qubits"], encoder: encoder, k: 3) }()
        let awaited: SearchResults = try await index.search(texts: ["what are qubits"], encoder: encoder, k: 3)
        XCTAssertEqual(awaited, expected)

        // A cancelled task stops before encoding (the task waits until it is cancelled).
        let texts = Self.texts
        let task = Task { () async throws(SentenceEncoderError) -> EmbeddingMatrix in
            while !Task.isCancelled { await Task.yield() }
            return try await encoder.encodeMatrix(texts, chunkSize: 1)
        }
        task.cancel()
        do {
            _ = try await task.value
            XCTFail("a cancelled encoding must throw")
        } catch {
            XCTAssertEqual(error as? SentenceEncoderError, .cancelled)
        }
    }
}

/// Seeded random matrices.
enum TestMatrix {
    static func random(rows: Int, dimension d: Int, seed: UInt64) -> EmbeddingMatrix {
        var generator = SeededGenerator(seed: seed)
        return try! EmbeddingMatrix(rowCount: rows, dimension: d, values: (0..<(rows * d)).map { _ in Float.random(in: -1...1, using: &generator) })
    }
}

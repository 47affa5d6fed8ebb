import Foundation
import XCTest
@testable import SentenceEncoder

/// The loader and forward pass on tiny random models the test writes, against a plain-Swift
/// reference in Double: every data type, pooling mode, tokenizer from vocab.txt.
final class TinyModelTests: XCTestCase {
    let texts = ["the cat sat on the mat.", "a big red dog running!", "cats, dogs", "", "the the the the the the the the the the the the the the"]

    func check(_ model: TinyModel, tolerance: Float = 2e-5, file: StaticString = #filePath, line: UInt = #line) throws {
        let folder = try temporaryFolder(for: self)
        try model.write(to: folder)
        let encoder = try SentenceEncoder(folder: folder, threadCount: 2)
        XCTAssertEqual(encoder.dimension, model.dense?.outputs ?? TinyModel.hidden * model.pooling.count, file: file, line: line)
        XCTAssertEqual(encoder.maxSequenceLength, 12, file: file, line: line)
        let vectors = try encoder.encode(texts, batchSize: 2)
        for (text, vector) in zip(texts, vectors) {
            let ids = try encoder.tokenize(text)
            XCTAssertLessThanOrEqual(ids.count, 12)
            let reference = model.referenceEmbedding(ids)
            let difference = zip(vector, reference).map { abs($0 - $1) }.max() ?? 0
            XCTAssertLessThan(difference, tolerance, "\(text): \(vector) vs \(reference)", file: file, line: line)
        }
    }

    func testFloat32MeanNormalized() throws {
        try check(TinyModel())
    }

    func testFloat16Weights() throws {
        try check(TinyModel(dataType: "F16", seed: 11))
    }

    func testBFloat16Weights() throws {
        try check(TinyModel(dataType: "BF16", seed: 12))
    }

    func testConcatenatedPoolingWithoutNormalize() throws {
        try check(TinyModel(pooling: [.classifierToken, .max, .mean, .meanSquareRootLength, .lastToken], normalizes: false, seed: 13))
    }

    func testDenseModuleAfterPooling() throws {
        var model = TinyModel(pooling: [.classifierToken, .mean], seed: 14)
        var generator = SeededGenerator(seed: 99)
        let inputs = 2 * TinyModel.hidden, outputs = 5
        model.dense = ((0..<(inputs * outputs)).map { _ in Float.random(in: -0.5...0.5, using: &generator) },
                       (0..<outputs).map { _ in Float.random(in: -0.1...0.1, using: &generator) }, outputs)
        try check(model)
    }

    func testPackedAndBLASPathsAgree() throws {
        let folder = try temporaryFolder(for: self)
        try TinyModel(seed: 21).write(to: folder)
        let configuration = try EncoderConfiguration(contentsOf: folder.appendingPathComponent("config.json"))
        let file = try SafeTensors(contentsOf: folder.appendingPathComponent("model.safetensors"))
        let sequences: [[Int32]] = [[2, 5, 6, 7, 8, 5, 9, 13, 3], [2, 17, 18, 12, 3], [2, 3]]
        let packed = try TransformerEncoder(configuration: configuration, weights: file, path: .packed).tokenVectors(sequences)
        let blas = try TransformerEncoder(configuration: configuration, weights: file, path: .blas).tokenVectors(sequences)
        XCTAssertEqual(packed.count, 16 * TinyModel.hidden)
        for (a, b) in zip(packed, blas) { XCTAssertEqual(a, b, accuracy: 1e-5) }
    }

    func testVocabTxtTokenizerSplitsWordPieces() throws {
        let folder = try temporaryFolder(for: self)
        try TinyModel().write(to: folder)
        let encoder = try SentenceEncoder(folder: folder)
        // [CLS] the cat ##s sat [UNK] . [SEP]; "xyz" is not in the vocabulary.
        XCTAssertEqual(try encoder.tokenize("The CATS sat xyz."), [2, 5, 6, 10, 7, 1, 13, 3])
        // Truncated to max_seq_length 12 from sentence_bert_config.json.
        XCTAssertEqual(try encoder.tokenize(String(repeating: "dog ", count: 30)).count, 12)
    }
}

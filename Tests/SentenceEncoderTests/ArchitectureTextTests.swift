import EmbedQTestSupport
import Foundation
import XCTest
@testable import SentenceEncoder

/// Text to vectors through `SentenceEncoder` for every architecture's tiny model: the
/// tokenizer's ids equal the Hugging Face fast tokenizer's, vectors equal PyTorch
/// sentence-transformers' (cosine ≥ 0.99999, max |difference| ≤ 1e-5) with and without prompts,
/// truncated (`dimensions`) and re-normalized; saved quantized models reload to the same vectors.
final class ArchitectureTextTests: XCTestCase {
    func testTextToVectorsMatchesSentenceTransformers() throws {
        for name in ArchitectureFixture.names {
            let fixture = try ArchitectureFixture(name)
            let expected = fixture.expected
            let encoder = try SentenceEncoder(folder: fixture.folder, threadCount: 2)
            XCTAssertEqual(encoder.model.configuration, try fixture.configuration())
            XCTAssertEqual(encoder.prompts, expected.prompts, name)
            XCTAssertEqual(try encoder.tokenize(expected.texts, prompt: .text("")), expected.inputIds, "\(name) token ids")
            XCTAssertEqual(try encoder.tokenize(expected.texts, prompt: .named("query")), expected.queryInputIds, "\(name) query ids")
            ArchitectureFixture.assertClose(try encoder.encode(expected.texts, batchSize: 5), expected.embeddings, "\(name) text")
            ArchitectureFixture.assertClose(try encoder.encode(expected.texts, prompt: .named("query")),
                                            expected.queryEmbeddings, "\(name) query prompt")
            ArchitectureFixture.assertClose(try encoder.encode(expected.texts, prompt: .text(expected.prompts["query"]!)),
                                            expected.queryEmbeddings, "\(name) query prompt as text")
            let truncated = try SentenceEncoder(folder: fixture.folder, dimensions: expected.truncateDim)
            XCTAssertEqual(truncated.dimension, expected.truncateDim)
            ArchitectureFixture.assertClose(try truncated.encode(expected.texts), expected.truncatedEmbeddings, "\(name) truncated")
            ArchitectureFixture.assertClose(try truncated.encode(expected.texts, normalize: true),
                                            expected.truncatedNormalizedEmbeddings, "\(name) truncated, normalized")
        }
    }

    /// sentence-transformers counts a prompt's tokens without the trailing special token; with
    /// `include_prompt` false (the MPNet fixture) exactly those are left out of pooling.
    func testPromptTokensLeftOutOfPooling() throws {
        let fixture = try ArchitectureFixture("mpnet")
        let encoder = try SentenceEncoder(folder: fixture.folder)
        XCTAssertEqual(try encoder.excludedPromptTokenCount(.named("query")), fixture.expected.queryPromptLength)
        XCTAssertEqual(try encoder.excludedPromptTokenCount(.text("")), 0)
        XCTAssertEqual(try encoder.excludedPromptTokenCount(.modelDefault), 0, "no default prompt")
        let bert = try SentenceEncoder(folder: try ArchitectureFixture("bert").folder)
        XCTAssertEqual(try bert.excludedPromptTokenCount(.named("query")), 0, "include_prompt true pools the prompt")
    }

    func testUnknownPromptAndBadDimensionsAreErrors() throws {
        let folder = try ArchitectureFixture("nomic_bert").folder
        let encoder = try SentenceEncoder(folder: folder)
        XCTAssertThrowsError(try encoder.encode(["x"], prompt: .named("classification"))) { error in
            XCTAssertEqual(error as? SentenceEncoderError, .unknownPrompt(name: "classification", available: ["document", "query"]))
            XCTAssertTrue("\(error)".contains("document, query"))
        }
        for bad in [0, encoder.fullDimension + 1] {
            XCTAssertThrowsError(try SentenceEncoder(folder: folder, dimensions: bad)) { error in
                XCTAssertTrue("\(error)".contains("dimensions"), "\(error)")
            }
        }
    }

    /// A model's `default_prompt_name` applies when no prompt is asked for, `.text("")` overrides it.
    func testDefaultPromptApplies() throws {
        let fixture = try ArchitectureFixture("xlm-roberta")
        let copy = FileManager.default.temporaryDirectory.appendingPathComponent("embedq-default-prompt-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: fixture.folder, to: copy)
        defer { try? FileManager.default.removeItem(at: copy) }
        let settings = copy.appendingPathComponent("config_sentence_transformers.json")
        var object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: settings)) as? [String: Any])
        object["default_prompt_name"] = "query"
        try JSONSerialization.data(withJSONObject: object).write(to: settings)
        let encoder = try SentenceEncoder(folder: copy)
        XCTAssertEqual(encoder.defaultPromptName, "query")
        ArchitectureFixture.assertClose(try encoder.encode(fixture.expected.texts), fixture.expected.queryEmbeddings, "default prompt")
        ArchitectureFixture.assertClose(try encoder.encode(fixture.expected.texts, prompt: .text("")),
                                        fixture.expected.embeddings, "empty prompt overrides the default")
        object["default_prompt_name"] = "missing"
        try JSONSerialization.data(withJSONObject: object).write(to: settings)
        XCTAssertThrowsError(try SentenceEncoder(folder: copy)) { error in
            XCTAssertTrue("\(error)".contains("default_prompt_name"), "\(error)")
        }
    }

    /// Saved int8 / bf16 models of every architecture (tensor names as published) reload to the
    /// same vectors.
    func testSavedQuantizedModelsReload() throws {
        for name in ArchitectureFixture.names {
            let fixture = try ArchitectureFixture(name)
            for precision in [WeightPrecision.int8, .bfloat16] {
                let encoder = try SentenceEncoder(folder: fixture.folder, weights: precision)
                let destination = FileManager.default.temporaryDirectory.appendingPathComponent("embedq-saved-\(name)-\(UUID().uuidString)")
                defer { try? FileManager.default.removeItem(at: destination) }
                try encoder.saveQuantizedModel(to: destination)
                let reloaded = try SentenceEncoder(folder: destination, weights: precision)
                XCTAssertEqual(try reloaded.encode(fixture.expected.texts), try encoder.encode(fixture.expected.texts),
                               "\(name) \(precision.rawValue) saved and reloaded")
            }
        }
    }
}

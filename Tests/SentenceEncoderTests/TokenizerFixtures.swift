import Foundation
import XCTest
@testable import SentenceEncoder

/// The tokenizer fixtures of `Tests/Fixtures/tokenizers` (made by
/// `scripts/fixtures/make_tokenizer_fixtures.py` with the Hugging Face `tokenizers` library).
enum TokenizerFixtures {
    /// The fixture folder.
    static let directory: URL = {
        var components = "\(#filePath)".split(separator: "/", omittingEmptySubsequences: false)
        components.removeLast(2)  // TokenizerFixtures.swift, SentenceEncoderTests
        return URL(fileURLWithPath: components.joined(separator: "/") + "/Fixtures/tokenizers")
    }()

    /// The texts every style was encoded on, in fixture order, and the settings they were made with.
    struct TextSet {
        var texts: [String]
        var maximumLength: Int
        var variantTexts: Int
    }

    /// `texts.json` followed by the SciFact documents and queries it names (read from ../shared).
    static func texts() throws -> TextSet {
        let data = try Data(contentsOf: directory.appendingPathComponent("texts.json"))
        let root = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        var texts = try XCTUnwrap(root["texts"] as? [String])
        let documents = try XCTUnwrap(root["scifact_documents"] as? Int)
        let queries = try XCTUnwrap(root["scifact_queries"] as? Int)
        let corpus = try SharedData.jsonLines(SharedData.file("datasets/scifact/corpus.jsonl"))
        for row in corpus.prefix(documents) {
            let title = row["title"] as? String ?? "", text = row["text"] as? String ?? ""
            texts.append((title.isEmpty ? text : title + " " + text).trimmingCharacters(in: .whitespacesAndNewlines))
        }
        for row in try SharedData.jsonLines(SharedData.file("datasets/scifact/queries.jsonl")).prefix(queries) {
            texts.append(try XCTUnwrap(row["text"] as? String))
        }
        return TextSet(texts: texts, maximumLength: try XCTUnwrap(root["max_length"] as? Int),
                       variantTexts: try XCTUnwrap(root["variant_texts"] as? Int))
    }

    /// The `tokenizer.json` of a style (the real all-MiniLM-L6-v2 one for `bert-wordpiece`).
    static func tokenizerFile(_ style: String) throws -> URL {
        style == "bert-wordpiece"
            ? try SharedData.modelFolder().appendingPathComponent("tokenizer.json")
            : directory.appendingPathComponent(style).appendingPathComponent("tokenizer.json")
    }

    /// The Hugging Face ids of each text for a style.
    static func ids(_ style: String) throws -> [[Int32]] {
        let data = try Data(contentsOf: directory.appendingPathComponent(style).appendingPathComponent("ids.json"))
        let rows = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [[Int]])
        return rows.map { $0.map(Int32.init) }
    }

    /// A variant of a style: its name, its `tokenizer.json` written to a temporary file, and the
    /// Hugging Face ids of the first texts.
    struct Variant {
        var name: String
        var file: URL
        var ids: [[Int32]]
    }

    /// The variants of a style, each base file patched as the fixture script patches it.
    static func variants(_ style: String, in scratch: URL) throws -> [Variant] {
        let data = try Data(contentsOf: directory.appendingPathComponent(style).appendingPathComponent("variants.json"))
        let rows = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [[String: Any]])
        let base = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: tokenizerFile(style))) as? [String: Any])
        return try rows.map { row in
            let name = try XCTUnwrap(row["name"] as? String)
            let patch = try XCTUnwrap(row["patch"] as? [String: Any])
            var patched = base
            for (key, value) in patch {
                switch key {
                case "model":
                    var model = try XCTUnwrap(patched["model"] as? [String: Any])
                    for (field, fieldValue) in try XCTUnwrap(value as? [String: Any]) { model[field] = fieldValue }
                    patched["model"] = model
                case "model_vocab_append":
                    var model = try XCTUnwrap(patched["model"] as? [String: Any])
                    model["vocab"] = try XCTUnwrap(model["vocab"] as? [Any]) + XCTUnwrap(value as? [Any])
                    patched["model"] = model
                default:
                    patched[key] = value
                }
            }
            let file = scratch.appendingPathComponent("\(style)-\(name).json")
            try JSONSerialization.data(withJSONObject: patched).write(to: file)
            let ids = try XCTUnwrap(row["ids"] as? [[Int]]).map { $0.map(Int32.init) }
            return Variant(name: name, file: file, ids: ids)
        }
    }

    /// A fresh temporary folder, removed by the test case's teardown.
    static func scratchFolder(for testCase: XCTestCase) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("embedq-tokenizer-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        testCase.addTeardownBlock { try? FileManager.default.removeItem(at: folder) }
        return folder
    }
}

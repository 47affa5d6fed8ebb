import EmbedQTestSupport
import Foundation
import XCTest
@testable import SentenceEncoder

/// Malformed `tokenizer.json` files give typed errors naming the file and the component; a
/// seeded fuzz loop over mutated files never crashes.
final class MalformedTokenizerTests: XCTestCase {
    private var scratch: URL!

    override func setUpWithError() throws {
        scratch = try TokenizerFixtures.scratchFolder(for: self)
    }

    private func base(_ style: String) throws -> [String: Any] {
        try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: TokenizerFixtures.tokenizerFile(style))) as? [String: Any])
    }

    private func write(_ object: [String: Any], name: String = "tokenizer.json") throws -> URL {
        let file = scratch.appendingPathComponent(name)
        try JSONSerialization.data(withJSONObject: object).write(to: file)
        return file
    }

    /// Loads `file` expecting a ``SentenceEncoderError`` whose message names the file and
    /// contains every fragment.
    private func assertLoadFails(_ file: URL, mentions fragments: [String], line: UInt = #line,
                                 where matches: (SentenceEncoderError) -> Bool = { _ in true }) {
        XCTAssertThrowsError(try TokenizerLoader.load(tokenizerJSON: file, maximumLength: 32), line: line) { error in
            guard let error = error as? SentenceEncoderError else { return XCTFail("untyped error \(error)", line: line) }
            XCTAssertTrue(matches(error), "unexpected case: \(error)", line: line)
            let message = error.description
            XCTAssertTrue(message.contains(file.path), "message does not name the file: \(message)", line: line)
            for fragment in fragments {
                XCTAssertTrue(message.contains(fragment), "message lacks \(fragment.debugDescription): \(message)", line: line)
            }
        }
    }

    func testBadJSONNamesTheFile() throws {
        let bytes = try Data(contentsOf: TokenizerFixtures.tokenizerFile("mpnet-wordpiece"))
        let file = scratch.appendingPathComponent("tokenizer.json")
        try bytes.prefix(bytes.count / 2).write(to: file)
        assertLoadFails(file, mentions: []) { if case .invalidJSON = $0 { true } else { false } }
        try Data("[1, 2, 3]".utf8).write(to: file)
        assertLoadFails(file, mentions: ["not an object"]) { if case .invalidJSON = $0 { true } else { false } }
    }

    func testMissingModel() throws {
        var object = try base("mpnet-wordpiece")
        object["model"] = nil
        assertLoadFails(try write(object), mentions: ["model", "missing"])
        object["model"] = NSNull()
        assertLoadFails(try write(object), mentions: ["model", "missing"])
    }

    func testUnknownComponentTypesAreNamed() throws {
        let cases: [(String, Any, String)] = [
            ("normalizer", ["type": "Nmt"], "Nmt"),
            ("pre_tokenizer", ["type": "UnicodeScripts"], "UnicodeScripts"),
            ("post_processor", ["type": "Sideways"], "Sideways"),
            ("pre_tokenizer", ["type": "Sequence", "pretokenizers": [["type": "WhitespaceSplit"], ["type": "FixedLength", "length": 5]]],
             "FixedLength"),
        ]
        for (key, value, type) in cases {
            var object = try base("mpnet-wordpiece")
            object[key] = value
            assertLoadFails(try write(object), mentions: [key, type]) {
                if case .unsupportedTokenizerComponent = $0 { true } else { false }
            }
        }
        var object = try base("mpnet-wordpiece")
        var model = try XCTUnwrap(object["model"] as? [String: Any])
        model["type"] = "CharLevel"
        object["model"] = model
        assertLoadFails(try write(object), mentions: ["model", "CharLevel"]) {
            if case .unsupportedTokenizerComponent = $0 { true } else { false }
        }
        // The nested location is named.
        object = try base("mpnet-wordpiece")
        object["normalizer"] = ["type": "Sequence", "normalizers": [["type": "NFC"], ["type": "Nmt"]]]
        assertLoadFails(try write(object), mentions: ["normalizer.normalizers[1]", "Nmt"])
    }

    func testWrongFieldTypesAreNamed() throws {
        let cases: [(String, String, [String: Any], [String])] = [
            ("mpnet-wordpiece", "normalizer", ["type": "BertNormalizer", "lowercase": "yes"], ["BertNormalizer", "lowercase"]),
            ("xlmr-unigram", "pre_tokenizer", ["type": "Metaspace", "replacement": "ab", "prepend_scheme": "always", "split": true],
             ["Metaspace", "replacement"]),
            ("xlmr-unigram", "pre_tokenizer", ["type": "Metaspace", "replacement": "_", "prepend_scheme": "sometimes"],
             ["prepend_scheme", "sometimes"]),
            ("modernbert-bpe", "pre_tokenizer", ["type": "Split", "pattern": ["Regex": "\\s+"], "behavior": "Sideways", "invert": false],
             ["Split", "Sideways"]),
            ("modernbert-bpe", "pre_tokenizer", ["type": "Split", "pattern": ["Regex": "(unclosed"], "behavior": "Isolated", "invert": false],
             ["Split", "(unclosed"]),
            ("modernbert-bpe", "normalizer", ["type": "Replace", "pattern": ["Glob": "*"], "content": ""], ["Replace", "pattern"]),
            ("modernbert-bpe", "post_processor", ["type": "TemplateProcessing", "single": [["SpecialToken": ["id": "[BOS]", "type_id": 0]]],
                                                  "special_tokens": [:]], ["TemplateProcessing", "[BOS]"]),
            ("mpnet-wordpiece", "post_processor", ["type": "RobertaProcessing", "sep": ["</s>"], "cls": ["<s>", 0]], ["RobertaProcessing", "sep"]),
            // The text twice would outgrow the maximum length truncation keeps (found by the fuzz loop).
            ("modernbert-bpe", "post_processor", ["type": "TemplateProcessing",
                                                  "single": [["Sequence": ["id": "A", "type_id": 0]], ["Sequence": ["id": "A", "type_id": 0]]],
                                                  "special_tokens": [:]], ["TemplateProcessing", "single[1]", "second time"]),
            ("mpnet-wordpiece", "added_tokens", ["content": "x"], ["added_tokens"]),
        ]
        for (style, key, value, fragments) in cases {
            var object = try base(style)
            object[key] = key == "added_tokens" ? [value, ["id": 1]] : value
            assertLoadFails(try write(object), mentions: fragments) { if case .invalidTokenizer = $0 { true } else { false } }
        }
        let modelCases: [(String, String, Any, [String])] = [
            ("mpnet-wordpiece", "vocab", [["a", 1]], ["model (WordPiece)", "vocab"]),
            ("mpnet-wordpiece", "vocab", ["a": "one"], ["model (WordPiece)", "\"a\""]),
            ("mpnet-wordpiece", "max_input_chars_per_word", "many", ["max_input_chars_per_word"]),
            ("modernbert-bpe", "merges", [[1, 2]], ["model (BPE)", "merges[0]"]),
            ("modernbert-bpe", "merges", ["a b c"], ["model (BPE)", "merges[0]"]),
            ("modernbert-bpe", "merges", [["zzzq", "qqqz"]], ["model (BPE)", "zzzq"]),
            ("modernbert-bpe", "dropout", 0.1, ["model (BPE)", "dropout"]),
            ("xlmr-unigram", "vocab", [["a", "high"]], ["model (Unigram)", "vocab[0]"]),
            ("xlmr-unigram", "unk_id", 99_999_999, ["model (Unigram)", "unk_id"]),
            ("xlmr-unigram", "unk_id", "three", ["model (Unigram)", "unk_id"]),
        ]
        for (style, field, value, fragments) in modelCases {
            var object = try base(style)
            var model = try XCTUnwrap(object["model"] as? [String: Any])
            model[field] = value
            object["model"] = model
            assertLoadFails(try write(object), mentions: fragments) { if case .invalidTokenizer = $0 { true } else { false } }
        }
    }

    func testTruncatedOrCorruptCharsMap() throws {
        let object = try base("xlmr-unigram")
        let normalizer = try XCTUnwrap(object["normalizer"] as? [String: Any])
        let encoded = try XCTUnwrap(normalizer["precompiled_charsmap"] as? String)
        let bytes = try XCTUnwrap(Data(base64Encoded: encoded))
        let corruptions: [(String, Data)] = [
            ("half", bytes.prefix(bytes.count / 2)),
            ("size only", bytes.prefix(4)),
            ("three bytes", bytes.prefix(3)),
            ("empty", Data()),
            ("odd trie size", Data([5, 0, 0, 0]) + bytes.dropFirst(4)),
        ]
        for (name, corrupt) in corruptions {
            var patched = object
            patched["normalizer"] = ["type": "Precompiled", "precompiled_charsmap": corrupt.base64EncodedString()]
            let file = try write(patched, name: "\(name).json")
            assertLoadFails(file, mentions: ["normalizer (Precompiled)", "precompiled_charsmap"]) {
                if case .invalidTokenizer = $0 { true } else { false }
            }
        }
        var patched = object
        patched["normalizer"] = ["type": "Precompiled", "precompiled_charsmap": "not base64!"]
        assertLoadFails(try write(patched), mentions: ["normalizer (Precompiled)", "base64"])
        // Strings that are not UTF-8.
        var invalid = bytes
        invalid.append(contentsOf: [0xFF, 0xFE, 0])
        patched["normalizer"] = ["type": "Precompiled", "precompiled_charsmap": invalid.base64EncodedString()]
        assertLoadFails(try write(patched), mentions: ["normalizer (Precompiled)", "UTF-8"])
    }

    func testUnigramWithoutUnknownIDFailsOnUnknownCharacters() throws {
        var object = try base("xlmr-unigram")
        var model = try XCTUnwrap(object["model"] as? [String: Any])
        model["unk_id"] = NSNull()
        object["model"] = model
        let file = try write(object)
        let tokenizer = try TokenizerLoader.load(tokenizerJSON: file, maximumLength: 32)
        XCTAssertNoThrow(try tokenizer.encode("the cell"))
        XCTAssertThrowsError(try tokenizer.encode("\u{10FFFD}")) { error in
            let message = "\(error)"
            XCTAssertTrue(message.contains(file.path) && message.contains("model (Unigram)") && message.contains("unk_id"), message)
        }
    }

    /// 300 seeded mutations of real files (bytes flipped, cut, duplicated; JSON values replaced by
    /// values of other types; charsmap bytes corrupted): loading either fails with a typed error
    /// or gives a tokenizer that encodes without crashing.
    func testFuzzedFilesNeverCrash() throws {
        var generator = SeededGenerator(seed: 20_261_201)
        let texts = ["Hello, world! naïve café", "中文 ｶﾞ 😀 <mask> [MASK] \u{0}\t\n", "", String(repeating: "long ", count: 50)]
        var small: [(String, [String: Any], Data)] = []
        for style in ["mpnet-wordpiece", "modernbert-bpe", "xlmr-unigram"] {
            var object = try base(style)
            var model = try XCTUnwrap(object["model"] as? [String: Any])
            // Smaller vocabularies keep each iteration fast; the structure stays the real one.
            if let vocab = model["vocab"] as? [Any] { model["vocab"] = Array(vocab.prefix(400)) }
            if let vocab = model["vocab"] as? [String: Any] {
                model["vocab"] = vocab.filter { ($0.value as? Int ?? 0) < 400 || $0.key.count == 1 }
            }
            if let merges = model["merges"] as? [Any] { model["merges"] = Array(merges.prefix(100)) }
            object["model"] = model
            small.append((style, object, try JSONSerialization.data(withJSONObject: object)))
        }
        var outcomes = (loaded: 0, rejected: 0)
        for iteration in 0..<300 {
            let (style, object, bytes) = small[iteration % small.count]
            let mutated: Data
            switch iteration % 4 {
            case 0: mutated = Self.mutateBytes(bytes, using: &generator)
            case 1, 2: mutated = try JSONSerialization.data(withJSONObject: Self.mutateValue(object, depth: 0, using: &generator))
            default: mutated = try Self.mutateCharsMap(object, bytes: bytes, using: &generator)
            }
            let file = scratch.appendingPathComponent("fuzz-\(style).json")
            try mutated.write(to: file)
            do {
                let tokenizer = try TokenizerLoader.load(tokenizerJSON: file, maximumLength: 24)
                outcomes.loaded += 1
                for text in texts {
                    if let ids = try? tokenizer.encode(text) {
                        XCTAssertLessThanOrEqual(ids.count, tokenizer.maximumLength, "iteration \(iteration)")
                        XCTAssertTrue(ids.allSatisfy { $0 >= 0 && Int($0) < tokenizer.vocabularySize }, "iteration \(iteration)")
                    }
                }
            } catch is SentenceEncoderError {
                outcomes.rejected += 1
            } catch {
                XCTFail("iteration \(iteration): untyped error \(error)")
            }
        }
        print("fuzz: \(outcomes.loaded) mutated files loaded and encoded, \(outcomes.rejected) rejected with typed errors")
        XCTAssertGreaterThan(outcomes.loaded, 50)
        XCTAssertGreaterThan(outcomes.rejected, 50)
    }

    private static func mutateBytes(_ bytes: Data, using generator: inout SeededGenerator) -> Data {
        var result = [UInt8](bytes)
        for _ in 0..<Int.random(in: 1...4, using: &generator) {
            guard !result.isEmpty else { break }
            let position = Int.random(in: 0..<result.count, using: &generator)
            switch Int.random(in: 0..<4, using: &generator) {
            case 0: result[position] = UInt8.random(in: 0...255, using: &generator)
            case 1: result.removeSubrange(position..<min(result.count, position + Int.random(in: 1...64, using: &generator)))
            case 2: result.insert(contentsOf: result[position..<min(result.count, position + 32)], at: position)
            default: result.removeSubrange(position...)
            }
        }
        return Data(result)
    }

    /// The object with one value somewhere in it replaced by a random JSON value.
    private static func mutateValue(_ value: Any, depth: Int, using generator: inout SeededGenerator) -> Any {
        let replacements: [Any] = [NSNull(), true, false, 0, -1, 3, 1_000_000_000_000, 0.5, "", "▁", "[UNK]", "Sequence", "Regex",
                                   [Any](), [String: Any](), ["type": "Sequence"], ["type": "Metaspace"], [["a", 1]], ["a": 1]]
        if depth > 0 && Int.random(in: 0..<4, using: &generator) == 0 {
            return replacements[Int.random(in: 0..<replacements.count, using: &generator)]
        }
        if var object = value as? [String: Any], !object.isEmpty {
            let keys = object.keys.sorted()
            let key = keys[Int.random(in: 0..<keys.count, using: &generator)]
            if Int.random(in: 0..<8, using: &generator) == 0 {
                object[key] = nil
            } else {
                object[key] = mutateValue(object[key]!, depth: depth + 1, using: &generator)
            }
            return object
        }
        if var array = value as? [Any], !array.isEmpty {
            let index = Int.random(in: 0..<array.count, using: &generator)
            array[index] = mutateValue(array[index], depth: depth + 1, using: &generator)
            return array
        }
        return replacements[Int.random(in: 0..<replacements.count, using: &generator)]
    }

    /// The file with bytes of its charsmap corrupted (or, without one, byte mutations).
    private static func mutateCharsMap(_ object: [String: Any], bytes: Data, using generator: inout SeededGenerator) throws -> Data {
        guard let normalizer = object["normalizer"] as? [String: Any], let encoded = normalizer["precompiled_charsmap"] as? String,
              var map = Data(base64Encoded: encoded).map({ [UInt8]($0) }) else {
            return mutateBytes(bytes, using: &generator)
        }
        for _ in 0..<Int.random(in: 1...16, using: &generator) {
            map[Int.random(in: 0..<map.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
        }
        var patched = object
        patched["normalizer"] = ["type": "Precompiled", "precompiled_charsmap": Data(map).base64EncodedString()]
        return try JSONSerialization.data(withJSONObject: patched)
    }
}

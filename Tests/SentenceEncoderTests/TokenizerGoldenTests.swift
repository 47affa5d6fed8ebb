import Foundation
import XCTest
@testable import SentenceEncoder

/// The tokenizer against the Hugging Face fast tokenizer's ids for 280 texts.
final class TokenizerGoldenTests: XCTestCase {
    func testAllGoldenCasesMatchExactly() throws {
        let cases = try SharedData.jsonLines(SharedData.file("golden/tokenizer_cases.jsonl"))
        let tokenizer = try TokenizerLoader.load(folder: SharedData.modelFolder(), maximumLength: 256)
        XCTAssertEqual(cases.count, 280)
        var exact = 0
        for (index, testCase) in cases.enumerated() {
            let text = try XCTUnwrap(testCase["text"] as? String)
            let expected = try XCTUnwrap(testCase["input_ids"] as? [Int]).map(Int32.init)
            let actual = try tokenizer.encode(text)
            if actual == expected {
                exact += 1
            } else {
                XCTFail("case \(index) \(text.debugDescription.prefix(80)): expected \(expected.prefix(40)), got \(actual.prefix(40))")
            }
        }
        print("tokenizer: \(exact)/\(cases.count) golden cases exact")
    }

    func testVocabTxtAndTokenizerJSONAgree() throws {
        let folder = try SharedData.modelFolder()
        let fromJSON = try TokenizerLoader.load(folder: folder, maximumLength: 64)
        let fromVocab = try VocabularyFile.tokenizer(
            vocabularyFile: folder.appendingPathComponent("vocab.txt"),
            configurationFile: folder.appendingPathComponent("tokenizer_config.json"), maximumLength: 64)
        for text in ["Hello, World! naïve café", "中文 [MASK] tokens", "unaffable antidisestablishmentarianism"] {
            XCTAssertEqual(try fromJSON.encode(text), try fromVocab.encode(text), text)
        }
    }

    func testSpecialTokensInRawTextAreKept() throws {
        let tokenizer = try TokenizerLoader.load(folder: SharedData.modelFolder(), maximumLength: 16)
        // "[MASK]" is an added token matched before normalization; "[mask]" is not.
        XCTAssertEqual(try tokenizer.encode("a [MASK] b"), [101, 1037, 103, 1038, 102])
        XCTAssertEqual(try tokenizer.encode("[mask]"), [101, 1031, 7308, 1033, 102])
    }

    /// Ids from the Hugging Face fast tokenizer (tokenizers 0.22): its category tables are
    /// Unicode 8.0, so later punctuation, marks and format characters count as unassigned and
    /// unassigned code points are kept (becoming [UNK] words), not dropped.
    func testUnicodeCategoriesFollowTheHuggingFaceTables() throws {
        let tokenizer = try TokenizerLoader.load(folder: SharedData.modelFolder(), maximumLength: 16)
        let cases: [(String, [Int32])] = [
            ("a\u{2E42}b", [101, 1037, 100, 1038, 102]),  // punctuation since Unicode 7.0: split off
            ("a\u{2E43}b", [101, 100, 102]),              // punctuation since 9.0: part of the word
            ("e\u{08E3}", [101, 1041, 102]),              // non-spacing mark since 8.0: stripped
            ("e\u{08D4}", [101, 100, 102]),               // non-spacing mark since 9.0: kept
            ("a\u{2066}b", [101, 11113, 102]),            // format character: dropped
            ("a\u{0A0D}b", [101, 100, 102]),              // unassigned: kept
            ("x\u{0A0D}!", [101, 100, 999, 102]),
        ]
        for (text, expected) in cases {
            XCTAssertEqual(try tokenizer.encode(text), expected, text.unicodeScalars.map { String($0.value, radix: 16) }.joined(separator: " "))
        }
    }

    func testTruncationKeepsSpecialTokens() throws {
        let tokenizer = try TokenizerLoader.load(folder: SharedData.modelFolder(), maximumLength: 10)
        let ids = try tokenizer.encode(String(repeating: "word ", count: 1000))
        XCTAssertEqual(ids.count, 10)
        XCTAssertEqual(ids.first, 101)
        XCTAssertEqual(ids.last, 102)
    }
}

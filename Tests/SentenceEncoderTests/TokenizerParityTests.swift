import Foundation
import XCTest
@testable import SentenceEncoder

/// Every tokenizer style against the Hugging Face fast tokenizer's ids on the hard text set
/// (multilingual, emoji, accents, whitespace, control characters, empty and over-long texts,
/// seeded random mixtures, SciFact), and every variant of each style's components.
final class TokenizerParityTests: XCTestCase {
    func testXLMRobertaUnigramMatchesHuggingFace() throws { try checkStyle("xlmr-unigram") }
    func testModernBERTByteLevelBPEMatchesHuggingFace() throws { try checkStyle("modernbert-bpe") }
    func testMPNetWordPieceMatchesHuggingFace() throws { try checkStyle("mpnet-wordpiece") }
    func testBERTWordPieceMatchesHuggingFace() throws { try checkStyle("bert-wordpiece") }

    func testXLMRobertaVariantsMatchHuggingFace() throws { try checkVariants("xlmr-unigram") }
    func testModernBERTVariantsMatchHuggingFace() throws { try checkVariants("modernbert-bpe") }
    func testMPNetVariantsMatchHuggingFace() throws { try checkVariants("mpnet-wordpiece") }

    private func checkStyle(_ style: String) throws {
        let set = try TokenizerFixtures.texts()
        let expected = try TokenizerFixtures.ids(style)
        XCTAssertEqual(expected.count, set.texts.count, "\(style): fixture and text set disagree; rerun the fixture script")
        let tokenizer = try TokenizerLoader.load(tokenizerJSON: TokenizerFixtures.tokenizerFile(style), maximumLength: set.maximumLength)
        let exact = try compare(tokenizer, texts: set.texts, expected: expected, label: style)
        print("\(style): \(exact)/\(expected.count) texts exact")
        XCTAssertTrue(expected.contains { $0.count == set.maximumLength }, "\(style): no text reaches the truncation length")
    }

    private func checkVariants(_ style: String) throws {
        let set = try TokenizerFixtures.texts()
        let variants = try TokenizerFixtures.variants(style, in: TokenizerFixtures.scratchFolder(for: self))
        XCTAssertFalse(variants.isEmpty)
        for variant in variants {
            let tokenizer = try TokenizerLoader.load(tokenizerJSON: variant.file, maximumLength: set.maximumLength)
            let exact = try compare(tokenizer, texts: Array(set.texts.prefix(variant.ids.count)), expected: variant.ids,
                                    label: "\(style) \(variant.name)")
            print("\(style) \(variant.name): \(exact)/\(variant.ids.count) texts exact")
        }
    }

    /// The number of texts whose ids are exact; a failure (the first five in full) for the others.
    private func compare(_ tokenizer: any Tokenizer, texts: [String], expected: [[Int32]], label: String) throws -> Int {
        var exact = 0
        var reported = 0
        for (text, ids) in zip(texts, expected) {
            let actual = try tokenizer.encode(text)
            if actual == ids {
                exact += 1
            } else if reported < 5 {
                reported += 1
                let scalars = text.unicodeScalars.prefix(40).map { String($0.value, radix: 16) }.joined(separator: " ")
                XCTFail("\(label): \(text.prefix(60).debugDescription) [\(scalars)]\n expected \(ids.prefix(40))\n actual   \(actual.prefix(40))")
            }
        }
        XCTAssertEqual(exact, expected.count, "\(label): \(expected.count - exact) texts differ")
        return exact
    }
}

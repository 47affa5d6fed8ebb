import EmbedQTestSupport
import Foundation
import XCTest
@testable import SentenceEncoder

/// Components checked against independent oracles: the GPT-2 split against the regular
/// expression it is written from, split behaviors against the Hugging Face documentation's
/// examples.
final class TokenizerComponentTests: XCTestCase {
    /// ``GPT2Split`` gives the matches of the GPT-2 pattern run by `NSRegularExpression` (ICU),
    /// on 2,000 seeded random strings over letters, digits, marks, punctuation, emoji and every
    /// kind of whitespace.
    func testGPT2SplitMatchesTheRegularExpression() throws {
        let expression = try RegularExpression(#"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"#)
        let pool: [String] = ["a", "Z", "é", "ß", "中", "ไ", "ا", "5", "٣", "½", "Ⅷ", "'", "s", "t", "re", "ll", "d", "m", "ve",
                              " ", " ", " ", "  ", "\t", "\n", "\r\n", "\u{0B}", "\u{85}", "\u{A0}", "\u{3000}", "\u{2028}",
                              "\u{200B}", "\u{1F}", ".", ",", "!", "-", "_", "😀", "👍🏽", "\u{301}", "\u{E000}", "$"]
        var generator = SeededGenerator(seed: 2)
        for iteration in 0..<2000 {
            let text = (0..<Int.random(in: 0...24, using: &generator)).map { _ in pool[Int.random(in: 0..<pool.count, using: &generator)] }.joined()
            let scalars = Array(text.unicodeScalars)
            let expected = expression.matches(in: scalars)
            XCTAssertEqual(GPT2Split.ranges(in: scalars), expected, "iteration \(iteration): \(text.debugDescription)")
        }
    }

    /// The examples of `SplitDelimiterBehavior` in the Hugging Face documentation:
    /// "the-final--countdown" split at "-".
    func testSplitBehaviorsFollowTheDocumentedExamples() {
        let piece = TextPiece(Array("the-final--countdown".unicodeScalars), startsText: true)
        func split(_ behavior: SplitBehavior) -> [String] {
            var output: [TextPiece] = []
            behavior.split(piece, where: { $0 == "-" }, into: &output)
            return output.map { String(String.UnicodeScalarView($0.scalars)) }
        }
        XCTAssertEqual(split(.removed), ["the", "final", "countdown"])
        XCTAssertEqual(split(.isolated), ["the", "-", "final", "-", "-", "countdown"])
        XCTAssertEqual(split(.mergedWithPrevious), ["the-", "final-", "-", "countdown"])
        XCTAssertEqual(split(.mergedWithNext), ["the", "-final", "-", "-countdown"])
        XCTAssertEqual(split(.contiguous), ["the", "-", "final", "--", "countdown"])
    }

    /// Only the piece that begins the text starts with ▁ under `prepend_scheme: first`; pieces
    /// after an added token do not.
    func testMetaspaceFirstPrependsOnlyAtTheStartOfTheText() {
        var pieces = [TextPiece(Array("hello world".unicodeScalars), startsText: true),
                      TextPiece(Array("again".unicodeScalars), startsText: false)]
        MetaspacePreTokenizer(prependScheme: .first).preTokenize(&pieces)
        XCTAssertEqual(pieces.map { String(String.UnicodeScalarView($0.scalars)) }, ["▁hello", "▁world", "again"])
    }

    /// The byte-level alphabet: printable Latin-1 bytes stand for themselves, the rest map to
    /// U+0100 onwards in byte order (space → Ġ U+0120, newline → Ċ U+010A).
    func testByteLevelAlphabet() {
        XCTAssertEqual(ByteLevelAlphabet.scalars[Int(UInt8(ascii: " "))], "\u{120}")
        XCTAssertEqual(ByteLevelAlphabet.scalars[10], "\u{10A}")
        XCTAssertEqual(ByteLevelAlphabet.scalars[Int(UInt8(ascii: "A"))], "A")
        XCTAssertEqual(ByteLevelAlphabet.scalars[0xAD], "\u{143}")
        XCTAssertEqual(Set(ByteLevelAlphabet.scalars).count, 256)
        XCTAssertEqual(ByteLevelAlphabet.map(Array("é".unicodeScalars)), ["\u{C3}", "\u{A9}"])
    }
}

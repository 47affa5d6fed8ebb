import Foundation
import XCTest
@testable import SentenceEncoder

/// The strict JSON parser `tokenizer.json` files are read with, against hand-checked values.
final class TokenizerJSONParserTests: XCTestCase {
    private func parse(_ text: String) throws -> JSONValue {
        try JSONParser.parse(Array(text.utf8))
    }

    private func string(_ value: JSONValue?) -> String? {
        if case .string(let text)? = value { return text }
        return nil
    }

    func testValuesAndEscapes() throws {
        let value = try parse(#" {"a": [1, -2.5e3, true, false, null], "b": "x\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00", "a": 7} "#)
        XCTAssertEqual(string(value["b"]), "x\"\\/\u{8}\u{C}\n\r\té😀")
        guard case .number(7)? = value["a"] else { return XCTFail("the last repeated member wins") }
        guard case .object(let members) = value else { return XCTFail() }
        XCTAssertEqual(members.count, 3, "members are kept in file order, repeats included")
        guard case .array(let elements) = members[0].value, case .number(-2500) = elements[1], case .null = elements[4] else {
            return XCTFail("array")
        }
    }

    /// Keys that Swift's `String` equality merges stay apart; a leading U+FEFF inside a string is
    /// kept (JSONSerialization on Linux drops it).
    func testKeysAndStringsKeepTheirExactScalars() throws {
        let value = try parse("{\"\u{E9}\": 1, \"e\u{301}\": 2, \"k\": \"\u{FEFF}x\"}")
        guard case .object(let members) = value else { return XCTFail() }
        XCTAssertEqual(members.map { Array($0.key.unicodeScalars) }, [["\u{E9}"], ["e", "\u{301}"], ["k"]])
        XCTAssertEqual(string(value["k"]).map { Array($0.unicodeScalars) }, ["\u{FEFF}", "x"])
        guard case .number(1)? = value["\u{E9}"], case .number(2)? = value["e\u{301}"] else { return XCTFail("lookup is scalar-exact") }
    }

    func testMalformedTextIsRejectedWithItsOffset() {
        let cases: [(String, String)] = [
            ("", "end"), ("{", "member name"), ("{\"a\" 1}", "':'"), ("[1,]", "unexpected"), ("[1 2]", "','"),
            ("01", "leading zero"), ("1.", "digits"), ("1e", "exponent"), ("\"abc", "unterminated"),
            ("\"a\u{1}b\"", "control character"), ("\"\\x\"", "escape"), ("\"\\ud800\"", "surrogate"),
            ("\"\\udc00x\"", "surrogate"), ("\"\\u12\"", "escape"), ("tru", "end"), ("nul!", "unexpected"), ("{} x", "after"),
            ("1e999", "out of range"), (String(repeating: "[", count: 300) + String(repeating: "]", count: 300), "nesting"),
        ]
        for (text, fragment) in cases {
            XCTAssertThrowsError(try parse(text), text.debugDescription) { error in
                XCTAssertTrue("\(error)".contains(fragment), "\(text.debugDescription): \(error)")
                XCTAssertTrue("\(error)".contains("at byte"), "\(error)")
            }
        }
        XCTAssertThrowsError(try JSONParser.parse([0x22, 0xC3, 0x28, 0x22])) { XCTAssertTrue("\($0)".contains("UTF-8")) }
        XCTAssertThrowsError(try JSONParser.parse([0x22, 0x5C, 0x6E, 0xFF, 0x22])) { XCTAssertTrue("\($0)".contains("UTF-8")) }
        XCTAssertNoThrow(try JSONParser.parse([0xEF, 0xBB, 0xBF] + Array("{}".utf8)), "a UTF-8 byte order mark before the text")
    }
}

import Foundation
import XCTest
@testable import SentenceEncoder

/// Opt-in: published tokenizers against the Hugging Face fast tokenizer's ids on every SciFact
/// text. `scripts/check-real-tokenizers.sh` prepares the folder `EMBEDQ_REAL_TOKENIZERS` names
/// (one sub-folder per model with its tokenizer files and `expected.jsonl`) and runs this test;
/// without the variable it is skipped.
final class RealTokenizerTests: XCTestCase {
    func testPublishedTokenizersMatchHuggingFace() throws {
        guard let root = ProcessInfo.processInfo.environment["EMBEDQ_REAL_TOKENIZERS"] else {
            throw XCTSkip("set EMBEDQ_REAL_TOKENIZERS (scripts/check-real-tokenizers.sh prepares it)")
        }
        let folders = try FileManager.default.contentsOfDirectory(atPath: root).sorted()
            .map { URL(fileURLWithPath: root).appendingPathComponent($0) }
            .filter { FileManager.default.fileExists(atPath: $0.appendingPathComponent("expected.jsonl").path) }
        XCTAssertFalse(folders.isEmpty, "no prepared tokenizer in \(root)")
        for folder in folders {
            let cases = try SharedData.jsonLines(folder.appendingPathComponent("expected.jsonl"))
            let maximumLength = try XCTUnwrap(cases.first?["max_length"] as? Int)
            let tokenizer = try TokenizerLoader.load(folder: folder, maximumLength: maximumLength)
            var exact = 0
            var reported = 0
            for testCase in cases {
                let text = try XCTUnwrap(testCase["text"] as? String)
                let expected = try XCTUnwrap(testCase["ids"] as? [Int]).map(Int32.init)
                let actual = try tokenizer.encode(text)
                if actual == expected {
                    exact += 1
                } else if reported < 5 {
                    reported += 1
                    XCTFail("\(folder.lastPathComponent): \(text.prefix(60).debugDescription)\n expected \(expected.prefix(30))\n actual   \(actual.prefix(30))")
                }
            }
            print("real tokenizer \(folder.lastPathComponent): \(exact)/\(cases.count) texts exact")
            XCTAssertEqual(exact, cases.count, folder.lastPathComponent)
        }
    }
}

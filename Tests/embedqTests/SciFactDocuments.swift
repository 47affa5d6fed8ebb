import Foundation
import XCTest

/// The first `count` SciFact documents of `../shared` with their ids, as MTEB builds the text
/// (`title + " " + text`, stripped) — the texts the CLI stream tests feed `embedq`.
func sciFactDocuments(_ count: Int) throws -> [(id: String, text: String)] {
    let corpus = try String(contentsOf: SharedData.file("datasets/scifact/corpus.jsonl"), encoding: .utf8)
    return try corpus.split(separator: "\n").prefix(count).map { line in
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        let title = object["title"] as? String ?? "", text = object["text"] as? String ?? ""
        return ("\(object["_id"]!)", (title.isEmpty ? text : title + " " + text).trimmingCharacters(in: .whitespacesAndNewlines))
    }
}

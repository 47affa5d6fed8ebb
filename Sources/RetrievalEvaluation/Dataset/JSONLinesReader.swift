import Foundation

/// Decodes the records of BEIR's `corpus.jsonl` and `queries.jsonl`, one JSON object a line.
enum JSONLinesReader {
    /// A record identifier that may be a JSON string or a JSON integer (`"_id": 42`).
    struct Identifier: Decodable {
        let value: String

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let text = try? container.decode(String.self) {
                value = text
            } else if let number = try? container.decode(Int64.self) {
                value = String(number)
            } else {
                throw DecodingError.typeMismatch(
                    String.self,
                    .init(codingPath: decoder.codingPath, debugDescription: "`_id` must be a string or an integer"))
            }
        }
    }

    /// One line of `corpus.jsonl` or `queries.jsonl`; `title` is optional.
    struct Record: Decodable {
        let id: Identifier
        let title: String?
        let text: String

        enum CodingKeys: String, CodingKey {
            case id = "_id"
            case title
            case text
        }
    }

    /// Decodes every non-blank line of `url` and passes it to `body` with its line number.
    /// Duplicate `_id`s are rejected.
    static func read(
        _ url: URL, _ body: (Record, Int) throws(DatasetError) -> Void
    ) throws(DatasetError) {
        let lines = try TextLines(contentsOf: url)
        let decoder = JSONDecoder()
        var seen = Set<String>()
        try lines.forEachLine { (line: Data, number: Int) throws(DatasetError) in
            let record: Record
            do {
                record = try decoder.decode(Record.self, from: line)
            } catch {
                throw .malformedJSON(path: lines.path, line: number, reason: reason(for: error))
            }
            guard seen.insert(record.id.value).inserted else {
                throw .duplicateIdentifier(path: lines.path, line: number, identifier: record.id.value)
            }
            try body(record, number)
        }
    }

    /// A short explanation of a decoding failure: the missing or mistyped field, or invalid JSON.
    private static func reason(for error: any Error) -> String {
        guard let error = error as? DecodingError else { return "\(error)" }
        switch error {
        case .keyNotFound(let key, _):
            return "missing field '\(key.stringValue)'"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            let field = context.codingPath.last?.stringValue ?? "record"
            let detail = context.debugDescription.isEmpty ? "" : ": \(context.debugDescription)"
            return "field '\(field)' has the wrong type\(detail)"
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty
                ? "not a valid JSON object" : "field '\(context.codingPath.last!.stringValue)' is invalid"
        @unknown default:
            return "\(error)"
        }
    }
}

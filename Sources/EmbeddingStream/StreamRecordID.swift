/// The `id` of a stream record, echoed back unchanged on its response line: a JSON string or a
/// JSON integer (64-bit signed). Anything else is refused with ``StreamLineError/invalidID(line:)``.
public enum StreamRecordID: Sendable, Hashable {
    /// A JSON string id, e.g. `"doc-17"`.
    case string(String)
    /// A JSON integer id, e.g. `17`.
    case integer(Int64)

    /// The id as JSON text: a quoted, escaped string or the integer's digits.
    public var jsonText: String {
        switch self {
        case .string(let value): return JSONText.quoted(value)
        case .integer(let value): return String(value)
        }
    }
}

extension StreamRecordID: Decodable {
    /// Decodes a JSON string or integer.
    ///
    /// - Throws: `DecodingError.typeMismatch` for any other JSON value.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let text = try? container.decode(String.self) {
            self = .string(text)
        } else if let number = try? container.decode(Int64.self) {
            self = .integer(number)
        } else {
            throw DecodingError.typeMismatch(
                StreamRecordID.self,
                DecodingError.Context(codingPath: decoder.codingPath, debugDescription: "an id is a JSON string or integer"))
        }
    }
}

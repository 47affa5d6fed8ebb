/// Why one input line of a stream got an `{"id", "error"}` response instead of a vector. Lines
/// are numbered from 1, blank lines included.
public enum StreamLineError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The line is not valid UTF-8 JSON.
    case invalidJSON(line: Int)
    /// The line is JSON but not an object.
    case notAnObject(line: Int)
    /// The object has no `id`.
    case missingID(line: Int)
    /// The `id` is neither a JSON string nor an integer.
    case invalidID(line: Int)
    /// The `id` is the empty string (refused as a collection point id).
    case emptyID(line: Int)
    /// The object has no `text`, or it is not a string.
    case missingText(line: Int)
    /// The `payload` member is not an object of strings, numbers, booleans and arrays of them
    /// (read only when the stream builds a collection segment).
    case invalidPayload(line: Int)
    /// The line is longer than the stream accepts (`limit` bytes); the rest of it is skipped.
    case oversizedLine(line: Int, limit: Int)
    /// The encoder or the quantizer refused the text (`reason` says why).
    case encodingFailed(line: Int, reason: String)

    /// The 1-based input line.
    public var line: Int {
        switch self {
        case .invalidJSON(let line), .notAnObject(let line), .missingID(let line), .invalidID(let line),
             .emptyID(let line), .missingText(let line), .invalidPayload(let line), .oversizedLine(let line, _), .encodingFailed(let line, _):
            return line
        }
    }

    /// A message naming the line and the problem.
    public var description: String {
        switch self {
        case .invalidJSON(let line): return "line \(line): not valid JSON"
        case .notAnObject(let line): return "line \(line): expected a JSON object {\"id\", \"text\"}"
        case .missingID(let line): return "line \(line): missing \"id\""
        case .invalidID(let line): return "line \(line): \"id\" must be a JSON string or integer"
        case .emptyID(let line): return "line \(line): \"id\" is empty"
        case .missingText(let line): return "line \(line): expected a string field \"text\""
        case .invalidPayload(let line):
            return "line \(line): \"payload\" must be a JSON object of strings, numbers, booleans and arrays of them"
        case .oversizedLine(let line, let limit): return "line \(line): longer than \(limit) bytes"
        case .encodingFailed(let line, let reason): return "line \(line): \(reason)"
        }
    }
}

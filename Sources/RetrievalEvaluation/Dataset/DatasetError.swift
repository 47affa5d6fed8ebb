/// Errors raised while loading a BEIR / MTEB dataset folder.
///
/// Every case names the file and, where a line is at fault, its 1-based line number.
public enum DatasetError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A required file (`corpus.jsonl`, `queries.jsonl` or `qrels/<split>.tsv`) does not exist.
    case missingFile(path: String)
    /// The file exists but could not be read (permissions, I/O error, not UTF-8).
    case unreadableFile(path: String, reason: String)
    /// A JSON Lines record is not valid JSON, not an object, or lacks a required field.
    case malformedJSON(path: String, line: Int, reason: String)
    /// A qrels line is not `query-id<TAB>corpus-id<TAB>score` with an integer score.
    case malformedQrels(path: String, line: Int, reason: String)
    /// The same `_id` appears twice in `corpus.jsonl` or `queries.jsonl`.
    case duplicateIdentifier(path: String, line: Int, identifier: String)
    /// The qrels judge a query that `queries.jsonl` does not contain.
    case unknownQuery(path: String, line: Int, queryID: String)

    /// A one-line message saying what is wrong and where (file and line).
    public var description: String {
        switch self {
        case .missingFile(let path):
            return "dataset file not found: \(path)"
        case .unreadableFile(let path, let reason):
            return "cannot read \(path): \(reason)"
        case .malformedJSON(let path, let line, let reason):
            return "\(path):\(line): malformed JSON record: \(reason)"
        case .malformedQrels(let path, let line, let reason):
            return "\(path):\(line): malformed qrels line: \(reason)"
        case .duplicateIdentifier(let path, let line, let identifier):
            return "\(path):\(line): duplicate _id '\(identifier)'"
        case .unknownQuery(let path, let line, let queryID):
            return "\(path):\(line): query '\(queryID)' is judged but absent from queries.jsonl"
        }
    }
}

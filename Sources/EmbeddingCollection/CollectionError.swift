import EmbeddingGraph
import EmbeddingQuantization
import EmbeddingSearch
import EmbeddingStore

/// Errors of a ``VectorCollection``: each case says what was wrong and where (directory, file,
/// byte offset, id, position in the batch), and ``kind`` sorts it for callers that map errors to
/// statuses (an exit code, an HTTP status).
public indirect enum CollectionError: Error, Equatable, Sendable, CustomStringConvertible {
    /// `path` is not a collection directory (nor an index file): missing, or without a `MANIFEST`.
    case notACollection(path: String, reason: String)
    /// A collection (or another file) already exists at `path`.
    case alreadyExists(path: String)
    /// The collection at `path` was opened read-only (or is an index file opened as a collection).
    case readOnly(path: String)
    /// The collection at `path` was closed; open it again.
    case closed(path: String)
    /// A configuration that cannot describe a collection (dimension, precisions, ranges).
    case invalidConfiguration(String)
    /// An argument that does not fit the collection (counts, k, options).
    case invalidArgument(String)
    /// Vectors, queries or ranges of another dimension than the collection's.
    case dimensionMismatch(expected: Int, actual: Int, what: String)
    /// An empty id at `position` of a batch.
    case emptyID(position: Int)
    /// An id that occurs twice in one batch (`position`: its second occurrence).
    case duplicateID(String, position: Int)
    /// A payload that is not a JSON object of strings, numbers, booleans and arrays of them.
    case invalidPayload(context: String, reason: String)
    /// A filter that is not valid Qdrant filter JSON of the supported conditions.
    case invalidFilter(String)
    /// The collection computes its ranges from its first batch, which must hold at least
    /// `needed` vectors (it held `got`); give more vectors or create it with ranges.
    case calibrationBatchTooSmall(needed: Int, got: Int)
    /// A text query or text batch encoded by another model than the one the collection records.
    case modelMismatch(recorded: String, given: String)
    /// Text was given, but the collection at `path` records no model to encode it with.
    case noModelRecorded(path: String)
    /// A collection file (manifest, log, deletions) is damaged: `reason` names the byte offset or field.
    case corruptFile(path: String, reason: String)
    /// A segment file could not be written, opened or read (the store's error names the file).
    case segment(IndexFileError)
    /// The HNSW graph section of the segment file at `path` is truncated, corrupt or inconsistent
    /// (a collection with ``CollectionIndex/hnsw(_:)`` opens every segment's graph).
    case corruptGraph(path: String, HNSWSectionError)
    /// A search failed (k, dimension, thread count, a failed read).
    case search(SearchError)
    /// Vectors could not be quantized (non-finite values, unusable ranges).
    case quantization(QuantizationError)
    /// A system call on `path` failed.
    case systemError(path: String, operation: String, errno: Int32, message: String)
    /// The operation was cancelled (its task was cancelled).
    case cancelled

    /// What kind of failure this is, for mapping to statuses.
    public var kind: CollectionErrorKind {
        switch self {
        case .notACollection: return .notFound
        case .alreadyExists, .readOnly, .closed, .modelMismatch: return .conflict
        case .invalidConfiguration, .invalidArgument, .dimensionMismatch, .emptyID, .duplicateID, .invalidPayload,
             .invalidFilter, .calibrationBatchTooSmall, .noModelRecorded, .quantization:
            return .badRequest
        case .corruptFile, .corruptGraph: return .corrupt
        case .segment(let error): return Self.kind(of: error)
        case .search(let error): return Self.kind(of: error)
        case .systemError: return .io
        case .cancelled: return .cancelled
        }
    }

    private static func kind(of error: IndexFileError) -> CollectionErrorKind {
        switch error {
        case .inFile(_, let inner): return kind(of: inner)
        case .systemError: return .io
        case .invalidArgument, .duplicateID, .emptyID: return .badRequest
        case .concurrentModification: return .conflict
        default: return .corrupt
        }
    }

    private static func kind(of error: SearchError) -> CollectionErrorKind {
        switch error {
        case .inIndex(_, let inner): return kind(of: inner)
        case .cancelled: return .cancelled
        case .readFailed, .cannotMapFile: return .io
        default: return .badRequest
        }
    }

    /// A one-line message naming the file or id and the problem.
    public var description: String {
        switch self {
        case .notACollection(let path, let reason): return "\(path): not a collection (\(reason))"
        case .alreadyExists(let path): return "\(path): a collection or file already exists there"
        case .readOnly(let path): return "\(path): the collection is open read-only"
        case .closed(let path): return "\(path): the collection was closed"
        case .invalidConfiguration(let reason): return "invalid collection configuration: \(reason)"
        case .invalidArgument(let reason): return reason
        case .dimensionMismatch(let expected, let actual, let what):
            return "dimension mismatch: \(what) has dimension \(actual), the collection has \(expected)"
        case .emptyID(let position): return "empty id at position \(position) of the batch"
        case .duplicateID(let id, let position):
            return "id '\(id)' occurs twice in one batch (again at position \(position))"
        case .invalidPayload(let context, let reason): return "invalid payload (\(context)): \(reason)"
        case .invalidFilter(let reason): return "invalid filter: \(reason)"
        case .calibrationBatchTooSmall(let needed, let got):
            return "the collection computes its calibration ranges from its first batch, which needs at least \(needed) vectors (got \(got)); add more at once or create the collection with ranges"
        case .modelMismatch(let recorded, let given):
            return "the collection was built with model \(recorded), not \(given); encode with the recorded model"
        case .noModelRecorded(let path): return "\(path): the collection records no model; create it with a model to use text"
        case .corruptFile(let path, let reason): return "\(path): \(reason)"
        case .segment(let error): return error.description
        case .corruptGraph(let path, let error): return "\(path): the HNSW graph section is damaged: \(error.description)"
        case .search(let error): return error.description
        case .quantization(let error): return "quantizing the vectors failed: \(error.description)"
        case .systemError(let path, let operation, let errno, let message):
            return "\(path): \(operation) failed: \(message) (errno \(errno))"
        case .cancelled: return "the operation was cancelled"
        }
    }
}

/// The kinds of ``CollectionError``, as a server maps them: bad request (400/422), not found
/// (404), conflict (409), a damaged file (500), an I/O failure (500/503), cancelled.
public enum CollectionErrorKind: String, Sendable, Equatable {
    /// The request itself is wrong (arguments, payloads, filters, dimensions).
    case badRequest
    /// The collection does not exist.
    case notFound
    /// The request conflicts with the collection's state (read-only, closed, another model).
    case conflict
    /// A file of the collection is damaged.
    case corrupt
    /// A system call failed.
    case io
    /// The operation was cancelled.
    case cancelled
}

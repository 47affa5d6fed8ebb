import EmbeddingQuantization
import EmbeddingSearch
import EmbeddingStore

/// Errors raised while building, changing or searching an index file through ``SearchableIndex``
/// and ``IndexBuilder``. Each case names the file (where there is one) and the problem.
public enum IndexSearchError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Opening, reading or writing the index file failed (the error names the file).
    case store(IndexFileError)
    /// The search itself failed (k, dimensions, non-finite queries, …) on the index at `path`.
    case search(path: String, SearchError)
    /// Quantizing embeddings for the index at `path` failed.
    case quantization(path: String, reason: String)
    /// Rescoring was asked for, but the index at `path` holds no rescoring codes.
    case noRescoringCodes(path: String)
    /// An argument is inconsistent with the index at `path` (row counts, dimension, precision).
    case invalidArgument(path: String, reason: String)

    /// A one-line message naming the file and the problem.
    public var description: String {
        switch self {
        case .store(let error):
            return error.description
        case .search(let path, let error):
            return "\(path): \(error.description)"
        case .quantization(let path, let reason):
            return "\(path): quantizing the embeddings failed: \(reason)"
        case .noRescoringCodes(let path):
            return "\(path): the index has no rescoring codes (build it with a rescoring precision)"
        case .invalidArgument(let path, let reason):
            return "\(path): \(reason)"
        }
    }
}

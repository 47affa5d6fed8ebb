import EmbeddingQuantization
import EmbeddingSearch
import EmbeddingStore

/// Errors raised while building, changing or opening an index file through ``IndexBuilder`` and
/// ``SearchableIndex``. Each case names the file (where there is one) and the problem. (Searching
/// an opened index throws `SearchError/inIndex(path:_:)`, as every `VectorIndex` throws
/// `SearchError`.)
public enum IndexSearchError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Opening, reading or writing the index file failed (the error names the file).
    case store(IndexFileError)
    /// Preparing the index at `path` for search failed (its codes cannot be indexed).
    case search(path: String, SearchError)
    /// Quantizing embeddings for the index at `path` failed.
    case quantization(path: String, QuantizationError)
    /// An argument is inconsistent with the index at `path` (row counts, dimension, precision).
    case invalidArgument(path: String, reason: String)

    /// A one-line message naming the file and the problem.
    public var description: String {
        switch self {
        case .store(let error):
            return error.description
        case .search(let path, let error):
            return "\(path): \(error.description)"
        case .quantization(let path, let error):
            return "\(path): quantizing the embeddings failed: \(error.description)"
        case .invalidArgument(let path, let reason):
            return "\(path): \(reason)"
        }
    }
}

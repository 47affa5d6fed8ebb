import EmbeddingGraph
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
    /// The graph file at `path` (``IndexGraphFile``) cannot be built: the fast codes' precision
    /// has no graph distance, or a parameter is out of range.
    case graphBuild(path: String, HNSWError)
    /// The graph file at `path` is truncated or corrupt.
    case graphSection(path: String, HNSWSectionError)
    /// The graph file at `path` was built on other fast codes (rows added, or the index
    /// compacted or rebuilt since): rebuild it with `embedq index graph`.
    case staleGraph(path: String, reason: String)
    /// The graph file at `path` cannot be read or written.
    case graphFile(path: String, reason: String)

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
        case .graphBuild(let path, let error):
            return "\(path): cannot build the graph: \(error.description)"
        case .graphSection(let path, let error):
            return "\(path): invalid graph file: \(error.description)"
        case .staleGraph(let path, let reason):
            return "\(path): the graph is stale (\(reason)); rebuild it with `embedq index graph`, or search with --exact"
        case .graphFile(let path, let reason):
            return "\(path): \(reason)"
        }
    }
}

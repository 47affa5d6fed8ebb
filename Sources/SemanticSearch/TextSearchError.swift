import EmbeddingIndex
import EmbeddingSearch
import SentenceEncoder

/// Errors of the text-in, hits-out calls: the encoder's, the search's or the index file's,
/// each kept typed so that a caller (exit codes, HTTP statuses) can tell them apart.
public enum TextSearchError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Loading the model or encoding the texts failed.
    case encoder(SentenceEncoderError)
    /// The search failed (k, dimension — e.g. a model of another width —, a failed read).
    case search(SearchError)
    /// Building or opening the index file failed.
    case index(IndexSearchError)
    /// The index file at `path` records no model, so texts cannot be encoded for it.
    case noModelRecorded(path: String)

    /// A one-line message naming the file or model and the problem.
    public var description: String {
        switch self {
        case .encoder(let error): return error.description
        case .search(let error): return error.description
        case .index(let error): return error.description
        case .noModelRecorded(let path):
            return "\(path): the index records no model; build it with a model to search it with text"
        }
    }
}

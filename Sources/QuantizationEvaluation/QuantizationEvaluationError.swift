import EmbeddingQuantization
import EmbeddingSearch
import RetrievalEvaluation
import SentenceEncoder

/// What can go wrong while evaluating precisions on a dataset. Each case names its cause.
public enum QuantizationEvaluationError: Error, Sendable, CustomStringConvertible {
    /// The model could not be found, loaded or run.
    case encoder(SentenceEncoderError)
    /// Calibration or quantization failed.
    case quantization(QuantizationError)
    /// A search failed.
    case search(SearchError)
    /// The metrics could not be computed.
    case evaluation(EvaluationError)
    /// The report rejected a row.
    case report(ReportError)
    /// The embedding cache's folder at `path` could not be created (`reason`: the system's words).
    case cache(path: String, reason: String)
    /// A peer run file (``PeerRun``) or an exported file at `path` could not be read or written.
    case file(path: String, reason: String)
    /// An embedding cache file could not be written.
    case cacheFile(NPYError)
    /// A cached or computed matrix has an unexpected shape.
    case shapeMismatch(what: String, expected: String, actual: String)

    /// A one-line explanation.
    public var description: String {
        switch self {
        case .encoder(let error): return "encoder: \(error.description)"
        case .quantization(let error): return "quantization: \(error.description)"
        case .search(let error): return "search: \(error.description)"
        case .evaluation(let error): return "evaluation: \(error.description)"
        case .report(let error): return "report: \(error.description)"
        case .cache(let path, let reason): return "embedding cache \(path): \(reason)"
        case .file(let path, let reason): return "\(path): \(reason)"
        case .cacheFile(let error): return "embedding cache: \(error.description)"
        case .shapeMismatch(let what, let expected, let actual):
            return "\(what): expected shape \(expected), got \(actual)"
        }
    }
}

import EmbeddingSearch
import RetrievalEvaluation

/// What can go wrong while evaluating precisions on a dataset. Each case names its cause.
public enum QuantizationEvaluationError: Error, Sendable, CustomStringConvertible {
    /// The model could not be found, loaded or run.
    case encoder(String)
    /// Calibration or quantization failed (the message of the quantization layer).
    case quantization(String)
    /// A search failed.
    case search(SearchError)
    /// The metrics could not be computed.
    case evaluation(EvaluationError)
    /// The report rejected a row.
    case report(ReportError)
    /// The embedding cache at `path` could not be read or written.
    case cache(path: String, reason: String)
    /// A peer run file (``PeerRun``) or an exported file at `path` could not be read or written.
    case file(path: String, reason: String)
    /// A cached or computed matrix has an unexpected shape.
    case shapeMismatch(what: String, expected: String, actual: String)

    /// A one-line explanation.
    public var description: String {
        switch self {
        case .encoder(let message): return "encoder: \(message)"
        case .quantization(let message): return "quantization: \(message)"
        case .search(let error): return "search: \(error)"
        case .evaluation(let error): return "evaluation: \(error)"
        case .report(let error): return "report: \(error)"
        case .cache(let path, let reason): return "embedding cache \(path): \(reason)"
        case .file(let path, let reason): return "\(path): \(reason)"
        case .shapeMismatch(let what, let expected, let actual):
            return "\(what): expected shape \(expected), got \(actual)"
        }
    }
}

/// What can go wrong while training or applying a projection head. Each case names its cause.
public enum TrainingError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A parameter outside its domain (dimensions, learning rate, batch size, …).
    case invalidParameter(String)
    /// Rows of another dimension than the head's.
    case dimensionMismatch(expected: Int, actual: Int, what: String)
    /// Too little data to train or hold out (`what` says which).
    case tooFewRows(rows: Int, needed: Int, what: String)
    /// A head file that cannot be read or written (the file and the problem).
    case malformedHead(String)
    /// A precision no head quantizer models.
    case unsupportedPrecision(String)

    /// A one-line explanation.
    public var description: String {
        switch self {
        case .invalidParameter(let message): return "invalid parameter: \(message)"
        case .dimensionMismatch(let expected, let actual, let what):
            return "dimension mismatch: \(what) has dimension \(actual), the head takes \(expected)"
        case .tooFewRows(let rows, let needed, let what): return "\(what): \(rows) rows, at least \(needed) needed"
        case .malformedHead(let message): return "malformed head: \(message)"
        case .unsupportedPrecision(let name):
            return "no head quantizer for precision '\(name)'; use binary, ubinary, ternary, int4, rabitq1 or none"
        }
    }
}

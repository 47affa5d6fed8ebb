import EmbeddingQuantization

/// Errors raised by searching and rescoring. Each case says what was wrong and where.
public enum SearchError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Queries (or codes, ranges) whose dimension differs from the index's.
    case dimensionMismatch(expected: Int, actual: Int, what: String)
    /// `k` must be at least 1.
    case invalidK(Int)
    /// A thread count below 1.
    case invalidThreadCount(Int)
    /// A rescoring multiplier below 1.
    case invalidRescoreMultiplier(Int)
    /// Query codes of another precision than the index's codes.
    case precisionMismatch(index: Precision, queries: Precision)
    /// The precision needs calibration ranges (or ternary thresholds) that were not given.
    case missingRanges(Precision)
    /// A dimension above the limit for which integer accumulation cannot overflow.
    case dimensionTooLarge(dimension: Int, limit: Int, precision: Precision)
    /// A NaN or infinite value in a float query or corpus.
    case nonFiniteValue(what: String, row: Int, column: Int)
    /// A byte source whose size is not `rows × bytesPerVector`.
    case byteCountMismatch(expected: Int, actual: Int)
    /// A candidate row outside the stored rows.
    case rowOutOfRange(row: Int, rowCount: Int)
    /// A file that could not be opened or memory-mapped.
    case cannotMapFile(path: String, reason: String)
    /// A failure of the quantization layer while encoding queries.
    case quantization(QuantizationError)
    /// A precision this kind of index does not search (e.g. RaBitQ codes in a ``FlatIndex``:
    /// ``RaBitQIndex`` searches them).
    case unsupportedPrecision(Precision, reason: String)

    /// A one-line explanation naming the offending value.
    public var description: String {
        switch self {
        case .dimensionMismatch(let expected, let actual, let what):
            return "dimension mismatch: \(what) has dimension \(actual), the index has \(expected)"
        case .invalidK(let k):
            return "k must be at least 1, got \(k)"
        case .invalidThreadCount(let threads):
            return "the thread count must be at least 1, got \(threads)"
        case .invalidRescoreMultiplier(let multiplier):
            return "the rescoring multiplier must be at least 1, got \(multiplier)"
        case .precisionMismatch(let index, let queries):
            return "the queries are \(queries.rawValue) codes but the index holds \(index.rawValue) codes"
        case .missingRanges(let precision):
            return "\(precision.rawValue) codes need calibration ranges (and ternary thresholds for ternary); none were given"
        case .dimensionTooLarge(let dimension, let limit, let precision):
            return "dimension \(dimension) exceeds \(limit), the largest for which \(precision.rawValue) dot products cannot overflow"
        case .nonFiniteValue(let what, let row, let column):
            return "non-finite value in \(what) at row \(row), column \(column)"
        case .unsupportedPrecision(let precision, let reason):
            return "\(precision.rawValue) codes cannot be searched here: \(reason)"
        case .byteCountMismatch(let expected, let actual):
            return "the code bytes hold \(actual) bytes, expected \(expected)"
        case .rowOutOfRange(let row, let rowCount):
            return "row \(row) is outside the \(rowCount) stored rows"
        case .cannotMapFile(let path, let reason):
            return "cannot map \(path): \(reason)"
        case .quantization(let error):
            return "quantizing the queries failed: \(error)"
        }
    }
}

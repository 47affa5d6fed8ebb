/// Errors raised while calibrating, quantizing or dequantizing embeddings.
///
/// Every case says what was wrong and where (row, column, dimension).
public enum QuantizationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A precision name that is none of ``Precision``'s cases.
    case unknownPrecision(String)
    /// A matrix whose value count is not `rows × dimension`.
    case shapeMismatch(expectedValues: Int, actualValues: Int)
    /// Rows of different lengths given to build a matrix.
    case raggedRows(row: Int, expectedDimension: Int, actualDimension: Int)
    /// Ranges (or thresholds) whose dimension differs from the embeddings'.
    case dimensionMismatch(expected: Int, actual: Int, what: String)
    /// A NaN or infinite value in the input.
    case nonFiniteValue(row: Int, column: Int, value: Float)
    /// A range whose minimum exceeds its maximum.
    case invertedRange(column: Int, minimum: Float, maximum: Float)
    /// Self-calibration from a single embedding (every range would be empty).
    case tooFewRowsToCalibrate(rows: Int)
    /// Integer input given where float embeddings are required.
    case integerInput(dtype: String)
    /// The code buffer does not hold `rows × bytesPerVector` bytes.
    case codeSizeMismatch(expectedBytes: Int, actualBytes: Int)
    /// A parameter outside its domain (quantile outside 0...0.5, negative k, …).
    case invalidParameter(String)
    /// The precision needs calibration ranges (or thresholds) that were not given.
    case missingCalibration(Precision)
    /// A ranges file (JSON or .npy) that cannot be read as ranges.
    case malformedRanges(String)

    public var description: String {
        switch self {
        case .unknownPrecision(let name):
            let valid = Precision.allCases.map(\.rawValue).joined(separator: ", ")
            return "unknown precision '\(name)'; expected one of: \(valid)"
        case .shapeMismatch(let expected, let actual):
            return "matrix shape mismatch: expected \(expected) values, got \(actual)"
        case .raggedRows(let row, let expected, let actual):
            return "row \(row) has \(actual) values, expected \(expected) like row 0"
        case .dimensionMismatch(let expected, let actual, let what):
            return "dimension mismatch: \(what) has dimension \(actual), the embeddings have \(expected)"
        case .nonFiniteValue(let row, let column, let value):
            return "non-finite value \(value) at row \(row), column \(column)"
        case .invertedRange(let column, let minimum, let maximum):
            return "range for column \(column) is inverted: minimum \(minimum) > maximum \(maximum)"
        case .tooFewRowsToCalibrate(let rows):
            return "cannot calibrate ranges from \(rows) embedding(s): give ranges or at least 2 calibration embeddings"
        case .integerInput(let dtype):
            return "quantization needs float embeddings, got integer dtype \(dtype) (already quantized?)"
        case .codeSizeMismatch(let expected, let actual):
            return "code buffer holds \(actual) bytes, expected \(expected)"
        case .invalidParameter(let message):
            return "invalid parameter: \(message)"
        case .missingCalibration(let precision) where precision.rabitqCodeBits != nil:
            return "precision \(precision.rawValue) needs ranges with a RaBitQ rotation and centroid (embedq calibrate --rotation)"
        case .missingCalibration(let precision):
            return "precision \(precision.rawValue) needs calibration ranges; give ranges or calibration embeddings"
        case .malformedRanges(let message):
            return "malformed ranges: \(message)"
        }
    }
}

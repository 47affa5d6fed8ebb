/// Errors raised when a quantization report cannot be built from its results.
public enum ReportError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The report has no result rows.
    case noResults
    /// No row carries the baseline's name, so retention, compression and speed-up are undefined.
    case missingBaseline(name: String)
    /// Two rows carry the same name.
    case duplicateName(String)
    /// A value is out of range: NaN or infinite, a metric outside 0...1, a byte count not above
    /// zero or a negative time.
    case invalidValue(row: String, field: String, value: Double)
    /// A metric summary lacks a metric the report needs.
    case missingMetric(row: String, metric: RankingMetric)

    /// A one-line message saying which row and field are wrong.
    public var description: String {
        switch self {
        case .noResults:
            return "the report has no results"
        case .missingBaseline(let name):
            return "no result is named '\(name)', the baseline the report compares against"
        case .duplicateName(let name):
            return "two results are named '\(name)'"
        case .invalidValue(let row, let field, let value):
            return "result '\(row)': \(field) = \(value) is out of range"
        case .missingMetric(let row, let metric):
            return "result '\(row)': the metric summary has no \(metric)"
        }
    }
}

import EmbeddingQuantization
import EmbeddingSearch

/// Errors of building an HNSW graph or pairing one with its codes. Reading a stored graph has
/// its own errors (``HNSWSectionError``); searching throws `SearchError`.
public enum HNSWError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A precision the graph has no distance for (`uint8`, `int4`).
    case unsupportedPrecision(Precision)
    /// A build parameter out of range.
    case invalidParameter(name: String, value: Int, reason: String)
    /// More rows than node numbers (32-bit, the last one reserved).
    case tooManyRows(Int)
    /// The codes do not match the graph (rows, dimension or precision differ).
    case codesMismatch(what: String, graph: String, codes: String)
    /// A NaN or infinity in float rows to index.
    case nonFiniteValue(row: Int, column: Int)
    /// The codes need calibration ranges (int8, ternary) to quantize float queries.
    case missingRanges(Precision)

    /// A one-line explanation naming the offending value.
    public var description: String {
        switch self {
        case .unsupportedPrecision(let precision):
            return "an HNSW graph cannot index \(precision.rawValue) codes (binary, ubinary, ternary, int8, float32, float16 and bfloat16 can be)"
        case .invalidParameter(let name, let value, let reason):
            return "HNSW parameter \(name) = \(value) \(reason)"
        case .tooManyRows(let rows):
            return "\(rows) rows exceed the \(HNSWGraph.maximumRowCount) an HNSW graph numbers"
        case .codesMismatch(let what, let graph, let codes):
            return "the codes do not match the graph: \(what) is \(codes), the graph was built on \(graph)"
        case .nonFiniteValue(let row, let column):
            return "non-finite value in the rows to index at row \(row), column \(column)"
        case .missingRanges(let precision):
            return "\(precision.rawValue) codes need their calibration ranges (and ternary thresholds for ternary) to quantize float queries"
        }
    }
}

/// How per-dimension ranges are derived from calibration embeddings.
public enum CalibrationMethod: Sendable, Equatable, CustomStringConvertible {
    /// The observed minimum and maximum of each dimension (sentence-transformers' choice).
    case minMax
    /// The `p` and `1 − p` quantiles of each dimension (linear interpolation, as NumPy's default),
    /// `0 ≤ p < 0.5`; e.g. `0.001` clips the 0.1 % most extreme values at each end.
    case quantile(Double)
    /// `mean ± k·std` of each dimension (population standard deviation), `k > 0`, clamped to the
    /// observed minimum and maximum so no code is spent outside the data.
    case meanStd(Double)

    /// Parses `minmax`, `quantile:P` or `meanstd:K` (the CLI's `--method`).
    public init(parsing text: String) throws(QuantizationError) {
        let parts = text.lowercased().split(separator: ":", maxSplits: 1).map(String.init)
        switch (parts.first ?? "", parts.count) {
        case ("minmax", 1):
            self = .minMax
        case ("quantile", 2):
            guard let p = Double(parts[1]), p >= 0, p < 0.5 else {
                throw QuantizationError.invalidParameter("quantile must be in [0, 0.5), got '\(parts[1])'")
            }
            self = .quantile(p)
        case ("meanstd", 2):
            guard let k = Double(parts[1]), k > 0, k.isFinite else {
                throw QuantizationError.invalidParameter("meanstd k must be a positive number, got '\(parts[1])'")
            }
            self = .meanStd(k)
        default:
            throw QuantizationError.invalidParameter(
                "unknown calibration method '\(text)'; expected minmax, quantile:P (e.g. quantile:0.001) or meanstd:K (e.g. meanstd:3)")
        }
    }

    public var description: String {
        switch self {
        case .minMax: return "minmax"
        case .quantile(let p): return "quantile:\(p)"
        case .meanStd(let k): return "meanstd:\(k)"
        }
    }
}

import EmbeddingQuantization

/// The quantizer in a head's forward pass, with its straight-through gradient: the forward value
/// is the code the deployed precision produces from the head's output `y`; the backward pass
/// lets the gradient through unchanged where `|y|` is within the quantizer's working range and
/// stops it outside (a hard-tanh straight-through estimator).
public enum HeadQuantizer: String, Sendable, CaseIterable {
    /// No quantization (`q = y`): the float head, and the exact chain the gradient checks use.
    case identity
    /// `binary` / `ubinary` / `rabitq1`: `+1` for `y > 0`, else `−1` (Hamming = (d′ − ⟨q, q'⟩)/2).
    case sign
    /// `ternary`: `+1` above `t_d`, `−1` below `−t_d`, else 0, `t_d = α·σ_d` of the batch's outputs
    /// (α = ``Calibration/defaultTernaryAlpha``, as `embedq calibrate` sets the thresholds).
    case ternary
    /// `int4`: 16 levels between the batch's per-dimension minimum and maximum.
    case int4

    /// The quantizer that models `precision`.
    ///
    /// - Throws: ``TrainingError/unsupportedPrecision(_:)`` for float precisions and int8 / uint8.
    public init(for precision: Precision) throws(TrainingError) {
        switch precision {
        case .binary, .ubinary, .rabitq1: self = .sign
        case .ternary: self = .ternary
        case .int4: self = .int4
        default: throw .unsupportedPrecision(precision.rawValue)
        }
    }

    /// Quantizes `y` (`n × d′`, row-major) in place of a copy; returns the codes and the
    /// straight-through mask (1 where the gradient passes).
    func forward(_ y: [Double], rows n: Int, dimension p: Int) -> (codes: [Double], mask: [Double]) {
        switch self {
        case .identity:
            return (y, [Double](repeating: 1, count: y.count))
        case .sign:
            return (y.map { $0 > 0 ? 1 : -1 }, y.map { abs($0) <= 1 ? 1 : 0 })
        case .ternary, .int4:
            var mean = [Double](repeating: 0, count: p), squares = [Double](repeating: 0, count: p)
            var low = [Double](repeating: .infinity, count: p), high = [Double](repeating: -.infinity, count: p)
            for row in 0..<n {
                for i in 0..<p {
                    let v = y[row * p + i]
                    mean[i] += v
                    squares[i] += v * v
                    low[i] = min(low[i], v)
                    high[i] = max(high[i], v)
                }
            }
            var codes = y, mask = y
            for i in 0..<p {
                let m = mean[i] / Double(max(n, 1))
                let sigma = max(squares[i] / Double(max(n, 1)) - m * m, 0).squareRoot()
                let threshold = Double(Calibration.defaultTernaryAlpha) * sigma
                let step = high[i] > low[i] ? (high[i] - low[i]) / 15 : 1
                for row in 0..<n {
                    let v = y[row * p + i]
                    if self == .ternary {
                        codes[row * p + i] = v > threshold ? 1 : (v < -threshold ? -1 : 0)
                        mask[row * p + i] = abs(v) <= max(2 * threshold, 1e-12) ? 1 / max(threshold, 1e-12) : 0
                    } else {
                        codes[row * p + i] = ((v - low[i]) / step).rounded() * step + low[i]
                        mask[row * p + i] = 1
                    }
                }
            }
            return (codes, mask)
        }
    }
}

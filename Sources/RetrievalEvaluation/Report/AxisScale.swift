import Foundation

/// Maps data values on one chart axis to pixel positions and chooses the axis ticks.
public struct AxisScale: Sendable, Equatable {
    /// How values are spaced along the axis.
    public enum Kind: Sendable, Equatable {
        /// Equal differences take equal space; ticks at 1, 2 or 5 × 10ⁿ steps.
        case linear
        /// Equal ratios take equal space; ticks at powers of `base`: base 2 gives 32, 64, 128, …
        /// (natural for byte counts); base 10 gives 1, 2 and 5 × 10ⁿ.
        case logarithmic(base: Int)
    }

    /// The spacing.
    public let kind: Kind
    /// The smallest value on the axis (a tick).
    public let lowerBound: Double
    /// The largest value on the axis (a tick).
    public let upperBound: Double
    /// The tick values, ascending, from `lowerBound` to `upperBound`.
    public let ticks: [Double]

    /// Chooses a domain that holds `values` with a little padding and ends on ticks.
    ///
    /// Logarithmic scales need positive values; non-positive ones are ignored. With no usable
    /// value the domain is 0...1 (linear) or 1...10 (logarithmic).
    public init(fitting values: [Double], kind: Kind) {
        self.kind = kind
        switch kind {
        case .linear:
            let finite = values.filter(\.isFinite)
            var low = finite.min() ?? 0
            var high = finite.max() ?? 1
            let padding = high > low ? (high - low) * 0.08 : max(abs(high) * 0.05, 1)
            low -= padding
            high += padding
            let step = Self.niceStep((high - low) / 5)
            let first = (low / step).rounded(.down) * step
            let count = Int(((high / step).rounded(.up) * step - first) / step + 0.5)
            let ticks = (0...count).map { first + Double($0) * step }
            self.ticks = ticks
            lowerBound = ticks.first!
            upperBound = ticks.last!
        case .logarithmic(let base):
            let positive = values.filter { $0.isFinite && $0 > 0 }
            let low = (positive.min() ?? 1) / 1.3
            let high = (positive.max() ?? 10) * 1.3
            let ticks: [Double]
            if base == 2 {
                let first = log2(low).rounded(.down)
                let last = max(log2(high).rounded(.up), first + 1)
                ticks = stride(from: first, through: last, by: 1).map { pow(2, $0) }
            } else {
                ticks = Self.oneTwoFiveTicks(from: low, to: high)
            }
            self.ticks = ticks
            lowerBound = ticks.first!
            upperBound = ticks.last!
        }
    }

    /// The position of `value` between `start` and `end` pixels (`end` may be below `start`,
    /// as for a y axis drawn upwards).
    public func position(of value: Double, from start: Double, to end: Double) -> Double {
        let fraction: Double
        switch kind {
        case .linear:
            fraction = (value - lowerBound) / (upperBound - lowerBound)
        case .logarithmic:
            fraction = (log(max(value, .leastNormalMagnitude)) - log(lowerBound)) / (log(upperBound) - log(lowerBound))
        }
        return start + fraction * (end - start)
    }

    /// A step of 1, 2, 2.5 or 5 × 10ⁿ close to `rough`.
    static func niceStep(_ rough: Double) -> Double {
        guard rough > 0, rough.isFinite else { return 1 }
        let magnitude = pow(10, log10(rough).rounded(.down))
        let fraction = rough / magnitude
        let nice: Double = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 2.5 ? 2.5 : fraction <= 5 ? 5 : 10
        return nice * magnitude
    }

    /// Ticks at 1, 2 and 5 × 10ⁿ covering `low...high`, starting at or below `low` and ending
    /// at or above `high`.
    static func oneTwoFiveTicks(from low: Double, to high: Double) -> [Double] {
        var decade = pow(10, log10(low).rounded(.down))
        var candidates: [Double] = []
        while decade <= high * 10, candidates.count < 64 {
            candidates += [decade, 2 * decade, 5 * decade]
            decade *= 10
        }
        let first = candidates.lastIndex { $0 <= low } ?? 0
        let last = candidates.firstIndex { $0 >= high } ?? candidates.count - 1
        return Array(candidates[first...max(last, first + 1)])
    }
}

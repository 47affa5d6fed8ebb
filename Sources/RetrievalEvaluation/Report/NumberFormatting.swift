import Foundation

/// Number formats shared by the report renderers (locale-independent: `.` as decimal point).
enum NumberFormatting {
    /// `value` with exactly `decimals` digits after the point.
    static func fixed(_ value: Double, decimals: Int) -> String {
        String(format: "%.\(decimals)f", value)
    }

    /// A fraction as a percentage with two decimals: 0.64512 → `64.51`.
    static func percent(_ fraction: Double) -> String {
        fixed(100 * fraction, decimals: 2)
    }

    /// A time in milliseconds with about three significant digits: `0.0412`, `0.412`, `4.12`,
    /// `41.2`, `412`.
    static func milliseconds(_ value: Double) -> String {
        switch value {
        case 0: return "0"
        case ..<0.1: return fixed(value, decimals: 4)
        case ..<1: return fixed(value, decimals: 3)
        case ..<10: return fixed(value, decimals: 2)
        case ..<100: return fixed(value, decimals: 1)
        default: return fixed(value, decimals: 0)
        }
    }

    /// A ratio with a multiplication sign: `32.0×`, `1.25×` below 10, `128×` from 100.
    static func ratio(_ value: Double) -> String {
        switch value {
        case ..<10: return fixed(value, decimals: 2) + "×"
        case ..<100: return fixed(value, decimals: 1) + "×"
        default: return fixed(value, decimals: 0) + "×"
        }
    }

    /// The shortest text for a plain number: integers without a point (`1536`), other values
    /// with at most `maximumDecimals` digits and no trailing zeros (`0.05`, `2.5`).
    static func compact(_ value: Double, maximumDecimals: Int = 4) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        var text = fixed(value, decimals: maximumDecimals)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }
}

/// A payload value that a keyword condition (`match`) compares exactly: a string, an integer or a
/// boolean. Ordered by kind (booleans, integers, strings), then by value, for the sorted keyword
/// lists of a payload index.
public enum PayloadKeyword: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// `false` or `true`.
    case bool(Bool)
    /// A whole number.
    case integer(Int64)
    /// A string (compared by its UTF-8 bytes).
    case string(String)

    /// The keyword a payload scalar is matched as; `nil` for doubles and arrays.
    init?(_ value: PayloadValue) {
        switch value {
        case .bool(let flag): self = .bool(flag)
        case .integer(let number): self = .integer(number)
        case .string(let text): self = .string(text)
        case .double, .array: return nil
        }
    }

    private var kindOrder: Int {
        switch self {
        case .bool: return 0
        case .integer: return 1
        case .string: return 2
        }
    }

    /// Kind first (booleans, integers, strings), then the value (strings by UTF-8 bytes).
    public static func < (lhs: PayloadKeyword, rhs: PayloadKeyword) -> Bool {
        switch (lhs, rhs) {
        case (.bool(let a), .bool(let b)): return !a && b
        case (.integer(let a), .integer(let b)): return a < b
        case (.string(let a), .string(let b)): return a.utf8.lexicographicallyPrecedes(b.utf8)
        default: return lhs.kindOrder < rhs.kindOrder
        }
    }

    /// The keyword as JSON text.
    public var description: String {
        switch self {
        case .bool(let flag): return String(flag)
        case .integer(let number): return String(number)
        case .string(let text): return "\"\(text)\""
        }
    }
}

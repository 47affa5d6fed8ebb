/// One value of a payload field: a string, a number (an integer when the JSON number is a whole
/// number that fits 64 bits, else a double), a boolean, or an array of those (not of arrays).
public enum PayloadValue: Sendable, Hashable, Codable, CustomStringConvertible {
    /// A string.
    case string(String)
    /// A whole number (JSON `3`, `-7`; also `3.0`).
    case integer(Int64)
    /// A number with a fraction or beyond 64-bit integers (finite).
    case double(Double)
    /// `true` or `false`.
    case bool(Bool)
    /// An array of strings, numbers and booleans.
    case array([PayloadValue])

    /// The scalars this value holds: itself, or an array's elements. A condition on a field
    /// matches when it matches any of them (Qdrant's rule for arrays).
    public var scalars: [PayloadValue] {
        if case .array(let elements) = self { return elements }
        return [self]
    }

    /// The value as a number, when it is one (integers widened to `Double`).
    public var number: Double? {
        switch self {
        case .integer(let value): return Double(value)
        case .double(let value): return value
        default: return nil
        }
    }

    /// Decodes a JSON value; objects, `null` and arrays of arrays are refused.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int64.self) {
            self = .integer(value)
        } else if let value = try? container.decode(Double.self) {
            guard value.isFinite else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "numbers must be finite")
            }
            self = value == value.rounded() && abs(value) < 9.2e18 ? .integer(Int64(value)) : .double(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let elements = try? container.decode([PayloadValue].self) {
            if elements.contains(where: { if case .array = $0 { return true } else { return false } }) {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "arrays of arrays are not supported")
            }
            self = .array(elements)
        } else if container.decodeNil() {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "null is not a payload value")
        } else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "expected a string, number, boolean or array of them (nested objects are not supported)")
        }
    }

    /// Encodes the value as JSON (integers as integers, doubles in their shortest exact form).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let value): try container.encode(value)
        case .integer(let value): try container.encode(value)
        case .double(let value): try container.encode(value)
        case .bool(let value): try container.encode(value)
        case .array(let elements): try container.encode(elements)
        }
    }

    /// The value as JSON text (e.g. `"red"`, `3`, `[1,2]`).
    public var description: String {
        switch self {
        case .string(let value): return "\"\(value)\""
        case .integer(let value): return String(value)
        case .double(let value): return String(value)
        case .bool(let value): return String(value)
        case .array(let elements): return "[" + elements.map(\.description).joined(separator: ",") + "]"
        }
    }
}

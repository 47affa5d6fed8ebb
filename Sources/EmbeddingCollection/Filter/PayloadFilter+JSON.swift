#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension PayloadFilter {
    /// Parses a filter written in Qdrant's JSON syntax (see ``PayloadFilter``). A clause may be
    /// an array of conditions or a single condition; unknown keys are refused rather than ignored.
    ///
    /// - Throws: ``CollectionError/invalidFilter(_:)`` naming the offending part (its path, e.g.
    ///   `must[1].range`).
    public init(json: some Collection<UInt8>) throws(CollectionError) {
        let value: FilterJSON
        do {
            value = try JSONDecoder().decode(FilterJSON.self, from: Data(json))
        } catch {
            throw .invalidFilter("not valid JSON")
        }
        self = try Self.parse(value, path: "")
    }

    /// Parses a filter written in Qdrant's JSON syntax from text.
    ///
    /// - Throws: ``CollectionError/invalidFilter(_:)``.
    public init(json text: String) throws(CollectionError) {
        try self.init(json: Array(text.utf8))
    }

    static func parse(_ value: FilterJSON, path: String) throws(CollectionError) -> PayloadFilter {
        guard case .object(let members) = value else { throw .invalidFilter("\(describe(path))a filter must be a JSON object") }
        var filter = PayloadFilter()
        for (key, member) in members.sorted(by: { $0.key < $1.key }) {
            let clausePath = path.isEmpty ? key : "\(path).\(key)"
            let conditions: [FilterJSON]
            switch member {
            case .array(let items): conditions = items
            case .object: conditions = [member]
            default: throw .invalidFilter("\(clausePath): expected an array of conditions")
            }
            var parsed: [FilterCondition] = []
            for (position, item) in conditions.enumerated() {
                parsed.append(try parseCondition(item, path: "\(clausePath)[\(position)]"))
            }
            switch key {
            case "must": filter.must = parsed
            case "should": filter.should = parsed
            case "must_not": filter.mustNot = parsed
            default:
                throw .invalidFilter("\(clausePath): unknown clause (supported: must, should, must_not)")
            }
        }
        return filter
    }

    private static func parseCondition(_ value: FilterJSON, path: String) throws(CollectionError) -> FilterCondition {
        guard case .object(let members) = value else { throw .invalidFilter("\(path): a condition must be a JSON object") }
        if let ids = members["has_id"] {
            guard members.count == 1, case .array(let items) = ids else {
                throw .invalidFilter("\(path).has_id: expected {\"has_id\": [ids…]} alone")
            }
            var set = Set<String>()
            for (position, item) in items.enumerated() {
                switch item {
                case .string(let id) where !id.isEmpty: set.insert(id)
                case .integer(let number) where number >= 0: set.insert(String(number))
                default: throw .invalidFilter("\(path).has_id[\(position)]: expected a non-empty string or a non-negative integer")
                }
            }
            return .hasID(set)
        }
        if members["key"] == nil {
            return .filter(try parse(value, path: path))
        }
        guard case .string(let key) = members["key"]!, !key.isEmpty else {
            throw .invalidFilter("\(path).key: expected a non-empty string")
        }
        let other = members.keys.filter { $0 != "key" }.sorted()
        guard other.count == 1 else {
            throw .invalidFilter("\(path): a field condition has \"key\" and exactly one of \"match\", \"range\" (found \(other.isEmpty ? "none" : other.joined(separator: ", ")))")
        }
        let kind = other[0]
        switch kind {
        case "match": return try parseMatch(members["match"]!, key: key, path: "\(path).match")
        case "range": return .range(key: key, try parseRange(members["range"]!, path: "\(path).range"))
        default:
            throw .invalidFilter("\(path).\(kind): unsupported condition (supported: match with value or any, range)")
        }
    }

    private static func parseMatch(_ value: FilterJSON, key: String, path: String) throws(CollectionError) -> FilterCondition {
        guard case .object(let members) = value, members.count == 1, let (kind, operand) = members.first else {
            throw .invalidFilter("\(path): expected {\"value\": V} or {\"any\": [V…]}")
        }
        switch kind {
        case "value":
            return .match(key: key, value: try keyword(operand, path: "\(path).value"))
        case "any":
            guard case .array(let items) = operand else { throw .invalidFilter("\(path).any: expected an array") }
            var values: [PayloadKeyword] = []
            for (position, item) in items.enumerated() { values.append(try keyword(item, path: "\(path).any[\(position)]")) }
            return .matchAny(key: key, values: values)
        default:
            throw .invalidFilter("\(path).\(kind): unsupported match (supported: value, any)")
        }
    }

    private static func keyword(_ value: FilterJSON, path: String) throws(CollectionError) -> PayloadKeyword {
        switch value {
        case .string(let text): return .string(text)
        case .bool(let flag): return .bool(flag)
        case .integer(let number): return .integer(number)
        case .double: throw .invalidFilter("\(path): match compares strings, integers and booleans; use range for fractional numbers")
        default: throw .invalidFilter("\(path): expected a string, integer or boolean")
        }
    }

    private static func parseRange(_ value: FilterJSON, path: String) throws(CollectionError) -> NumericRange {
        guard case .object(let members) = value, !members.isEmpty else {
            throw .invalidFilter("\(path): expected an object with gt, gte, lt or lte")
        }
        var range = NumericRange()
        for (bound, operand) in members.sorted(by: { $0.key < $1.key }) {
            let number: Double
            switch operand {
            case .integer(let value): number = Double(value)
            case .double(let value): number = value
            case .null: continue  // Qdrant's clients send absent bounds as null
            default: throw .invalidFilter("\(path).\(bound): expected a number")
            }
            switch bound {
            case "gt": range.greaterThan = number
            case "gte": range.greaterThanOrEqual = number
            case "lt": range.lessThan = number
            case "lte": range.lessThanOrEqual = number
            default: throw .invalidFilter("\(path).\(bound): unknown bound (supported: gt, gte, lt, lte)")
            }
        }
        return range
    }

    private static func describe(_ path: String) -> String { path.isEmpty ? "" : "\(path): " }
}

/// A parsed JSON value, as filters need it (integers kept apart from fractional numbers).
indirect enum FilterJSON: Decodable, Sendable {
    case null
    case bool(Bool)
    case integer(Int64)
    case double(Double)
    case string(String)
    case array([FilterJSON])
    case object([String: FilterJSON])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int64.self) {
            self = .integer(value)
        } else if let value = try? container.decode(Double.self) {
            self = value == value.rounded() && abs(value) < 9.2e18 ? .integer(Int64(value)) : .double(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([FilterJSON].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: FilterJSON].self))
        }
    }
}

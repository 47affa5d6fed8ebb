extension PointFilter {
    /// Reads a filter in Qdrant's shape (see ``PointFilter``) from `json`, the value of the
    /// request field `field`.
    ///
    /// - Throws: ``CollectionStoreError/invalid(_:)`` (422) naming the part of the filter that is not an
    ///   object, has an unknown member, or a condition that is none of `match` (`value` | `any`),
    ///   `range` (`gt`, `gte`, `lt`, `lte`), `has_id` or a nested filter.
    public init(json: JSONValue, field: String) throws {
        guard case .object(let members) = json else {
            throw CollectionStoreError.invalid("'\(field)' must be an object with 'must', 'should' and/or 'must_not'")
        }
        var must: [Condition] = [], should: [Condition] = [], mustNot: [Condition] = []
        for (key, value) in members {
            let path = "\(field).\(key)"
            switch key {
            case "must": must = try Self.conditions(value, path: path)
            case "should": should = try Self.conditions(value, path: path)
            case "must_not": mustNot = try Self.conditions(value, path: path)
            default: throw CollectionStoreError.invalid("'\(path)': unknown member; a filter has 'must', 'should' and 'must_not'")
            }
        }
        self.init(must: must, should: should, mustNot: mustNot)
    }

    /// The conditions of one clause: a list, or a single condition object.
    private static func conditions(_ json: JSONValue, path: String) throws -> [Condition] {
        switch json {
        case .array(let elements): return try elements.enumerated().map { try condition($1, path: "\(path)[\($0)]") }
        case .object: return [try condition(json, path: path)]
        case .null: return []
        default: throw CollectionStoreError.invalid("'\(path)' must be a list of conditions")
        }
    }

    /// One condition object.
    private static func condition(_ json: JSONValue, path: String) throws -> Condition {
        guard case .object(let members) = json else { throw CollectionStoreError.invalid("'\(path)' must be a condition object") }
        let keys = Set(members.map(\.0))
        if keys.contains("has_id") {
            guard case .array(let ids)? = json["has_id"] else { throw CollectionStoreError.invalid("'\(path).has_id' must be a list of ids") }
            return .hasID(Set(try ids.enumerated().map { try pointID($1, field: "\(path).has_id[\($0)]") }))
        }
        if !keys.isDisjoint(with: ["must", "should", "must_not"]) {
            return .filter(try PointFilter(json: json, field: path))
        }
        guard case .string(let key)? = json["key"] else {
            throw CollectionStoreError.invalid("'\(path)': a condition needs 'key' (a payload field) with 'match' or 'range', or 'has_id', or a nested filter")
        }
        if let match = json["match"] {
            guard case .object = match else { throw CollectionStoreError.invalid("'\(path).match' must be an object with 'value' or 'any'") }
            if let value = match["value"] {
                guard isScalar(value) else { throw CollectionStoreError.invalid("'\(path).match.value' must be a string, number or boolean") }
                return .matchValue(key: key, value: value)
            }
            if case .array(let values)? = match["any"] {
                guard values.allSatisfy(isScalar) else { throw CollectionStoreError.invalid("'\(path).match.any' must list strings, numbers or booleans") }
                return .matchAny(key: key, values: values)
            }
            throw CollectionStoreError.invalid("'\(path).match' must have 'value' or 'any' (a list)")
        }
        if let range = json["range"] {
            guard case .object(let bounds) = range, !bounds.isEmpty else {
                throw CollectionStoreError.invalid("'\(path).range' must be an object with some of 'gt', 'gte', 'lt', 'lte'")
            }
            var result = NumericRange()
            for (name, bound) in bounds {
                guard let number = bound.number else { throw CollectionStoreError.invalid("'\(path).range.\(name)' must be a number") }
                switch name {
                case "gt": result.greaterThan = number
                case "gte": result.greaterThanOrEqual = number
                case "lt": result.lessThan = number
                case "lte": result.lessThanOrEqual = number
                default: throw CollectionStoreError.invalid("'\(path).range.\(name)': unknown bound; use 'gt', 'gte', 'lt', 'lte'")
                }
            }
            return .range(key: key, result)
        }
        throw CollectionStoreError.invalid("'\(path)': a condition on 'key' needs 'match' or 'range'")
    }

    private static func isScalar(_ value: JSONValue) -> Bool {
        switch value {
        case .string, .int, .double, .bool: return true
        default: return false
        }
    }

    /// A point id from JSON: a non-empty string, or a non-negative integer (as its decimal text).
    ///
    /// - Throws: ``CollectionStoreError/invalid(_:)`` naming `field` for anything else.
    static func pointID(_ json: JSONValue, field: String) throws -> String {
        switch json {
        case .string(let id) where !id.isEmpty: return id
        case .int(let number) where number >= 0: return String(number)
        default: throw CollectionStoreError.invalid("'\(field)' must be a non-empty string or a non-negative integer")
        }
    }
}

import EmbeddingCollection

/// The translations between the server's request values (``JSONValue`` payloads, ``PointFilter``)
/// and the collection engine's (`Payload`, `PayloadFilter`), and from `CollectionError` to the
/// ``CollectionStoreError`` the routes answer with.
enum CollectionConversions {
    /// The collection payload of a point's JSON payload (`nil` or `null`: none).
    ///
    /// - Throws: ``CollectionStoreError/invalid(_:)`` naming `field` for anything but an object of
    ///   strings, numbers, booleans and arrays of them (the engine stores no nested objects, no
    ///   arrays of arrays and no `null` values).
    static func payload(_ json: JSONValue?, field: String) throws -> Payload {
        switch json {
        case nil, .null?: return Payload()
        case .object(let pairs)?:
            var payload = Payload()
            for (key, value) in pairs {
                payload[key] = try payloadValue(value, field: "\(field).\(key)", allowArray: true)
            }
            return payload
        default:
            throw CollectionStoreError.invalid("'\(field)' must be an object")
        }
    }

    private static func payloadValue(_ json: JSONValue, field: String, allowArray: Bool) throws -> PayloadValue {
        switch json {
        case .string(let text): return .string(text)
        case .bool(let flag): return .bool(flag)
        case .int(let number): return .integer(Int64(number))
        case .double(let number):
            return number == number.rounded() && abs(number) < 9.2e18 ? .integer(Int64(number)) : .double(number)
        case .array(let elements) where allowArray:
            return .array(try elements.enumerated().map { try payloadValue($1, field: "\(field)[\($0)]", allowArray: false) })
        case .array:
            throw CollectionStoreError.invalid("'\(field)': arrays of arrays are not supported in payloads")
        case .object:
            throw CollectionStoreError.invalid("'\(field)': nested objects are not supported in payloads (use flat keys such as \"meta_lang\")")
        case .null:
            throw CollectionStoreError.invalid("'\(field)': null is not a payload value (leave the key out)")
        }
    }

    /// The JSON of a stored payload (`nil` for an empty one, as a point upserted without one).
    static func json(_ payload: Payload?) -> JSONValue? {
        guard let payload, !payload.isEmpty else { return nil }
        return .object(payload.fields.sorted { $0.key < $1.key }.map { ($0.key, jsonValue($0.value)) })
    }

    private static func jsonValue(_ value: PayloadValue) -> JSONValue {
        switch value {
        case .string(let text): return .string(text)
        case .integer(let number): return Int(exactly: number).map(JSONValue.int) ?? .double(Double(number))
        case .double(let number): return .double(number)
        case .bool(let flag): return .bool(flag)
        case .array(let elements): return .array(elements.map(jsonValue))
        }
    }

    /// The engine's filter for the server's: the same conditions (a fractional `match` value
    /// becomes the range `[v, v]`, since the engine matches keywords only).
    static func filter(_ filter: PointFilter) -> PayloadFilter {
        PayloadFilter(must: filter.must.map(condition), should: filter.should.map(condition), mustNot: filter.mustNot.map(condition))
    }

    private static func condition(_ condition: PointFilter.Condition) -> FilterCondition {
        switch condition {
        case .matchValue(let key, let value):
            return keyword(value).map { FilterCondition.match(key: key, value: $0) } ?? exactNumber(key: key, value)
        case .matchAny(let key, let values):
            let keywords = values.compactMap(keyword)
            if keywords.count == values.count { return .matchAny(key: key, values: keywords) }
            let alternatives = values.map { value in
                keyword(value).map { FilterCondition.match(key: key, value: $0) } ?? exactNumber(key: key, value)
            }
            return .filter(PayloadFilter(should: alternatives))
        case .range(let key, let range):
            return .range(key: key, NumericRange(gt: range.greaterThan, gte: range.greaterThanOrEqual, lt: range.lessThan, lte: range.lessThanOrEqual))
        case .hasID(let ids):
            return .hasID(ids)
        case .filter(let nested):
            return .filter(filter(nested))
        }
    }

    /// A string, boolean or whole number as the engine's keyword (`nil` for a fractional number).
    private static func keyword(_ value: JSONValue) -> PayloadKeyword? {
        switch value {
        case .string(let text): return .string(text)
        case .bool(let flag): return .bool(flag)
        case .int(let number): return .integer(Int64(number))
        case .double(let number) where number == number.rounded() && abs(number) < 9.2e18: return .integer(Int64(number))
        default: return nil
        }
    }

    /// `key` equal to the number `value` (a range of one point); a non-number matches nothing.
    private static func exactNumber(key: String, _ value: JSONValue) -> FilterCondition {
        guard let number = value.number else { return .filter(PayloadFilter(must: [.matchAny(key: key, values: [])])) }
        return .range(key: key, NumericRange(gte: number, lte: number))
    }

    /// The store error for an engine error about collection `name`, or the error itself when the
    /// client did not cause it (a damaged file, a failed system call: answered 500, logged).
    static func storeError(_ error: CollectionError, collection name: String) -> any Error {
        switch error {
        case .notACollection, .closed: return CollectionStoreError.collectionNotFound(name)
        case .alreadyExists: return CollectionStoreError.collectionExists(name)
        case .readOnly: return CollectionStoreError.readOnly(name)
        case .dimensionMismatch(let expected, let actual, let what):
            return CollectionStoreError.dimensionMismatch(expected: expected, actual: actual, what: what)
        case .modelMismatch, .noModelRecorded: return CollectionStoreError.invalid(error.description)
        default:
            return error.kind == .badRequest ? CollectionStoreError.invalid(error.description) : error
        }
    }
}

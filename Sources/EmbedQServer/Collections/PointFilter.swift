/// A filter over point ids and payloads in Qdrant's filter shape, as the server reads it (the
/// read-only index-file collections use it; a store may read the JSON with its own type):
///
/// ```json
/// {"must": [{"key": "lang", "match": {"value": "en"}}, {"key": "year", "range": {"gte": 2020}}],
///  "must_not": [{"has_id": ["7"]}], "should": [{"key": "tag", "match": {"any": ["a", "b"]}}]}
/// ```
///
/// A point matches when every `must` condition holds, no `must_not` condition holds, and — when
/// `should` is not empty — at least one `should` condition holds. Keys are dotted paths into the
/// payload (`"meta.lang"`); a condition on a key the payload lacks does not hold.
public struct PointFilter: Sendable, Equatable {
    /// One condition.
    public indirect enum Condition: Sendable, Equatable {
        /// The value at `key` equals `value` (numbers compare numerically; an array value holds
        /// when one of its elements equals it).
        case matchValue(key: String, value: JSONValue)
        /// The value at `key` equals one of `values`.
        case matchAny(key: String, values: [JSONValue])
        /// The number at `key` lies within the bounds.
        case range(key: String, NumericRange)
        /// The point's id is one of these.
        case hasID(Set<String>)
        /// A nested filter.
        case filter(PointFilter)
    }

    /// Bounds on a number (each optional).
    public struct NumericRange: Sendable, Equatable {
        /// Greater than.
        public var greaterThan: Double?
        /// Greater than or equal.
        public var greaterThanOrEqual: Double?
        /// Less than.
        public var lessThan: Double?
        /// Less than or equal.
        public var lessThanOrEqual: Double?

        /// Creates bounds.
        public init(greaterThan: Double? = nil, greaterThanOrEqual: Double? = nil, lessThan: Double? = nil, lessThanOrEqual: Double? = nil) {
            self.greaterThan = greaterThan
            self.greaterThanOrEqual = greaterThanOrEqual
            self.lessThan = lessThan
            self.lessThanOrEqual = lessThanOrEqual
        }

        /// Whether `number` lies within every bound.
        public func contains(_ number: Double) -> Bool {
            if let bound = greaterThan, !(number > bound) { return false }
            if let bound = greaterThanOrEqual, !(number >= bound) { return false }
            if let bound = lessThan, !(number < bound) { return false }
            if let bound = lessThanOrEqual, !(number <= bound) { return false }
            return true
        }
    }

    /// Conditions that must all hold.
    public var must: [Condition]
    /// Conditions of which at least one must hold (ignored when empty).
    public var should: [Condition]
    /// Conditions none of which may hold.
    public var mustNot: [Condition]

    /// Creates a filter.
    public init(must: [Condition] = [], should: [Condition] = [], mustNot: [Condition] = []) {
        self.must = must
        self.should = should
        self.mustNot = mustNot
    }

    /// Whether the point `id` with `payload` (`nil`: none) matches.
    public func matches(id: String, payload: JSONValue?) -> Bool {
        for condition in must where !condition.holds(id: id, payload: payload) { return false }
        for condition in mustNot where condition.holds(id: id, payload: payload) { return false }
        return should.isEmpty || should.contains { $0.holds(id: id, payload: payload) }
    }

    /// Whether the filter looks at payloads at all (a filter of `has_id` conditions only does not).
    public var readsPayload: Bool {
        (must + should + mustNot).contains { condition in
            switch condition {
            case .hasID: return false
            case .filter(let nested): return nested.readsPayload
            default: return true
            }
        }
    }
}

extension PointFilter.Condition {
    /// Whether the condition holds for the point `id` with `payload`.
    func holds(id: String, payload: JSONValue?) -> Bool {
        switch self {
        case .matchValue(let key, let value):
            guard let found = payload?.value(at: key) else { return false }
            return Self.contains(found, value)
        case .matchAny(let key, let values):
            guard let found = payload?.value(at: key) else { return false }
            return values.contains { Self.contains(found, $0) }
        case .range(let key, let range):
            guard let found = payload?.value(at: key) else { return false }
            if case .array(let elements) = found { return elements.contains { $0.number.map(range.contains) ?? false } }
            return found.number.map(range.contains) ?? false
        case .hasID(let ids):
            return ids.contains(id)
        case .filter(let nested):
            return nested.matches(id: id, payload: payload)
        }
    }

    /// Whether `found` equals `wanted`, or is an array with an element equal to it.
    private static func contains(_ found: JSONValue, _ wanted: JSONValue) -> Bool {
        if case .array(let elements) = found { return elements.contains { equal($0, wanted) } }
        return equal(found, wanted)
    }

    /// Equality with numbers compared numerically (`1` equals `1.0`).
    private static func equal(_ a: JSONValue, _ b: JSONValue) -> Bool {
        if let x = a.number, let y = b.number { return x == y }
        return a == b
    }
}

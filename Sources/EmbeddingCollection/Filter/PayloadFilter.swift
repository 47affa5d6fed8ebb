/// A filter over payloads in Qdrant's syntax: `must` (every condition holds), `should` (at least
/// one holds, when there are any) and `must_not` (none holds), whose conditions are field
/// conditions or nested filters:
///
/// ```json
/// {"must": [{"key": "color", "match": {"value": "red"}},
///           {"key": "year", "range": {"gte": 2020, "lt": 2024}}],
///  "should": [{"key": "tags", "match": {"any": ["a", "b"]}}],
///  "must_not": [{"must": [{"key": "draft", "match": {"value": true}}]}]}
/// ```
///
/// A condition on a field holding an array holds when it holds for any element (Qdrant's rule);
/// a missing field satisfies no condition. `{"has_id": [ids…]}` holds for the points of those ids. Searches apply the filter inside the scan (a
/// `RowFilter` per segment), so filtered results are exact at every selectivity.
public struct PayloadFilter: Sendable, Hashable {
    /// Conditions that must all hold.
    public var must: [FilterCondition]
    /// Conditions of which at least one must hold (ignored when empty).
    public var should: [FilterCondition]
    /// Conditions of which none may hold.
    public var mustNot: [FilterCondition]

    /// A filter from its three clauses (all empty: every point matches).
    public init(must: [FilterCondition] = [], should: [FilterCondition] = [], mustNot: [FilterCondition] = []) {
        self.must = must
        self.should = should
        self.mustNot = mustNot
    }

    /// Whether the point `id` (`nil`: unknown, so no `has_id` condition holds) with `payload`
    /// satisfies the filter.
    public func matches(_ payload: Payload, id: String? = nil) -> Bool {
        guard must.allSatisfy({ $0.matches(payload, id: id) }) else { return false }
        if !should.isEmpty, !should.contains(where: { $0.matches(payload, id: id) }) { return false }
        return !mustNot.contains { $0.matches(payload, id: id) }
    }

    /// Whether a condition of the filter (nested ones included) is a `has_id` condition: the
    /// filter then needs each point's id, and the payload indexes alone cannot answer it.
    public var readsIDs: Bool {
        (must + should + mustNot).contains { condition in
            switch condition {
            case .hasID: return true
            case .filter(let nested): return nested.readsIDs
            case .match, .matchAny, .range: return false
            }
        }
    }

    /// Every payload key the filter reads.
    public var keys: Set<String> {
        var keys = Set<String>()
        for condition in must + should + mustNot { keys.formUnion(condition.keys) }
        return keys
    }
}

/// One condition of a ``PayloadFilter``.
public indirect enum FilterCondition: Sendable, Hashable {
    /// `{"key": K, "match": {"value": V}}`: the field (or an element of it) equals `V`.
    case match(key: String, value: PayloadKeyword)
    /// `{"key": K, "match": {"any": [V…]}}`: the field (or an element) equals one of the values.
    case matchAny(key: String, values: [PayloadKeyword])
    /// `{"key": K, "range": {"gt"|"gte"|"lt"|"lte": N}}`: the field (or an element) is a number
    /// inside the bounds.
    case range(key: String, NumericRange)
    /// A nested filter (an object with `must` / `should` / `must_not`).
    case filter(PayloadFilter)
    /// `{"has_id": [ids…]}`: the point's id is one of these.
    case hasID(Set<String>)

    /// Whether the point `id` (`nil`: unknown; no `has_id` condition holds) with `payload`
    /// satisfies the condition.
    public func matches(_ payload: Payload, id: String? = nil) -> Bool {
        switch self {
        case .hasID(let ids):
            return id.map(ids.contains) ?? false
        case .match(let key, let value):
            return payload[key]?.scalars.contains { PayloadKeyword($0) == value } ?? false
        case .matchAny(let key, let values):
            return payload[key]?.scalars.contains { scalar in PayloadKeyword(scalar).map(values.contains) ?? false } ?? false
        case .range(let key, let range):
            return payload[key]?.scalars.contains { $0.number.map(range.contains) ?? false } ?? false
        case .filter(let filter):
            return filter.matches(payload, id: id)
        }
    }

    /// The payload keys the condition reads.
    var keys: Set<String> {
        switch self {
        case .match(let key, _), .matchAny(let key, _), .range(let key, _): return [key]
        case .filter(let filter): return filter.keys
        case .hasID: return []
        }
    }
}

/// The bounds of a `range` condition; absent bounds do not limit.
public struct NumericRange: Sendable, Hashable {
    /// Values must be greater than this.
    public var greaterThan: Double?
    /// Values must be at least this.
    public var greaterThanOrEqual: Double?
    /// Values must be less than this.
    public var lessThan: Double?
    /// Values must be at most this.
    public var lessThanOrEqual: Double?

    /// A range from Qdrant's `gt`, `gte`, `lt` and `lte`.
    public init(gt: Double? = nil, gte: Double? = nil, lt: Double? = nil, lte: Double? = nil) {
        greaterThan = gt
        greaterThanOrEqual = gte
        lessThan = lt
        lessThanOrEqual = lte
    }

    /// Whether `value` lies inside every given bound.
    public func contains(_ value: Double) -> Bool {
        if let bound = greaterThan, !(value > bound) { return false }
        if let bound = greaterThanOrEqual, !(value >= bound) { return false }
        if let bound = lessThan, !(value < bound) { return false }
        if let bound = lessThanOrEqual, !(value <= bound) { return false }
        return true
    }
}

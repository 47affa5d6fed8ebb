/// Which rows a search may return (FAISS's `IDSelector`): a set of allowed rows, a set of
/// excluded rows (deletions), a predicate, or the intersection of several.
///
/// Every ``VectorIndex`` applies it where it selects candidates — inside the block scan, before a
/// row enters the top-k — so the hits are the exact best among the allowed rows at any
/// selectivity, and blocks without an allowed row are not scored at all. Deletions and attribute
/// filters go through the same mechanism: an index file excludes its deleted rows by
/// intersecting the caller's filter with ``excluding(_:)``.
///
/// ```swift
/// let recent = RowFilter.allowing(rows: recentRows, rowCount: index.rowCount)
/// let hits = try index.search(queries, k: 10, filter: recent.intersection(.excluding(deleted)))
/// ```
public struct RowFilter: Sendable {
    /// One condition a row must meet.
    enum Rule: Sendable {
        /// Only rows in the set (rows past its `rowCount` are rejected).
        case allowed(RowBitset)
        /// Rows not in the set (rows past its `rowCount` are allowed).
        case excluded(RowBitset)
        /// Rows for which the predicate returns `true`.
        case predicate(@Sendable (Int) -> Bool)
    }

    /// Conditions that must all hold.
    let rules: [Rule]

    /// Only the rows in `rows`.
    public static func allowing(_ rows: RowBitset) -> RowFilter { RowFilter(rules: [.allowed(rows)]) }

    /// Only `rows` of an index of `rowCount` rows.
    public static func allowing(rows: some Sequence<Int>, rowCount: Int) -> RowFilter {
        allowing(RowBitset(rowCount: rowCount, rows: rows))
    }

    /// Every row except those in `rows` (e.g. deleted rows).
    public static func excluding(_ rows: RowBitset) -> RowFilter { RowFilter(rules: [.excluded(rows)]) }

    /// Every row of an index of `rowCount` rows except `rows`.
    public static func excluding(rows: some Sequence<Int>, rowCount: Int) -> RowFilter {
        excluding(RowBitset(rowCount: rowCount, rows: rows))
    }

    /// The rows for which `isAllowed(row)` is `true`. The predicate is called from the search's
    /// threads, only for rows whose score could enter the top k; it must be pure and fast.
    /// Prefer a bitset where one exists: it also lets the scan skip whole blocks.
    public static func matching(_ isAllowed: @escaping @Sendable (Int) -> Bool) -> RowFilter {
        RowFilter(rules: [.predicate(isAllowed)])
    }

    /// The rows both filters allow.
    public func intersection(_ other: RowFilter) -> RowFilter {
        RowFilter(rules: rules + other.rules)
    }

    /// This filter's share of the rows `rows`, renumbered from 0: row `r` of the result is row
    /// `rows.lowerBound + r` of this filter. A collection hands each segment its share of a filter
    /// over the collection's rows this way.
    public func restricted(to rows: Range<Int>) -> RowFilter {
        let base = rows.lowerBound
        return RowFilter(rules: rules.map { rule in
            switch rule {
            case .allowed(let set): return .allowed(set.window(rows))
            case .excluded(let set): return .excluded(set.window(rows))
            case .predicate(let isAllowed): return .predicate { isAllowed($0 + base) }
            }
        })
    }

    /// Whether the filter allows `row`.
    public func allows(_ row: Int) -> Bool {
        rules.allSatisfy { rule in
            switch rule {
            case .allowed(let set): return set.contains(row)
            case .excluded(let set): return !set.contains(row)
            case .predicate(let isAllowed): return isAllowed(row)
            }
        }
    }

    /// The filter prepared for a scan over `rowCount` rows: the bitset rules merged into one mask.
    package func compiled(rowCount: Int) -> CompiledRowFilter {
        var mask: RowBitset?
        var predicates: [@Sendable (Int) -> Bool] = []
        for rule in rules {
            let allowed: RowBitset
            switch rule {
            case .allowed(let set):
                allowed = set.rowCount == rowCount ? set : set.resized(to: rowCount)
            case .excluded(let set):
                allowed = set.resized(to: rowCount).complement
            case .predicate(let isAllowed):
                predicates.append(isAllowed)
                continue
            }
            mask = mask.map { $0.intersection(allowed) } ?? allowed
        }
        return CompiledRowFilter(mask: mask, predicates: predicates)
    }
}

/// A ``RowFilter`` ready for one scan: the allowed rows as one bitset (when the filter has
/// bitset rules) and the predicates, checked only for rows the mask allows.
package struct CompiledRowFilter: Sendable {
    /// Rows every bitset rule allows; `nil` when there is no bitset rule.
    package let mask: RowBitset?
    /// Predicates every returned row must satisfy.
    package let predicates: [@Sendable (Int) -> Bool]

    /// Compiles `mask` and `predicates` (e.g. a caller's filter intersected with deletions).
    package init(mask: RowBitset?, predicates: [@Sendable (Int) -> Bool]) {
        self.mask = mask
        self.predicates = predicates
    }

    /// Whether `row` may be returned.
    @inline(__always)
    package func allows(_ row: Int) -> Bool {
        if let mask, !mask.contains(row) { return false }
        for isAllowed in predicates where !isAllowed(row) { return false }
        return true
    }

    /// Whether some row of `rows` may be returned (`false` lets a scan skip them unscored).
    @inline(__always)
    package func mayAllow(_ rows: Range<Int>) -> Bool {
        mask?.intersects(rows) ?? true
    }
}

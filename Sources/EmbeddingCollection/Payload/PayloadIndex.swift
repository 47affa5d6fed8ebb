import EmbeddingSearch

/// The payload index of one segment: for each indexed key, the rows of each keyword value (string,
/// integer, boolean) and the rows in order of their numeric values. A filter on indexed keys is
/// answered from it (binary searches and posting lists turned into a row bitset) without reading
/// a single payload.
///
/// Stored in the segment's payload index section (format in `docs/COLLECTIONS.md`).
struct PayloadIndex: Sendable, Equatable {
    /// One key's index.
    struct Field: Sendable, Equatable {
        /// Distinct keyword values, ascending (``PayloadKeyword`` order).
        var keywords: [PayloadKeyword] = []
        /// `keywords.count + 1` offsets into ``postings``: keyword `i` is on rows
        /// `postings[postingStarts[i] ..< postingStarts[i + 1]]`, ascending.
        var postingStarts: [Int] = [0]
        /// Rows of every keyword, grouped by keyword.
        var postings: [UInt32] = []
        /// Numeric values (integers widened to `Double`), ascending, ties by row.
        var numbers: [Double] = []
        /// The row of each entry of ``numbers``.
        var numberRows: [UInt32] = []

        /// The rows holding `keyword`, ascending (empty when none does).
        func rows(of keyword: PayloadKeyword) -> ArraySlice<UInt32> {
            var low = 0, high = keywords.count
            while low < high {
                let middle = (low + high) / 2
                if keywords[middle] < keyword { low = middle + 1 } else { high = middle }
            }
            guard low < keywords.count, keywords[low] == keyword else { return [] }
            return postings[postingStarts[low]..<postingStarts[low + 1]]
        }

        /// The rows holding a number inside `range` (a row may repeat: arrays).
        func rows(in range: NumericRange) -> ArraySlice<UInt32> {
            func firstIndex(where isPast: (Double) -> Bool) -> Int {
                var low = 0, high = numbers.count
                while low < high {
                    let middle = (low + high) / 2
                    if isPast(numbers[middle]) { high = middle } else { low = middle + 1 }
                }
                return low
            }
            var lower = 0, upper = numbers.count
            if let bound = range.greaterThan { lower = max(lower, firstIndex { $0 > bound }) }
            if let bound = range.greaterThanOrEqual { lower = max(lower, firstIndex { $0 >= bound }) }
            if let bound = range.lessThan { upper = min(upper, firstIndex { $0 >= bound }) }
            if let bound = range.lessThanOrEqual { upper = min(upper, firstIndex { $0 > bound }) }
            return lower < upper ? numberRows[lower..<upper] : []
        }
    }

    /// Rows of the segment.
    var rowCount: Int
    /// The index of each indexed key.
    var fields: [String: Field]

    /// An empty index over `rowCount` rows.
    init(rowCount: Int) {
        self.rowCount = rowCount
        fields = [:]
    }

    /// The index of `payloads` (row `r` is `payloads[r]`, `nil` for none), for the keys
    /// `indexedKeys` allows (every key when `nil`).
    init(payloads: [Payload?], indexedKeys: Set<String>?) {
        rowCount = payloads.count
        var keywordRows: [String: [PayloadKeyword: [UInt32]]] = [:]
        var numberEntries: [String: [(Double, UInt32)]] = [:]
        for (row, payload) in payloads.enumerated() {
            guard let payload else { continue }
            for (key, value) in payload.fields where indexedKeys?.contains(key) ?? true {
                for scalar in value.scalars {
                    if let keyword = PayloadKeyword(scalar) {
                        // Rows are visited in order; a repeated value in one array adds the row once.
                        if keywordRows[key, default: [:]][keyword, default: []].last != UInt32(row) {
                            keywordRows[key, default: [:]][keyword, default: []].append(UInt32(row))
                        }
                    }
                    if let number = scalar.number { numberEntries[key, default: []].append((number, UInt32(row))) }
                }
            }
        }
        fields = [:]
        for key in Set(keywordRows.keys).union(numberEntries.keys) {
            var field = Field()
            for (keyword, rows) in (keywordRows[key] ?? [:]).sorted(by: { $0.key < $1.key }) {
                field.keywords.append(keyword)
                field.postings += rows
                field.postingStarts.append(field.postings.count)
            }
            let numbers = (numberEntries[key] ?? []).sorted { $0.0 < $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }
            field.numbers = numbers.map(\.0)
            field.numberRows = numbers.map(\.1)
            fields[key] = field
        }
    }

    /// The rows `filter` selects, computed from the index alone, or `nil` when the filter reads
    /// a key this index does not cover or a `has_id` condition (then the payloads and ids must be read).
    func rows(matching filter: PayloadFilter, indexedKeys: Set<String>?) -> RowBitset? {
        if filter.readsIDs { return nil }
        if let indexedKeys, !filter.keys.isSubset(of: indexedKeys) { return nil }
        return evaluate(filter)
    }

    private func evaluate(_ filter: PayloadFilter) -> RowBitset {
        var result = RowBitset.full(rowCount: rowCount)
        for condition in filter.must { result.formIntersection(evaluate(condition)) }
        if !filter.should.isEmpty {
            var any = RowBitset(rowCount: rowCount)
            for condition in filter.should { any.formUnion(evaluate(condition)) }
            result.formIntersection(any)
        }
        for condition in filter.mustNot { result.subtract(evaluate(condition)) }
        return result
    }

    private func evaluate(_ condition: FilterCondition) -> RowBitset {
        var rows = RowBitset(rowCount: rowCount)
        switch condition {
        case .match(let key, let value):
            if let field = fields[key] { rows.insert(contentsOf: field.rows(of: value)) }
        case .matchAny(let key, let values):
            if let field = fields[key] { for value in values { rows.insert(contentsOf: field.rows(of: value)) } }
        case .range(let key, let range):
            if let field = fields[key] { rows.insert(contentsOf: field.rows(in: range)) }
        case .filter(let nested):
            rows = evaluate(nested)
        case .hasID:
            preconditionFailure("rows(matching:indexedKeys:) leaves filters with has_id to the scan")
        }
        return rows
    }
}

/// A set of rows `0 ..< rowCount` as one bit per row: row `r` is bit `r % 64` of word `r / 64`.
///
/// The storage of ``RowFilter``s: deletions, allow-lists and attribute filters compiled to rows.
/// Bits past `rowCount` are always clear.
public struct RowBitset: Sendable, Equatable {
    /// The rows the set can hold (`0 ..< rowCount`).
    public let rowCount: Int
    /// `⌈rowCount / 64⌉` words, least-significant bit first within a word.
    public private(set) var words: [UInt64]

    /// An empty set over `rowCount` rows (negative counts are taken as 0).
    public init(rowCount: Int) {
        self.rowCount = Swift.max(0, rowCount)
        words = [UInt64](repeating: 0, count: (self.rowCount + 63) / 64)
    }

    /// The set of `rows` over `rowCount` rows; rows outside `0 ..< rowCount` are ignored.
    public init(rowCount: Int, rows: some Sequence<Int>) {
        self.init(rowCount: rowCount)
        for row in rows { insert(row) }
    }

    /// The set a packed bitmap describes: row `r` is bit `7 − r % 8` of byte `r / 8`
    /// (most-significant bit first, as NumPy `packbits` and the index file's deleted rows).
    /// Missing bytes count as clear bits; bits past `rowCount` are ignored.
    public init(rowCount: Int, packedBitsMostSignificantFirst bytes: [UInt8]) {
        self.init(rowCount: rowCount)
        for (index, byte) in bytes.enumerated() where byte != 0 {
            // Reverse the bit order so that row 8·index + j lands in bit j of the byte's slot.
            var reversed = byte
            reversed = (reversed & 0xF0) >> 4 | (reversed & 0x0F) << 4
            reversed = (reversed & 0xCC) >> 2 | (reversed & 0x33) << 2
            reversed = (reversed & 0xAA) >> 1 | (reversed & 0x55) << 1
            let first = index * 8
            guard first < self.rowCount else { break }
            words[first >> 6] |= UInt64(reversed) << UInt64(first & 63)
        }
        clearPadding()
    }

    /// Whether `row` is in the set (`false` outside `0 ..< rowCount`).
    @inline(__always)
    public func contains(_ row: Int) -> Bool {
        guard row >= 0, row < rowCount else { return false }
        return words[row >> 6] >> UInt64(row & 63) & 1 != 0
    }

    /// Adds `row` (ignored outside `0 ..< rowCount`).
    public mutating func insert(_ row: Int) {
        guard row >= 0, row < rowCount else { return }
        words[row >> 6] |= 1 << UInt64(row & 63)
    }

    /// Removes `row`.
    public mutating func remove(_ row: Int) {
        guard row >= 0, row < rowCount else { return }
        words[row >> 6] &= ~(1 << UInt64(row & 63))
    }

    /// Every row of `0 ..< rowCount`.
    public static func full(rowCount: Int) -> RowBitset {
        RowBitset(rowCount: rowCount).complement
    }

    /// Adds the rows of `rows` that lie in `0 ..< rowCount`.
    public mutating func insert<Rows: Sequence>(contentsOf rows: Rows) where Rows.Element: BinaryInteger {
        for row in rows {
            let value = Int(truncatingIfNeeded: row)
            if value >= 0, value < rowCount { words[value >> 6] |= 1 << UInt64(value & 63) }
        }
    }

    /// Keeps only the rows also in `other` (rows past `other`'s count are removed).
    public mutating func formIntersection(_ other: RowBitset) {
        for index in words.indices { words[index] &= index < other.words.count ? other.words[index] : 0 }
    }

    /// Adds the rows of `other` (those inside `0 ..< rowCount`).
    public mutating func formUnion(_ other: RowBitset) {
        for index in words.indices where index < other.words.count { words[index] |= other.words[index] }
        clearPadding()
    }

    /// Removes the rows of `other`.
    public mutating func subtract(_ other: RowBitset) {
        for index in words.indices where index < other.words.count { words[index] &= ~other.words[index] }
    }

    /// Number of rows in the set.
    public var count: Int { words.reduce(0) { $0 + $1.nonzeroBitCount } }

    /// The rows in the set, ascending.
    public var rows: [Int] {
        var result: [Int] = []
        for (index, word) in words.enumerated() {
            var remaining = word
            while remaining != 0 {
                result.append(index * 64 + remaining.trailingZeroBitCount)
                remaining &= remaining - 1
            }
        }
        return result
    }

    /// The rows of `0 ..< rowCount` not in the set.
    public var complement: RowBitset {
        var result = self
        for index in result.words.indices { result.words[index] = ~result.words[index] }
        result.clearPadding()
        return result
    }

    /// The rows in both sets, over the smaller row count.
    public func intersection(_ other: RowBitset) -> RowBitset {
        var result = RowBitset(rowCount: Swift.min(rowCount, other.rowCount))
        for index in result.words.indices { result.words[index] = words[index] & other.words[index] }
        result.clearPadding()
        return result
    }

    /// The rows of `range`, renumbered from 0: row `r` of the result (over `range.count` rows) is
    /// in it when row `range.lowerBound + r` is in this set (rows past ``rowCount`` are not).
    public func window(_ range: Range<Int>) -> RowBitset {
        var result = RowBitset(rowCount: range.count)
        let base = range.lowerBound
        guard base >= 0 else {
            for row in 0..<range.count where contains(base + row) { result.insert(row) }
            return result
        }
        let shift = UInt64(base & 63), firstWord = base >> 6
        for index in result.words.indices {
            let source = firstWord + index
            guard source < words.count else { break }
            var word = words[source] >> shift
            if shift != 0, source + 1 < words.count { word |= words[source + 1] << (64 - shift) }
            result.words[index] = word
        }
        result.clearPadding()
        return result
    }

    /// Appends `other`'s rows after this set's: row `r` of `other` becomes row `rowCount + r`.
    public mutating func append(_ other: RowBitset) {
        let base = rowCount
        let shift = UInt64(base & 63)
        var grown = RowBitset(rowCount: base + other.rowCount)
        grown.words.replaceSubrange(0..<words.count, with: words)
        for (index, word) in other.words.enumerated() where word != 0 {
            let target = (base >> 6) + index
            grown.words[target] |= word << shift
            if shift != 0, target + 1 < grown.words.count { grown.words[target + 1] |= word >> (64 - shift) }
        }
        self = grown
    }

    /// The same rows over `newCount` rows (rows `≥ newCount` dropped).
    func resized(to newCount: Int) -> RowBitset {
        var result = RowBitset(rowCount: newCount)
        let shared = Swift.min(result.words.count, words.count)
        result.words.replaceSubrange(0..<shared, with: words[0..<shared])
        result.clearPadding()
        return result
    }

    /// Whether any row of `rows` is in the set (rows outside `0 ..< rowCount` are not).
    func intersects(_ rows: Range<Int>) -> Bool {
        let lower = Swift.max(rows.lowerBound, 0), upper = Swift.min(rows.upperBound, rowCount)
        guard lower < upper else { return false }
        let (first, last) = (lower >> 6, (upper - 1) >> 6)
        for index in first...last {
            var word = words[index]
            if index == first { word &= ~0 << UInt64(lower & 63) }
            if index == last, upper & 63 != 0 { word &= (1 << UInt64(upper & 63)) - 1 }
            if word != 0 { return true }
        }
        return false
    }

    /// Clears the bits past `rowCount` in the last word.
    private mutating func clearPadding() {
        let used = rowCount & 63
        if used != 0, !words.isEmpty { words[words.count - 1] &= (1 << UInt64(used)) - 1 }
    }
}

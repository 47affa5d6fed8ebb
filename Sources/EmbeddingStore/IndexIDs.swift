/// The document ids of an index, one per stored row (deleted rows included), held compactly as
/// the file stores them: `count + 1` offsets into one UTF-8 blob (id `i` is
/// `blob[offsets[i]..<offsets[i + 1]]`). About 8 bytes plus the id's length per row, instead of
/// a `String` object per row.
public struct IndexIDs: RandomAccessCollection, Sendable, Equatable {
    /// `count + 1` byte offsets into ``utf8``, starting at 0, non-decreasing, ending at its count.
    public private(set) var offsets: [Int]
    /// The ids' UTF-8 bytes, concatenated without separators.
    public private(set) var utf8: [UInt8]

    /// No ids.
    public init() {
        offsets = [0]
        utf8 = []
    }

    /// The ids in `ids`, in order.
    public init(_ ids: some Sequence<String>) {
        self.init()
        append(contentsOf: ids)
    }

    /// Wraps decoded offsets and bytes (already validated by the reader).
    init(offsets: [Int], utf8: [UInt8]) {
        self.offsets = offsets
        self.utf8 = utf8
    }

    /// Index of the first id.
    public var startIndex: Int { 0 }
    /// One past the index of the last id.
    public var endIndex: Int { offsets.count - 1 }

    /// The id of row `row`.
    public subscript(row: Int) -> String {
        String(decoding: utf8[offsets[row]..<offsets[row + 1]], as: UTF8.self)
    }

    /// The UTF-8 bytes of the id of row `row`.
    public func utf8(row: Int) -> ArraySlice<UInt8> { utf8[offsets[row]..<offsets[row + 1]] }

    /// Appends `id`.
    public mutating func append(_ id: String) {
        utf8.append(contentsOf: id.utf8)
        offsets.append(utf8.count)
    }

    /// Appends every id of `ids`.
    public mutating func append(contentsOf ids: some Sequence<String>) {
        for id in ids { append(id) }
    }

    /// The ids of `rows`, in order.
    func selecting(rows: some Sequence<Int>) -> IndexIDs {
        var result = IndexIDs()
        for row in rows {
            result.utf8.append(contentsOf: utf8(row: row))
            result.offsets.append(result.utf8.count)
        }
        return result
    }
}

import EmbeddingStore

/// Finds the rows of an id among a segment's ids: an open-addressing hash table of row numbers
/// (FNV-1a of the id's UTF-8 bytes, linear probing, at most half full) over the segment's
/// `IndexIDs`, so a million ids cost 8 MB instead of a dictionary of strings.
struct IDLookup: Sendable {
    /// Row numbers, `-1` for an empty slot; the count is a power of two.
    private let slots: [Int32]

    /// The table of `ids` (at most `Int32.max` rows).
    init(_ ids: IndexIDs) {
        var capacity = 16
        while capacity < 2 * ids.count { capacity <<= 1 }
        var slots = [Int32](repeating: -1, count: capacity)
        let mask = capacity - 1
        ids.utf8.withUnsafeBufferPointer { blob in
            for row in 0..<ids.count {
                var slot = Int(truncatingIfNeeded: Self.hash(UnsafeBufferPointer(rebasing: blob[ids.offsets[row]..<ids.offsets[row + 1]]))) & mask
                while slots[slot] >= 0 { slot = (slot + 1) & mask }
                slots[slot] = Int32(row)
            }
        }
        self.slots = slots
    }

    /// The rows whose id is `id`, ascending (one, unless deleted rows of an old index file share it).
    func rows(of id: String, in ids: IndexIDs) -> [Int] {
        var id = id
        return id.withUTF8 { key in
            let mask = slots.count - 1
            var slot = Int(truncatingIfNeeded: Self.hash(key)) & mask
            var found: [Int] = []
            ids.utf8.withUnsafeBufferPointer { blob in
                while slots[slot] >= 0 {
                    let row = Int(slots[slot])
                    let start = ids.offsets[row], end = ids.offsets[row + 1]
                    if end - start == key.count, UnsafeBufferPointer(rebasing: blob[start..<end]).elementsEqual(key) {
                        found.append(row)
                    }
                    slot = (slot + 1) & mask
                }
            }
            return found.sorted()
        }
    }

    private static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        // Mix the high bits down: the table uses the low ones.
        return hash ^ (hash >> 29)
    }
}

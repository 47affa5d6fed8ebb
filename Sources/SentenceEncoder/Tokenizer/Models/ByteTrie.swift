/// A trie over UTF-8 bytes mapping keys to ids, for common-prefix searches (every key that is a
/// prefix of a text position). Built from the keys sorted bytewise, so that each node's children
/// are created in ascending byte order and kept as a sibling list; the root's children also sit
/// in a 256-entry table.
struct ByteTrie: Sendable {
    private var rootChildren = [Int32](repeating: -1, count: 256)
    /// Per node: its byte, the id stored there (-1: none), its first child and next sibling (-1: none).
    private var labels: [UInt8] = [0]
    private var values: [Int32] = [-1]
    private var firstChild: [Int32] = [-1]
    private var nextSibling: [Int32] = [-1]

    /// A trie holding `keys` (UTF-8 bytes) with their ids; for a duplicate key the later entry
    /// wins; empty keys are not stored (a common-prefix search never reports them).
    init(_ keys: [([UInt8], Int32)]) {
        // Sort by key, then by position so that the last duplicate comes last.
        let order = keys.indices.filter { !keys[$0].0.isEmpty }.sorted { a, b in
            let left = keys[a].0, right = keys[b].0
            return left.lexicographicallyPrecedes(right) || (left == right && a < b)
        }
        var lastChild: [Int32] = [-1]  // while building: each node's newest child
        var path: [Int32] = [0]  // path[d]: the node of the previous key's first d bytes
        var previous: [UInt8] = []
        for index in order {
            let key = keys[index].0
            var common = 0
            while common < min(key.count, previous.count) && key[common] == previous[common] { common += 1 }
            path.removeSubrange((common + 1)...)
            for depth in common..<key.count {
                let parent = path[depth]
                let node = Int32(labels.count)
                labels.append(key[depth])
                values.append(-1)
                firstChild.append(-1)
                nextSibling.append(-1)
                lastChild.append(-1)
                // Children arrive in ascending order: the new node is the parent's last child.
                if lastChild[Int(parent)] < 0 {
                    firstChild[Int(parent)] = node
                } else {
                    nextSibling[Int(lastChild[Int(parent)])] = node
                }
                lastChild[Int(parent)] = node
                if parent == 0 { rootChildren[Int(key[depth])] = node }
                path.append(node)
            }
            values[Int(path[key.count])] = keys[index].1
            previous = key
        }
    }

    /// Calls `found(length, id)` for every stored key that is a prefix of `bytes[start...]`,
    /// shortest first.
    func forEachPrefix(of bytes: UnsafeBufferPointer<UInt8>, from start: Int, _ found: (Int, Int32) -> Void) {
        guard start < bytes.count else { return }
        var node = rootChildren[Int(bytes[start])]
        var position = start + 1
        while node >= 0 {
            let value = values[Int(node)]
            if value >= 0 { found(position - start, value) }
            guard position < bytes.count else { return }
            node = child(of: node, byte: bytes[position])
            position += 1
        }
    }

    private func child(of node: Int32, byte: UInt8) -> Int32 {
        var child = firstChild[Int(node)]
        while child >= 0 {
            let label = labels[Int(child)]
            if label == byte { return child }
            if label > byte { return -1 }
            child = nextSibling[Int(child)]
        }
        return -1
    }
}

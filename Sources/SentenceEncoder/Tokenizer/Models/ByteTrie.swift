/// A trie over UTF-8 bytes mapping keys to ids, for common-prefix searches (every key that is a
/// prefix of a text position). Nodes keep their children as sorted byte/child runs; the root
/// has a 256-entry table.
struct ByteTrie: Sendable {
    private var rootChildren = [Int32](repeating: -1, count: 256)
    /// Per node: the id stored there (-1: none), the start and count of its children in `edges`.
    private var values: [Int32] = [-1]
    private var childStart: [Int32] = [0]
    private var childCount: [Int32] = [0]
    private var edgeBytes: [UInt8] = []
    private var edgeTargets: [Int32] = []

    /// A trie holding `keys` (UTF-8 bytes) with their ids; a later duplicate key replaces an
    /// earlier one; empty keys are not stored (a common-prefix search never reports them).
    init(_ keys: [([UInt8], Int32)]) {
        // Build with dictionaries, then lay the children out sorted.
        var children: [[UInt8: Int32]] = [[:]]
        var nodeValues: [Int32] = [-1]
        for (key, id) in keys where !key.isEmpty {
            var node: Int32 = 0
            for byte in key {
                if let next = children[Int(node)][byte] {
                    node = next
                } else {
                    let next = Int32(children.count)
                    children.append([:])
                    nodeValues.append(-1)
                    children[Int(node)][byte] = next
                    node = next
                }
            }
            nodeValues[Int(node)] = id
        }
        values = nodeValues
        childStart = [Int32](repeating: 0, count: children.count)
        childCount = [Int32](repeating: 0, count: children.count)
        for (node, table) in children.enumerated() {
            childStart[node] = Int32(edgeBytes.count)
            childCount[node] = Int32(table.count)
            for (byte, target) in table.sorted(by: { $0.key < $1.key }) {
                edgeBytes.append(byte)
                edgeTargets.append(target)
                if node == 0 { rootChildren[Int(byte)] = target }
            }
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
        var low = Int(childStart[Int(node)])
        var high = low + Int(childCount[Int(node)])
        while low < high {
            let middle = (low + high) / 2
            let value = edgeBytes[middle]
            if value == byte { return edgeTargets[middle] }
            if value < byte { low = middle + 1 } else { high = middle }
        }
        return -1
    }
}

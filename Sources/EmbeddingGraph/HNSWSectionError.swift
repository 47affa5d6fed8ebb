/// Why a stored graph section was refused. Every offset, count and node number of a section is
/// checked before a search can follow it, so a corrupt section gives one of these, never a
/// crash or a wrong read.
public enum HNSWSectionError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Fewer bytes than the header or the header's sizes need.
    case truncated(needed: Int, available: Int)
    /// More bytes than the header's sizes account for.
    case trailingBytes(expected: Int, actual: Int)
    /// The first 8 bytes are not `EQHNSW01`.
    case badMagic
    /// A format version this reader does not know.
    case unsupportedVersion(UInt32)
    /// The header's or the payload's CRC-32C does not match its bytes.
    case checksumMismatch(part: String, stored: UInt32, computed: UInt32)
    /// A header field out of range or inconsistent with the others.
    case invalidField(name: String, value: UInt64, reason: String)
    /// A node's level above the graph's top level (or the entry point not on the top level).
    case invalidLevel(node: Int, level: Int, maxLevel: Int)
    /// A node's upper-record offset that is not the sum of the levels before it.
    case upperOffsetMismatch(node: Int, stored: UInt32, expected: UInt32)
    /// A neighbour number that is not a node, or the node itself.
    case invalidNeighbor(node: Int, level: Int, slot: Int, neighbor: UInt32)
    /// A neighbour that does not exist on the list's level.
    case neighborBelowLevel(node: Int, level: Int, neighbor: Int, neighborLevel: Int)
    /// A used slot after an empty one (lists keep their empty slots last).
    case slotAfterEmpty(node: Int, level: Int, slot: Int)
    /// The section's address is not 4-byte aligned (a mapping must place it on a 64-byte boundary).
    case misaligned(address: Int)

    /// A one-line explanation naming the offending value.
    public var description: String {
        switch self {
        case .truncated(let needed, let available):
            return "truncated HNSW graph section: \(available) bytes, \(needed) needed"
        case .trailingBytes(let expected, let actual):
            return "HNSW graph section of \(actual) bytes, its header accounts for \(expected)"
        case .badMagic:
            return "not an HNSW graph section (the magic bytes are not EQHNSW01)"
        case .unsupportedVersion(let version):
            return "HNSW graph section version \(version) is not supported (this reader knows version 1)"
        case .checksumMismatch(let part, let stored, let computed):
            return "HNSW graph section \(part) checksum mismatch: stored \(hex(stored)), computed \(hex(computed))"
        case .invalidField(let name, let value, let reason):
            return "HNSW graph section field \(name) = \(value) \(reason)"
        case .invalidLevel(let node, let level, let maxLevel):
            return "HNSW graph node \(node) has level \(level), the graph's top level is \(maxLevel)"
        case .upperOffsetMismatch(let node, let stored, let expected):
            return "HNSW graph node \(node) has upper-record offset \(stored), expected \(expected)"
        case .invalidNeighbor(let node, let level, let slot, let neighbor):
            return "HNSW graph node \(node), level \(level), slot \(slot): neighbour \(neighbor) is not another node"
        case .neighborBelowLevel(let node, let level, let neighbor, let neighborLevel):
            return "HNSW graph node \(node), level \(level): neighbour \(neighbor) only reaches level \(neighborLevel)"
        case .slotAfterEmpty(let node, let level, let slot):
            return "HNSW graph node \(node), level \(level): slot \(slot) is used after an empty slot"
        case .misaligned(let address):
            return "HNSW graph section at address \(hex(UInt64(address))) is not 4-byte aligned"
        }
    }

    private func hex(_ value: some BinaryInteger) -> String { "0x" + String(value, radix: 16) }
}

import EmbeddingStore
/// The stored codes of one point (``CollectionSnapshot/codes(_:)``).
public struct CollectionPointCodes: Sendable, Equatable {
    /// The fast codes (the collection's precision), as they lie in the segment or memory chunk.
    public let fast: [UInt8]
    /// The finer codes (the rescoring precision), empty when the collection has none.
    public let rescoring: [UInt8]

    /// Creates the codes of one point.
    public init(fast: [UInt8], rescoring: [UInt8]) {
        self.fast = fast
        self.rescoring = rescoring
    }
}

extension CollectionSnapshot {
    /// The stored codes of each of `ids`, in order (`nil` for an id the snapshot does not hold):
    /// what a search scans and rescores, so two collections whose points hold equal codes
    /// answer every query alike. Bytes are copied out of the segment files' read-only mappings
    /// (the pages read stay resident until the kernel reclaims them).
    public func codes(_ ids: [String]) -> [CollectionPointCodes?] {
        var result: [CollectionPointCodes?] = []
        result.reserveCapacity(ids.count)
        for id in ids {
            switch state.location(of: id) {
            case .segment(let segment, let row):
                let view = state.segments[segment]
                result.append(CollectionPointCodes(fast: Self.row(row, of: view.fastInFile), rescoring: Self.row(row, of: view.rescoring)))
            case .chunk(let chunk, let row):
                let memory = state.chunks[chunk]
                result.append(CollectionPointCodes(
                    fast: Array(memory.fastCodes[row: row]), rescoring: memory.rescoringCodes.map { Array($0[row: row]) } ?? []))
            case nil:
                result.append(nil)
            }
        }
        return result
    }

    /// Row `row` of codes left in a segment file (empty when there are none).
    private static func row(_ row: Int, of codes: MappedCodes?) -> [UInt8] {
        guard let codes, codes.bytesPerVector > 0 else { return [] }
        return Array(codes[row: row])
    }
}

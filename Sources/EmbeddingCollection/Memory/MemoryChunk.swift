import EmbeddingQuantization
import EmbeddingSearch

/// Points written since the last flush, one immutable chunk per logged batch (or one for every
/// batch replayed from the log when the collection opened): their ids, codes, payloads and an
/// exact scan over them. A new batch adds a chunk instead of copying the existing ones, so an
/// acknowledged write costs the batch, not the memory segment.
final class MemoryChunk: Sendable {
    /// One id per row.
    let ids: [String]
    /// The row of each id.
    let rowsByID: [String: Int]
    /// The fast codes.
    let fastCodes: QuantizedEmbeddings
    /// The finer codes, when the collection has them.
    let rescoringCodes: QuantizedEmbeddings?
    /// The encoded payload of each row (empty bytes: no payload).
    let payloadBytes: [[UInt8]]
    /// The decoded payload of each row.
    let payloads: [Payload]
    /// The exact scan of the fast codes.
    let fast: FastCodesScan
    /// The fast scan refined with the finer codes, when there are any.
    let refined: RefineIndex?

    /// Rows of the chunk.
    var rowCount: Int { ids.count }

    /// A chunk of `ids.count ≥ 1` rows.
    ///
    /// - Throws: ``CollectionError/corruptFile(path:reason:)`` for payload bytes that do not
    ///   decode (`source` names where they came from); ``CollectionError/search(_:)``.
    init(
        ids: [String], fastCodes: QuantizedEmbeddings, rescoringCodes: QuantizedEmbeddings?, payloadBytes: [[UInt8]], source: String
    ) throws(CollectionError) {
        precondition(!ids.isEmpty && ids.count == fastCodes.rowCount && ids.count == payloadBytes.count)
        self.ids = ids
        var rows: [String: Int] = [:]
        rows.reserveCapacity(ids.count)
        for (row, id) in ids.enumerated() { rows[id] = row }
        rowsByID = rows
        self.fastCodes = fastCodes
        self.rescoringCodes = rescoringCodes
        self.payloadBytes = payloadBytes
        var decoded: [Payload] = []
        decoded.reserveCapacity(ids.count)
        for (row, bytes) in payloadBytes.enumerated() {
            do {
                decoded.append(try PayloadEncoding.decode(bytes))
            } catch {
                throw .corruptFile(path: source, reason: "the payload of '\(ids[row])': \(error.description)")
            }
        }
        payloads = decoded
        let scan: FastCodesScan
        let refine: RefineIndex?
        do {
            scan = try FastCodesScan(fastCodes)
            refine = try rescoringCodes.map { (finer) throws(SearchError) in
                try RefineIndex(base: scan.index, codes: StoredCodes(finer), multiplier: 1)
            }
        } catch {
            throw .search(error)
        }
        fast = scan
        refined = refine
    }

    /// The rows of the chunk whose payload satisfies `filter`, among `live`.
    func rows(matching filter: PayloadFilter, among live: RowBitset) -> RowBitset {
        var result = RowBitset(rowCount: rowCount)
        for row in live.rows where filter.matches(payloads[row], id: ids[row]) { result.insert(row) }
        return result
    }
}

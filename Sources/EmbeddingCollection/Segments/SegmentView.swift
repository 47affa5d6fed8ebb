import EmbeddingGraph
import EmbeddingIndex
import EmbeddingQuantization
import EmbeddingSearch
import EmbeddingStore

/// One immutable segment file of a collection, opened for search: its fast codes in a
/// `FlatIndex` or, for RaBitQ codes, a `RaBitQIndex` (resident), its finer codes, payloads and
/// code rows left in the file (read with `pread` per candidate), its ids with a hash lookup, and
/// its decoded payload index.
///
/// Rows are the file's rows (`0 ..< rowCount`); the rows deleted since the segment was written
/// are kept by the collection's state beside it. Immutable and safe to share between threads.
final class SegmentView: Sendable {
    /// The segment file's name in the collection directory.
    let file: String
    /// The segment file's path (for error messages).
    let path: String
    /// Rows stored in the segment.
    let rowCount: Int
    /// One id per row.
    let ids: IndexIDs
    /// Finds a row by id.
    let lookup: IDLookup
    /// Rows the file itself marks deleted (an index file of format version 1 opened as a segment).
    let fileDeleted: RowBitset
    /// The fast codes' exact scan.
    let fast: FastCodesScan
    /// The fast scan refined with the finer codes read by `pread`, when the segment has them.
    let refined: RefineIndex?
    /// The fast codes as they lie in the file, for copying rows (merge, set-payload).
    let fastInFile: MappedCodes
    /// The finer codes in the file, when the segment has them.
    let rescoring: MappedCodes?
    /// The payloads, when the segment has any.
    let payloads: PayloadReader?
    /// The payload index of the segment (empty when none was written).
    let payloadIndex: PayloadIndex
    /// The HNSW graph of the fast codes (graph and codes read in place from the file's mapping),
    /// when the collection searches through graphs; `nil` otherwise.
    let graph: HNSWIndex?

    /// Opens the segment `file` of `directory`; with `graph`, also its HNSW graph section (which
    /// it must have).
    ///
    /// - Throws: ``CollectionError/segment(_:)`` for a missing, damaged or unreadable file;
    ///   ``CollectionError/corruptFile(path:reason:)`` for a payload index that does not decode or
    ///   a missing graph; ``CollectionError/corruptGraph(path:_:)`` for a damaged graph section.
    init(directory: String, file: String, graph: Bool, verify: Bool = false) throws(CollectionError) {
        let path = CollectionFiles.path(directory, file)
        let index: IndexFileHandle
        do {
            index = try IndexFile.openLeavingFastCodesInFile(at: path, verify: verify)
        } catch {
            throw .segment(error)
        }
        self.file = file
        self.path = path
        rowCount = index.rowCount
        ids = index.ids
        lookup = IDLookup(index.ids)
        fileDeleted = RowBitset(rowCount: index.rowCount, packedBitsMostSignificantFirst: index.deletedRows.bitmap)
        let scan = try Self.scan(of: index.fastInFile, path: path)
        let refine: RefineIndex?
        do {
            refine = try index.rescoring.map { (finer) throws(SearchError) in
                try RefineIndex(base: scan.index, codes: PreadCodes(finer), multiplier: 1)
            }
        } catch {
            throw .search(.inIndex(path: path, error))
        }
        fast = scan
        refined = refine
        self.graph = try graph ? SegmentGraph.open(path: path, header: index.header, fast: index.fastInFile) : nil
        fastInFile = index.fastInFile
        rescoring = index.rescoring
        payloads = index.payloads
        do {
            payloadIndex = try PayloadIndex(decoding: index.payloadIndex, rowCount: index.rowCount)
        } catch {
            throw .corruptFile(path: path, reason: "the payload index section: \(error.description)")
        }
    }

    /// The exact scan of a segment's fast codes. Non-RaBitQ codes go straight from the file into
    /// the `FlatIndex`'s blocked layout (never resident twice); RaBitQ codes are re-laid in the
    /// `RaBitQIndex`'s scan blocks from the file's mapping, and its refinement reads candidate
    /// rows from the mapping too (`MappedCodeBytes`), so they are not resident twice either.
    /// Either way the section's CRC-32C is checked.
    private static func scan(of codes: MappedCodes, path: String) throws(CollectionError) -> FastCodesScan {
        if codes.precision.rabitqCodeBits != nil {
            do {
                try codes.readRowsInOrder { _, _ in }  // the section's CRC-32C, read with pread
            } catch {
                throw .segment(.inFile(path: path, error))
            }
            do {
                let stored = try StoredCodes(
                    precision: codes.precision, rowCount: codes.rowCount, dimension: codes.dimension, bytes: MappedCodeBytes(codes: codes),
                    ranges: codes.ranges, rounding: codes.rounding)
                let scan = FastCodesScan.rabitq(try RaBitQIndex(stored))
                // Building the blocks read every row through the mapping; refinement reads few.
                codes.releaseResidentPages()
                return scan
            } catch {
                throw .search(.inIndex(path: path, error))
            }
        }
        let builder: FlatIndex.StreamingBuilder
        do {
            builder = try FlatIndex.StreamingBuilder(
                precision: codes.precision, rowCount: codes.rowCount, dimension: codes.dimension,
                ranges: codes.ranges, rounding: codes.rounding)
        } catch {
            throw .search(.inIndex(path: path, error))
        }
        do {
            try codes.readRowsInOrder { _, chunk in builder.append(chunk) }
        } catch {
            throw .segment(.inFile(path: path, error))
        }
        return .flat(builder.finish())
    }

    /// The live row of `id` given the segment's deleted rows, if any.
    func liveRow(of id: String, deleted: RowBitset) -> Int? {
        lookup.rows(of: id, in: ids).first { !deleted.contains($0) }
    }

    /// The payload of `row` (an empty payload when the segment has none).
    ///
    /// - Throws: ``CollectionError/segment(_:)`` for a damaged payload (its CRC-32C names the
    ///   row); ``CollectionError/corruptFile(path:reason:)`` when it does not decode.
    func payload(row: Int) throws(CollectionError) -> Payload {
        guard let payloads else { return Payload() }
        let bytes: [UInt8]
        do {
            bytes = try payloads.payload(row: row)
        } catch {
            throw .segment(error)
        }
        do {
            return try PayloadEncoding.decode(bytes)
        } catch {
            throw .corruptFile(path: path, reason: "the payload of row \(row): \(error.description)")
        }
    }

    /// The rows of `0 ..< rowCount` whose payload satisfies `filter`: from the payload index when
    /// it covers the filter's keys, otherwise by reading and decoding every payload of `rows`.
    ///
    /// - Throws: as ``payload(row:)``.
    func rows(matching filter: PayloadFilter, among live: RowBitset, indexedKeys: Set<String>?) throws(CollectionError) -> RowBitset {
        if payloadIndex.rowCount == rowCount, let rows = payloadIndex.rows(matching: filter, indexedKeys: indexedKeys) {
            return rows.intersection(live)
        }
        var result = RowBitset(rowCount: rowCount)
        let empty = Payload()
        guard let payloads else {
            guard filter.readsIDs else { return filter.matches(empty) ? live : result }
            for row in live.rows where filter.matches(empty, id: ids[row]) { result.insert(row) }
            return result
        }
        let all: SegmentPayloads
        do {
            all = try payloads.payloads(rows: 0..<rowCount)
        } catch {
            throw .segment(error)
        }
        for row in live.rows {
            let payload: Payload
            do {
                payload = try PayloadEncoding.decode(all[row])
            } catch {
                throw .corruptFile(path: path, reason: "the payload of row \(row): \(error.description)")
            }
            if filter.matches(payload, id: ids[row]) { result.insert(row) }
        }
        return result
    }
}

import EmbeddingQuantization

/// An index file opened with its fast codes left in the file: the header, ids, deleted bitmap,
/// metadata and payload index are resident (read and checked against their CRC-32C); the fast
/// codes, rescoring codes, payloads and graph stay in the file (``fastInFile``, ``rescoring``,
/// ``payloads``, ``graphBytes()``).
///
/// ``OpenIndex`` adds the fast codes, read into memory. Readers that keep only their own layout of
/// the fast codes (a collection segment's blocked scan) open this instead and stream the codes
/// from the file once (``MappedCodes/readRowsInOrder(chunkRows:_:)``, which checks the CRC-32C as
/// it goes), so the codes are never resident twice.
public final class IndexFileHandle: Sendable {
    /// The file this index was read from.
    public let path: String
    /// The decoded header (counts, precisions, generation, section table).
    public let header: IndexHeader
    /// One id per stored row (deleted rows included).
    public let ids: IndexIDs
    /// The rows marked deleted.
    public let deletedRows: DeletedRows
    /// The fast codes as they lie in the file (mapped, read with ``MappedCodes/copyRows(_:into:)``
    /// or streamed with ``MappedCodes/readRowsInOrder(chunkRows:_:)``). Opening checked their
    /// length, not their checksum.
    public let fastInFile: MappedCodes
    /// The rescoring codes, memory-mapped; `nil` when the index has none.
    public let rescoring: MappedCodes?
    /// The model metadata, `nil` when the index has none.
    public let metadata: IndexMetadata?
    /// The metadata section's bytes, kept so that changes copy them unaltered.
    let metadataBytes: [UInt8]
    /// A segment's payloads (format version 2), read per row from the file; `nil` when it has none.
    public let payloads: PayloadReader?
    /// A segment's payload index bytes (format version 2; checked, opaque to the store); empty
    /// when it has none.
    public let payloadIndex: [UInt8]
    /// A segment's graph section (format version 2), left in the file; `nil` when empty.
    let graph: SectionFile?

    init(
        path: String, header: IndexHeader, ids: IndexIDs, deletedRows: DeletedRows, fastInFile: MappedCodes,
        rescoring: MappedCodes?, metadataBytes: [UInt8], metadata: IndexMetadata?,
        payloads: PayloadReader? = nil, payloadIndex: [UInt8] = [], graph: SectionFile? = nil
    ) {
        self.path = path
        self.header = header
        self.ids = ids
        self.deletedRows = deletedRows
        self.fastInFile = fastInFile
        self.rescoring = rescoring
        self.metadataBytes = metadataBytes
        self.metadata = metadata
        self.payloads = payloads
        self.payloadIndex = payloadIndex
        self.graph = graph
    }

    /// Dimensions of the embeddings.
    public var dimension: Int { header.dimension }
    /// Stored rows, deleted ones included (the valid row numbers are `0..<rowCount`).
    public var rowCount: Int { header.rowCount }
    /// Live (not deleted) rows.
    public var count: Int { header.liveCount }

    /// The graph section's bytes (format version 2; read and checked against its CRC-32C), empty
    /// when the segment has none. The place where a graph index (HNSW) stores its links.
    ///
    /// - Throws: ``IndexFileError/inFile(path:_:)`` wrapping a checksum mismatch or a failed read.
    public func graphBytes() throws(IndexFileError) -> [UInt8] {
        do throws(IndexFileError) {
            return try graph?.read() ?? []
        } catch {
            throw error.inFile(path)
        }
    }

    /// Checks what opening does not: the CRC-32C of the sections left in the file (rescoring
    /// codes, payloads, graph; streamed with `pread` without keeping them resident) and that no
    /// id occurs twice among live rows. The fast codes are checked by whoever reads them
    /// (``OpenIndex`` on open, ``MappedCodes/readRowsInOrder(chunkRows:_:)`` while streaming).
    ///
    /// - Throws: ``IndexFileError/inFile(path:_:)`` wrapping
    ///   ``IndexFileError/checksumMismatch(section:stored:computed:)`` or
    ///   ``IndexFileError/malformedSection(section:reason:)``.
    public func verify() throws(IndexFileError) {
        do throws(IndexFileError) {
            try rescoring?.verify()
            try payloads?.verify()
            try graph?.verify()
            var seen = Set<ArraySlice<UInt8>>(minimumCapacity: count)
            for row in 0..<rowCount where !deletedRows.contains(row) {
                guard seen.insert(ids.utf8(row: row)).inserted else {
                    throw IndexFileError.malformedSection(section: .ids, reason: "id '\(ids[row])' of row \(row) occurs twice among live rows")
                }
            }
        } catch {
            throw error.inFile(path)
        }
    }
}

/// An index file opened for searching: the ids, the deleted bitmap and the fast codes are
/// resident (read into memory and checked against their CRC-32C); the rescoring codes stay in
/// the file, memory-mapped (see ``MappedCodes``).
///
/// Rows keep their positions until ``IndexFile/compact(at:)``: row `r` has id `ids[r]`, fast
/// codes `fast[row: r]` and rescoring codes `rescoring?[row: r]`; skip rows for which
/// `deletedRows.contains(r)`.
public final class OpenIndex: Sendable {
    /// The file's sections other than the resident fast codes.
    public let handle: IndexFileHandle
    /// The fast-pass codes of every stored row, resident, with their ranges and rounding.
    public let fast: QuantizedEmbeddings

    init(handle: IndexFileHandle, fast: QuantizedEmbeddings) {
        self.handle = handle
        self.fast = fast
    }

    /// The file this index was read from.
    public var path: String { handle.path }
    /// The decoded header (counts, precisions, generation, section table).
    public var header: IndexHeader { handle.header }
    /// One id per stored row (deleted rows included).
    public var ids: IndexIDs { handle.ids }
    /// The rows marked deleted.
    public var deletedRows: DeletedRows { handle.deletedRows }
    /// The rescoring codes, memory-mapped; `nil` when the index has none.
    public var rescoring: MappedCodes? { handle.rescoring }
    /// The model metadata, `nil` when the index has none.
    public var metadata: IndexMetadata? { handle.metadata }
    /// The metadata section's bytes, kept so that changes copy them unaltered.
    var metadataBytes: [UInt8] { handle.metadataBytes }
    /// A segment's payloads (format version 2), read per row from the file; `nil` when it has none.
    public var payloads: PayloadReader? { handle.payloads }
    /// A segment's payload index bytes (format version 2; checked, opaque to the store); empty
    /// when it has none.
    public var payloadIndex: [UInt8] { handle.payloadIndex }
    /// The fast codes as they lie in the file (mapped, read with `MappedCodes/copyRows(_:into:)`),
    /// for readers that keep only a search layout of ``fast`` and need a row's bytes later.
    public var fastInFile: MappedCodes { handle.fastInFile }

    /// Dimensions of the embeddings.
    public var dimension: Int { header.dimension }
    /// Stored rows, deleted ones included (the valid row numbers are `0..<rowCount`).
    public var rowCount: Int { header.rowCount }
    /// Live (not deleted) rows.
    public var count: Int { header.liveCount }
    /// The file's generation: 1 after creation, incremented by every change.
    public var generation: UInt64 { header.generation }
    /// The calibration ranges of the fast codes (`nil` for binary and float codes).
    public var ranges: QuantizationRanges? { fast.ranges }

    /// The live row numbers, in order.
    public var liveRows: [Int] { deletedRows.liveRows }

    /// A dictionary from each live row's id to its row number.
    public func liveRowsByID() -> [String: Int] {
        var rows: [String: Int] = [:]
        rows.reserveCapacity(count)
        for row in 0..<rowCount where !deletedRows.contains(row) { rows[ids[row]] = row }
        return rows
    }

    /// The graph section's bytes (see ``IndexFileHandle/graphBytes()``).
    ///
    /// - Throws: ``IndexFileError/inFile(path:_:)`` wrapping a checksum mismatch or a failed read.
    public func graphBytes() throws(IndexFileError) -> [UInt8] { try handle.graphBytes() }

    /// Checks the sections left in the file and the ids (see ``IndexFileHandle/verify()``; the
    /// fast codes were checked on open).
    ///
    /// - Throws: as ``IndexFileHandle/verify()``.
    public func verify() throws(IndexFileError) { try handle.verify() }
}

import EmbeddingQuantization

/// Everything a new collection segment holds: an index file of format version 2 (see
/// `docs/INDEX_FORMAT.md`), whose rows have ids, fast and finer codes, an opaque payload each,
/// an opaque payload index and an (optional) graph section.
public struct SegmentContents: Sendable {
    /// Dimensions of the embeddings.
    public var dimension: Int
    /// One non-empty id per row.
    public var ids: IndexIDs
    /// The fast codes (kept in memory by readers).
    public var fast: CodeSection
    /// The finer codes (left in the file, read per candidate), if any.
    public var rescoring: CodeSection?
    /// One payload per row, or none at all.
    public var payloads: SegmentPayloads
    /// The payload index (bytes the collection layer decides), read into memory on open.
    public var payloadIndex: [UInt8]
    /// A graph over the rows (bytes a graph index decides); empty when there is none.
    public var graph: [UInt8]
    /// The model that made the embeddings, if known.
    public var metadata: IndexMetadata?

    /// Describes a segment; ``SegmentFile/write(_:to:)`` checks it.
    public init(
        dimension: Int, ids: IndexIDs, fast: CodeSection, rescoring: CodeSection?, payloads: SegmentPayloads = SegmentPayloads(),
        payloadIndex: [UInt8] = [], graph: [UInt8] = [], metadata: IndexMetadata? = nil
    ) {
        self.dimension = dimension
        self.ids = ids
        self.fast = fast
        self.rescoring = rescoring
        self.payloads = payloads
        self.payloadIndex = payloadIndex
        self.graph = graph
        self.metadata = metadata
    }
}

/// Writes collection segments: immutable index files of format version 2, opened like every index
/// file with ``IndexFile/open(at:verify:)`` (their payloads through ``OpenIndex/payloads``).
public enum SegmentFile {
    /// Writes `contents` to `path` atomically (temporary file, `fsync`, rename, `fsync` of the
    /// directory), replacing any file there. A segment is never changed afterwards; its rows'
    /// later deletions are kept by the collection beside it.
    ///
    /// - Throws: ``IndexFileError/inFile(path:_:)`` wrapping
    ///   ``IndexFileError/invalidArgument(_:)`` (counts, dimension, code lengths, empty ids) or
    ///   a failed system call.
    public static func write(_ contents: SegmentContents, to path: String) throws(IndexFileError) {
        do throws(IndexFileError) {
            try check(contents)
            let image = IndexImage(
                version: IndexHeader.segmentVersion, dimension: contents.dimension, generation: 1, ids: contents.ids,
                deleted: DeletedRows(rowCount: contents.ids.count), metadata: try encodedMetadata(contents.metadata),
                fast: contents.fast, rescoring: contents.rescoring, payloads: contents.payloads,
                payloadIndex: contents.payloadIndex, graph: contents.graph)
            do {
                try IndexWriter.write(image, to: path)
            } catch let error as IndexFileError {
                throw error
            } catch {
                throw IndexFileError.invalidArgument("\(error)")
            }
        } catch {
            throw error.inFile(path)
        }
    }

    private static func check(_ contents: SegmentContents) throws(IndexFileError) {
        let rows = contents.ids.count
        guard contents.dimension >= 1, contents.dimension <= IndexLayout.maximumDimension else {
            throw .invalidArgument("dimension \(contents.dimension) is outside 1...\(IndexLayout.maximumDimension)")
        }
        for (name, section) in [("fast", contents.fast), ("rescoring", contents.rescoring)] {
            guard let section else { continue }
            let expected = rows * section.precision.bytesPerVector(dimension: contents.dimension)
            guard section.byteCount == expected else {
                throw .invalidArgument("the \(name) codes have \(section.byteCount) bytes, \(rows) rows need \(expected)")
            }
        }
        guard contents.payloads.count == 0 || contents.payloads.count == rows else {
            throw .invalidArgument("\(contents.payloads.count) payloads for \(rows) rows")
        }
        if let row = (0..<rows).first(where: { contents.ids.offsets[$0] == contents.ids.offsets[$0 + 1] }) {
            throw .emptyID(row: row)
        }
    }

    private static func encodedMetadata(_ metadata: IndexMetadata?) throws(IndexFileError) -> [UInt8] {
        do {
            return try metadata?.encoded() ?? []
        } catch {
            throw .invalidArgument("the metadata cannot be encoded: \(error)")
        }
    }
}

import EmbeddingQuantization
import EmbeddingSearch
import EmbeddingStore

/// An index file opened for searching: the fast codes in a ``FlatIndex`` (resident), the
/// rescoring codes left in the file (read per query with `pread`, never through the mapping, so
/// they do not become resident), the ids and the deleted rows.
///
/// The index is a snapshot of the file's generation when it was opened; later changes to the
/// file (they replace it by rename) are not seen. Immutable and safe to share between threads.
public final class SearchableIndex: Sendable {
    /// The file the index was read from.
    public let path: String
    /// The file's header as it was opened (counts, precisions, generation).
    public let header: IndexHeader
    /// One id per stored row (deleted rows included).
    public let ids: IndexIDs
    /// The rows marked deleted; searches never return them.
    public let deletedRows: DeletedRows
    /// The model that made the embeddings, when the index records it.
    public let metadata: IndexMetadata?
    /// The rescoring codes (memory-mapped, read with ``MappedCodes/copyRows(_:into:)``), if any.
    public let rescoring: MappedCodes?
    /// The fast-pass codes, in the blocked layout of the search kernels: every stored row, or
    /// only the live rows when ``liveRowMap`` is set.
    let fast: FlatIndex
    /// When `fast` holds only the live rows: the stored row of each of its rows (ascending).
    /// `nil` when it holds every stored row and searches skip the deleted ones.
    let liveRowMap: [Int]?

    /// Up to this many deleted rows, the fast codes keep every stored row and a search asks for
    /// that many extra candidates; above it, they are copied without the deleted rows (so a
    /// heavily deleted index costs no more per query than a compacted one).
    public static let defaultDeletedRowLimit = 1024

    /// Opens the index at `path` and prepares its fast codes for search.
    ///
    /// - Parameter verify: also check the rescoring section's checksum and id uniqueness
    ///   (``OpenIndex/verify()``; streams the rescoring codes without keeping them resident).
    /// - Throws: ``IndexSearchError/store(_:)`` for a missing, corrupt or unreadable file;
    ///   ``IndexSearchError/search(path:_:)`` if the fast codes cannot be indexed.
    public convenience init(path: String, verify: Bool = false) throws(IndexSearchError) {
        let index: OpenIndex
        do {
            index = try IndexFile.open(at: path, verify: verify)
        } catch {
            throw .store(error)
        }
        try self.init(index)
    }

    /// Prepares an already opened index for search. The fast codes are copied into the search
    /// layout; `index` itself is not retained, so its copy of them is freed with it.
    public convenience init(_ index: OpenIndex) throws(IndexSearchError) {
        try self.init(index, deletedRowLimit: Self.defaultDeletedRowLimit)
    }

    /// Prepares `index` for search; see ``defaultDeletedRowLimit`` for `deletedRowLimit`.
    init(_ index: OpenIndex, deletedRowLimit: Int) throws(IndexSearchError) {
        var codes = index.fast
        if index.deletedRows.count > deletedRowLimit {
            let live = index.liveRows
            let width = codes.bytesPerVector
            var bytes: [UInt8] = []
            bytes.reserveCapacity(live.count * width)
            codes.codes.withUnsafeBufferPointer { all in
                for row in live { bytes.append(contentsOf: all[(row * width)..<((row + 1) * width)]) }
            }
            do {
                codes = try QuantizedEmbeddings(
                    precision: codes.precision, rowCount: live.count, dimension: codes.dimension, codes: bytes,
                    ranges: codes.ranges, rounding: codes.rounding)
            } catch {
                throw .quantization(path: index.path, reason: "\(error)")
            }
            liveRowMap = live
        } else {
            liveRowMap = nil
        }
        do {
            fast = try FlatIndex(codes)
        } catch {
            throw .search(path: index.path, error)
        }
        path = index.path
        header = index.header
        ids = index.ids
        deletedRows = index.deletedRows
        metadata = index.metadata
        rescoring = index.rescoring
    }

    /// Dimensions of the embeddings.
    public var dimension: Int { header.dimension }
    /// Stored rows, deleted ones included.
    public var rowCount: Int { header.rowCount }
    /// Live (searchable) rows.
    public var count: Int { header.liveCount }
    /// The precision of the fast-pass codes.
    public var fastPrecision: Precision { header.fastPrecision }
    /// The precision of the rescoring codes, `nil` when the index has none.
    public var rescoringPrecision: Precision? { header.rescoringPrecision }

    /// The metric of the scores a search returns: the fast codes' own metric, or the inner
    /// product (higher is better) after rescoring.
    public func metric(rescoring: Bool) -> Metric {
        rescoring ? .innerProduct : fast.metric
    }
}

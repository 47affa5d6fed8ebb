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
    /// The fast-pass codes, in the blocked layout of the search kernels.
    let fast: FlatIndex

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
    public init(_ index: OpenIndex) throws(IndexSearchError) {
        do {
            fast = try FlatIndex(index.fast)
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

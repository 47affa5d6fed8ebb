import EmbeddingGraph
import EmbeddingQuantization
import EmbeddingSearch
import EmbeddingStore

/// An index file opened for searching, a `VectorIndex`: the fast codes in a `FlatIndex`
/// (resident), a `RaBitQIndex` for RaBitQ fast codes (`rabitq1` … `rabitq4`, rotated with the
/// centroid and rotation the file keeps with its ranges) or, when the index has a graph file
/// (``IndexGraphFile``), in an `HNSWIndex` that walks the graph (approximate,
/// `SearchParameters/ef` wide), the rescoring codes left in the file (read per query with
/// `pread`, never through the mapping, so they do not become resident), the ids and the deleted
/// rows.
///
/// Rows are the file's stored rows (`0 ..< rowCount`, deleted ones included, never returned);
/// ``documents(_:)`` attaches the ids to a search's hits.
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
    /// The rescoring codes (memory-mapped, read with `MappedCodes/copyRows(_:into:)`), if any.
    public let rescoring: MappedCodes?
    /// The graph the first stage walks (memory-mapped from ``IndexGraphFile``), or `nil` when
    /// searches scan every row exactly.
    public let graph: HNSWGraph?
    /// The first stage over the stored rows: the fast codes' ``FlatIndex`` or `RaBitQIndex`
    /// (every stored row, deleted ones excluded by ``deletedFilter``), a ``LiveRowsIndex``
    /// holding the live rows only, or an `HNSWIndex` over every stored row (the deleted ones
    /// navigated through, never returned).
    let fast: any VectorIndex
    /// The filter that excludes the deleted rows, when ``fast`` holds them (`nil` when none are deleted or
    /// ``fast`` holds only live rows).
    let deletedFilter: RowFilter?
    /// ``fast`` refined with the rescoring codes read by `pread`, when the file has them: a
    /// `RefineIndex` (`k × multiplier` candidates rescored), or for RaBitQ fast codes the
    /// `RaBitQIndex` whose error-bound candidates are rescored (`RaBitQIndex/refined(by:)`).
    let refined: (any VectorIndex)?

    /// Up to this many deleted rows, the fast codes keep every stored row and the scan skips the
    /// deleted ones through a `RowFilter`; above it, they are copied without the deleted rows
    /// (so a heavily deleted index costs no more per query than a compacted one). RaBitQ fast
    /// codes always keep every stored row (their scan skips the blocks of 16 deleted rows).
    public static let defaultDeletedRowLimit = 1024

    /// Opens the index at `path` and prepares its fast codes for search.
    ///
    /// - Parameters:
    ///   - path: the index file.
    ///   - verify: also check the rescoring section's checksum and id uniqueness
    ///     (`OpenIndex/verify()`; streams the rescoring codes without keeping them resident).
    ///   - useGraph: search through the index's graph file (`path + ".hnsw"`) when it has one;
    ///     `false` scans every row exactly.
    /// - Throws: ``IndexSearchError/store(_:)`` for a missing, corrupt or unreadable file;
    ///   ``IndexSearchError/search(path:_:)`` if the fast codes cannot be indexed; the graph
    ///   file's errors (``IndexGraphFile/open(for:)``), among them
    ///   ``IndexSearchError/staleGraph(path:reason:)``.
    public convenience init(path: String, verify: Bool = false, useGraph: Bool = true) throws(IndexSearchError) {
        let index: OpenIndex
        do {
            index = try IndexFile.open(at: path, verify: verify)
        } catch {
            throw .store(error)
        }
        try self.init(index, graph: useGraph ? try IndexGraphFile.open(for: index) : nil)
    }

    /// Prepares an already opened index for search. The fast codes are copied into the search
    /// layout; `index` itself is not retained, so its copy of them is freed with it.
    ///
    /// - Parameter graph: the graph of the fast codes to walk (``IndexGraphFile/open(for:)``),
    ///   or `nil` to scan.
    /// - Throws: ``IndexSearchError/search(path:_:)`` if the fast codes cannot be indexed;
    ///   ``IndexSearchError/graphBuild(path:_:)`` if `graph` was built on other codes.
    public convenience init(_ index: OpenIndex, graph: HNSWGraph? = nil) throws(IndexSearchError) {
        try self.init(index, graph: graph, deletedRowLimit: Self.defaultDeletedRowLimit)
    }

    /// Prepares `index` for search; see ``defaultDeletedRowLimit`` for `deletedRowLimit`.
    init(_ index: OpenIndex, graph: HNSWGraph? = nil, deletedRowLimit: Int) throws(IndexSearchError) {
        let codes = index.fast
        let walker: HNSWIndex?
        if let graph {
            do {
                walker = try HNSWIndex(graph: graph, codes: codes)
            } catch {
                throw .graphBuild(path: IndexGraphFile.path(forIndex: index.path), error)
            }
        } else {
            walker = nil
        }
        let first: any VectorIndex
        let finerStage: (any VectorIndex)?
        // The live rows as an allow-list over exactly the stored rows: a scan uses it as its mask as it is.
        let liveFilter: RowFilter? = index.deletedRows.count == 0
            ? nil
            : .allowing(RowBitset(rowCount: index.rowCount, packedBitsMostSignificantFirst: index.deletedRows.bitmap).complement)
        do {
            if codes.precision.rabitqCodeBits != nil {
                // RaBitQ codes have no graph distance (no walker can exist) and no FlatIndex scan;
                // rescoring rescores the candidates of the error bound.
                let scan = try RaBitQIndex(codes)
                first = scan
                deletedFilter = liveFilter
                finerStage = try index.rescoring.map { (finer) throws(SearchError) -> any VectorIndex in
                    try scan.refined(by: PreadCodes(finer))
                }
            } else {
                if let walker {
                    let deleted = index.deletedRows
                    first = deleted.count == 0 ? walker : walker.deleting((0..<index.rowCount).lazy.filter { deleted.contains($0) })
                    deletedFilter = nil
                } else if index.deletedRows.count > deletedRowLimit {
                    first = try LiveRowsIndex(codes, liveRows: index.liveRows)
                    deletedFilter = nil
                } else {
                    first = try FlatIndex(codes)
                    deletedFilter = liveFilter
                }
                finerStage = try index.rescoring.map { (finer) throws(SearchError) -> any VectorIndex in
                    try RefineIndex(base: first, codes: PreadCodes(finer), multiplier: 1)
                }
            }
        } catch {
            throw .search(path: index.path, error)
        }
        refined = finerStage
        self.graph = graph
        fast = first
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

    /// When the first stage holds only the live rows: the stored row of each of its rows.
    var liveRowMap: [Int]? { (fast as? LiveRowsIndex)?.liveRows }

    /// The hits of `results` (a search of this index) with their document ids.
    public func documents(_ results: SearchResults) -> DocumentResults {
        DocumentResults(
            metric: results.metric,
            hits: results.map { hits in hits.map { IndexHit(id: ids[$0.row], row: $0.row, score: $0.score) } })
    }
}

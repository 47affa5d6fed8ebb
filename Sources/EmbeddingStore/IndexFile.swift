import EmbeddingQuantization

/// The EmbedQ index file: creating, opening and changing it (format in `docs/INDEX_FORMAT.md`).
///
/// Every change writes a complete new file beside the old one and renames it into place, so a
/// crash at any moment leaves the old or the new index, never a mix. Writers to one path take
/// turns through a lock file (`.NAME.lock`, `flock`), so concurrent changes from several threads
/// or processes all apply; a writer that still finds the file replaced since it read it (a
/// writer that bypassed the lock) throws ``IndexFileError/concurrentModification(expected:found:)``
/// instead of overwriting that change. Readers take no lock and may open the file at any time:
/// an open index keeps reading the file it opened, whatever replaces it later.
public enum IndexFile {
    /// Writes a new index at `path` (replacing any file there), generation 1.
    ///
    /// - Parameters:
    ///   - path: the index file to create (replaced if it exists).
    ///   - fast: the codes searched first, one row per document (e.g. `binary`); kept in memory
    ///     when opened.
    ///   - rescoring: finer codes of the same rows (e.g. `int8`), memory-mapped when opened.
    ///   - ids: one non-empty id per row, unique.
    ///   - metadata: the model that made the embeddings, if known.
    /// - Throws: ``IndexFileError`` for inconsistent input (counts, dimension, duplicate or
    ///   empty ids) or a failed system call, wrapped in ``IndexFileError/inFile(path:_:)``.
    public static func create(
        at path: String, fast: QuantizedEmbeddings, rescoring: QuantizedEmbeddings? = nil,
        ids: [String], metadata: IndexMetadata? = nil
    ) throws(IndexFileError) {
        try WriterLock.withLock(for: path) { () throws(IndexFileError) in
            try createUnlocked(at: path, fast: fast, rescoring: rescoring, ids: ids, metadata: metadata)
        }
    }

    private static func createUnlocked(
        at path: String, fast: QuantizedEmbeddings, rescoring: QuantizedEmbeddings?, ids: [String], metadata: IndexMetadata?
    ) throws(IndexFileError) {
        do {
            try checkCodes(fast: fast, rescoring: rescoring, idCount: ids.count)
            guard fast.dimension >= 1, fast.dimension <= IndexLayout.maximumDimension else {
                throw IndexFileError.invalidArgument("dimension \(fast.dimension) is outside 1...\(IndexLayout.maximumDimension)")
            }
            var seen = Set<String>(minimumCapacity: ids.count)
            try checkNewIDs(ids, against: &seen)
            let image = IndexImage(
                dimension: fast.dimension, generation: 1, ids: IndexIDs(ids),
                deleted: DeletedRows(rowCount: ids.count), metadata: try metadata?.encoded() ?? [],
                fast: .init(precision: fast.precision, rounding: fast.rounding, ranges: fast.ranges, chunks: [.bytes(fast.codes)]),
                rescoring: rescoring.map { .init(precision: $0.precision, rounding: $0.rounding, ranges: $0.ranges, chunks: [.bytes($0.codes)]) })
            try IndexWriter.write(image, to: path)
        } catch {
            throw wrapped(error, path)
        }
    }

    /// Appends rows to the index at `path`. The new codes must have the index's precisions,
    /// dimension, ranges and rounding (quantize them with the ranges of ``OpenIndex/fast`` and
    /// ``OpenIndex/rescoring``), and rescoring codes exactly when the index has them.
    ///
    /// - Parameters:
    ///   - path: the index file.
    ///   - newIDs: one id per new row; none may equal a live row's id or another new id
    ///     (the id of a deleted row may be reused).
    ///   - fast: the new rows' fast codes.
    ///   - rescoring: the new rows' rescoring codes (exactly when the index has them).
    /// - Returns: the new generation.
    /// - Throws: ``IndexFileError/duplicateID(_:row:)``, ``IndexFileError/invalidArgument(_:)``,
    ///   or an error opening or writing the file, wrapped in ``IndexFileError/inFile(path:_:)``.
    @discardableResult
    public static func add(
        to path: String, ids newIDs: [String], fast: QuantizedEmbeddings, rescoring: QuantizedEmbeddings? = nil
    ) throws(IndexFileError) -> UInt64 {
        try WriterLock.withLock(for: path) { () throws(IndexFileError) in
            try addUnlocked(to: path, ids: newIDs, fast: fast, rescoring: rescoring)
        }
    }

    private static func addUnlocked(
        to path: String, ids newIDs: [String], fast: QuantizedEmbeddings, rescoring: QuantizedEmbeddings?
    ) throws(IndexFileError) -> UInt64 {
        let index = try openPlainIndex(at: path)
        do {
            try checkCodes(fast: fast, rescoring: rescoring, idCount: newIDs.count)
            try checkCompatible(fast, with: index.fast.precision, index.fast.ranges, index.fast.rounding, dimension: index.dimension, what: "fast")
            switch (index.rescoring, rescoring) {
            case (nil, nil): break
            case (let old?, let new?):
                try checkCompatible(new, with: old.precision, old.ranges, old.rounding, dimension: index.dimension, what: "rescoring")
            case (nil, _?):
                throw IndexFileError.invalidArgument("the index has no rescoring codes, but rescoring codes were given")
            case (_?, nil):
                throw IndexFileError.invalidArgument("the index has rescoring codes, the new rows need them too")
            }
            var seen = Set(index.liveRows.map { index.ids[$0] })
            try checkNewIDs(newIDs, against: &seen)
            var image = image(of: index)
            image.ids.append(contentsOf: newIDs)
            image.deleted.appendLive(newIDs.count)
            image.fast.chunks.append(.bytes(fast.codes))
            if let rescoring { image.rescoring?.chunks.append(.bytes(rescoring.codes)) }
            try write(image, replacing: index)
            return image.generation
        } catch {
            throw wrapped(error, path)
        }
    }

    /// Marks the live rows with the given ids deleted (their space is reclaimed by
    /// ``compact(at:)``). Ids that match no live row are reported, not an error; when none
    /// matches, the file is left untouched.
    ///
    /// - Returns: how many rows were deleted, the ids that matched none, and the generation.
    @discardableResult
    public static func delete(ids: [String], from path: String) throws(IndexFileError) -> DeletionReport {
        try WriterLock.withLock(for: path) { () throws(IndexFileError) in try deleteUnlocked(ids: ids, from: path) }
    }

    private static func deleteUnlocked(ids: [String], from path: String) throws(IndexFileError) -> DeletionReport {
        let index = try openPlainIndex(at: path)
        let rows = index.liveRowsByID()
        var image = image(of: index)
        var unknown: [String] = []
        var deleted = 0
        for id in ids {
            if let row = rows[id], !image.deleted.contains(row) {
                image.deleted.insert(row)
                deleted += 1
            } else {
                unknown.append(id)
            }
        }
        guard deleted > 0 else { return DeletionReport(deletedCount: 0, unknownIDs: unknown, generation: index.generation) }
        do {
            try write(image, replacing: index)
        } catch {
            throw wrapped(error, path)
        }
        return DeletionReport(deletedCount: deleted, unknownIDs: unknown, generation: image.generation)
    }

    /// Rewrites the index at `path` without its deleted rows (live rows keep their order; row
    /// numbers change). Does nothing when no row is deleted.
    ///
    /// - Returns: the number of rows removed.
    @discardableResult
    public static func compact(at path: String) throws(IndexFileError) -> Int {
        try WriterLock.withLock(for: path) { () throws(IndexFileError) in try compactUnlocked(at: path) }
    }

    private static func compactUnlocked(at path: String) throws(IndexFileError) -> Int {
        let index = try openPlainIndex(at: path)
        guard index.deletedRows.count > 0 else { return 0 }
        let live = index.liveRows
        var image = image(of: index)
        image.ids = index.ids.selecting(rows: live)
        image.deleted = DeletedRows(rowCount: live.count)
        var fastCodes: [UInt8] = []
        let fastWidth = index.fast.bytesPerVector
        fastCodes.reserveCapacity(live.count * fastWidth)
        for row in live { fastCodes += index.fast[row: row] }
        image.fast.chunks = [.bytes(fastCodes)]
        if let rescoring = index.rescoring {
            // Consecutive live rows become one chunk, copied straight from the mapping.
            let width = rescoring.bytesPerVector
            var chunks: [IndexImage.Chunk] = []
            var runStart = 0
            for (position, row) in live.enumerated() where position == live.count - 1 || live[position + 1] != row + 1 {
                chunks.append(.mapped(rescoring, (live[runStart] * width)..<((row + 1) * width)))
                runStart = position + 1
            }
            image.rescoring?.chunks = chunks
        }
        do {
            try write(image, replacing: index)
        } catch {
            throw wrapped(error, path)
        }
        return index.deletedRows.count
    }

    // MARK: - Helpers

    /// Opens the index at `path` for a change; a collection segment (format version 2) is
    /// immutable and refused.
    private static func openPlainIndex(at path: String) throws(IndexFileError) -> OpenIndex {
        let index = try open(at: path)
        guard index.header.version == IndexHeader.currentVersion else {
            throw IndexFileError.invalidArgument(
                "a collection segment (format version \(index.header.version)) is immutable; change it through its collection").inFile(path)
        }
        return index
    }

    /// The image of `index` as it is, with the next generation.
    static func image(of index: OpenIndex) -> IndexImage {
        IndexImage(
            dimension: index.dimension, generation: index.generation &+ 1, ids: index.ids,
            deleted: index.deletedRows, metadata: index.metadataBytes,
            fast: .init(precision: index.fast.precision, rounding: index.fast.rounding, ranges: index.fast.ranges, chunks: [.bytes(index.fast.codes)]),
            rescoring: index.rescoring.map { .init(precision: $0.precision, rounding: $0.rounding, ranges: $0.ranges, chunks: [.mapped($0, 0..<$0.bytes.count)]) })
    }

    /// Writes `image` over the file `index` was read from, unless another writer replaced it.
    static func write(_ image: IndexImage, replacing index: OpenIndex) throws {
        try withExtendedLifetime(index) {
            try IndexWriter.write(image, to: index.path) {
                let current = try header(at: index.path)
                guard current.generation == index.generation, current[.ids].checksum == index.header[.ids].checksum else {
                    throw IndexFileError.concurrentModification(expected: index.generation, found: current.generation)
                }
            }
        }
    }

    private static func checkCodes(fast: QuantizedEmbeddings, rescoring: QuantizedEmbeddings?, idCount: Int) throws {
        guard fast.rowCount == idCount else {
            throw IndexFileError.invalidArgument("\(idCount) ids for \(fast.rowCount) rows of fast codes")
        }
        if let rescoring {
            guard rescoring.rowCount == fast.rowCount, rescoring.dimension == fast.dimension else {
                throw IndexFileError.invalidArgument(
                    "rescoring codes are \(rescoring.rowCount) × \(rescoring.dimension), fast codes \(fast.rowCount) × \(fast.dimension)")
            }
        }
    }

    private static func checkCompatible(
        _ codes: QuantizedEmbeddings, with precision: Precision, _ ranges: QuantizationRanges?, _ rounding: RoundingMode,
        dimension: Int, what: String
    ) throws {
        guard codes.precision == precision, codes.dimension == dimension else {
            throw IndexFileError.invalidArgument(
                "new \(what) codes are \(codes.precision) × \(codes.dimension), the index holds \(precision) × \(dimension)")
        }
        guard codes.ranges == ranges, codes.rounding == rounding else {
            throw IndexFileError.invalidArgument("new \(what) codes were quantized with other ranges or rounding than the index's")
        }
    }

    private static func checkNewIDs(_ ids: [String], against seen: inout Set<String>) throws {
        for (row, id) in ids.enumerated() {
            guard !id.isEmpty else { throw IndexFileError.emptyID(row: row) }
            guard seen.insert(id).inserted else { throw IndexFileError.duplicateID(id, row: row) }
        }
    }

    private static func wrapped(_ error: any Error, _ path: String) -> IndexFileError {
        if let error = IndexFileError.from(error) as? IndexFileError { return error.inFile(path) }
        return IndexFileError.invalidArgument("\(error)").inFile(path)
    }
}

/// What ``IndexFile/delete(ids:from:)`` did.
public struct DeletionReport: Sendable, Equatable {
    /// Rows newly marked deleted.
    public var deletedCount: Int
    /// Requested ids that matched no live row (unknown or already deleted), in request order.
    public var unknownIDs: [String]
    /// The file's generation afterwards (unchanged when nothing was deleted).
    public var generation: UInt64
}

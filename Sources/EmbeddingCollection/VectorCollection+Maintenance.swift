import EmbeddingQuantization
import EmbeddingSearch
import EmbeddingStore

/// Which segments ``VectorCollection/merge(_:)`` combines.
public enum MergePolicy: Sendable, Equatable {
    /// Every segment into one.
    case all
    /// Size-tiered: segments are grouped by the power of `factor` their live rows fall under;
    /// the smallest tier holding at least `factor` segments is merged (nothing when none does).
    case tiered(factor: Int)

    /// The default size-tiered policy (factor 4).
    public static let tiered = MergePolicy.tiered(factor: 4)

    /// The indexes of the segments to merge, given each segment's live rows.
    func choose(liveRows: [Int]) -> [Int] {
        switch self {
        case .all:
            return liveRows.count >= 2 || liveRows.contains(0) ? Array(liveRows.indices) : []
        case .tiered(let factor):
            let factor = max(2, factor)
            var tiers: [Int: [Int]] = [:]
            for (index, rows) in liveRows.enumerated() {
                var tier = 0, bound = factor
                while rows >= bound { tier += 1; bound *= factor }
                tiers[tier, default: []].append(index)
            }
            for tier in tiers.keys.sorted() where tiers[tier]!.count >= factor { return tiers[tier]! }
            return []
        }
    }
}

/// What a flush or merge did.
public struct MaintenanceReport: Sendable, Equatable {
    /// Segments written (0 or 1).
    public let segmentsWritten: Int
    /// Segments merged away (merge) or emptied and dropped.
    public let segmentsRemoved: Int
    /// Rows the new segment holds.
    public let rowsWritten: Int
    /// Deleted rows dropped.
    public let rowsDropped: Int
}

extension VectorCollection {
    /// Writes the points in memory as a new segment and the rows deleted since the last flush as
    /// deletion files, then replaces the manifest (the commit point) and starts a new log.
    /// Searches see the same points before, during and after.
    ///
    /// - Throws: ``CollectionError`` for a failed write (the collection stays as it was: the
    ///   log still holds every batch).
    @discardableResult
    public func flush() throws(CollectionError) -> MaintenanceReport {
        try asWriter { (_) throws(CollectionError) -> MaintenanceReport in try flushLocked() }
    }

    /// ``flush()`` for a caller holding the writer lock.
    @discardableResult
    func flushLocked() throws(CollectionError) -> MaintenanceReport {
        let state = snapshot().state
        let changedDeletions = state.segments.indices.filter { state.segmentDeleted[$0] != state.persistedDeleted[$0] }
        guard !state.chunks.isEmpty || !changedDeletions.isEmpty || state.manifest.flushedSequence != state.lastSequence else {
            return MaintenanceReport(segmentsWritten: 0, segmentsRemoved: 0, rowsWritten: 0, rowsDropped: 0)
        }
        var manifest = state.manifest
        var written: [String] = []
        let gathered = try state.gatheredChunks()
        var newSegment: String?
        if !gathered.ids.isEmpty {
            let name = CollectionFiles.segmentName(manifest.nextFileNumber)
            manifest.nextFileNumber += 1
            try SegmentWriting.write(
                to: CollectionFiles.path(directory, name), ids: IndexIDs(gathered.ids), fast: [.bytes(gathered.fast)], finer: [.bytes(gathered.finer)],
                payloads: gathered.payloads, decoded: gathered.decoded, configuration: state.configuration)
            written.append(name)
            newSegment = name
        }
        var replacedDeletionFiles: [String] = []
        var removedSegments: [String] = []
        var records: [Manifest.SegmentRecord] = []
        for (index, record) in manifest.segments.enumerated() {
            var record = record
            let segment = state.segments[index]
            let deleted = state.segmentDeleted[index]
            if deleted.count == segment.rowCount {
                // Every row deleted: the segment goes.
                removedSegments.append(record.file)
                if let old = record.deletions { replacedDeletionFiles.append(old) }
                continue
            }
            if changedDeletions.contains(index) {
                let extra = deleted.intersection(segment.fileDeleted.complement)
                let name = CollectionFiles.deletionName(manifest.nextFileNumber)
                manifest.nextFileNumber += 1
                try CollectionFiles.writeAtomically(DeletionFile.encode(extra), to: CollectionFiles.path(directory, name))
                written.append(name)
                if let old = record.deletions { replacedDeletionFiles.append(old) }
                record.deletions = name
                record.deletedCount = extra.count
            }
            records.append(record)
        }
        if let newSegment {
            records.append(Manifest.SegmentRecord(file: newSegment, rows: gathered.ids.count, deletions: nil, deletedCount: 0))
        }
        manifest.segments = records
        manifest.flushedSequence = state.lastSequence
        manifest.ranges = state.configuration.ranges.map(Manifest.StoredRanges.init)
        manifest.generation += 1
        try commitLocked(manifest, state: state, removing: replacedDeletionFiles + removedSegments)
        return MaintenanceReport(
            segmentsWritten: newSegment == nil ? 0 : 1, segmentsRemoved: removedSegments.count, rowsWritten: gathered.ids.count,
            rowsDropped: state.chunks.indices.reduce(0) { $0 + state.chunkDeleted[$1].count })
    }

    /// Flushes, then combines the segments `policy` chooses into one, dropping their deleted
    /// rows; the manifest is replaced atomically and the merged files removed.
    ///
    /// - Throws: ``CollectionError`` for a failed read or write (the collection stays as it was).
    @discardableResult
    public func merge(_ policy: MergePolicy = .tiered) throws(CollectionError) -> MaintenanceReport {
        try asWriter { (_) throws(CollectionError) -> MaintenanceReport in
            try flushLocked()
            let state = snapshot().state
            let live = state.segments.indices.map { state.segments[$0].rowCount - state.segmentDeleted[$0].count }
            let chosen = policy.choose(liveRows: live)
            guard !chosen.isEmpty else { return MaintenanceReport(segmentsWritten: 0, segmentsRemoved: 0, rowsWritten: 0, rowsDropped: 0) }
            var ids = IndexIDs()
            var fast: [CodeChunk] = [], finer: [CodeChunk] = []
            var payloads: [[UInt8]] = [], decoded: [Payload] = []
            var dropped = 0
            for index in chosen {
                let segment = state.segments[index]
                let deleted = state.segmentDeleted[index]
                dropped += deleted.count
                let all: SegmentPayloads?
                do throws(IndexFileError) {
                    all = try segment.payloads?.payloads(rows: 0..<segment.rowCount)
                } catch {
                    throw .segment(error)
                }
                var row = 0
                while row < segment.rowCount {
                    guard !deleted.contains(row) else { row += 1; continue }
                    var end = row
                    while end < segment.rowCount, !deleted.contains(end) { end += 1 }
                    let codes = segment.fastInFile
                    fast.append(.mapped(codes, (row * codes.bytesPerVector)..<(end * codes.bytesPerVector)))
                    if let codes = segment.rescoring {
                        finer.append(.mapped(codes, (row * codes.bytesPerVector)..<(end * codes.bytesPerVector)))
                    }
                    for live in row..<end {
                        ids.append(segment.ids[live])
                        let bytes = all.map { Array($0[live]) } ?? []
                        payloads.append(bytes)
                        do throws(BinaryDecodingFailure) {
                            decoded.append(try PayloadEncoding.decode(bytes))
                        } catch {
                            throw .corruptFile(path: segment.path, reason: "the payload of row \(live): \(error.description)")
                        }
                    }
                    row = end
                }
            }
            var manifest = state.manifest
            var records: [Manifest.SegmentRecord] = []
            var removed: [String] = []
            for (index, record) in manifest.segments.enumerated() {
                if chosen.contains(index) {
                    removed.append(record.file)
                    if let deletions = record.deletions { removed.append(deletions) }
                } else {
                    records.append(record)
                }
            }
            if ids.count > 0 {
                let name = CollectionFiles.segmentName(manifest.nextFileNumber)
                manifest.nextFileNumber += 1
                try SegmentWriting.write(to: CollectionFiles.path(directory, name), ids: ids, fast: fast, finer: finer, payloads: payloads, decoded: decoded, configuration: state.configuration)
                records.append(Manifest.SegmentRecord(file: name, rows: ids.count, deletions: nil, deletedCount: 0))
            }
            manifest.segments = records
            manifest.generation += 1
            try commitLocked(manifest, state: state, removing: removed)
            return MaintenanceReport(segmentsWritten: ids.count > 0 ? 1 : 0, segmentsRemoved: chosen.count, rowsWritten: ids.count, rowsDropped: dropped)
        }
    }

    /// Replaces the manifest with `manifest` (the commit point), publishes the state it describes
    /// (segments reopened, memory emptied when the flush covered it), starts a new log when the
    /// old one is fully flushed, and removes `obsolete` files.
    func commitLocked(_ manifest: Manifest, state: CollectionState, removing obsolete: [String]) throws(CollectionError) {
        try ManifestFile.write(manifest, directory: directory)
        // From here on the new manifest is durable; what follows only tidies up.
        var segments: [SegmentView] = [], deleted: [RowBitset] = []
        let byFile = Dictionary(state.segments.enumerated().map { ($1.file, $0) }, uniquingKeysWith: { first, _ in first })
        for record in manifest.segments {
            if let index = byFile[record.file] {
                segments.append(state.segments[index])
                deleted.append(state.segmentDeleted[index])
            } else {
                let view = try SegmentView(directory: directory, file: record.file, graph: state.configuration.index != .flat)
                var rows = view.fileDeleted
                if let name = record.deletions {
                    let path = CollectionFiles.path(directory, name)
                    guard let bytes = try CollectionFiles.contents(of: path) else {
                        throw .corruptFile(path: path, reason: "the deletion file just written is missing")
                    }
                    rows.formUnion(try DeletionFile.decode(bytes, rowCount: view.rowCount, expectedCount: record.deletedCount, path: path))
                }
                segments.append(view)
                deleted.append(rows)
            }
        }
        var next = state
        next.manifest = manifest
        next.segments = segments
        next.segmentDeleted = deleted
        next.persistedDeleted = deleted
        if manifest.flushedSequence == state.lastSequence {
            next.chunks = []
            next.chunkDeleted = []
        }
        publish(next)
        if let log = currentLog, manifest.flushedSequence == state.lastSequence, log.firstSequence <= state.lastSequence {
            let fresh = try LogWriter.create(directory: directory, firstSequence: state.lastSequence + 1, layout: state.layout)
            replaceLog(fresh)
            try CollectionFiles.remove(log.path)
        }
        for name in obsolete { try CollectionFiles.remove(CollectionFiles.path(directory, name)) }
        CollectionFiles.synchronizeDirectory(directory)
    }
}

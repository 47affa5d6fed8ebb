import EmbeddingQuantization
import EmbeddingSearch

/// Reads a collection directory into a ``CollectionState``: the manifest, its segments and
/// deletion files, then every batch of the write-ahead log past the manifest's flushed sequence.
enum CollectionLoader {
    /// What loading found besides the state: where the writer continues the log.
    struct LogTail {
        /// The log file appended to next (its name's first sequence), if any exists.
        var path: String?
        var firstSequence: UInt64
        /// The end of its last good frame.
        var validEnd: Int
        /// Log files every batch of which is in the segments (removable by a writer).
        var obsolete: [String]
    }

    /// Loads the state of `directory`.
    ///
    /// - Throws: ``CollectionError`` naming the damaged or missing file.
    static func load(directory: String) throws(CollectionError) -> (CollectionState, LogTail) {
        let manifest = try ManifestFile.read(directory: directory)
        let manifestPath = CollectionFiles.path(directory, CollectionFiles.manifestName)
        var configuration: CollectionConfiguration
        do {
            configuration = try manifest.configuration()
        } catch {
            throw .corruptFile(path: manifestPath, reason: error.description)
        }
        var segments: [SegmentView] = []
        var deleted: [RowBitset] = []
        for record in manifest.segments {
            let segment = try SegmentView(directory: directory, file: record.file, graph: configuration.index != .flat)
            guard segment.rowCount == record.rows else {
                throw .corruptFile(path: manifestPath, reason: "segment \(record.file) has \(segment.rowCount) rows, the manifest says \(record.rows)")
            }
            var rows = segment.fileDeleted
            if let name = record.deletions {
                let path = CollectionFiles.path(directory, name)
                guard let bytes = try CollectionFiles.contents(of: path) else {
                    throw .corruptFile(path: path, reason: "the deletion file the manifest lists is missing")
                }
                rows.formUnion(try DeletionFile.decode(bytes, rowCount: segment.rowCount, expectedCount: record.deletedCount, path: path))
            }
            segments.append(segment)
            deleted.append(rows)
        }
        var state = CollectionState(
            manifest: manifest, configuration: configuration, segments: segments, segmentDeleted: deleted,
            persistedDeleted: deleted, chunks: [], chunkDeleted: [], lastSequence: manifest.flushedSequence)
        let logs = try CollectionFiles.names(in: directory)
            .compactMap { name in CollectionFiles.logFirstSequence(name).map { (name: name, first: $0) } }
            .sorted { $0.first < $1.first }
        var tail = LogTail(path: nil, firstSequence: manifest.flushedSequence + 1, validEnd: LogFormat.headerSize, obsolete: [])
        for (position, log) in logs.enumerated() {
            let path = CollectionFiles.path(directory, log.name)
            guard let bytes = try CollectionFiles.contents(of: path) else {
                throw .corruptFile(path: path, reason: "the log vanished while it was read")
            }
            let first = try LogFormat.firstSequence(ofHeader: bytes[...], path: path)
            guard first == log.first else {
                throw .corruptFile(path: path, reason: "the header says the first batch is \(first), the name says \(log.first)")
            }
            let scan = try LogFormat.scan(
                bytes[LogFormat.headerSize...], base: LogFormat.headerSize, nextSequence: first, layout: state.layout, path: path)
            let isLast = position == logs.count - 1
            if let torn = scan.tornTail, !isLast {
                throw .corruptFile(path: path, reason: "a damaged frame in a log that later logs follow: \(torn)")
            }
            let lastInFile = first + UInt64(scan.records.count) - 1
            if scan.records.isEmpty || lastInFile <= manifest.flushedSequence {
                if !isLast { tail.obsolete.append(path) }
            }
            for record in scan.records where record.sequence > manifest.flushedSequence {
                try state.apply(record, source: path)
            }
            if isLast {
                tail.path = path
                tail.firstSequence = first
                tail.validEnd = scan.validEnd
            }
        }
        // Replayed batches are joined into one chunk, so that a search scans one memory part.
        if state.chunks.count > 1 {
            let gathered = try state.gatheredChunks()
            if gathered.ids.isEmpty {
                state.chunks = []
                state.chunkDeleted = []
            } else {
                let chunk = try state.makeChunk(ids: gathered.ids, fast: gathered.fast, finer: gathered.finer, payloads: gathered.payloads, source: directory)
                state.chunks = [chunk]
                state.chunkDeleted = [RowBitset(rowCount: chunk.rowCount)]
            }
        }
        return (state, tail)
    }

    /// Loads `directory`, retrying a few times when a writer in another process replaced the
    /// manifest or removed a file meanwhile (a reader takes no lock).
    ///
    /// - Throws: the last attempt's ``CollectionError``.
    static func loadRetrying(directory: String) throws(CollectionError) -> (CollectionState, LogTail) {
        var attempt = 0
        while true {
            do {
                return try load(directory: directory)
            } catch {
                attempt += 1
                let generationBefore = try? ManifestFile.read(directory: directory).generation
                guard attempt < 8, error.kind != .badRequest, error.kind != .notFound || generationBefore != nil else { throw error }
                // A concurrent flush or merge shows as a missing file or a log starting later: try again.
                continue
            }
        }
    }
}

import EmbeddingQuantization
import EmbeddingSearch

/// One consistent state of a collection: the segments a manifest lists with their deleted rows,
/// and the memory chunks of the batches logged since the last flush. Immutable once published:
/// a write makes a new state (sharing the segments and chunks) and swaps it in, so a search
/// holding the old one is never disturbed.
struct CollectionState: Sendable {
    /// The manifest the segments come from.
    var manifest: Manifest
    /// The collection's configuration, ranges included once known.
    var configuration: CollectionConfiguration
    /// The segments, oldest first.
    var segments: [SegmentView]
    /// Each segment's deleted rows: those of its file and deletion file, and those deleted by
    /// logged batches since.
    var segmentDeleted: [RowBitset]
    /// Each segment's deleted rows as its files record them (what a flush compares against).
    var persistedDeleted: [RowBitset]
    /// The memory chunks, oldest first.
    var chunks: [MemoryChunk]
    /// Each chunk's rows replaced or deleted by later batches.
    var chunkDeleted: [RowBitset]
    /// The sequence number of the last batch applied.
    var lastSequence: UInt64

    /// Where a point lives.
    enum Location: Equatable {
        case segment(Int, row: Int)
        case chunk(Int, row: Int)
    }

    /// The live location of `id`, if the collection holds it (newest first: chunks, then segments).
    func location(of id: String) -> Location? {
        for chunk in chunks.indices.reversed() {
            if let row = chunks[chunk].rowsByID[id], !chunkDeleted[chunk].contains(row) { return .chunk(chunk, row: row) }
        }
        for segment in segments.indices.reversed() {
            if let row = segments[segment].liveRow(of: id, deleted: segmentDeleted[segment]) { return .segment(segment, row: row) }
        }
        return nil
    }

    /// Live points.
    var count: Int {
        var total = 0
        for index in segments.indices { total += segments[index].rowCount - segmentDeleted[index].count }
        for index in chunks.indices { total += chunks[index].rowCount - chunkDeleted[index].count }
        return total
    }

    /// Rows held in memory chunks (live or not).
    var memoryRows: Int { chunks.reduce(0) { $0 + $1.rowCount } }

    /// Byte widths of a row's fast and finer codes.
    var layout: LogFormat.Layout {
        LogFormat.Layout(
            fastWidth: configuration.precision.bytesPerVector(dimension: configuration.dimension),
            rescoringWidth: configuration.rescoring?.bytesPerVector(dimension: configuration.dimension) ?? 0,
            dimension: configuration.dimension)
    }

    /// Marks the live row of `id` deleted; whether there was one.
    @discardableResult
    mutating func remove(_ id: String) -> Bool {
        switch location(of: id) {
        case .segment(let segment, let row): segmentDeleted[segment].insert(row)
        case .chunk(let chunk, let row): chunkDeleted[chunk].insert(row)
        case nil: return false
        }
        return true
    }

    /// The state after `record` (the next batch of the log): its deletions and replaced points
    /// marked, its new points in one new chunk.
    ///
    /// - Throws: ``CollectionError/corruptFile(path:reason:)`` for a record that does not fit
    ///   (sequence, ranges, payloads); `source` names the log.
    mutating func apply(_ record: LogRecord, source: String) throws(CollectionError) {
        guard record.sequence == lastSequence + 1 else {
            throw .corruptFile(path: source, reason: "batch \(record.sequence) follows batch \(lastSequence)")
        }
        if let ranges = record.ranges {
            guard configuration.ranges == nil || configuration.ranges == ranges else {
                throw .corruptFile(path: source, reason: "batch \(record.sequence) sets ranges, the collection already has others")
            }
            configuration.ranges = ranges
        }
        var pending: [String: Int] = [:]
        var ids: [String] = [], fast: [UInt8] = [], finer: [UInt8] = [], payloads: [[UInt8]] = []
        var dropped = Set<Int>()
        for operation in record.operations {
            let id = operation.id
            if let earlier = pending.removeValue(forKey: id) { dropped.insert(earlier) } else { remove(id) }
            if case .upsert(_, let codes, let rescoring, let payload) = operation {
                pending[id] = ids.count
                ids.append(id)
                fast += codes
                finer += rescoring
                payloads.append(payload)
            }
        }
        lastSequence = record.sequence
        guard !ids.isEmpty else { return }
        if configuration.needsRanges, configuration.ranges == nil {
            throw .corruptFile(path: source, reason: "batch \(record.sequence) adds integer codes before the collection has ranges")
        }
        let chunk = try makeChunk(ids: ids, fast: fast, finer: finer, payloads: payloads, source: source)
        var deleted = RowBitset(rowCount: ids.count)
        for row in dropped { deleted.insert(row) }
        chunks.append(chunk)
        chunkDeleted.append(deleted)
    }

    /// A chunk of rows with codes of this collection's layout.
    func makeChunk(ids: [String], fast: [UInt8], finer: [UInt8], payloads: [[UInt8]], source: String) throws(CollectionError) -> MemoryChunk {
        let configuration = configuration
        func codes(_ precision: Precision, _ bytes: [UInt8]) throws(CollectionError) -> QuantizedEmbeddings {
            do {
                return try QuantizedEmbeddings(
                    precision: precision, rowCount: ids.count, dimension: configuration.dimension, codes: bytes,
                    ranges: precision.needsCalibration ? configuration.ranges : nil, rounding: configuration.rounding)
            } catch {
                throw .corruptFile(path: source, reason: "codes of the wrong size: \(error.description)")
            }
        }
        return try MemoryChunk(
            ids: ids, fastCodes: try codes(configuration.precision, fast),
            rescoringCodes: try configuration.rescoring.map { (precision) throws(CollectionError) in try codes(precision, finer) },
            payloadBytes: payloads, source: source)
    }

    /// The live rows of every chunk gathered into one chunk (none when no row is live): what a
    /// flush writes, and how the chunks replayed at open are joined.
    func gatheredChunks() throws(CollectionError) -> (ids: [String], fast: [UInt8], finer: [UInt8], payloads: [[UInt8]], decoded: [Payload]) {
        var ids: [String] = [], fast: [UInt8] = [], finer: [UInt8] = [], payloads: [[UInt8]] = [], decoded: [Payload] = []
        for (index, chunk) in chunks.enumerated() {
            let fastWidth = chunk.fastCodes.bytesPerVector
            let finerWidth = chunk.rescoringCodes?.bytesPerVector ?? 0
            for row in 0..<chunk.rowCount where !chunkDeleted[index].contains(row) {
                ids.append(chunk.ids[row])
                fast += chunk.fastCodes.codes[(row * fastWidth)..<((row + 1) * fastWidth)]
                if let codes = chunk.rescoringCodes { finer += codes.codes[(row * finerWidth)..<((row + 1) * finerWidth)] }
                payloads.append(chunk.payloadBytes[row])
                decoded.append(chunk.payloads[row])
            }
        }
        return (ids, fast, finer, payloads, decoded)
    }
}

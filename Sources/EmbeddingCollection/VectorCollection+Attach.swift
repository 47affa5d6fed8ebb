import EmbeddingQuantization
import EmbeddingSearch
import EmbeddingStore

/// What ``VectorCollection/attach(segments:)`` did.
public struct AttachReport: Sendable, Equatable {
    /// Segment files attached.
    public let attached: Int
    /// Segment files skipped because they were attached before (same contents).
    public let alreadyAttached: Int
    /// Points the attached segments hold (live after deduplication).
    public let points: Int
    /// Existing points they replaced (same id).
    public let replaced: Int
}

extension VectorCollection {
    /// Writes a segment file for this collection's settings (dimension, precisions, ranges, and
    /// the HNSW graph of its fast codes when the collection has one), outside the collection: built where the data is, then added with ``attach(segments:)``.
    /// Ids must be unique within the segment.
    ///
    /// - Throws: ``CollectionError`` for a bad batch, a collection without ranges yet whose
    ///   precision needs them, or a failed write.
    public static func buildSegment(
        for configuration: CollectionConfiguration, ids: [String], vectors: EmbeddingMatrix, payloads: [Payload]?, to path: String
    ) throws(CollectionError) {
        guard vectors.dimension == configuration.dimension else {
            throw .dimensionMismatch(expected: configuration.dimension, actual: vectors.dimension, what: "the vectors")
        }
        guard ids.count == vectors.rowCount, payloads == nil || payloads!.count == ids.count else {
            throw .invalidArgument("\(ids.count) ids, \(vectors.rowCount) vectors and \(payloads?.count ?? ids.count) payloads")
        }
        try checkIDs(ids)
        if configuration.needsRanges, configuration.ranges == nil {
            throw .invalidArgument("the collection has no calibration ranges yet: add a first batch or create it with ranges")
        }
        let ranges = configuration.ranges
        func codes(_ precision: Precision) throws(CollectionError) -> [UInt8] {
            do throws(QuantizationError) {
                return try EmbeddingQuantizer(precision: precision, ranges: precision.needsCalibration ? ranges : nil, rounding: configuration.rounding)
                    .quantize(vectors).codes
            } catch {
                throw .quantization(error)
            }
        }
        let encoded = payloads?.map(PayloadEncoding.encode) ?? [[UInt8]](repeating: [], count: ids.count)
        try SegmentWriting.write(
            to: path, ids: IndexIDs(ids), fast: [.bytes(try codes(configuration.precision))],
            finer: [.bytes(try configuration.rescoring.map(codes) ?? [])], payloads: encoded,
            decoded: payloads ?? [Payload](repeating: Payload(), count: ids.count), configuration: configuration)
    }

    /// Adds finished segment files to the collection in one atomic manifest replacement. Each
    /// file is checked (every checksum, the collection's dimension, precisions and ranges), linked
    /// or copied into the directory, and its ids replace the collection's (upsert rules: a later
    /// segment of the call wins over an earlier one, a later row over an earlier one with the same
    /// id). A file attached before (same contents) is skipped, so retrying an attach is safe.
    ///
    /// In a collection with ``CollectionIndex/hnsw(_:)`` each file must carry its graph (as
    /// ``buildSegment(for:ids:vectors:payloads:to:)`` writes it); the graph is checked when the
    /// file is opened.
    ///
    /// - Throws: ``CollectionError/segment(_:)`` for a damaged file;
    ///   ``CollectionError/invalidArgument(_:)`` for one of other settings or without the graph
    ///   the collection needs; ``CollectionError/corruptGraph(path:_:)`` for a damaged graph; a
    ///   failed write (then nothing is attached).
    @discardableResult
    public func attach(segments paths: [String]) throws(CollectionError) -> AttachReport {
        try asWriter { (log) throws(CollectionError) -> AttachReport in
            try flushLocked()
            var state = snapshot().state
            var manifest = state.manifest
            var attachedFingerprints = manifest.attached ?? []
            var newViews: [(view: SegmentView, deleted: RowBitset, name: String, fingerprint: String)] = []
            var skipped = 0, replaced = 0
            for path in paths {
                let fingerprint = try Self.fingerprint(of: path)
                if attachedFingerprints.contains(fingerprint) || newViews.contains(where: { $0.fingerprint == fingerprint }) {
                    skipped += 1
                    continue
                }
                let hasGraph: Bool
                do throws(IndexFileError) {
                    hasGraph = try IndexFile.open(at: path, verify: true).header[.graph].length > 0
                } catch {
                    throw .segment(error)
                }
                if state.configuration.index != .flat, !hasGraph {
                    throw .invalidArgument("\(path): the segment has no HNSW graph, and every segment of this collection needs one: build it with `embedq collection build-segment` (VectorCollection.buildSegment) for this collection")
                }
                let name = CollectionFiles.segmentName(manifest.nextFileNumber)
                manifest.nextFileNumber += 1
                try CollectionFiles.linkOrCopy(path, to: CollectionFiles.path(directory, name))
                let view: SegmentView
                do throws(CollectionError) {
                    view = try SegmentView(directory: directory, file: name, graph: state.configuration.index != .flat)
                    try Self.checkCompatible(view, with: state.configuration, path: path)
                } catch {
                    try? CollectionFiles.remove(CollectionFiles.path(directory, name))
                    throw error
                }
                newViews.append((view, view.fileDeleted, name, fingerprint))
            }
            // Upsert rules: the last row of an id wins, across the call's segments in order.
            var newest: [String: (segment: Int, row: Int)] = [:]
            for (index, entry) in newViews.enumerated() {
                for row in 0..<entry.view.rowCount where !entry.deleted.contains(row) {
                    let id = entry.view.ids[row]
                    if let earlier = newest[id] { newViews[earlier.segment].deleted.insert(earlier.row) }
                    newest[id] = (index, row)
                }
            }
            for id in newest.keys where state.remove(id) { replaced += 1 }
            var written: [String] = []
            var records: [Manifest.SegmentRecord] = []
            var obsolete: [String] = []
            for (index, record) in manifest.segments.enumerated() {
                var record = record
                if state.segmentDeleted[index] != state.persistedDeleted[index] {
                    let extra = state.segmentDeleted[index].intersection(state.segments[index].fileDeleted.complement)
                    let name = CollectionFiles.deletionName(manifest.nextFileNumber)
                    manifest.nextFileNumber += 1
                    try CollectionFiles.writeAtomically(DeletionFile.encode(extra), to: CollectionFiles.path(directory, name))
                    written.append(name)
                    if let old = record.deletions { obsolete.append(old) }
                    record.deletions = name
                    record.deletedCount = extra.count
                }
                records.append(record)
            }
            for entry in newViews {
                var record = Manifest.SegmentRecord(file: entry.name, rows: entry.view.rowCount, deletions: nil, deletedCount: 0)
                let extra = entry.deleted.intersection(entry.view.fileDeleted.complement)
                if extra.count > 0 {
                    let name = CollectionFiles.deletionName(manifest.nextFileNumber)
                    manifest.nextFileNumber += 1
                    try CollectionFiles.writeAtomically(DeletionFile.encode(extra), to: CollectionFiles.path(directory, name))
                    record.deletions = name
                    record.deletedCount = extra.count
                }
                records.append(record)
                attachedFingerprints.append(entry.fingerprint)
            }
            guard !newViews.isEmpty else { return AttachReport(attached: 0, alreadyAttached: skipped, points: 0, replaced: 0) }
            manifest.segments = records
            manifest.attached = attachedFingerprints
            manifest.generation += 1
            state.manifest = manifest
            try commitLocked(manifest, state: state, removing: obsolete)
            _ = log
            let points = newViews.reduce(0) { $0 + $1.view.rowCount - $1.deleted.count }
            return AttachReport(attached: newViews.count, alreadyAttached: skipped, points: points, replaced: replaced)
        }
    }

    /// A segment file's identity: the CRC-32C of its header (which holds every section's CRC-32C)
    /// and its length.
    static func fingerprint(of path: String) throws(CollectionError) -> String {
        do throws(IndexFileError) {
            let header = try IndexFile.header(at: path)
            var bytes: [UInt8] = []
            for section in IndexSection.allCases {
                let entry = header[section]
                bytes.appendLittleEndian(UInt64(entry.offset))
                bytes.appendLittleEndian(UInt64(entry.length))
                bytes.appendLittleEndian(entry.checksum)
            }
            return "\(header.fileLength)-\(header.rowCount)-\(String(CRC32C.checksum(of: bytes), radix: 16))"
        } catch {
            throw .segment(error)
        }
    }

    static func checkCompatible(_ view: SegmentView, with configuration: CollectionConfiguration, path: String) throws(CollectionError) {
        guard view.fastInFile.dimension == configuration.dimension, view.fastInFile.precision == configuration.precision,
              view.rescoring?.precision == configuration.rescoring else {
            throw .invalidArgument("\(path): a segment of dimension \(view.fastInFile.dimension), \(view.fastInFile.precision) + \(view.rescoring.map { "\($0.precision)" } ?? "no") rescoring does not fit the collection")
        }
        if configuration.precision.needsCalibration, view.fastInFile.ranges != configuration.ranges {
            throw .invalidArgument("\(path): the segment's fast codes were made with other calibration ranges")
        }
        if let rescoring = view.rescoring, rescoring.precision.needsCalibration, rescoring.ranges != configuration.ranges {
            throw .invalidArgument("\(path): the segment's finer codes were made with other calibration ranges")
        }
    }
}

extension VectorCollection {
    /// Creates a collection at the new directory `directory` holding the index file at `path` as
    /// its one segment (linked or copied; its deleted rows stay deleted), with the file's
    /// dimension, precisions and ranges. The index file itself is not changed.
    ///
    /// - Throws: ``CollectionError/segment(_:)`` for a damaged file; ``CollectionError/alreadyExists(path:)``;
    ///   ``CollectionError/invalidArgument(_:)`` for fast and finer codes calibrated differently.
    public static func convert(indexFile path: String, to directory: String) throws(CollectionError) -> VectorCollection {
        let header: IndexHeader
        let ranges: QuantizationRanges?
        do throws(IndexFileError) {
            let index = try IndexFile.open(at: path, verify: true)
            header = index.header
            ranges = index.fast.ranges ?? index.rescoring?.ranges
        } catch {
            throw .segment(error)
        }
        let configuration = CollectionConfiguration(
            dimension: header.dimension, precision: header.fastPrecision, rescoring: header.rescoringPrecision,
            rounding: header.fastRounding, ranges: ranges)
        let collection = try create(at: directory, configuration: configuration)
        try collection.attach(segments: [path])
        return collection
    }
}

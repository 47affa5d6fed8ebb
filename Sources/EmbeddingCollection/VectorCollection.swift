#if canImport(FoundationEssentials)
import FoundationEssentials
#endif
import Foundation
import EmbeddingQuantization
import EmbeddingSearch

/// A collection that changes: a directory of immutable segments, a write-ahead log and a
/// manifest (see `docs/COLLECTIONS.md`).
///
/// - Writes (``upsert(ids:vectors:payloads:)``, ``delete(ids:)``) are appended to the log and
///   made durable (`fdatasync`) before they return; one call's batch is atomic. They are served
///   at once from memory chunks; ``flush()`` turns those into a segment and ``merge(_:)``
///   combines segments, dropping deleted rows. The manifest is replaced atomically.
/// - Reads take a ``snapshot()``: one consistent set of segments and memory chunks. A writer
///   publishes a new state by swapping a pointer, so searches never wait for writes.
/// - One writer: a writable collection holds an exclusive `flock` on `DIR/.lock` (another
///   process's writer waits); readers, in this process or others, take no lock.
///
/// `@unchecked Sendable`: the published state is guarded by `stateLock`; the log and the
/// writer's bookkeeping by `writeLock`.
public final class VectorCollection: @unchecked Sendable {
    /// The collection directory.
    public let directory: String
    /// Whether this instance may write (it then holds the writer lock).
    public let isWritable: Bool
    /// Flush automatically once this many rows are in memory (`nil`: only on ``flush()``).
    public let autoFlushRows: Int?

    private let stateLock = NSLock()
    private var state: CollectionState
    private let writeLock = NSLock()
    private var log: LogWriter?
    private var directoryLock: DirectoryLock?

    /// Rows kept in memory before an automatic flush, unless stated otherwise.
    public static let defaultAutoFlushRows = 100_000

    private init(directory: String, state: CollectionState, log: LogWriter?, lock: DirectoryLock?, autoFlushRows: Int?) {
        self.directory = directory
        self.state = state
        self.log = log
        self.directoryLock = lock
        self.isWritable = lock != nil
        self.autoFlushRows = autoFlushRows
    }

    deinit { directoryLock?.release() }

    /// Creates a collection in the new directory `directory` and opens it for writing.
    ///
    /// - Throws: ``CollectionError/alreadyExists(path:)``; ``CollectionError/invalidConfiguration(_:)``;
    ///   a failed system call.
    public static func create(
        at directory: String, configuration: CollectionConfiguration, autoFlushRows: Int? = defaultAutoFlushRows
    ) throws(CollectionError) -> VectorCollection {
        try configuration.validate()
        try CollectionFiles.createDirectory(directory)
        let lock = try DirectoryLock(directory: directory)
        let manifest = Manifest(configuration: configuration)
        var probe = CollectionState(
            manifest: manifest, configuration: configuration, segments: [], segmentDeleted: [], persistedDeleted: [],
            chunks: [], chunkDeleted: [], lastSequence: 0)
        let log = try LogWriter.create(directory: directory, firstSequence: 1, layout: probe.layout)
        // The manifest comes last: a directory without one is not a collection yet.
        try ManifestFile.write(manifest, directory: directory)
        probe.manifest = manifest
        return VectorCollection(directory: directory, state: probe, log: log, lock: lock, autoFlushRows: autoFlushRows)
    }

    /// Opens the collection at `directory`, replaying the batches logged since its last flush.
    /// A writable open takes the writer lock (waiting while another writer holds it), drops a
    /// torn log tail (a batch whose append never completed, so was never acknowledged) and removes
    /// files no manifest refers to (left by a crash).
    ///
    /// - Throws: ``CollectionError/notACollection(path:reason:)``; ``CollectionError/corruptFile(path:reason:)``
    ///   or ``CollectionError/segment(_:)`` naming a damaged file; a failed system call.
    public convenience init(opening directory: String, writable: Bool = true, autoFlushRows: Int? = defaultAutoFlushRows) throws(CollectionError) {
        guard CollectionFiles.isDirectory(directory) else {
            throw .notACollection(path: directory, reason: "no such directory")
        }
        guard writable else {
            let (state, _) = try CollectionLoader.loadRetrying(directory: directory)
            self.init(directory: directory, state: state, log: nil, lock: nil, autoFlushRows: nil)
            return
        }
        guard CollectionFiles.exists(CollectionFiles.path(directory, CollectionFiles.manifestName)) else {
            throw .notACollection(path: directory, reason: "no \(CollectionFiles.manifestName)")
        }
        let lock = try DirectoryLock(directory: directory)
        let (state, tail) = try CollectionLoader.load(directory: directory)
        let log: LogWriter
        if let path = tail.path {
            log = try LogWriter.reopen(path: path, firstSequence: tail.firstSequence, validEnd: tail.validEnd, layout: state.layout)
        } else {
            log = try LogWriter.create(directory: directory, firstSequence: state.lastSequence + 1, layout: state.layout)
        }
        for path in tail.obsolete { try CollectionFiles.remove(path) }
        try Self.removeUnreferencedFiles(directory: directory, manifest: state.manifest, log: log.path)
        self.init(directory: directory, state: state, log: log, lock: lock, autoFlushRows: autoFlushRows)
    }

    /// Releases the writer lock; later writes throw ``CollectionError/closed(path:)``.
    /// Snapshots taken before stay searchable.
    public func close() {
        writeLock.withLock {
            log = nil
            directoryLock?.release()
            directoryLock = nil
        }
    }

    /// The current state: every acknowledged write, as one consistent view (a pointer copy).
    public func snapshot() -> CollectionSnapshot {
        stateLock.withLock { CollectionSnapshot(state: state) }
    }

    /// The collection's configuration (its ranges once known).
    public var configuration: CollectionConfiguration { snapshot().configuration }

    func publish(_ newState: CollectionState) {
        stateLock.withLock { state = newState }
    }

    /// Runs `body` as the writer: under the in-process writer lock, with the log.
    func asWriter<T>(_ body: (LogWriter) throws(CollectionError) -> T) throws(CollectionError) -> T {
        writeLock.lock()
        defer { writeLock.unlock() }
        guard isWritable else { throw .readOnly(path: directory) }
        guard let log else { throw .closed(path: directory) }
        return try body(log)
    }

    /// Replaces the log after a flush (under the writer lock).
    func replaceLog(_ newLog: LogWriter) { log = newLog }

    /// The log (under the writer lock).
    var currentLog: LogWriter? { log }

    /// Removes segment, deletion and temporary files that `manifest` does not list and log files
    /// other than `log` that hold only flushed batches (the caller checked those).
    static func removeUnreferencedFiles(directory: String, manifest: Manifest, log: String) throws(CollectionError) {
        var referenced = Set<String>()
        for segment in manifest.segments {
            referenced.insert(segment.file)
            if let deletions = segment.deletions { referenced.insert(deletions) }
        }
        for name in try CollectionFiles.names(in: directory) {
            let stale = (CollectionFiles.isSegmentName(name) || CollectionFiles.isDeletionName(name)) && !referenced.contains(name)
            let temporary = name.hasPrefix(".") && name.hasSuffix(".tmp")
            if stale || temporary { try CollectionFiles.remove(CollectionFiles.path(directory, name)) }
        }
        CollectionFiles.synchronizeDirectory(directory)
    }
}

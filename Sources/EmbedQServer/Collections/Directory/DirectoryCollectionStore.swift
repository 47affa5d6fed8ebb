import EmbeddingCollection
import EmbeddingGraph
import EmbeddingQuantization
import EmbeddingSearch
import Foundation
import Logging

/// The ``CollectionStore`` of `embedq serve --collections DIR`: one durable `VectorCollection`
/// per subfolder `DIR/NAME` (manifest, segments, write-ahead log; see docs/COLLECTIONS.md).
///
/// - An upsert or delete returns only after the collection appended it to its log and
///   `fdatasync`ed it: a crash (even `kill -9`) afterwards keeps it.
/// - Collections found in `DIR` are opened (their logs replayed) when the store is made; ``close()``
///   flushes each one's memory rows into a segment and releases its writer lock.
/// - Point vectors come back from ``point(_:in:)`` when the collection keeps them exactly (its
///   precision or rescoring precision is `float32`).
/// - Snapshots are `ustar` archives of a consistent copy (`DIR/.snapshots/NAME.tar`).
///
/// Blocking file work runs on a dispatch queue, never on the cooperative pool.
public final class DirectoryCollectionStore: CollectionStore, @unchecked Sendable {
    /// Candidates rescored per hit wanted when a search rescores (the best `k × 4` of the fast
    /// scan are rescored with the finer codes).
    public static let rescoreMultiplier = 4

    /// The folder holding one subfolder per collection.
    public let directory: String
    private let logger: Logger
    /// Guards `open`; held while a collection is created or removed from it.
    private let lock = NSLock()
    private var open: [String: VectorCollection] = [:]

    /// Opens (creating it when missing) the collections folder `directory` and every collection
    /// in it, replaying their logs.
    ///
    /// - Throws: a folder that cannot be made or read; a collection that cannot be opened
    ///   (`CollectionError` naming the damaged file).
    public init(directory: String, logger: Logger = Logger(label: "embedq.collections")) throws {
        self.directory = directory
        self.logger = logger
        let manager = FileManager.default
        try manager.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for name in try manager.contentsOfDirectory(atPath: directory).sorted() {
            let path = Self.path(directory, name)
            if name.hasPrefix(".deleted-") || name == Self.snapshotFolder {
                try? manager.removeItem(atPath: path)  // a delete or snapshot a crash interrupted
                continue
            }
            var isDirectory: ObjCBool = false
            guard CollectionSpec.isValidName(name), manager.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
                continue
            }
            guard manager.fileExists(atPath: Self.path(path, "MANIFEST")) else {
                logger.warning("skipping a folder without a MANIFEST (not a collection)", metadata: ["path": "\(path)"])
                continue
            }
            open[name] = try VectorCollection(opening: path)
            logger.info("opened collection", metadata: ["collection": "\(name)", "points": "\(open[name]!.snapshot().count)"])
        }
    }

    private static let snapshotFolder = ".snapshots"

    private static func path(_ folder: String, _ name: String) -> String {
        folder.hasSuffix("/") ? folder + name : folder + "/" + name
    }

    /// The open collection `name`.
    private func collection(_ name: String) throws -> VectorCollection {
        guard let collection = lock.withLock({ open[name] }) else { throw CollectionStoreError.collectionNotFound(name) }
        return collection
    }

    /// Runs `body` on the blocking queue, its `CollectionError`s turned into store errors.
    private func blocking<T: Sendable>(_ name: String, _ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await BlockingWork.run {
            do {
                return try body()
            } catch let error as CollectionError {
                throw CollectionConversions.storeError(error, collection: name)
            }
        }
    }

    private static func describe(_ name: String, _ snapshot: CollectionSnapshot) -> CollectionDescription {
        let configuration = snapshot.configuration
        return CollectionDescription(
            name: name, dimension: configuration.dimension, precision: configuration.precision, rescore: configuration.rescoring,
            model: configuration.model?.name, index: configuration.index == .flat ? .flat : .hnsw, pointCount: snapshot.count)
    }

    public func collections() async throws -> [CollectionDescription] {
        let all = lock.withLock { open.sorted { $0.key < $1.key } }
        return all.map { Self.describe($0.key, $0.value.snapshot()) }
    }

    public func collection(named name: String) async throws -> CollectionDescription {
        Self.describe(name, try collection(name).snapshot())
    }

    public func createCollection(_ spec: CollectionSpec) async throws -> CollectionDescription {
        guard CollectionSpec.isValidName(spec.name) else { throw CollectionStoreError.invalid("'\(spec.name)' is not a valid collection name") }
        var configuration = CollectionConfiguration(
            dimension: spec.dimension, precision: spec.precision, rescoring: spec.rescore,
            index: spec.index == .flat ? .flat : .hnsw(HNSWParameters()))
        switch spec.ranges {
        case .notNeeded: break
        case .given(let ranges), .server(let ranges): configuration.ranges = ranges
        case .calibrate(let points): configuration.calibrationRows = points
        }
        if let model = spec.model {
            // The server checks texts against the model by name; no fingerprint of its files is taken here.
            configuration.model = RecordedModel(name: model, fingerprint: "unrecorded", dimension: spec.dimension,
                                                properties: ["recorded-by": "embedq serve"])
        }
        let path = Self.path(directory, spec.name)
        let name = spec.name
        return try await blocking(name) { [self, configuration] in
            try lock.withLock {
                guard open[name] == nil else { throw CollectionStoreError.collectionExists(name) }
                let collection = try VectorCollection.create(at: path, configuration: configuration)
                open[name] = collection
                return Self.describe(name, collection.snapshot())
            }
        }
    }

    public func deleteCollection(named name: String) async throws {
        try await blocking(name) { [self] in
            let removed: VectorCollection = try lock.withLock {
                guard let collection = open.removeValue(forKey: name) else { throw CollectionStoreError.collectionNotFound(name) }
                return collection
            }
            removed.close()  // waits for a write in progress; later ones find the collection gone
            // Renamed first (atomic), so that a crash while removing never leaves half a collection.
            let doomed = Self.path(directory, ".deleted-\(name)-\(UUID().uuidString)")
            try FileManager.default.moveItem(atPath: removed.directory, toPath: doomed)
            try FileManager.default.removeItem(atPath: doomed)
        }
    }

    public func upsert(_ points: [CollectionPoint], into name: String) async throws -> Int {
        let collection = try collection(name)
        let dimension = collection.configuration.dimension
        // The last of several points with one id wins, as if they were upserted in order.
        var last: [String: Int] = [:]
        for (index, point) in points.enumerated() { last[point.id] = index }
        var ids: [String] = [], values: [Float] = [], payloads: [Payload] = []
        ids.reserveCapacity(last.count)
        values.reserveCapacity(last.count * dimension)
        for (index, point) in points.enumerated() where last[point.id] == index {
            guard let vector = point.vector, vector.count == dimension else {
                throw CollectionStoreError.dimensionMismatch(expected: dimension, actual: point.vector?.count ?? 0, what: "points[\(index)].vector")
            }
            ids.append(point.id)
            values += vector
            payloads.append(try CollectionConversions.payload(point.payload, field: "points[\(index)].payload"))
        }
        let matrix: EmbeddingMatrix
        do {
            matrix = try EmbeddingMatrix(rowCount: ids.count, dimension: dimension, values: values)
        } catch {
            throw CollectionStoreError.invalid("the vectors: \(error)")
        }
        let batch = (ids: ids, payloads: payloads)
        try await blocking(name) { _ = try collection.upsert(ids: batch.ids, vectors: matrix, payloads: batch.payloads) }
        return points.count
    }

    public func point(_ id: String, in name: String) async throws -> CollectionPoint {
        let snapshot = try collection(name).snapshot()
        return try await blocking(name) {
            guard let found = try snapshot.get([id]).first, found.found else {
                throw CollectionStoreError.pointNotFound(collection: name, id: id)
            }
            return CollectionPoint(id: id, vector: try snapshot.storedVector(of: id), payload: CollectionConversions.json(found.payload))
        }
    }

    public func deletePoints(_ selector: PointSelector, from name: String) async throws -> Int {
        let collection = try collection(name)
        switch selector {
        case .ids(let ids):
            let wanted = Array(Set(ids))
            return try await blocking(name) { try collection.delete(ids: wanted).applied }
        case .filter(let json):
            let filter = CollectionConversions.filter(try PointFilter(json: json, field: "filter"))
            return try await blocking(name) {
                let snapshot = collection.snapshot()
                let ids = snapshot.ids
                let matching = try snapshot.get(ids).filter { $0.found && filter.matches($0.payload ?? Payload(), id: $0.id) }.map(\.id)
                guard !matching.isEmpty else { return 0 }
                return try collection.delete(ids: matching).applied
            }
        }
    }

    public func search(_ query: CollectionQuery, in name: String) async throws -> (hits: [CollectionHit], metric: Metric) {
        let snapshot = try collection(name).snapshot()
        let dimension = snapshot.configuration.dimension
        guard query.vector.count == dimension else {
            throw CollectionStoreError.dimensionMismatch(expected: dimension, actual: query.vector.count, what: "the query")
        }
        guard query.k >= 1 else { throw CollectionStoreError.invalid("'k' must be at least 1, got \(query.k)") }
        let filter = try query.filter.map { CollectionConversions.filter(try PointFilter(json: $0, field: "filter")) }
        let rescore = query.rescore ?? (snapshot.configuration.rescoring != nil)
        if rescore, snapshot.configuration.rescoring == nil {
            throw CollectionStoreError.invalid("collection '\(name)' keeps no finer codes to rescore with (create it with 'rescore')")
        }
        let results = try await blocking(name) {
            try snapshot.search(EmbeddingMatrix(vector: query.vector), k: query.k, filter: filter,
                                rescoreMultiplier: rescore ? Self.rescoreMultiplier : nil, ef: query.ef, exact: query.exact,
                                payloads: query.withPayload)
        }
        let hits = (results.hits.first ?? []).map { hit in
            CollectionHit(id: hit.id, score: Float(hit.score), payload: query.withPayload ? CollectionConversions.json(hit.payload) : nil)
        }
        return (hits, results.metric)
    }

    public func snapshot(of name: String) async throws -> (path: String, fileName: String) {
        let collection = try collection(name)
        let folder = Self.path(directory, Self.snapshotFolder)
        return try await blocking(name) {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let unique = UUID().uuidString
            let copy = Self.path(folder, "\(name)-\(unique)")
            defer { try? FileManager.default.removeItem(atPath: copy) }
            try collection.copySnapshot(to: copy)
            let archive = Self.path(folder, "\(name)-\(unique).tar.tmp")
            try TarArchive.write(folder: copy, root: name, to: archive)
            let published = Self.path(folder, "\(name).tar")
            // rename(2) replaces an older snapshot atomically; a download reading it keeps its file.
            guard rename(archive, published) == 0 else {
                try? FileManager.default.removeItem(atPath: archive)
                throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: published])
            }
            return (published, "\(name).tar")
        }
    }

    public func close() async throws {
        let all = lock.withLock { open.sorted { $0.key < $1.key } }
        try await BlockingWork.run { [logger] in
            var failure: (any Error)?
            for (name, collection) in all {
                do {
                    let report = try collection.flush()
                    logger.info("flushed collection", metadata: ["collection": "\(name)", "rows": "\(report.rowsWritten)"])
                } catch {
                    logger.error("flushing a collection failed (its log keeps every acknowledged write)",
                                 metadata: ["collection": "\(name)", "error": "\(error)"])
                    failure = failure ?? error
                }
                collection.close()
            }
            try? FileManager.default.removeItem(atPath: Self.path(self.directory, Self.snapshotFolder))
            if let failure { throw failure }
        }
    }
}

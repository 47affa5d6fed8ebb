import EmbeddingSearch
import EmbedQServer
import Foundation

/// A brute-force ``CollectionStore`` for the route tests: float vectors in memory, exact inner
/// product, filters through ``PointFilter``. It stands in for the collections layer (and is the
/// oracle: its answers are computed independently of the routes).
actor MemoryCollectionStore: CollectionStore {
    struct Stored {
        var description: CollectionDescription
        var points: [CollectionPoint] = []
    }

    private var stored: [String: Stored] = [:]
    private(set) var closed = false
    private let snapshotFolder: URL

    init() throws {
        snapshotFolder = FileManager.default.temporaryDirectory.appendingPathComponent("embedq-memstore-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: snapshotFolder, withIntermediateDirectories: true)
    }

    private func find(_ name: String) throws -> Stored {
        guard let collection = stored[name] else { throw CollectionStoreError.collectionNotFound(name) }
        return collection
    }

    func collections() async throws -> [CollectionDescription] {
        stored.values.map(\.description).sorted { $0.name < $1.name }
    }

    func collection(named name: String) async throws -> CollectionDescription { try find(name).description }

    func createCollection(_ spec: CollectionSpec) async throws -> CollectionDescription {
        guard stored[spec.name] == nil else { throw CollectionStoreError.collectionExists(spec.name) }
        guard spec.index == .flat else { throw CollectionStoreError.unsupported("no graph index in the memory store") }
        let description = CollectionDescription(
            name: spec.name, dimension: spec.dimension, precision: spec.precision, rescore: spec.rescore, model: spec.model,
            index: spec.index, pointCount: 0)
        stored[spec.name] = Stored(description: description)
        return description
    }

    func deleteCollection(named name: String) async throws {
        _ = try find(name)
        stored[name] = nil
    }

    func upsert(_ points: [CollectionPoint], into name: String) async throws -> Int {
        var collection = try find(name)
        for point in points {
            guard let vector = point.vector, vector.count == collection.description.dimension else {
                throw CollectionStoreError.dimensionMismatch(
                    expected: collection.description.dimension, actual: point.vector?.count ?? 0, what: "point \(point.id)")
            }
            if let existing = collection.points.firstIndex(where: { $0.id == point.id }) {
                collection.points[existing] = point
            } else {
                collection.points.append(point)
            }
        }
        collection.description.pointCount = collection.points.count
        stored[name] = collection
        return points.count
    }

    func point(_ id: String, in name: String) async throws -> CollectionPoint {
        guard let point = try find(name).points.first(where: { $0.id == id }) else {
            throw CollectionStoreError.pointNotFound(collection: name, id: id)
        }
        return point
    }

    func deletePoints(_ selector: PointSelector, from name: String) async throws -> Int {
        var collection = try find(name)
        let before = collection.points.count
        switch selector {
        case .ids(let ids): collection.points.removeAll { ids.contains($0.id) }
        case .filter(let json):
            let filter = try PointFilter(json: json, field: "filter")
            collection.points.removeAll { filter.matches(id: $0.id, payload: $0.payload) }
        }
        collection.description.pointCount = collection.points.count
        stored[name] = collection
        return before - collection.points.count
    }

    func search(_ query: CollectionQuery, in name: String) async throws -> (hits: [CollectionHit], metric: Metric) {
        let collection = try find(name)
        guard query.vector.count == collection.description.dimension else {
            throw CollectionStoreError.dimensionMismatch(expected: collection.description.dimension, actual: query.vector.count, what: "the query")
        }
        let filter = try query.filter.map { try PointFilter(json: $0, field: "filter") }
        let scored = collection.points.enumerated().compactMap { position, point -> (Int, CollectionHit)? in
            if let filter, !filter.matches(id: point.id, payload: point.payload) { return nil }
            let score = zip(point.vector!, query.vector).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
            return (position, CollectionHit(id: point.id, score: Float(score), payload: query.withPayload ? point.payload : nil))
        }
        let best = scored.sorted { $0.1.score != $1.1.score ? $0.1.score > $1.1.score : $0.0 < $1.0 }.prefix(query.k).map(\.1)
        return (Array(best), .innerProduct)
    }

    func snapshot(of name: String) async throws -> (path: String, fileName: String) {
        let collection = try find(name)
        let file = snapshotFolder.appendingPathComponent("\(name).json")
        try Data(collection.points.map(\.id).joined(separator: "\n").utf8).write(to: file)
        return (file.path, "\(name).json")
    }

    func close() async throws { closed = true }
}

import EmbeddingQuantization
import EmbedQServer
import EmbedQTestSupport
import Foundation
import XCTest

/// ``DirectoryCollectionStore`` directly: binary codes rescored with int8 (ranges calibrated on
/// the first batch), filters translated to the engine's (`has_id`, fractional `match`), payloads
/// it cannot store refused, data surviving close and reopen, and the snapshot archive opening as
/// the same collection.
final class DirectoryCollectionStoreTests: XCTestCase {
    static let dimension = 32

    func seededPoints(_ count: Int) -> [CollectionPoint] {
        var generator = SeededGenerator(seed: 1315)
        return (0..<count).map { index in
            CollectionPoint(id: "\(index)", vector: (0..<Self.dimension).map { _ in Float.random(in: -1...1, using: &generator) },
                            payload: ["group": .int(index % 4), "score": .double(Double(index) * 0.5), "tags": [.string("t\(index % 3)"), "all"]])
        }
    }

    func testQuantizedCollectionFiltersRescoresAndSurvivesReopenAndSnapshot() async throws {
        let folder = try TestStoreKind.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let store = try DirectoryCollectionStore(directory: folder, logger: quietLogger)
        let spec = CollectionSpec(name: "codes", dimension: Self.dimension, precision: .binary, rescore: .int8, ranges: .calibrate(points: 50))
        let created = try await store.createCollection(spec)
        XCTAssertEqual(created.pointCount, 0)
        XCTAssertEqual(created.rescore, .int8)
        do {
            _ = try await store.createCollection(spec)
            XCTFail("created twice")
        } catch let error as CollectionStoreError {
            XCTAssertEqual(error, .collectionExists("codes"))
        }
        let points = seededPoints(200)
        // The first batch calibrates the int8 ranges: fewer than 50 points are refused (422).
        do {
            _ = try await store.upsert(Array(points.prefix(10)), into: "codes")
            XCTFail("a first batch below the calibration size was accepted")
        } catch let error as CollectionStoreError {
            guard case .invalid(let message) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(message.contains("50"), message)
        }
        let written = try await store.upsert(points, into: "codes")
        XCTAssertEqual(written, 200)
        // Nested objects and nulls are refused, naming the field; nothing of the batch is written.
        for payload: JSONValue in [["meta": ["lang": "en"]], ["a": .null]] {
            do {
                _ = try await store.upsert([CollectionPoint(id: "bad", vector: points[0].vector, payload: payload)], into: "codes")
                XCTFail("payload \(payload.serialized) accepted")
            } catch let error as CollectionStoreError {
                guard case .invalid(let message) = error else { return XCTFail("\(error)") }
                XCTAssertTrue(message.contains("points[0].payload."), message)
            }
        }
        do {
            _ = try await store.upsert([CollectionPoint(id: "short", vector: [1, 2])], into: "codes")
            XCTFail("a short vector was accepted")
        } catch let error as CollectionStoreError {
            XCTAssertEqual(error, .dimensionMismatch(expected: Self.dimension, actual: 2, what: "points[0].vector"))
        }
        // A binary collection keeps no exact vector; the payload comes back as sent.
        let seven = try await store.point("7", in: "codes")
        XCTAssertNil(seven.vector)
        XCTAssertEqual(seven.payload?["group"], .int(3))
        XCTAssertEqual(seven.payload?["score"], .double(3.5))
        XCTAssertEqual(seven.payload?["tags"], ["t1", "all"])

        // Filters: exact sets with a large k, without rescoring (Hamming distances).
        let query = points[5].vector!
        func ids(_ filter: JSONValue?, rescore: Bool? = false, k: Int = 200) async throws -> [String] {
            try await store.search(CollectionQuery(vector: query, k: k, filter: filter, rescore: rescore, withPayload: false), in: "codes").hits.map(\.id)
        }
        let groupOne: JSONValue = ["must": [["key": "group", "match": ["value": 1]]], "must_not": [["has_id": ["1", 5]]]]
        let inGroupOne = try await ids(groupOne)
        XCTAssertEqual(Set(inGroupOne), Set((0..<200).filter { $0 % 4 == 1 && $0 != 1 && $0 != 5 }.map(String.init)))
        let fractional = try await ids(["must": [["key": "score", "match": ["value": 2.5]]]])
        XCTAssertEqual(fractional, ["5"], "a fractional match")
        let either = try await ids(["should": [["has_id": [3, "4"]], ["key": "tags", "match": ["any": ["t2"]]]],
                                    "must": [["key": "score", "range": ["lt": 5]]]])
        XCTAssertEqual(Set(either), ["2", "3", "4", "5", "8"])
        // Rescored: int8 inner products, best first; the query's own point first.
        let (hits, metric) = try await store.search(CollectionQuery(vector: query, k: 5), in: "codes")
        XCTAssertEqual(metric, .innerProduct)
        XCTAssertEqual(hits.first?.id, "5")
        XCTAssertEqual(hits.map(\.score), hits.map(\.score).sorted(by: >))
        XCTAssertEqual(hits.first?.payload?["group"], .int(1))
        let (fast, fastMetric) = try await store.search(CollectionQuery(vector: query, k: 5, rescore: false), in: "codes")
        XCTAssertEqual(fastMetric, .hammingDistance)
        XCTAssertEqual(fast.first?.score, 0)

        // Deletes by filter and by ids.
        let deleted = try await store.deletePoints(.filter(["must": [["has_id": ["3", "7", "nope"]]]]), from: "codes")
        XCTAssertEqual(deleted, 2)
        let deletedByID = try await store.deletePoints(.ids(["8", "8", "nope"]), from: "codes")
        XCTAssertEqual(deletedByID, 1)
        let snapshot = try await store.snapshot(of: "codes")
        XCTAssertEqual(snapshot.fileName, "codes.tar")
        let before = try await ids(nil, k: 20)
        // The snapshot archive unpacks into a collection folder (before close() removes the archive).
        let unpacked = try TestStoreKind.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: unpacked) }
        let tar = Process()
        tar.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        tar.arguments = ["tar", "-xf", snapshot.path, "-C", unpacked]
        try tar.run()
        tar.waitUntilExit()
        XCTAssertEqual(tar.terminationStatus, 0)
        try await store.close()

        // Reopened: the same points, the same answers.
        let reopened = try DirectoryCollectionStore(directory: folder, logger: quietLogger)
        let reopenedCount = try await reopened.collection(named: "codes").pointCount
        XCTAssertEqual(reopenedCount, 197)
        let after = try await reopened.search(CollectionQuery(vector: query, k: 20, rescore: false, withPayload: false), in: "codes").hits.map(\.id)
        XCTAssertEqual(after, before)
        try await reopened.close()

        let restored = try DirectoryCollectionStore(directory: unpacked, logger: quietLogger)
        let restoredCount = try await restored.collection(named: "codes").pointCount
        XCTAssertEqual(restoredCount, 197)
        let nine = try await restored.point("9", in: "codes")
        XCTAssertEqual(nine.payload?["group"], .int(1))
        try await restored.close()
    }

    func testHNSWCollectionsWalkTheirGraphsAfterAFlush() async throws {
        let folder = try TestStoreKind.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var store = try DirectoryCollectionStore(directory: folder, logger: quietLogger)
        for (name, kind) in [("h", CollectionSpec.IndexKind.hnsw), ("g", .graph)] {
            let created = try await store.createCollection(
                CollectionSpec(name: name, dimension: Self.dimension, precision: .binary, rescore: .int8, ranges: .calibrate(points: 50), index: kind))
            XCTAssertEqual(created.index, .hnsw, name)
            _ = try await store.upsert(seededPoints(300), into: name)
        }
        do {
            _ = try await store.createCollection(CollectionSpec(name: "u", dimension: 4, precision: .uint8, ranges: .calibrate(points: 2), index: .hnsw))
            XCTFail("an HNSW graph over uint8 codes was accepted")
        } catch let error as CollectionStoreError {
            guard case .invalid(let message) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(message.contains("uint8"), message)
        }
        // Closing flushes the points into a segment, which carries its graph.
        try await store.close()
        store = try DirectoryCollectionStore(directory: folder, logger: quietLogger)
        let description = try await store.collection(named: "h")
        XCTAssertEqual(description.index, .hnsw)
        for (index, point) in seededPoints(300).enumerated().filter({ $0.offset % 50 == 0 }) {
            let filter: JSONValue = ["must": [["key": "group", "match": ["value": .int(index % 4)]]]]
            let exact = try await store.search(CollectionQuery(vector: point.vector!, k: 5, filter: filter, exact: true), in: "h")
            let wide = try await store.search(CollectionQuery(vector: point.vector!, k: 5, filter: filter, ef: 1_000), in: "h")
            XCTAssertEqual(wide.hits, exact.hits)
            let walked = try await store.search(CollectionQuery(vector: point.vector!, k: 1, ef: 64), in: "h")
            XCTAssertEqual(walked.hits.first?.id, point.id)
        }
        try await store.close()
    }

    func testUnknownCollectionsAreRefused() async throws {
        let folder = try TestStoreKind.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let store = try DirectoryCollectionStore(directory: folder, logger: quietLogger)
        for operation in ["point", "search", "delete", "snapshot", "drop"] {
            do {
                switch operation {
                case "point": _ = try await store.point("1", in: "none")
                case "search": _ = try await store.search(CollectionQuery(vector: [1], k: 1), in: "none")
                case "delete": _ = try await store.deletePoints(.ids(["1"]), from: "none")
                case "snapshot": _ = try await store.snapshot(of: "none")
                default: try await store.deleteCollection(named: "none")
                }
                XCTFail("\(operation) on a missing collection succeeded")
            } catch let error as CollectionStoreError {
                XCTAssertEqual(error, .collectionNotFound("none"), operation)
            }
        }
        _ = try await store.createCollection(CollectionSpec(name: "f", dimension: 2, precision: .float32))
        do {
            _ = try await store.point("1", in: "f")
            XCTFail("a missing point was found")
        } catch let error as CollectionStoreError {
            XCTAssertEqual(error, .pointNotFound(collection: "f", id: "1"))
        }
        try await store.deleteCollection(named: "f")
        let remaining = try await store.collections()
        XCTAssertEqual(remaining.count, 0)
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder + "/f"), "the folder is removed")
        try await store.close()
    }
}

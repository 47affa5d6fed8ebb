import EmbedQTestSupport
import EmbeddingQuantization
import Foundation
import XCTest
@testable import EmbeddingCollection
import EmbeddingIndex
import EmbeddingStore

/// Segments built outside a collection and attached: upsert rules, idempotence, refusals.
final class CollectionAttachTests: XCTestCase {
    let dimension = 32

    func testAttachReplacesIdsByUpsertRulesAndIsIdempotent() throws {
        let directory = try CollectionTestData.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let configuration = CollectionConfiguration(dimension: dimension, precision: .binary, rescoring: .int8, calibrationRows: 10)
        var collection: VectorCollection? = try VectorCollection.create(at: directory, configuration: configuration, autoFlushRows: nil)
        let base = (0..<20).map { "id\($0)" }
        try collection!.upsert(ids: base, vectors: CollectionTestData.matrix(base, dimension: dimension), payloads: base.map { _ in Payload(["from": .string("base")]) })
        // Building needs the ranges the first batch computed.
        XCTAssertThrowsError(try VectorCollection.buildSegment(for: configuration, ids: ["x"], vectors: CollectionTestData.matrix(["x"], dimension: dimension), payloads: nil, to: directory + ".never"))
        let settings = collection!.configuration
        let first = directory + ".one.embq", second = directory + ".two.embq"
        defer { try? FileManager.default.removeItem(atPath: first); try? FileManager.default.removeItem(atPath: second) }
        let firstIDs = ["id1", "id2", "new1", "new2"], secondIDs = ["id2", "new2", "new3"]
        try VectorCollection.buildSegment(
            for: settings, ids: firstIDs, vectors: CollectionTestData.matrix(firstIDs, dimension: dimension),
            payloads: firstIDs.map { _ in Payload(["from": .string("one")]) }, to: first)
        try VectorCollection.buildSegment(
            for: settings, ids: secondIDs, vectors: CollectionTestData.matrix(secondIDs, dimension: dimension),
            payloads: secondIDs.map { _ in Payload(["from": .string("two")]) }, to: second)
        var report = try collection!.attach(segments: [first, second])
        XCTAssertEqual(report, AttachReport(attached: 2, alreadyAttached: 0, points: 5, replaced: 2))

        func check(_ collection: VectorCollection, _ context: String) throws {
            let snapshot = collection.snapshot()
            XCTAssertEqual(snapshot.count, 23, context)
            XCTAssertEqual(Set(snapshot.ids).count, 23, context)
            let origin = try snapshot.get(["id0", "id1", "id2", "new1", "new2", "new3"]).map { $0.payload?["from"] }
            XCTAssertEqual(origin, [.string("base"), .string("one"), .string("two"), .string("one"), .string("two"), .string("two")], context)
            let own = try snapshot.search(EmbeddingMatrix(vector: CollectionTestData.vector(for: "new3", dimension: dimension)), k: 1, rescoreMultiplier: 10)
            XCTAssertEqual(own.hits[0].first?.id, "new3", context)
            try collection.verify()
        }
        try check(collection!, "after attach")
        report = try collection!.attach(segments: [second, first])
        XCTAssertEqual(report, AttachReport(attached: 0, alreadyAttached: 2, points: 0, replaced: 0))
        try check(collection!, "after attaching again")
        collection = nil
        collection = try VectorCollection(opening: directory, autoFlushRows: nil)
        try check(collection!, "after reopening")

        // A segment of other settings is refused and leaves nothing behind.
        let other = directory + ".other.embq"
        defer { try? FileManager.default.removeItem(atPath: other) }
        try VectorCollection.buildSegment(
            for: CollectionConfiguration(dimension: dimension, precision: .binary), ids: ["z"],
            vectors: CollectionTestData.matrix(["z"], dimension: dimension), payloads: nil, to: other)
        XCTAssertThrowsError(try collection!.attach(segments: [other])) { error in
            guard case .invalidArgument(let reason) = error as? CollectionError else { return XCTFail("\(error)") }
            XCTAssertTrue(reason.contains(other), reason)
        }
        try check(collection!, "after a refused attach")
        collection = nil
        collection = try VectorCollection(opening: directory, autoFlushRows: nil)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasPrefix("segment-") }.count, 3)
    }

    /// An index file with deleted rows becomes a one-segment collection that searches alike.
    func testConvertedIndexFileSearchesLikeTheIndex() throws {
        let directory = try CollectionTestData.temporaryDirectory()
        let indexPath = directory + ".index.embq"
        defer { try? FileManager.default.removeItem(atPath: directory); try? FileManager.default.removeItem(atPath: indexPath) }
        let ids = (0..<60).map { "d\($0)" }
        try IndexBuilder.create(at: indexPath, embeddings: CollectionTestData.matrix(ids, dimension: dimension), ids: ids, precision: .binary, rescoring: .int8)
        _ = try IndexFile.delete(ids: ["d3", "d7"], from: indexPath)
        let collection = try VectorCollection.convert(indexFile: indexPath, to: directory)
        XCTAssertEqual(collection.snapshot().count, 58)
        XCTAssertEqual(try collection.snapshot().get(["d3", "d4"]).map(\.found), [false, true])
        let query = CollectionTestData.matrix(["d10", "q"], dimension: dimension)
        let index = try SearchableIndex(path: indexPath)
        let expected = index.documents(try index.search(query, k: 5, parameters: .init(rescoreMultiplier: 4)))
        let found = try collection.snapshot().search(query, k: 5, rescoreMultiplier: 4)
        XCTAssertEqual(found.hits.map { $0.map(\.id) }, expected.hits.map { $0.map(\.id) })
        XCTAssertEqual(found.hits.map { $0.map(\.score) }, expected.hits.map { $0.map(\.score) })
        // Writes go on in the collection; the index file is untouched.
        try collection.upsert(ids: ["new"], vectors: CollectionTestData.matrix(["new"], dimension: dimension))
        try collection.merge(.all)
        XCTAssertEqual(collection.snapshot().count, 59)
        XCTAssertEqual(try IndexFile.open(at: indexPath).count, 58)
    }
}

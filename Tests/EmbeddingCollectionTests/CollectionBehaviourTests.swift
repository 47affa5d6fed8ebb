import EmbedQTestSupport
import EmbeddingQuantization
import Foundation
import XCTest
@testable import EmbeddingCollection

/// Writes, reads, flush, merge and reopen of a collection, checked against plain oracles.
final class CollectionBehaviourTests: XCTestCase {
    let dimension = 64

    private func create(_ directory: String, rescoring: Precision? = .int8, keys: [String]? = nil) throws -> VectorCollection {
        try VectorCollection.create(
            at: directory,
            configuration: CollectionConfiguration(
                dimension: dimension, precision: .binary, rescoring: rescoring, calibrationRows: 20, indexedPayloadKeys: keys),
            autoFlushRows: nil)
    }

    private func ids(_ prefix: String, _ count: Int) -> [String] { (0..<count).map { "\(prefix)\($0)" } }

    func testUpsertDeleteFlushMergeAndReopenKeepEveryAcknowledgedWrite() throws {
        let directory = try CollectionTestData.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var collection: VectorCollection? = try create(directory)
        var expected = Set<String>()
        // The first batch is below calibrationRows: int8 rescoring codes need ranges.
        XCTAssertThrowsError(try collection!.upsert(ids: ids("x", 5), vectors: CollectionTestData.matrix(ids("x", 5), dimension: dimension))) {
            XCTAssertEqual($0 as? CollectionError, .calibrationBatchTooSmall(needed: 20, got: 5))
        }
        for batch in 0..<6 {
            let batchIDs = ids("b\(batch)-", 30)
            let report = try collection!.upsert(
                ids: batchIDs, vectors: CollectionTestData.matrix(batchIDs, dimension: dimension),
                payloads: batchIDs.map { Payload(["batch": .integer(Int64(batch)), "id": .string($0)]) })
            XCTAssertEqual(report.calibrated, batch == 0)
            expected.formUnion(batchIDs)
            if batch % 2 == 1 { try collection!.flush() }
        }
        // Replace an id (new payload), delete some from segments and from memory.
        try collection!.upsert(ids: ["b0-1"], vectors: CollectionTestData.matrix(["b0-1"], dimension: dimension), payloads: [Payload(["new": .bool(true)])])
        let deleted = try collection!.delete(ids: ["b1-0", "b5-3", "nope"])
        XCTAssertEqual(deleted.applied, 2)
        XCTAssertEqual(deleted.missing, ["nope"])
        expected.subtract(["b1-0", "b5-3"])

        func check(_ collection: VectorCollection, _ context: String) throws {
            let snapshot = collection.snapshot()
            XCTAssertEqual(Set(snapshot.ids), expected, context)
            XCTAssertEqual(snapshot.count, expected.count, context)
            let points = try snapshot.get(["b0-1", "b1-0", "b2-7"])
            XCTAssertEqual(points.map(\.found), [true, false, true], context)
            XCTAssertEqual(points[0].payload, Payload(["new": .bool(true)]), context)
            XCTAssertEqual(points[2].payload, Payload(["batch": .integer(2), "id": .string("b2-7")]), context)
            // Exact binary search: the distances are those of the sign bits, computed plainly.
            let query = CollectionTestData.vector(for: "q", dimension: dimension)
            let results = try snapshot.search(EmbeddingMatrix(vector: query), k: 10)
            let oracle = expected.map { CollectionTestData.signHamming(query, CollectionTestData.vector(for: $0, dimension: dimension)) }.sorted()
            XCTAssertEqual(results.hits[0].map { Int($0.score) }, Array(oracle.prefix(10)), context)
            for hit in results.hits[0] {
                XCTAssertEqual(Int(hit.score), CollectionTestData.signHamming(query, CollectionTestData.vector(for: hit.id, dimension: dimension)), context)
            }
            // A stored vector finds itself first after rescoring with the int8 codes.
            let own = try snapshot.search(EmbeddingMatrix(vector: CollectionTestData.vector(for: "b4-9", dimension: dimension)), k: 1, rescoreMultiplier: 8)
            XCTAssertEqual(own.hits[0].first?.id, "b4-9", context)
        }
        try check(collection!, "before reopening")
        collection = nil
        collection = try VectorCollection(opening: directory, autoFlushRows: nil)
        try check(collection!, "after replaying the log")
        try collection!.flush()
        XCTAssertEqual(collection!.snapshot().memoryRows, 0)
        try check(collection!, "after flush")
        let merged = try collection!.merge(.all)
        XCTAssertEqual(merged.segmentsWritten, 1)
        XCTAssertEqual(collection!.snapshot().segmentCount, 1)
        try check(collection!, "after merge")
        try collection!.verify()
        collection = nil
        collection = try VectorCollection(opening: directory, writable: false)
        try check(collection!, "reopened read-only after merge")
        XCTAssertThrowsError(try collection!.delete(ids: ["b2-2"])) { XCTAssertEqual($0 as? CollectionError, .readOnly(path: directory)) }
        // Only the manifest's files remain.
        let names = try FileManager.default.contentsOfDirectory(atPath: directory).filter { !$0.hasPrefix(".") }.sorted()
        XCTAssertEqual(names.filter { $0.hasPrefix("segment-") }.count, 1, "\(names)")
        XCTAssertEqual(names.filter { $0.hasPrefix("wal-") }.count, 1, "\(names)")
        XCTAssertEqual(names.filter { $0.hasPrefix("deleted-") }.count, 0, "\(names)")
    }

    func testTieredMergePolicyPicksTheSmallestFullTier() {
        XCTAssertEqual(MergePolicy.tiered(factor: 4).choose(liveRows: [1000, 3, 2, 3, 1, 500]), [1, 2, 3, 4])
        XCTAssertEqual(MergePolicy.tiered(factor: 4).choose(liveRows: [1000, 3, 2, 500]), [])
        XCTAssertEqual(MergePolicy.tiered(factor: 2).choose(liveRows: [100, 120, 5]), [0, 1])
        XCTAssertEqual(MergePolicy.all.choose(liveRows: [5]), [])
    }

    /// Filtered searches equal brute force over the oracle's matches at many selectivities, over
    /// segments (indexed and not) and memory, with deletions and replacements.
    func testFilteredSearchIsExactAgainstBruteForce() throws {
        for keys in [nil, ["color"]] as [[String]?] {
            let directory = try CollectionTestData.temporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let collection = try create(directory, rescoring: nil, keys: keys)
            var generator = SeededGenerator(seed: 1313)
            var payloads: [String: [String: PayloadValue]] = [:]
            for batch in 0..<5 {
                let batchIDs = ids("p\(batch)-", 120)
                let fields = batchIDs.map { _ in CollectionTestData.payload(using: &generator) }
                try collection.upsert(ids: batchIDs, vectors: CollectionTestData.matrix(batchIDs, dimension: dimension), payloads: fields.map { Payload($0) })
                for (id, value) in zip(batchIDs, fields) { payloads[id] = value }
                if batch < 3 { try collection.flush() }
            }
            let gone = (0..<40).map { "p\($0 % 5)-\($0 * 3)" }
            try collection.delete(ids: gone)
            for id in gone { payloads[id] = nil }
            let filters: [OracleFilter] = [
                .clauses(must: [.match("color", .string("red"))], should: [], mustNot: []),
                .clauses(must: [.any("tags", [.string("a"), .string("c")])], should: [], mustNot: []),
                .clauses(must: [.range("year", gte: 2010, lt: 2012)], should: [], mustNot: []),
                .clauses(must: [.range("score", gte: 50, lt: nil)], should: [.match("flag", .bool(true)), .match("color", .string("blue"))], mustNot: [.match("year", .integer(2020))]),
                .clauses(must: [], should: [], mustNot: [.match("color", .string("green"))]),
                .clauses(must: [.match("year", .integer(2003)), .match("color", .string("white"))], should: [], mustNot: []),
                .clauses(must: [.match("color", .string("purple"))], should: [], mustNot: []),
                .clauses(must: [.clauses(must: [], should: [.match("flag", .bool(false)), .range("score", gte: nil, lt: 5)], mustNot: [])], should: [], mustNot: []),
            ]
            let snapshot = collection.snapshot()
            for filter in filters {
                let parsed = try PayloadFilter(json: filter.json)
                for seed in 0..<2 {
                    let query = CollectionTestData.vector(for: "query\(seed)", dimension: dimension)
                    let results = try snapshot.search(EmbeddingMatrix(vector: query), k: 15, filter: parsed, payloads: true)
                    let allowed = payloads.filter { filter.holds($0.value) }
                    let oracle = allowed.keys.map { CollectionTestData.signHamming(query, CollectionTestData.vector(for: $0, dimension: dimension)) }.sorted()
                    let context = "keys \(keys ?? []), filter \(filter.json)"
                    XCTAssertEqual(results.hits[0].map { Int($0.score) }, Array(oracle.prefix(15)), context)
                    for hit in results.hits[0] {
                        XCTAssertNotNil(allowed[hit.id], context)
                        XCTAssertEqual(hit.payload, allowed[hit.id].map { Payload($0) }, context)
                    }
                }
            }
        }
    }

    /// Rescoring shortlists `k × multiplier` candidates across all parts, so the same points in
    /// one segment or in several segments plus a memory chunk give the same hits and scores.
    func testRescoredSearchOverManySegmentsEqualsOneSegment() throws {
        let one = try CollectionTestData.temporaryDirectory(), many = try CollectionTestData.temporaryDirectory()
        defer {
            try? FileManager.default.removeItem(atPath: one)
            try? FileManager.default.removeItem(atPath: many)
        }
        let single = try create(one, keys: ["batch"]), split = try create(many, keys: ["batch"])
        for batch in 0..<7 {
            let batchIDs = ids("b\(batch)-", 40)
            let vectors = CollectionTestData.matrix(batchIDs, dimension: dimension)
            let payloads = batchIDs.map { _ in Payload(["batch": .integer(Int64(batch % 3))]) }
            try single.upsert(ids: batchIDs, vectors: vectors, payloads: payloads)
            try split.upsert(ids: batchIDs, vectors: vectors, payloads: payloads)
            if batch < 6 { try split.flush() }
        }
        try single.flush()
        XCTAssertEqual(single.snapshot().segmentCount, 1)
        XCTAssertEqual(split.snapshot().segmentCount, 6)
        XCTAssertEqual(split.snapshot().memoryRows, 40)
        let queryIDs = ids("q", 12)
        let queries = CollectionTestData.matrix(queryIDs, dimension: dimension)
        let filter = try PayloadFilter(json: #"{"must_not": [{"key": "batch", "match": {"value": 1}}]}"#)
        for (k, multiplier, filter) in [(5, 2, nil), (10, 1, nil), (3, 4, filter), (1, 8, nil)] as [(Int, Int, PayloadFilter?)] {
            let expected = try single.snapshot().search(queries, k: k, filter: filter, rescoreMultiplier: multiplier)
            let actual = try split.snapshot().search(queries, k: k, filter: filter, rescoreMultiplier: multiplier)
            XCTAssertEqual(actual.metric, .innerProduct)
            XCTAssertEqual(actual.hits.map { $0.map(\.id) }, expected.hits.map { $0.map(\.id) }, "k \(k) × \(multiplier)")
            XCTAssertEqual(actual.hits.map { $0.map(\.score) }, expected.hits.map { $0.map(\.score) }, "k \(k) × \(multiplier)")
            XCTAssertEqual(actual.hits.map(\.count), Array(repeating: k, count: queryIDs.count))
        }
        XCTAssertThrowsError(try split.snapshot().search(queries, k: 3, rescoreMultiplier: 0)) {
            XCTAssertEqual($0 as? CollectionError, .search(.invalidRescoreMultiplier(0)))
        }
    }

    func testFilterJSONErrorsNameThePart() {
        for (json, fragment) in [
            ("[1]", "a filter must be a JSON object"), ("{\"must\": [{\"key\": \"a\"}]}", "must[0]"),
            ("{\"must\": [{\"key\": \"a\", \"range\": {\"gt\": \"x\"}}]}", "must[0].range.gt"), ("{\"mist\": []}", "mist"),
            ("{\"must\": [{\"key\": \"a\", \"match\": {\"value\": 1.5}}]}", "must[0].match.value"), ("{", "not valid JSON"),
        ] {
            XCTAssertThrowsError(try PayloadFilter(json: json), json) { error in
                guard case .invalidFilter(let reason) = error as? CollectionError else { return XCTFail("\(error)") }
                XCTAssertTrue(reason.contains(fragment), "\(reason) lacks \(fragment)")
            }
        }
    }

    /// Readers searching without pause while a writer adds, deletes, flushes and merges see only
    /// complete batches: every id of a batch or none, never a deleted one.
    func testReadersSeeOnlyCompleteStatesWhileWriting() throws {
        let directory = try CollectionTestData.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let collection = try create(directory, rescoring: nil)
        let batches = 40, size = 16
        let done = ManagedFlag()
        let failures = FailureLog()
        let readers = (0..<2).map { reader in
            Thread {
                var lastSequence: UInt64 = 0
                while !done.value {
                    let snapshot = collection.snapshot()
                    if snapshot.sequence < lastSequence { failures.add("sequence went back") }
                    lastSequence = snapshot.sequence
                    var perBatch: [String: Int] = [:]
                    for id in snapshot.ids { perBatch[String(id.split(separator: "-")[0]), default: 0] += 1 }
                    for (batch, count) in perBatch where count != size { failures.add("batch \(batch) has \(count) of \(size) ids") }
                    // Odd batches are deleted by the next batch's writer step: never half.
                    do {
                        let hits = try snapshot.search(EmbeddingMatrix(vector: CollectionTestData.vector(for: "r\(reader)", dimension: 64)), k: 5, threads: 1)
                        let live = Set(snapshot.ids)
                        for hit in hits.hits[0] where !live.contains(hit.id) { failures.add("hit \(hit.id) is not live") }
                    } catch {
                        failures.add("\(error)")
                    }
                }
            }
        }
        readers.forEach { $0.start() }
        for batch in 0..<batches {
            let batchIDs = ids("w\(batch)-", size)
            try collection.upsert(ids: batchIDs, vectors: CollectionTestData.matrix(batchIDs, dimension: dimension))
            if batch % 2 == 1 { try collection.delete(ids: ids("w\(batch - 1)-", size)) }
            if batch % 5 == 4 { try collection.flush() }
            if batch % 10 == 9 { try collection.merge(.tiered(factor: 2)) }
        }
        done.set()
        while readers.contains(where: { $0.isExecuting }) { usleep(1000) }
        XCTAssertEqual(failures.entries.prefix(5), [])
        XCTAssertEqual(collection.snapshot().count, batches / 2 * size)
    }
}

final class ManagedFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var flag = false
    var value: Bool { lock.withLock { flag } }
    func set() { lock.withLock { flag = true } }
}

final class FailureLog: @unchecked Sendable {
    private let lock = NSLock()
    private var list: [String] = []
    var entries: [String] { lock.withLock { list } }
    func add(_ entry: String) { lock.withLock { if list.count < 50 { list.append(entry) } } }
}

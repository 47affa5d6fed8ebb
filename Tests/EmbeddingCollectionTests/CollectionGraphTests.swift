import EmbedQTestSupport
import EmbeddingGraph
import EmbeddingQuantization
import EmbeddingSearch
import EmbeddingStore
import Foundation
import XCTest
@testable import EmbeddingCollection

/// Collections with an HNSW graph per segment (`CollectionIndex.hnsw`): graph searches against
/// exact ones, deletions and filters through flush and merge, the stored graph reopened, and a
/// damaged graph section named.
final class CollectionGraphTests: XCTestCase {
    let dimension = 96
    let parameters = HNSWParameters(connectivity: 12, efConstruction: 96, seed: 7)

    private func create(_ directory: String, precision: Precision = .binary, keys: [String]? = nil) throws -> VectorCollection {
        try VectorCollection.create(
            at: directory,
            configuration: CollectionConfiguration(
                dimension: dimension, precision: precision, rescoring: .int8, calibrationRows: 20, indexedPayloadKeys: keys,
                index: .hnsw(parameters)),
            autoFlushRows: nil)
    }

    /// `count` clustered points `p<offset>…` with payload `{"bucket": i % 50}` and `count`
    /// queries from the same clusters.
    private func data(_ count: Int, queries: Int, seed: UInt64 = 11) -> (ids: [String], rows: [[Float]], queries: EmbeddingMatrix) {
        let all = ClusteredVectors.rows(count + queries, dimension: dimension, seed: seed)
        return ((0..<count).map { "p\($0)" }, Array(all.prefix(count)), ClusteredVectors.matrix(Array(all.suffix(queries))))
    }

    /// Upserts the points in batches of `batch` (payload `bucket`), flushing after each batch
    /// but the last (which stays in memory).
    private func fill(_ collection: VectorCollection, ids: [String], rows: [[Float]], batch: Int) throws {
        for start in stride(from: 0, to: ids.count, by: batch) {
            let end = min(start + batch, ids.count)
            try collection.upsert(
                ids: Array(ids[start..<end]), vectors: ClusteredVectors.matrix(Array(rows[start..<end])),
                payloads: (start..<end).map { Payload(["bucket": .integer(Int64($0 % 50))]) })
            if end < ids.count { try collection.flush() }
        }
    }

    /// Recall@k of `found` against `exact` (fast-code scores, lower is better for Hamming), ties
    /// counted: a found hit scoring at least as well as the k-th exact hit is a hit.
    private func recall(_ found: CollectionResults, _ exact: CollectionResults, k: Int) -> Double {
        var hits = 0, total = 0
        for (got, truth) in zip(found.hits, exact.hits) {
            guard let last = truth.prefix(k).last else { continue }
            total += truth.prefix(k).count
            let better: (Double) -> Bool = exact.metric.higherIsBetter ? { $0 >= last.score } : { $0 <= last.score }
            hits += got.prefix(k).filter { better($0.score) }.count
        }
        return total == 0 ? 1 : Double(hits) / Double(total)
    }

    private func same(_ a: CollectionResults, _ b: CollectionResults, _ context: String) {
        XCTAssertEqual(a.hits.map { $0.map(\.id) }, b.hits.map { $0.map(\.id) }, context)
        XCTAssertEqual(a.hits.map { $0.map(\.score) }, b.hits.map { $0.map(\.score) }, context)
    }

    func testFullBreadthEqualsExactAndEf64RecallsAtLeast95Percent() throws {
        let directory = try CollectionTestData.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let collection = try create(directory)
        let (ids, rows, queries) = data(3_200, queries: 60)
        try fill(collection, ids: ids, rows: rows, batch: 1_000)
        let snapshot = collection.snapshot()
        XCTAssertEqual(snapshot.segmentCount, 3)
        XCTAssertEqual(snapshot.memoryRows, 200)
        XCTAssertTrue(snapshot.state.segments.allSatisfy { $0.graph != nil })
        for multiplier in [nil, 4] as [Int?] {
            let exact = try snapshot.search(queries, k: 10, rescoreMultiplier: multiplier, exact: true)
            let wide = try snapshot.search(queries, k: 10, rescoreMultiplier: multiplier, ef: 100_000)
            same(wide, exact, "ef covering every row, multiplier \(multiplier.map(String.init) ?? "none")")
        }
        let exact = try snapshot.search(queries, k: 10, exact: true)
        let walked = try snapshot.search(queries, k: 10, ef: 64)
        let found = recall(walked, exact, k: 10)
        XCTAssertGreaterThanOrEqual(found, 0.95, "recall@10 at ef 64")
        for ef in [16, 32, 64] {
            print("graph collection, 3,200 rows: recall@10 against exact at ef \(ef): \(recall(try snapshot.search(queries, k: 10, ef: ef), exact, k: 10))")
        }
        // The default breadth is 64 as well.
        same(try snapshot.search(queries, k: 10), walked, "default ef")
        // The graph's scores are the fast codes' own (each hit's score is its exact score).
        let rescoredExact = try snapshot.search(queries, k: 10, rescoreMultiplier: 4, exact: true)
        let rescoredWalk = try snapshot.search(queries, k: 10, rescoreMultiplier: 4, ef: 64)
        XCTAssertGreaterThanOrEqual(recall(rescoredWalk, rescoredExact, k: 10), 0.95, "rescored recall@10 at ef 64")
        XCTAssertThrowsError(try snapshot.search(queries, k: 10, ef: 0)) {
            XCTAssertEqual($0 as? CollectionError, .search(.invalidEf(0)))
        }
    }

    func testDeletedPointsAreNeverReturnedThroughFlushAndMerge() throws {
        let directory = try CollectionTestData.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let collection = try create(directory)
        let (ids, rows, queries) = data(2_000, queries: 40, seed: 12)
        try fill(collection, ids: ids, rows: rows, batch: 700)
        // Delete the exact top hits of every query (the rows a walk finds first) and a third of the rest.
        let top = try collection.snapshot().search(queries, k: 5, exact: true)
        var deleted = Set(top.hits.flatMap { $0.map(\.id) })
        deleted.formUnion(ids.enumerated().filter { $0.offset % 3 == 0 }.map(\.element))
        try collection.delete(ids: Array(deleted).sorted())
        func check(_ context: String) throws {
            let snapshot = collection.snapshot()
            for ef in [16, 64, 100_000] {
                let results = try snapshot.search(queries, k: 20, ef: ef)
                let returned = Set(results.hits.flatMap { $0.map(\.id) })
                XCTAssertTrue(returned.isDisjoint(with: deleted), "\(context), ef \(ef): deleted ids returned")
                XCTAssertTrue(results.hits.allSatisfy { $0.count == 20 }, "\(context), ef \(ef)")
            }
            same(try snapshot.search(queries, k: 20, ef: 100_000), try snapshot.search(queries, k: 20, exact: true), context)
        }
        try check("deleted in memory")
        try collection.flush()
        try check("after flush")
        let report = try collection.merge(.all)
        XCTAssertEqual(report.segmentsWritten, 1)
        XCTAssertEqual(collection.snapshot().segments.map { $0.deleted }, [0])
        XCTAssertNotNil(collection.snapshot().state.segments.first?.graph)
        try check("after merge")
        XCTAssertGreaterThanOrEqual(
            recall(try collection.snapshot().search(queries, k: 10, ef: 64), try collection.snapshot().search(queries, k: 10, exact: true), k: 10),
            0.95, "recall@10 of the merged segment's graph")
    }

    func testFilteredGraphSearchEqualsTheExactFilteredAnswer() throws {
        let directory = try CollectionTestData.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let collection = try create(directory)
        let (ids, rows, queries) = data(2_400, queries: 40, seed: 13)
        try fill(collection, ids: ids, rows: rows, batch: 800)
        try collection.flush()
        try collection.delete(ids: ids.enumerated().filter { $0.offset % 7 == 0 }.map(\.element))
        let snapshot = collection.snapshot()
        // 20 % of the rows (a walk), 4 % (a walk), 1 of 50 buckets = 2 % (the exact scan of the allowed rows).
        let filters: [(String, PayloadFilter)] = [
            ("20 %", PayloadFilter(must: [.range(key: "bucket", NumericRange(lt: 10))])),
            ("4 %", PayloadFilter(must: [.matchAny(key: "bucket", values: [.integer(3), .integer(4)])])),
            ("2 %", PayloadFilter(must: [.match(key: "bucket", value: .integer(5))])),
        ]
        for (name, filter) in filters {
            let exact = try snapshot.search(queries, k: 10, filter: filter, exact: true, payloads: true)
            let wide = try snapshot.search(queries, k: 10, filter: filter, ef: 100_000, payloads: true)
            same(wide, exact, "\(name) at an ef covering every row")
            let walked = try snapshot.search(queries, k: 10, filter: filter, ef: 64, payloads: true)
            for hit in walked.hits.joined() {
                XCTAssertTrue(filter.matches(hit.payload ?? Payload()), "\(name): \(hit.id) does not match")
                XCTAssertNotEqual(Int(hit.id.dropFirst())! % 7, 0, "\(name): deleted \(hit.id) returned")
            }
            XCTAssertGreaterThanOrEqual(recall(walked, exact, k: 10), 0.9, "\(name): filtered recall@10 at ef 64")
        }
    }

    func testReopeningReadsTheStoredGraphsAndTheManifestRecordsTheParameters() throws {
        let directory = try CollectionTestData.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (ids, rows, queries) = data(1_200, queries: 20, seed: 14)
        var builds = SegmentGraph.builds.value
        var collection: VectorCollection? = try create(directory)
        try fill(collection!, ids: ids, rows: rows, batch: 400)
        try collection!.flush()
        XCTAssertEqual(SegmentGraph.builds.value - builds, 3, "one graph per flushed segment")
        try collection!.merge(.all)
        XCTAssertEqual(SegmentGraph.builds.value - builds, 4, "the merge builds the merged segment's graph")
        let before = try collection!.snapshot().search(queries, k: 10, rescoreMultiplier: 4, ef: 32)
        let file = try XCTUnwrap(collection!.snapshot().segments.first?.file)
        let path = directory + "/" + file
        let modified = try FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date
        collection = nil
        builds = SegmentGraph.builds.value
        for writable in [true, false] {
            let reopened = try VectorCollection(opening: directory, writable: writable, autoFlushRows: nil)
            XCTAssertEqual(reopened.configuration.index, .hnsw(parameters), "writable \(writable)")
            let snapshot = reopened.snapshot()
            XCTAssertNotNil(snapshot.state.segments.first?.graph)
            XCTAssertEqual(snapshot.state.segments.first?.graph?.graph.seed, parameters.seed)
            XCTAssertEqual(snapshot.state.segments.first?.graph?.graph.connectivity, parameters.connectivity)
            same(try snapshot.search(queries, k: 10, rescoreMultiplier: 4, ef: 32), before, "reopened, writable \(writable)")
            reopened.close()
        }
        XCTAssertEqual(SegmentGraph.builds.value, builds, "reopening built a graph")
        XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date, modified)
        // The manifest records the kind, M, ef_construction and seed, in format version 2.
        let manifest = try ManifestFile.read(directory: directory)
        XCTAssertEqual(manifest.formatVersion, Manifest.graphFormatVersion)
        XCTAssertEqual(manifest.index, Manifest.StoredIndex(parameters))
    }

    func testSameSeedSameGraphBytes() throws {
        let (ids, rows, _) = data(500, queries: 1, seed: 15)
        var sections: [[UInt8]] = []
        for _ in 0..<2 {
            let directory = try CollectionTestData.temporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let collection = try create(directory)
            try collection.upsert(ids: ids, vectors: ClusteredVectors.matrix(rows))
            try collection.flush()
            let file = try XCTUnwrap(collection.snapshot().segments.first?.file)
            let index = try IndexFile.open(at: directory + "/" + file)
            sections.append(try index.graphBytes())
        }
        XCTAssertFalse(sections[0].isEmpty)
        XCTAssertEqual(sections[0], sections[1])
    }

    func testDamagedGraphSectionIsATypedErrorNamingTheFile() throws {
        let directory = try CollectionTestData.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (ids, rows, _) = data(600, queries: 1, seed: 16)
        do {
            let collection = try create(directory)
            try collection.upsert(ids: ids, vectors: ClusteredVectors.matrix(rows))
            try collection.flush()
            collection.close()
        }
        let file = try XCTUnwrap(try FileManager.default.contentsOfDirectory(atPath: directory).first { $0.hasPrefix("segment-") })
        let path = directory + "/" + file
        let original = try Data(contentsOf: URL(fileURLWithPath: path))
        let section = try IndexFile.header(at: path)[.graph]
        XCTAssertGreaterThan(section.length, 0)
        // A byte of the lists, then a byte of the section header.
        for offset in [section.offset + section.length / 2, section.offset + 20] {
            var damaged = original
            damaged[offset] ^= 0x10
            try damaged.write(to: URL(fileURLWithPath: path))
            for writable in [true, false] {
                XCTAssertThrowsError(try VectorCollection(opening: directory, writable: writable, autoFlushRows: nil)) { error in
                    guard case .corruptGraph(let named, _) = error as? CollectionError else { return XCTFail("offset \(offset): \(error)") }
                    XCTAssertEqual(named, path)
                    XCTAssertEqual((error as? CollectionError)?.kind, .corrupt)
                }
            }
        }
        try original.write(to: URL(fileURLWithPath: path))
        let collection = try VectorCollection(opening: directory, autoFlushRows: nil)
        try collection.verify()
        XCTAssertEqual(collection.snapshot().count, 600)
    }

    func testSegmentsBuiltElsewhereCarryTheirGraphAndGraphlessOnesAreRefused() throws {
        let directory = try CollectionTestData.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let collection = try create(directory)
        let (ids, rows, queries) = data(900, queries: 20, seed: 17)
        try collection.upsert(ids: Array(ids.prefix(300)), vectors: ClusteredVectors.matrix(Array(rows.prefix(300))))
        let configuration = collection.configuration
        let built = directory + ".built.embq"
        defer { try? FileManager.default.removeItem(atPath: built) }
        try VectorCollection.buildSegment(
            for: configuration, ids: Array(ids.suffix(600)), vectors: ClusteredVectors.matrix(Array(rows.suffix(600))), payloads: nil,
            to: built)
        XCTAssertGreaterThan(try IndexFile.header(at: built)[.graph].length, 0)
        let report = try collection.attach(segments: [built])
        XCTAssertEqual(report.points, 600)
        let snapshot = collection.snapshot()
        XCTAssertTrue(snapshot.state.segments.allSatisfy { $0.graph != nil })
        same(try snapshot.search(queries, k: 10, ef: 100_000), try snapshot.search(queries, k: 10, exact: true), "attached")
        // The same segment without a graph (a flat collection's) is refused, and nothing changes.
        var flat = configuration
        flat.index = .flat
        let graphless = directory + ".flat.embq"
        defer { try? FileManager.default.removeItem(atPath: graphless) }
        try VectorCollection.buildSegment(
            for: flat, ids: ["z1", "z2"], vectors: ClusteredVectors.matrix(Array(rows.prefix(2))), payloads: nil, to: graphless)
        XCTAssertEqual(try IndexFile.header(at: graphless)[.graph].length, 0)
        XCTAssertThrowsError(try collection.attach(segments: [graphless])) { error in
            guard case .invalidArgument(let reason) = error as? CollectionError else { return XCTFail("\(error)") }
            XCTAssertTrue(reason.contains(graphless) && reason.contains("graph"), reason)
        }
        XCTAssertEqual(collection.snapshot().count, 900)
    }

    func testConfigurationsAGraphCannotServeAreRefused() throws {
        for (precision, parameters) in [(Precision.uint8, HNSWParameters()), (.int4, HNSWParameters()), (.binary, HNSWParameters(connectivity: 1)),
                                        (.binary, HNSWParameters(efConstruction: 0))] {
            let directory = try CollectionTestData.temporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: directory) }
            XCTAssertThrowsError(try VectorCollection.create(
                at: directory, configuration: CollectionConfiguration(dimension: 8, precision: precision, index: .hnsw(parameters)))) { error in
                guard case .invalidConfiguration = error as? CollectionError else { return XCTFail("\(precision): \(error)") }
            }
        }
    }
}

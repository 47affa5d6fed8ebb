import EmbedQTestSupport
import EmbeddingGraph
import EmbeddingQuantization
import EmbeddingSearch
import EmbeddingStore
import Foundation
import XCTest

@testable import EmbeddingIndex

/// An index's graph file (`INDEX.hnsw`): searched through when present, exact when `ef` covers
/// the live rows, deleted rows never returned, stale after rows are added, and corrupt files
/// refused with typed errors.
final class IndexGraphFileTests: XCTestCase {
    var directory: URL!
    var path: String { directory.appendingPathComponent("graph.embq").path }
    let rows = 500, dimension = 64

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("embedq-graph-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try IndexBuilder.create(
            at: path, embeddings: matrix(rows: rows, seed: 3), ids: (0..<rows).map { "doc-\($0)" }, precision: .binary,
            rescoring: .int8)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    func matrix(rows: Int, seed: UInt64) -> EmbeddingMatrix {
        var rng = SplitMix64(seed: seed)
        let values = (0..<(rows * dimension)).map { _ in Float.random(in: -1...1, using: &rng) }
        return try! EmbeddingMatrix(rowCount: rows, dimension: dimension, values: values)
    }

    let parameters = HNSWParameters(connectivity: 8, efConstruction: 48, seed: 4)

    func testTheGraphIsWalkedAndExactWhenEfCoversTheLiveRows() throws {
        XCTAssertNil(try SearchableIndex(path: path).graph, "no graph file yet")
        let built = try IndexGraphFile.build(forIndexAt: path, parameters: parameters, threads: 2)
        let walking = try SearchableIndex(path: path)
        XCTAssertEqual(try XCTUnwrap(walking.graph).serialized(), built.serialized())
        let scanning = try SearchableIndex(path: path, useGraph: false)
        XCTAssertNil(scanning.graph)
        let queries = matrix(rows: 7, seed: 11)
        for multiplier in [nil, 3] as [Int?] {
            let exact = try scanning.search(queries, k: 10, parameters: SearchParameters(rescoreMultiplier: multiplier))
            let covering = try walking.search(queries, k: 10, parameters: SearchParameters(rescoreMultiplier: multiplier, ef: rows))
            XCTAssertEqual(covering, exact, "rescore \(String(describing: multiplier)): ef covering every row is the exact answer")
        }
        // A narrow walk: every hit carries its row's exact Hamming distance, best first.
        let narrow = try walking.search(queries, k: 10, parameters: SearchParameters(ef: 16))
        let all = try scanning.search(queries, k: rows, parameters: SearchParameters())
        for (q, hits) in narrow.enumerated() {
            XCTAssertEqual(hits.count, 10)
            let distance = Dictionary(uniqueKeysWithValues: all[q].map { ($0.row, $0.score) })
            for hit in hits { XCTAssertEqual(hit.score, distance[hit.row]) }
            XCTAssertEqual(hits.map(\.score), hits.map(\.score).sorted())
        }
    }

    func testDeletionsKeepTheGraphAndAreNeverReturnedAdditionsMakeItStale() throws {
        try IndexGraphFile.build(forIndexAt: path, parameters: parameters, threads: 1)
        let queries = matrix(rows: 5, seed: 12)
        let before = try SearchableIndex(path: path).search(queries, k: 20, parameters: SearchParameters(ef: 40))
        let doomed = Set(before.flatMap { $0.prefix(4).map(\.row) })
        _ = try IndexFile.delete(ids: doomed.map { "doc-\($0)" }, from: path)
        let walking = try SearchableIndex(path: path)
        XCTAssertNotNil(walking.graph, "deleting rows keeps the graph valid")
        let after = try walking.search(queries, k: 20, parameters: SearchParameters(ef: 40))
        XCTAssertTrue(after.allSatisfy { hits in hits.count == 20 && hits.allSatisfy { !doomed.contains($0.row) } })
        let exact = try SearchableIndex(path: path, useGraph: false).search(queries, k: 20, parameters: SearchParameters())
        XCTAssertEqual(try walking.search(queries, k: 20, parameters: SearchParameters(ef: rows)), exact)

        try IndexBuilder.add(to: path, embeddings: matrix(rows: 3, seed: 13), ids: ["new-0", "new-1", "new-2"])
        XCTAssertThrowsError(try SearchableIndex(path: path)) { error in
            guard case .staleGraph(let graphPath, _)? = error as? IndexSearchError else { return XCTFail("\(error)") }
            XCTAssertEqual(graphPath, self.path + ".hnsw")
        }
        XCTAssertNoThrow(try SearchableIndex(path: path, useGraph: false), "an exact search ignores the stale graph")
        try IndexGraphFile.build(forIndexAt: path, parameters: parameters, threads: 2)
        XCTAssertEqual(try SearchableIndex(path: path).graph?.rowCount, rows + 3)
    }

    func testCorruptGraphFilesGiveTypedErrors() throws {
        try IndexGraphFile.build(forIndexAt: path, parameters: parameters, threads: 2)
        let graphURL = URL(fileURLWithPath: IndexGraphFile.path(forIndex: path))
        let good = try Data(contentsOf: graphURL)
        func openError(_ bytes: Data) throws -> IndexSearchError? {
            try bytes.write(to: graphURL)
            do {
                _ = try SearchableIndex(path: path)
                return nil
            } catch {
                return error
            }
        }
        let graphPath = graphURL.path
        XCTAssertEqual(try openError(good.prefix(40)), .graphSection(path: graphPath, .truncated(needed: 64, available: 40)))
        var badMagic = good
        badMagic[0] ^= 1
        XCTAssertEqual(try openError(badMagic), .graphSection(path: graphPath, .badMagic))
        var preamble = good
        preamble[20] ^= 1
        guard case .graphSection(_, .checksumMismatch(part: "graph file preamble", _, _))? = try openError(preamble) else {
            return XCTFail("a changed preamble byte was not caught")
        }
        var payload = good
        payload[good.count - 3] ^= 0x10
        guard case .graphSection(_, .checksumMismatch)? = try openError(payload) else {
            return XCTFail("a flipped bit in the lists was not caught")
        }
        guard case .graphSection(_, .truncated)? = try openError(good.prefix(good.count - 4)) else {
            return XCTFail("a cut graph file was not refused")
        }
        try good.write(to: graphURL)
        XCTAssertNotNil(try SearchableIndex(path: path).graph)
    }

    func testFastCodesWithoutAGraphDistanceAreRefused() throws {
        let other = directory.appendingPathComponent("uint8.embq").path
        try IndexBuilder.create(at: other, embeddings: matrix(rows: 20, seed: 1), ids: (0..<20).map { "d\($0)" }, precision: .uint8)
        XCTAssertThrowsError(try IndexGraphFile.build(forIndexAt: other)) {
            XCTAssertEqual($0 as? IndexSearchError, .graphBuild(path: other + ".hnsw", .unsupportedPrecision(.uint8)))
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: other + ".hnsw"))
    }
}

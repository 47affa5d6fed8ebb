import EmbeddingQuantization
import EmbeddingSearch
import XCTest

@testable import EmbeddingGraph

/// Building: the same graph for any thread count, levels from the seed, every node reachable,
/// the batch schedule about as good as a row-by-row build, and the parameter errors.
final class HNSWBuildTests: XCTestCase {
    let corpus = GraphFixtures.clustered(rows: 1500, dimension: 64, clusters: 12, seed: 31)

    /// Reproducible means: the same codes, parameters and seed give the same section, byte for
    /// byte, whatever the number of threads and however the threads are scheduled (each batch
    /// reads only the graph of earlier batches; links back are applied per neighbour in row
    /// order).
    func testTheSameSeedGivesTheSameBytesOnAnyThreadCount() throws {
        for precision in [Precision.ubinary, .int8, .float16] {
            let codes = try GraphFixtures.quantize(corpus, precision)
            let parameters = HNSWParameters(connectivity: 8, efConstruction: 40, seed: 99)
            let one = try HNSWIndex(codes: codes, parameters: parameters, threads: 1).graph.serialized()
            for threads in [2, 3, 4] {
                let other = try HNSWIndex(codes: codes, parameters: parameters, threads: threads).graph.serialized()
                XCTAssertEqual(one, other, "\(precision.rawValue): \(threads) threads built another graph")
            }
            let reseeded = try HNSWIndex(codes: codes, parameters: HNSWParameters(connectivity: 8, efConstruction: 40, seed: 100), threads: 2)
            XCTAssertNotEqual(one, reseeded.graph.serialized(), "\(precision.rawValue): another seed gave the same graph")
        }
    }

    func testLevelsFollowTheSeedAndTheirDistribution() {
        let m = 16
        let levels = (0..<200_000).map { LevelAssignment.level(of: $0, seed: 5, connectivity: m) }
        XCTAssertEqual(levels, (0..<200_000).map { LevelAssignment.level(of: $0, seed: 5, connectivity: m) })
        XCTAssertNotEqual(levels, (0..<200_000).map { LevelAssignment.level(of: $0, seed: 6, connectivity: m) })
        // P(level ≥ 1) = 1/16, P(level ≥ 2) = 1/256: 12,500 and 781 expected.
        let above0 = levels.filter { $0 >= 1 }.count, above1 = levels.filter { $0 >= 2 }.count
        XCTAssertEqual(Double(above0), 12_500, accuracy: 400)
        XCTAssertEqual(Double(above1), 781, accuracy: 100)
        XCTAssertLessThanOrEqual(levels.max()!, HNSWParameters.maximumLevel)
    }

    func testEveryNodeIsReachableFromTheEntryPointAndListsAreWellFormed() throws {
        // Twenty-bit codes: few distinct distances, the hardest case for the pruning heuristic.
        let tiny = GraphFixtures.clustered(rows: 3000, dimension: 20, clusters: 5, seed: 8)
        for precision in [Precision.ubinary, .int8] {
            let graph = try HNSWIndex(
                codes: try GraphFixtures.quantize(tiny, precision, ranges: try Calibration.ranges(from: tiny)),
                parameters: HNSWParameters(connectivity: 4, efConstruction: 16), threads: 2
            ).graph
            var reached = Set([graph.entryPoint!]), frontier = [graph.entryPoint!]
            while let node = frontier.popLast() {
                for next in graph.neighbors(of: node, level: 0) where reached.insert(next).inserted { frontier.append(next) }
            }
            XCTAssertEqual(reached.count, graph.rowCount, "\(precision.rawValue): nodes unreachable from the entry point")
            for node in 0..<graph.rowCount {
                let level = graph.level(of: node)!
                for l in 0...level {
                    let neighbors = graph.neighbors(of: node, level: l)
                    XCTAssertLessThanOrEqual(neighbors.count, l == 0 ? 8 : 4)
                    XCTAssertEqual(Set(neighbors).count, neighbors.count, "node \(node) level \(l): repeated neighbour")
                    XCTAssertFalse(neighbors.contains(node))
                    XCTAssertTrue(neighbors.allSatisfy { graph.level(of: $0)! >= l })
                }
            }
            XCTAssertEqual(graph.level(of: graph.entryPoint!), graph.maxLevel)
        }
    }

    /// Batches (which cannot link rows of the same batch directly) lose little against a
    /// row-by-row build: recall at the same ef within 0.02.
    func testBatchedBuildIsAboutAsGoodAsRowByRow() throws {
        let data = GraphFixtures.clustered(rows: 4100, dimension: 64, clusters: 20, seed: 12)
        let corpus = data[rows: 0..<4000], queries = data[rows: 4000..<4100]
        let codes = try GraphFixtures.quantize(corpus, .ubinary)
        let parameters = HNSWParameters(connectivity: 8, efConstruction: 48)
        var batched = try HNSWIndex(codes: codes, parameters: parameters, threads: 2)
        var rowByRow = try HNSWIndex(codes: codes, parameters: parameters, threads: 1, maximumBatch: 1, progress: nil)
        batched.exactScanSelectivity = 0
        rowByRow.exactScanSelectivity = 0
        let exact = try GraphFixtures.oracle(.ubinary, corpus: codes, queries: queries).expected(k: 10) { _ in true }
        let search = SearchParameters(threads: 1, ef: 16)
        let batchedRecall = GraphFixtures.recall(try batched.search(queries, k: 10, parameters: search), exact, k: 10)
        let rowRecall = GraphFixtures.recall(try rowByRow.search(queries, k: 10, parameters: search), exact, k: 10)
        XCTAssertGreaterThan(batchedRecall, rowRecall - 0.02, "batched \(batchedRecall) vs row by row \(rowRecall)")
        XCTAssertGreaterThan(rowRecall, 0.85)
    }

    func testEmptyAndOneRowGraphs() throws {
        let empty = try HNSWIndex(codes: try GraphFixtures.quantize(.empty(dimension: 16), .ubinary))
        XCTAssertNil(empty.graph.entryPoint)
        XCTAssertEqual(try empty.search(GraphFixtures.clustered(rows: 2, dimension: 16, clusters: 1, seed: 1), k: 3).hits, [[], []])
        let single = GraphFixtures.clustered(rows: 1, dimension: 16, clusters: 1, seed: 2)
        let one = try HNSWIndex(codes: try GraphFixtures.quantize(single, .ubinary))
        XCTAssertEqual(one.graph.entryPoint, 0)
        XCTAssertEqual(try one.search(single, k: 3, parameters: SearchParameters(ef: 1))[0], [SearchHit(row: 0, score: 0)])
    }

    func testParameterAndPrecisionErrors() throws {
        let codes = try GraphFixtures.quantize(corpus[rows: 0..<10], .ubinary)
        XCTAssertThrowsError(try HNSWIndex(codes: codes, parameters: HNSWParameters(connectivity: 1))) {
            XCTAssertEqual($0 as? HNSWError, .invalidParameter(name: "M (connectivity)", value: 1, reason: "must be in 2 ... 256"))
        }
        XCTAssertThrowsError(try HNSWIndex(codes: codes, parameters: HNSWParameters(efConstruction: 0))) {
            XCTAssertEqual($0 as? HNSWError, .invalidParameter(name: "ef_construction", value: 0, reason: "must be at least 1"))
        }
        XCTAssertThrowsError(try HNSWIndex(codes: codes, threads: 0)) {
            XCTAssertEqual($0 as? HNSWError, .invalidParameter(name: "threads", value: 0, reason: "must be at least 1"))
        }
        for precision in [Precision.uint8, .int4] {
            let other = try GraphFixtures.quantize(corpus[rows: 0..<10], precision, ranges: try Calibration.ranges(from: corpus))
            XCTAssertThrowsError(try HNSWIndex(codes: other)) { XCTAssertEqual($0 as? HNSWError, .unsupportedPrecision(precision)) }
        }
        var values = corpus[rows: 0..<3].values
        values[70] = .nan
        XCTAssertThrowsError(try HNSWIndex(embeddings: try EmbeddingMatrix(rowCount: 3, dimension: 64, values: values))) {
            XCTAssertEqual($0 as? HNSWError, .nonFiniteValue(row: 1, column: 6))
        }
        let index = try HNSWIndex(codes: codes)
        XCTAssertThrowsError(try index.search(corpus[rows: 0..<2], k: 3, parameters: SearchParameters(ef: 0))) {
            XCTAssertEqual($0 as? SearchError, .invalidEf(0))
        }
        XCTAssertThrowsError(try index.search(try GraphFixtures.quantize(corpus[rows: 0..<2], .binary), k: 3, parameters: SearchParameters())) {
            XCTAssertEqual($0 as? SearchError, .precisionMismatch(index: .ubinary, queries: .binary))
        }
    }
}

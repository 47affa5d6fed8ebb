import EmbeddingQuantization
import XCTest

@testable import EmbeddingSearch

/// The `async` search: the same answers as the synchronous one, batch by batch, and a cancelled
/// task stops with ``SearchError/cancelled``.
final class AsyncSearchTests: XCTestCase {
    func testAwaitedSearchEqualsTheSynchronousSearch() async throws {
        let corpus = TestData.matrix(rows: 700, dimension: 24, seed: 5)
        let queries = TestData.matrix(rows: 23, dimension: 24, seed: 6)
        let bits = try EmbeddingQuantizer(precision: .ubinary).quantize(corpus)
        let index = try RefineIndex(base: FlatIndex(bits), codes: StoredCodes(corpus), multiplier: 3)
        let filter = RowFilter.excluding(rows: stride(from: 0, to: 700, by: 3), rowCount: 700)
        let parameters = SearchParameters(filter: filter, threads: 2)
        // A synchronous closure: in an async context the async overload is chosen.
        let expected = try { try index.search(queries, k: 9, parameters: parameters) }()
        for batchSize in [1, 5, 23, 256] {
            let awaited = try await index.search(queries, k: 9, parameters: parameters, batchSize: batchSize)
            XCTAssertEqual(awaited, expected, "batch size \(batchSize)")
        }
        let none = try await index.search(EmbeddingMatrix.empty(dimension: 24), k: 3, parameters: parameters, batchSize: 4)
        XCTAssertEqual(none.count, 0)
        do {
            _ = try await index.search(queries, k: 9, parameters: parameters, batchSize: 0)
            XCTFail("batch size 0 must throw")
        } catch {
            XCTAssertEqual(error, .invalidBatchSize(0))
        }
        do {
            _ = try await index.search(queries, k: 0, parameters: parameters, batchSize: 4)
            XCTFail("k = 0 must throw")
        } catch {
            XCTAssertEqual(error, .invalidK(0))
        }
    }

    func testACancelledTaskStopsBetweenBatches() async throws {
        let index = try FlatIndex(TestData.matrix(rows: 100, dimension: 8, seed: 7))
        let queries = TestData.matrix(rows: 50, dimension: 8, seed: 8)
        let task = Task { () async throws(SearchError) -> SearchResults in
            while !Task.isCancelled { await Task.yield() }
            return try await index.search(queries, k: 3, parameters: SearchParameters(), batchSize: 10)
        }
        task.cancel()
        do {
            _ = try await task.value
            XCTFail("a cancelled search must throw")
        } catch {
            XCTAssertEqual(error as? SearchError, .cancelled)
        }
    }
}

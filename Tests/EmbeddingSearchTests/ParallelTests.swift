import Dispatch
import XCTest
@testable import EmbeddingSearch

/// `Parallel.map` really runs its iterations at the same time, and splits ranges evenly.
final class ParallelTests: XCTestCase {
    func testIterationsRunConcurrently() throws {
        try XCTSkipIf(Parallel.defaultThreadCount < 2, "one core: Dispatch may run the iterations one after the other")
        // Each iteration waits for the other: serial execution would time out.
        let first = DispatchSemaphore(value: 0)
        let second = DispatchSemaphore(value: 0)
        let met = Parallel.map(2) { index -> Bool in
            if index == 0 {
                first.signal()
                return second.wait(timeout: .now() + 10) == .success
            }
            second.signal()
            return first.wait(timeout: .now() + 10) == .success
        }
        XCTAssertEqual(met, [true, true])
    }

    func testRangesCoverEverythingInOrder() {
        XCTAssertEqual(Parallel.ranges(total: 10, parts: 3), [0..<3, 3..<6, 6..<10])
        XCTAssertEqual(Parallel.ranges(total: 1, parts: 2), [0..<0, 0..<1])
        XCTAssertEqual(Parallel.map(3) { $0 * 2 }, [0, 2, 4])
        XCTAssertThrowsError(try Parallel.resolve(0))
        XCTAssertGreaterThanOrEqual(try Parallel.resolve(nil), 1)
    }
}

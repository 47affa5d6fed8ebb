import Dispatch
import Foundation

/// Splitting work across threads with `DispatchQueue.concurrentPerform`.
package enum Parallel {
    /// The default thread count: every active core.
    package static var defaultThreadCount: Int { Swift.max(1, ProcessInfo.processInfo.activeProcessorCount) }

    /// Resolves a user thread count (`nil`: all cores), rejecting values below 1.
    package static func resolve(_ threads: Int?) throws(SearchError) -> Int {
        guard let threads else { return defaultThreadCount }
        guard threads >= 1 else { throw SearchError.invalidThreadCount(threads) }
        return threads
    }

    /// Runs `body(i)` for `i` in `0 ..< count` on up to `count` threads and returns the results
    /// in index order. One iteration runs inline, without dispatching.
    package static func map<Result: Sendable>(_ count: Int, _ body: @Sendable (Int) -> Result) -> [Result] {
        guard count > 1 else { return count == 1 ? [body(0)] : [] }
        let slots = UnsafeMutablePointer<Result?>.allocate(capacity: count)
        slots.initialize(repeating: nil, count: count)
        defer {
            slots.deinitialize(count: count)
            slots.deallocate()
        }
        let box = SlotPointer(base: slots)
        DispatchQueue.concurrentPerform(iterations: count) { index in
            // Each iteration writes its own slot: no two threads touch the same memory.
            box.base[index] = body(index)
        }
        return (0..<count).map { slots[$0]! }
    }

    /// Even split of `0 ..< total` into `parts` contiguous ranges.
    package static func ranges(total: Int, parts: Int) -> [Range<Int>] {
        (0..<parts).map { part in (total * part / parts)..<(total * (part + 1) / parts) }
    }
}

/// A pointer handed to concurrent iterations that each write a distinct element.
private struct SlotPointer<Element>: @unchecked Sendable {
    let base: UnsafeMutablePointer<Element>
}

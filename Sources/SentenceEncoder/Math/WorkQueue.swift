import Foundation

/// Hands out work item indices `0..<itemCount` to concurrent workers, first come first served,
/// and serializes their progress reports.
final class WorkQueue: @unchecked Sendable {
    private let lock = NSLock()
    private let itemCount: Int
    private var nextItem = 0
    private var done = 0

    /// A queue of `itemCount` items.
    init(itemCount: Int) {
        self.itemCount = itemCount
    }

    /// The next item to process, or `nil` when all are taken.
    func next() -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard nextItem < itemCount else { return nil }
        nextItem += 1
        return nextItem - 1
    }

    /// Records `count` more finished texts and reports the total, under the lock so that reports
    /// never overlap and their counts increase.
    func finish(count: Int, progress: (@Sendable (Int) -> Void)?) {
        lock.lock()
        defer { lock.unlock() }
        done += count
        progress?(done)
    }
}

import Foundation

/// A counter shared between requests (requests in flight, work slots taken).
final class InFlightCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0

    /// Adds `delta` and returns the new value.
    func change(by delta: Int) -> Int {
        lock.lock()
        defer { lock.unlock() }
        value += delta
        return value
    }

    /// Adds one unless the count is already `limit`; whether it did.
    func acquire(limit: Int) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        guard value < limit else { return false }
        value += 1
        return true
    }

    /// The current value.
    var current: Int {
        lock.lock()
        defer { lock.unlock() }
        return value
    }
}

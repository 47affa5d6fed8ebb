import Dispatch

/// Runs blocking file work (`fdatasync`, segment reads, scans) on a dispatch queue instead of a
/// thread of Swift's cooperative pool, which has one thread per core and must never wait on a disk.
enum BlockingWork {
    private static let queue = DispatchQueue(label: "embedq.collections.io", qos: .userInitiated, attributes: .concurrent)

    /// The result of `body`, run on the blocking queue.
    ///
    /// - Throws: what `body` throws.
    static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try body() }) }
        }
    }
}

import Dispatch

/// Runs blocking work (kernels that split themselves over threads with
/// `DispatchQueue.concurrentPerform`) off Swift's cooperative thread pool: the work runs on a
/// queue of EmbedQ's own and the caller awaits it, so an `async` caller never ties up one of the
/// pool's few threads. Shared by the `async` APIs of the search and the encoder.
package enum WorkerThreads {
    /// EmbedQ's work queue (concurrent: independent calls run side by side).
    private static let queue = DispatchQueue(label: "embedq.work", qos: .userInitiated, attributes: .concurrent)

    /// Runs `body` on EmbedQ's queue and returns its result (or rethrows its typed error).
    package static func run<Value: Sendable, Failure: Error>(
        _ body: @escaping @Sendable () throws(Failure) -> Value
    ) async throws(Failure) -> Value {
        let result: Result<Value, Failure> = await withCheckedContinuation { continuation in
            queue.async {
                do throws(Failure) {
                    continuation.resume(returning: .success(try body()))
                } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
        }
        return try result.get()
    }
}

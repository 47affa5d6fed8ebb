import Foundation
import Logging
import ServiceLifecycle

/// The server's own service beside the HTTP server: loads the model (when the source asks),
/// then waits; at graceful shutdown — which reaches it after the HTTP server has stopped
/// accepting and drained its requests — it stops the batcher and lets every module flush.
struct EngineLifecycle: Service {
    let source: ModelSource
    let host: ModelHost
    let configuration: ServerConfiguration
    let metrics: ServerMetrics
    let modules: [any ServerModule]
    let logger: Logger

    func run() async throws {
        if case .load(let options) = source {
            do {
                let engine = try await cancelWhenGracefulShutdown { [configuration, metrics, logger] in
                    try await Self.onOwnThread {
                        try options.makeEngine(configuration: configuration, observer: metrics.batchObserver) {
                            logger.info("\($0)")
                        }
                    }
                }
                host.set(.ready(engine))
                logger.info("ready", metadata: ["model": .string(engine.modelName), "dimension": .stringConvertible(engine.dimension)])
            } catch is CancellationError {
                logger.info("stopped while loading the model")
                return
            } catch {
                host.set(.failed("\(error)"))
                logger.critical("cannot start", metadata: ["error": .string("\(error)")])
                throw error
            }
        }
        // Wait for graceful shutdown (a thrown CancellationError means the group is cancelled).
        try? await gracefulShutdown()
        logger.info("draining: stopping the encoder queue")
        if case .ready(let engine) = host.current { await engine.stop() }
        var failure: (any Error)?
        for module in modules {
            do {
                try await module.shutdown()
            } catch {
                logger.error("a module failed to shut down", metadata: ["error": .string("\(error)")])
                failure = error
            }
        }
        if let failure { throw failure }
        logger.info("stopped")
    }

    /// Runs `work` on a new thread (never a cooperative-pool thread) and returns its result;
    /// a cancelled caller stops waiting at once (the thread finishes on its own).
    static func onOwnThread<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        let box = ResumeOnce<T>()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                box.install(continuation)
                let thread = Thread { box.resume(with: Result { try work() }) }
                thread.name = "embedq-model-load"
                thread.start()
            }
        } onCancel: {
            box.resume(with: .failure(CancellationError()))
        }
    }
}

/// A continuation resumed at most once, by whichever of two parties comes first.
final class ResumeOnce<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var continuation: CheckedContinuation<T, any Error>?
    private var early: Result<T, any Error>?
    private var done = false

    func install(_ continuation: CheckedContinuation<T, any Error>) {
        lock.lock()
        if let early {
            lock.unlock()
            continuation.resume(with: early)
            return
        }
        self.continuation = continuation
        lock.unlock()
    }

    func resume(with result: Result<T, any Error>) {
        lock.lock()
        guard !done else {
            lock.unlock()
            return
        }
        done = true
        if let continuation {
            self.continuation = nil
            lock.unlock()
            continuation.resume(with: result)
        } else {
            early = result
            lock.unlock()
        }
    }
}

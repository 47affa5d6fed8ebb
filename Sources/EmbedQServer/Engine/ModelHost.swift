import Foundation

/// Holds the engine once it is loaded; routes ask it for the engine and get 503 before.
final class ModelHost: @unchecked Sendable {
    enum State {
        case loading
        case ready(EmbeddingEngine)
        case failed(String)
    }

    private let lock = NSLock()
    private var state: State

    init(_ state: State) {
        self.state = state
    }

    /// The current state.
    var current: State {
        lock.lock()
        defer { lock.unlock() }
        return state
    }

    /// Sets the state.
    func set(_ newState: State) {
        lock.lock()
        state = newState
        lock.unlock()
    }

    /// The engine.
    ///
    /// - Throws: ``APIError`` 503 while the model loads or after it failed to load.
    func engine() throws -> EmbeddingEngine {
        switch current {
        case .ready(let engine): return engine
        case .loading: throw APIError.unavailable("the model is still loading", retryAfterSeconds: 1)
        case .failed(let reason): throw APIError.unavailable("the model failed to load: \(reason)")
        }
    }
}

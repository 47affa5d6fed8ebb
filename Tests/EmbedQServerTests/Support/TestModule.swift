import EmbedQServer
import Foundation
import Hummingbird

/// A stand-in for the collections layer: a write route, a read route that waits until
/// released (to hold work slots), and a parameterized path. Exercises the ``ServerModule`` seam.
final class TestModule: ServerModule, @unchecked Sendable {
    private let lock = NSLock()
    private var waiters: [CheckedContinuation<Void, Never>] = []
    private var released = false
    private var started = 0
    private(set) var shutDown = false

    func routes(server: ServerContext) -> [ServerRoute] {
        [
            ServerRoute(.put, "/collections/{name}", access: .write) { _, context in
                let name = context.parameters.get("name") ?? "?"
                return JSONResponse.make(["created": .string(name)])
            },
            ServerRoute(.post, "/collections/{name}/search", access: .read, countsAgainstConcurrencyLimit: true) { [self] _, _ in
                await hold()
                return JSONResponse.make(["hits": []])
            },
        ]
    }

    func openAPIPaths(requiresKey: Bool) -> JSONValue {
        [
            "/collections/{name}": ["put": ["operationId": "createCollection", "responses": ["200": ["description": "Created"]]]],
            "/collections/{name}/search": ["post": ["operationId": "search", "responses": ["200": ["description": "Hits"]]]],
        ]
    }

    var openAPISchemas: JSONValue { ["Collection": ["type": "object"]] }

    func info() async -> (key: String, value: JSONValue)? { ("collections", ["count": 0]) }

    func shutdown() async throws {
        lock.withLock { shutDown = true }
    }

    /// Requests waiting in the read route.
    var waiting: Int {
        lock.lock()
        defer { lock.unlock() }
        return started
    }

    /// Lets every held (and later) request finish.
    func release() {
        lock.lock()
        released = true
        let all = waiters
        waiters = []
        lock.unlock()
        for waiter in all { waiter.resume() }
    }

    private func hold() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            lock.lock()
            started += 1
            if released {
                lock.unlock()
                continuation.resume()
                return
            }
            waiters.append(continuation)
            lock.unlock()
        }
    }
}

import Foundation
import SentenceEncoder
import XCTest
@testable import EmbedQServer

/// The batcher with a fake encoder (row = [length, first id]): order, shared passes, the token
/// budget, round robin, cancellation, failures, stop.
final class DynamicBatcherTests: XCTestCase {
    /// A fake forward pass that records each pass and can be held at its start.
    final class FakeEncoder: @unchecked Sendable {
        private let lock = NSLock()
        private var passes: [[[Int32]]] = []
        private let gate = DispatchSemaphore(value: 0)
        private var held: Bool
        var failWhen: (@Sendable ([[Int32]]) -> Bool)?

        init(holdFirstPass: Bool = false) {
            held = holdFirstPass
        }

        /// Rows of 2 floats: the sequence length and its first id.
        func encode(_ sequences: [[Int32]]) throws -> [Float] {
            lock.lock()
            passes.append(sequences)
            let wait = held
            held = false
            lock.unlock()
            if wait { gate.wait() }
            if let failWhen, failWhen(sequences) { throw APIError.internalError("pass failed") }
            return sequences.flatMap { [Float($0.count), Float($0.first ?? -1)] }
        }

        func releaseFirstPass() { gate.signal() }

        var recorded: [[[Int32]]] {
            lock.lock()
            defer { lock.unlock() }
            return passes
        }
    }

    func testEachRequestGetsItsOwnRowsInOrder() async throws {
        let fake = FakeEncoder()
        let batcher = DynamicBatcher(maxBatchTokens: 50, dimension: 2, encode: { sequences, _ in try fake.encode(sequences) })
        try await withThrowingTaskGroup(of: (Int, [Float]).self) { group in
            for request in 0..<40 {
                group.addTask {
                    let sequences = (0..<(request % 5 + 1)).map { sequence(Int32(request * 10 + $0), length: $0 + 1) }
                    return (request, try await batcher.embed(sequences))
                }
            }
            for try await (request, rows) in group {
                let expected = (0..<(request % 5 + 1)).flatMap { [Float($0 + 1), Float(request * 10 + $0)] }
                XCTAssertEqual(rows, expected, "request \(request)")
            }
        }
        let total = fake.recorded.reduce(0) { $0 + $1.count }
        XCTAssertEqual(total, (0..<40).reduce(0) { $0 + $1 % 5 + 1 })
        for pass in fake.recorded where pass.count > 1 {
            XCTAssertLessThanOrEqual(pass.reduce(0) { $0 + $1.count }, 50, "a pass of several sequences stays in the budget")
        }
        await batcher.stop()
    }

    func testRequestsQueuedDuringAPassShareTheNextOne() async throws {
        let fake = FakeEncoder(holdFirstPass: true)
        let states = StateLog()
        let batcher = DynamicBatcher(maxBatchTokens: 1000, dimension: 2, encode: { sequences, _ in try fake.encode(sequences) },
                                     onQueueChange: states.append)
        let first = Task { try await batcher.embed([sequence(1, length: 3)]) }
        while fake.recorded.isEmpty { try await Task.sleep(for: .milliseconds(2)) }
        let others = (0..<8).map { index in Task { try await batcher.embed([sequence(Int32(100 + index), length: 4)]) } }
        while states.last?.requests != 9 { try await Task.sleep(for: .milliseconds(2)) }
        XCTAssertEqual(states.last?.tokens, 32, "eight queued requests of 4 tokens")
        fake.releaseFirstPass()
        _ = try await first.value
        for (index, task) in others.enumerated() {
            let rows = try await task.value
            XCTAssertEqual(rows, [4, Float(100 + index)])
        }
        XCTAssertEqual(fake.recorded.map(\.count), [1, 8], "one pass for the eight requests that queued behind the first")
        XCTAssertEqual(states.last?.requests, 0)
        XCTAssertEqual(states.last?.tokens, 0)
        await batcher.stop()
    }

    func testTheBudgetCutsLargeRequestsAndSmallOnesGetIn() async throws {
        let fake = FakeEncoder(holdFirstPass: true)
        let states = StateLog()
        let batcher = DynamicBatcher(maxBatchTokens: 30, dimension: 2, encode: { sequences, _ in try fake.encode(sequences) }, onQueueChange: states.append)
        let blocker = Task { try await batcher.embed([sequence(0, length: 1)]) }
        while fake.recorded.isEmpty { try await Task.sleep(for: .milliseconds(2)) }
        let large = Task { try await batcher.embed((1...10).map { sequence(Int32($0), length: 10) }) }
        while states.last?.requests != 2 { try await Task.sleep(for: .milliseconds(2)) }
        let small = Task { try await batcher.embed([sequence(99, length: 5)]) }
        while states.last?.requests != 3 { try await Task.sleep(for: .milliseconds(2)) }
        fake.releaseFirstPass()
        _ = try await blocker.value
        let awaited1 = try await large.value
        XCTAssertEqual(awaited1, (1...10).flatMap { [10, Float($0)] })
        let awaited2 = try await small.value
        XCTAssertEqual(awaited2, [5, 99])
        let passes = fake.recorded.dropFirst().map { $0.map { $0[0] } }
        // 3 of the large request's sequences (30 tokens), then the small one joins the next pass.
        XCTAssertEqual(passes.first, [1, 2, 3])
        XCTAssertEqual(passes.dropFirst().first, [99, 4, 5], "the small request is not stuck behind the large one")
        XCTAssertEqual(passes.joined().count, 11)
        // A single sequence over the budget still runs, alone.
        let awaited3 = try await batcher.embed([sequence(7, length: 45)])
        XCTAssertEqual(awaited3, [45, 7])
        XCTAssertEqual(fake.recorded.last?.count, 1)
        await batcher.stop()
    }

    func testCancellingAQueuedRequestRemovesItAndResumesIt() async throws {
        let fake = FakeEncoder(holdFirstPass: true)
        let states = StateLog()
        let batcher = DynamicBatcher(maxBatchTokens: 100, dimension: 2, encode: { sequences, _ in try fake.encode(sequences) }, onQueueChange: states.append)
        let blocker = Task { try await batcher.embed([sequence(1, length: 2)]) }
        while fake.recorded.isEmpty { try await Task.sleep(for: .milliseconds(2)) }
        let cancelled = Task { try await batcher.embed([sequence(2, length: 3), sequence(3, length: 3)]) }
        let kept = Task { try await batcher.embed([sequence(4, length: 5)]) }
        while states.last?.requests != 3 { try await Task.sleep(for: .milliseconds(2)) }
        cancelled.cancel()
        do {
            _ = try await cancelled.value
            XCTFail("a cancelled request must not return vectors")
        } catch is CancellationError {}
        XCTAssertEqual(states.last?.requests, 2)
        XCTAssertEqual(states.last?.tokens, 5)
        fake.releaseFirstPass()
        _ = try await blocker.value
        let awaited4 = try await kept.value
        XCTAssertEqual(awaited4, [5, 4])
        XCTAssertFalse(fake.recorded.joined().contains { $0[0] == 2 }, "the cancelled sequences were never encoded")
        await batcher.stop()
    }

    func testCancellingDuringAPassResumesWhenThePassEnds() async throws {
        let fake = FakeEncoder(holdFirstPass: true)
        let batcher = DynamicBatcher(maxBatchTokens: 100, dimension: 2, encode: { sequences, _ in try fake.encode(sequences) })
        let running = Task { try await batcher.embed([sequence(1, length: 2)]) }
        while fake.recorded.isEmpty { try await Task.sleep(for: .milliseconds(2)) }
        running.cancel()
        try await Task.sleep(for: .milliseconds(20))
        fake.releaseFirstPass()
        do {
            _ = try await running.value
            XCTFail("expected CancellationError")
        } catch is CancellationError {}
        // An already cancelled task never queues.
        let early = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await batcher.embed([sequence(5, length: 2)])
        }
        do {
            _ = try await early.value
            XCTFail("expected CancellationError")
        } catch is CancellationError {}
        XCTAssertEqual(fake.recorded.count, 1)
        await batcher.stop()
    }

    func testAFailedPassFailsItsRequestsOnly() async throws {
        let fake = FakeEncoder()
        fake.failWhen = { sequences in sequences.contains { $0[0] == 13 } }
        let batcher = DynamicBatcher(maxBatchTokens: 4, dimension: 2, encode: { sequences, _ in try fake.encode(sequences) })
        do {
            _ = try await batcher.embed([sequence(1, length: 4), sequence(13, length: 4), sequence(2, length: 4)])
            XCTFail("expected the pass's error")
        } catch let error as APIError {
            XCTAssertEqual(error.message, "pass failed")
        }
        let awaited5 = try await batcher.embed([sequence(3, length: 2)])
        XCTAssertEqual(awaited5, [2, 3])
        XCTAssertFalse(fake.recorded.contains { $0.first?[0] == 2 }, "the failed request's other sequences are dropped")
        await batcher.stop()
    }

    func testPassesNeverMixPrompts() async throws {
        let fake = FakeEncoder(holdFirstPass: true)
        let prompts = StatePromptLog()
        let states = StateLog()
        let batcher = DynamicBatcher(maxBatchTokens: 1000, dimension: 2, encode: { sequences, prompt in
            prompts.append(prompt, count: sequences.count)
            return try fake.encode(sequences)
        }, onQueueChange: states.append)
        let blocker = Task { try await batcher.embed([sequence(1, length: 2)], prompt: .named("query")) }
        while fake.recorded.isEmpty { try await Task.sleep(for: .milliseconds(2)) }
        // Queued while the first pass runs: query, document, query, document.
        let queued = (0..<4).map { index in
            Task { try await batcher.embed([sequence(Int32(10 + index), length: 3)], prompt: .named(index % 2 == 0 ? "query" : "document")) }
        }
        while states.last?.requests != 5 { try await Task.sleep(for: .milliseconds(2)) }
        fake.releaseFirstPass()
        _ = try await blocker.value
        for (index, task) in queued.enumerated() {
            let awaited = try await task.value
            XCTAssertEqual(awaited, [3, Float(10 + index)])
        }
        // The first pass, then one pass per prompt holding both of its requests.
        let passes = prompts.passes
        XCTAssertEqual(passes.map(\.count), [1, 2, 2])
        XCTAssertEqual(passes.first?.prompt, .named("query"))
        XCTAssertEqual(Set(passes.dropFirst().map(\.prompt)), [.named("query"), .named("document")])
        await batcher.stop()
    }

    func testStopFinishesQueuedWorkThenRefuses() async throws {
        let fake = FakeEncoder(holdFirstPass: true)
        let states = StateLog()
        let batcher = DynamicBatcher(maxBatchTokens: 100, dimension: 2, encode: { sequences, _ in try fake.encode(sequences) }, onQueueChange: states.append)
        let first = Task { try await batcher.embed([sequence(1, length: 2)]) }
        while fake.recorded.isEmpty { try await Task.sleep(for: .milliseconds(2)) }
        let queued = Task { try await batcher.embed([sequence(2, length: 2)]) }
        while states.last?.requests != 2 { try await Task.sleep(for: .milliseconds(2)) }
        let stopped = Task { await batcher.stop() }
        try await Task.sleep(for: .milliseconds(20))
        fake.releaseFirstPass()
        await stopped.value
        let awaited6 = try await first.value
        XCTAssertEqual(awaited6, [2, 1])
        let awaited7 = try await queued.value
        XCTAssertEqual(awaited7, [2, 2], "work queued before stop is finished")
        do {
            _ = try await batcher.embed([sequence(3, length: 2)])
            XCTFail("expected 503 after stop")
        } catch let error as APIError {
            XCTAssertEqual(error.status, .serviceUnavailable)
        }
        let awaited8 = try await batcher.embed([])
        XCTAssertEqual(awaited8, [])
        await batcher.stop()
    }
}

/// A sequence of `length` ids starting with `id` (the fake encoder's row is [length, id]).
private func sequence(_ id: Int32, length: Int) -> [Int32] { [id] + Array(repeating: 0, count: length - 1) }

/// Records the batcher's queue states.
final class StateLog: @unchecked Sendable {
    private let lock = NSLock()
    private var states: [DynamicBatcher.QueueState] = []

    func append(_ state: DynamicBatcher.QueueState) {
        lock.lock()
        states.append(state)
        lock.unlock()
    }

    var last: DynamicBatcher.QueueState? {
        lock.lock()
        defer { lock.unlock() }
        return states.last
    }
}

/// Records the prompt and size of each pass.
final class StatePromptLog: @unchecked Sendable {
    private let lock = NSLock()
    private var recorded: [(prompt: Prompt, count: Int)] = []

    func append(_ prompt: Prompt, count: Int) {
        lock.lock()
        recorded.append((prompt, count))
        lock.unlock()
    }

    var passes: [(prompt: Prompt, count: Int)] {
        lock.lock()
        defer { lock.unlock() }
        return recorded
    }
}

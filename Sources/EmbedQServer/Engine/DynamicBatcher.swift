import Foundation
import SentenceEncoder

/// Dynamic batching: concurrent requests share the encoder's forward passes.
///
/// Each request submits its token sequences and awaits their vectors. One dedicated worker
/// thread (not a thread of Swift's cooperative pool, which must never block) repeatedly takes
/// queued work up to ``maxBatchTokens`` tokens, runs one `encode` call over all of it, and hands
/// each request its rows. There is no waiting for a batch to fill: while a pass runs, new
/// requests queue, and the next pass takes them all, so a lone request is answered as fast as
/// the encoder allows and a busy server runs large passes.
///
/// Prompts: a pass holds sequences of one ``Prompt`` only (pooling leaves out the prompt's
/// tokens, which `encode` learns from the prompt), so requests with different prompts take turns.
///
/// Fairness: a request larger than the budget is cut into parts; after each part its remainder
/// goes to the back of the queue (round robin), so small requests are not stuck behind a large one.
///
/// Cancellation: a request cancelled while queued leaves the queue at once (its continuation
/// resumes with `CancellationError`); one cancelled while its rows are encoded gets
/// `CancellationError` when the pass ends. Every continuation resumes exactly once.
final class DynamicBatcher: @unchecked Sendable {
    /// Counts the batcher reports after each change (for metrics).
    struct QueueState: Sendable {
        /// Requests waiting (queued or partly encoded).
        var requests: Int
        /// Tokens waiting.
        var tokens: Int
    }

    /// Encodes `sequences` (tokenized with `prompt`) into a row-major `sequences.count × dimension`
    /// array (runs on the worker thread; may use threads of its own).
    typealias Encode = @Sendable (_ sequences: [[Int32]], _ prompt: Prompt) throws -> [Float]

    /// The most tokens one pass takes (a single sequence longer than this still runs alone).
    let maxBatchTokens: Int
    /// Floats per output row.
    let dimension: Int

    private let encode: Encode
    private let condition = NSCondition()
    // Guarded by `condition`:
    private var onQueueChange: @Sendable (QueueState) -> Void
    private var onBatch: @Sendable (_ sequences: Int, _ tokens: Int) -> Void
    /// Jobs with sequences not yet taken by a pass, first come first served.
    private var queue: [Job] = []
    private var waitingRequests = 0
    private var waitingTokens = 0
    private var isStopping = false
    private var isFinished = false
    private var finishWaiters: [CheckedContinuation<Void, Never>] = []

    /// A request in flight: its sequences, how far passes have taken them, its continuation.
    /// Every mutable field is guarded by the batcher's `condition`.
    private final class Job: @unchecked Sendable {
        let sequences: [[Int32]]
        /// The prompt the sequences were tokenized with; a pass holds one prompt only.
        let prompt: Prompt
        var output: [Float]
        /// The first sequence no pass has taken yet.
        var next = 0
        /// Sequences not yet encoded (taken by a running pass, or not taken yet).
        var remainingSequences: Int
        /// Tokens of the sequences not taken yet.
        var untakenTokens: Int
        var continuation: CheckedContinuation<[Float], any Error>?
        var isCancelled = false
        /// Whether the job counts as waiting (from submission to its answer).
        var isActive = false

        init(sequences: [[Int32]], prompt: Prompt, dimension: Int) {
            self.sequences = sequences
            self.prompt = prompt
            output = [Float](repeating: 0, count: sequences.count * dimension)
            remainingSequences = sequences.count
            untakenTokens = sequences.reduce(0) { $0 + $1.count }
        }
    }

    /// The sequences `range` of `job`, taken by one pass.
    private struct Part {
        let job: Job
        let range: Range<Int>
        let tokens: Int
    }

    /// Starts the worker thread.
    ///
    /// - Parameters:
    ///   - maxBatchTokens: token budget of one pass (≥ 1).
    ///   - dimension: floats per row that `encode` returns.
    ///   - encode: the forward pass.
    ///   - onQueueChange: called whenever the queue changes, under the batcher's lock (in order);
    ///     it must not call the batcher.
    ///   - onBatch: called before each pass with its sequence and token counts.
    init(maxBatchTokens: Int, dimension: Int, encode: @escaping Encode,
         onQueueChange: @escaping @Sendable (QueueState) -> Void = { _ in },
         onBatch: @escaping @Sendable (Int, Int) -> Void = { _, _ in }) {
        self.maxBatchTokens = max(1, maxBatchTokens)
        self.dimension = dimension
        self.encode = encode
        self.onQueueChange = onQueueChange
        self.onBatch = onBatch
        let thread = Thread { [self] in runWorker() }
        thread.name = "embedq-batcher"
        thread.start()
    }

    /// Replaces the callbacks that receive queue and pass sizes.
    func observe(onQueueChange: @escaping @Sendable (QueueState) -> Void, onBatch: @escaping @Sendable (Int, Int) -> Void) {
        condition.lock()
        self.onQueueChange = onQueueChange
        self.onBatch = onBatch
        condition.unlock()
    }

    /// The vectors of `sequences` (row-major, `sequences.count × dimension`), in order.
    ///
    /// - Parameters:
    ///   - sequences: model input ids.
    ///   - prompt: the prompt they were tokenized with (passes never mix prompts).
    /// - Throws: `CancellationError` when the calling task is cancelled; ``APIError`` 503 after
    ///   ``stop()``; whatever `encode` throws for the pass that held these sequences.
    func embed(_ sequences: [[Int32]], prompt: Prompt = .text("")) async throws -> [Float] {
        guard !sequences.isEmpty else { return [] }
        let job = Job(sequences: sequences, prompt: prompt, dimension: dimension)
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<[Float], any Error>) in
                condition.lock()
                if job.isCancelled {
                    condition.unlock()
                    continuation.resume(throwing: CancellationError())
                    return
                }
                if isStopping {
                    condition.unlock()
                    continuation.resume(throwing: APIError.unavailable("the server is shutting down"))
                    return
                }
                job.continuation = continuation
                job.isActive = true
                queue.append(job)
                waitingTokens += job.untakenTokens
                waitingRequests += 1
                let state = QueueState(requests: waitingRequests, tokens: waitingTokens)
                // Reported under the lock, so that gauges see the states in order.
                onQueueChange(state)
                condition.signal()
                condition.unlock()
            }
        } onCancel: {
            cancel(job)
        }
    }

    /// Stops taking requests, finishes what is queued, and returns when the worker has exited.
    func stop() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            condition.lock()
            isStopping = true
            if isFinished {
                condition.unlock()
                continuation.resume()
                return
            }
            finishWaiters.append(continuation)
            condition.broadcast()
            condition.unlock()
        }
    }

    // MARK: - Cancellation

    /// Drops a cancelled job's untaken sequences and resumes it, unless a pass holds some of its
    /// rows (then the worker resumes it when the pass ends).
    private func cancel(_ job: Job) {
        condition.lock()
        job.isCancelled = true
        guard job.isActive else {
            condition.unlock()
            return
        }
        if let index = queue.firstIndex(where: { $0 === job }) { queue.remove(at: index) }
        waitingTokens -= job.untakenTokens
        job.untakenTokens = 0
        job.remainingSequences -= job.sequences.count - job.next
        job.next = job.sequences.count
        var continuation: CheckedContinuation<[Float], any Error>?
        if job.remainingSequences == 0 {
            continuation = job.continuation
            job.continuation = nil
            job.isActive = false
            waitingRequests -= 1
        }
        onQueueChange(QueueState(requests: waitingRequests, tokens: waitingTokens))
        condition.unlock()
        continuation?.resume(throwing: CancellationError())
    }

    // MARK: - Worker

    private func runWorker() {
        while true {
            condition.lock()
            while queue.isEmpty && !isStopping { condition.wait() }
            if queue.isEmpty {
                isFinished = true
                let waiters = finishWaiters
                finishWaiters = []
                condition.unlock()
                for waiter in waiters { waiter.resume() }
                return
            }
            let batch = takeBatch()
            let reportBatch = onBatch
            condition.unlock()

            var sequences: [[Int32]] = []
            sequences.reserveCapacity(batch.reduce(0) { $0 + $1.range.count })
            for part in batch { sequences.append(contentsOf: part.job.sequences[part.range]) }
            reportBatch(sequences.count, batch.reduce(0) { $0 + $1.tokens })
            let prompt = batch[0].job.prompt
            let result = Result { try encode(sequences, prompt) }
            finish(batch, with: result)
        }
    }

    /// Takes up to ``maxBatchTokens`` tokens of queued sequences (at least one sequence) of the
    /// front job's prompt, round robin: each job of that prompt, in queue order, gives the
    /// sequences that fit, and goes to the back of the queue when it has more; jobs of other
    /// prompts keep their places. Callers hold `condition`.
    private func takeBatch() -> [Part] {
        var batch: [Part] = []
        var tokens = 0
        let prompt = queue[0].prompt
        var index = 0
        var requeued: [Job] = []
        while index < queue.count {
            let job = queue[index]
            guard job.prompt == prompt else {
                index += 1
                continue
            }
            let start = job.next
            var end = start
            var partTokens = 0
            while end < job.sequences.count {
                let length = job.sequences[end].count
                if tokens + partTokens + length > maxBatchTokens, !(batch.isEmpty && end == start) { break }
                partTokens += length
                end += 1
            }
            guard end > start else { break }  // the job's next sequence does not fit: pass is full
            queue.remove(at: index)
            job.next = end
            job.untakenTokens -= partTokens
            waitingTokens -= partTokens
            tokens += partTokens
            batch.append(Part(job: job, range: start..<end, tokens: partTokens))
            if end < job.sequences.count {
                requeued.append(job)
                if tokens >= maxBatchTokens { break }
            }
        }
        queue.append(contentsOf: requeued)
        return batch
    }

    /// Copies a pass's rows into their jobs and resumes every job that is complete (or failed).
    private func finish(_ batch: [Part], with result: Result<[Float], any Error>) {
        var completed: [(CheckedContinuation<[Float], any Error>, Result<[Float], any Error>)] = []
        condition.lock()
        var row = 0
        for part in batch {
            let job = part.job
            defer { row += part.range.count }
            guard job.isActive else { continue }  // already failed by an earlier part of this pass
            switch result {
            case .success(let values):
                if !job.isCancelled {
                    let source = row * dimension, target = part.range.lowerBound * dimension, count = part.range.count * dimension
                    job.output.withUnsafeMutableBufferPointer { output in
                        values.withUnsafeBufferPointer { values in
                            for offset in 0..<count { output[target + offset] = values[source + offset] }
                        }
                    }
                }
                job.remainingSequences -= part.range.count
                guard job.remainingSequences == 0, let continuation = job.continuation else { continue }
                job.continuation = nil
                job.isActive = false
                waitingRequests -= 1
                completed.append((continuation, job.isCancelled ? .failure(CancellationError()) : .success(job.output)))
                job.output = []
            case .failure(let error):
                // The whole request fails: drop its untaken sequences too.
                if let index = queue.firstIndex(where: { $0 === job }) { queue.remove(at: index) }
                waitingTokens -= job.untakenTokens
                job.untakenTokens = 0
                job.next = job.sequences.count
                job.isActive = false
                waitingRequests -= 1
                if let continuation = job.continuation {
                    job.continuation = nil
                    completed.append((continuation, .failure(error)))
                }
            }
        }
        onQueueChange(QueueState(requests: waitingRequests, tokens: waitingTokens))
        condition.unlock()
        for (continuation, outcome) in completed { continuation.resume(with: outcome) }
    }
}

import Foundation
import Metrics
import class Prometheus.PrometheusCollectorRegistry
import struct Prometheus.PrometheusMetricsFactory

/// The server's metrics: swift-metrics handles backed by a Prometheus registry of its own (not
/// the process-wide `MetricsSystem`), so each server instance — and each test — counts alone.
/// `GET /metrics` renders the registry in the Prometheus text format.
///
/// | metric | type | labels |
/// |---|---|---|
/// | `embedq_http_requests_total` | counter | `method`, `route`, `status` |
/// | `embedq_http_request_duration_seconds` | histogram | `method`, `route`, `status` |
/// | `embedq_http_requests_in_flight` | gauge | — |
/// | `embedq_embedding_queue_requests`, `embedq_embedding_queue_tokens` | gauge | — |
/// | `embedq_embedding_batch_tokens`, `embedq_embedding_batch_sequences` | histogram | — |
/// | `embedq_embedded_tokens_total`, `embedq_embedded_inputs_total` | counter | — |
/// | `embedq_process_resident_memory_bytes` | gauge (read at scrape) | — |
///
/// `route` is the matched route template (`/v1/embeddings`, `/collections/{name}`), or
/// `unmatched` for requests that matched none, so the label set stays small.
public final class ServerMetrics: Sendable {
    /// The registry `/metrics` renders.
    public let registry: PrometheusCollectorRegistry
    /// The swift-metrics factory writing into ``registry``: modules create their own metrics
    /// with it (`Gauge(label:dimensions:factory:)`), e.g. collection sizes.
    public let factory: any MetricsFactory

    private let inFlight: Gauge
    private let queueRequests: Gauge
    private let queueTokens: Gauge
    private let batchTokens: Recorder
    private let batchSequences: Recorder
    private let embeddedTokens: Counter
    private let embeddedInputs: Counter
    private let residentMemory: Gauge

    /// A fresh registry with the server's metrics.
    public init() {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        let powersOfFour = (1...9).map { pow(4.0, Double($0)) }  // 4 … 262144
        factory.valueHistogramBuckets = [
            "embedq_embedding_batch_tokens": powersOfFour,
            "embedq_embedding_batch_sequences": [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024],
        ]
        self.registry = registry
        self.factory = factory
        inFlight = Gauge(label: "embedq_http_requests_in_flight", factory: factory)
        queueRequests = Gauge(label: "embedq_embedding_queue_requests", factory: factory)
        queueTokens = Gauge(label: "embedq_embedding_queue_tokens", factory: factory)
        batchTokens = Recorder(label: "embedq_embedding_batch_tokens", aggregate: true, factory: factory)
        batchSequences = Recorder(label: "embedq_embedding_batch_sequences", aggregate: true, factory: factory)
        embeddedTokens = Counter(label: "embedq_embedded_tokens_total", factory: factory)
        embeddedInputs = Counter(label: "embedq_embedded_inputs_total", factory: factory)
        residentMemory = Gauge(label: "embedq_process_resident_memory_bytes", factory: factory)
    }

    /// Counts one answered request and its duration.
    func recordRequest(method: String, route: String, status: Int, nanoseconds: Int64) {
        let dimensions = [("method", method), ("route", route), ("status", String(status))]
        Counter(label: "embedq_http_requests_total", dimensions: dimensions, factory: factory).increment()
        Timer(label: "embedq_http_request_duration_seconds", dimensions: dimensions, factory: factory)
            .recordNanoseconds(nanoseconds)
    }

    /// Sets the number of requests being answered.
    func setInFlight(_ count: Int) {
        inFlight.record(count)
    }

    /// Counts inputs and tokens that were embedded.
    func recordEmbedded(inputs: Int, tokens: Int) {
        embeddedInputs.increment(by: inputs)
        embeddedTokens.increment(by: tokens)
    }

    /// The observer the engine's batcher reports to.
    public var batchObserver: BatchObserver {
        BatchObserver(
            queueChanged: { [queueRequests, queueTokens] state in
                queueRequests.record(state.requests)
                queueTokens.record(state.tokens)
            },
            batchStarted: { [batchSequences, batchTokens] sequences, tokens in
                batchSequences.record(sequences)
                batchTokens.record(tokens)
            })
    }

    /// The Prometheus text exposition of every metric (resident memory read now).
    func exposition() -> [UInt8] {
        if let bytes = ResidentMemory.currentBytes() { residentMemory.record(bytes) }
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return buffer
    }
}

/// The process's resident set size.
enum ResidentMemory {
    /// Resident bytes from `/proc/self/statm` (Linux), `nil` elsewhere.
    static func currentBytes() -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return nil }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return nil }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }
}

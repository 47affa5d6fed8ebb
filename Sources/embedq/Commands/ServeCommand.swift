import ArgumentParser
import EmbedQ
import EmbedQServer
import Foundation
import Logging

/// `embedq serve`: the HTTP server (module `EmbedQServer`; API reference in docs/SERVER.md).
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve embeddings and their quantized codes over HTTP (OpenAI / Cohere-shaped API).",
        discussion: """
            POST /v1/embeddings (OpenAI-compatible; "embedding_types" for Cohere-shaped int8 / uint8 / \
            binary / ubinary / float16 / ternary codes, byte for byte what `embedq embed` + `embedq \
            quantize --ranges` give), GET /v1/ranges, /health, /ready, /info, /metrics (Prometheus), \
            /openapi.json; with --collections DIR, Qdrant-shaped /collections/… routes over durable \
            collections (an upsert is answered only once it is fsynced to the collection's log). \
            SIGTERM or SIGINT stops accepting, finishes the requests in flight, flushes the collections and exits 0. \
            Once listening, the base URL (http://HOST:PORT) is printed on standard output; logs go to \
            standard error. Keys can also come from EMBEDQ_API_KEY and EMBEDQ_READ_ONLY_KEY.
            """)

    @Option(name: .long, help: "Model folder, or hub id (ORG/NAME or NAME for sentence-transformers/NAME).")
    var model: String = "all-MiniLM-L6-v2"

    @Option(name: .long, help: "Quantization ranges for int8 / uint8 / ternary outputs (.npy 2 × d or 3 × d, or .json, from `embedq calibrate`).")
    var ranges: String?

    @Option(name: .long, help: "JSON Lines texts (\"text\" field) to calibrate the ranges on at start, instead of --ranges.")
    var calibrateCorpus: String?

    @Option(name: .long, help: "Calibrate on the first N texts of --calibrate-corpus (default: all).")
    var calibrationSize: Int?

    @Option(name: .long, help: "Collections folder: serves /collections/… over the durable collections in it (one subfolder each; created when missing).")
    var collections: String?

    @Option(name: .long, help: "Address to listen on.")
    var host: String = "127.0.0.1"

    @Option(name: .long, help: "Port (0: pick a free one; the URL printed on standard output names it).")
    var port: Int = 8080

    @Option(name: .long, help: "Key for every route (Authorization: Bearer KEY or api-key: KEY). Default: $EMBEDQ_API_KEY.")
    var apiKey: String?

    @Option(name: .long, help: "Key for reading routes only (writes get 403). Default: $EMBEDQ_READ_ONLY_KEY.")
    var readOnlyKey: String?

    @Option(name: .long, help: "Weight precision of the encoder's linear layers: fp32, bf16 or int8.")
    var weights: WeightPrecision = .float32

    @Option(name: .long, help: "Encoder threads (default: all active processors).")
    var threads: Int?

    @Option(name: .long, help: "Token budget of one forward pass shared by concurrent requests.")
    var maxBatchTokens: Int = ServerLimits.defaultMaxBatchTokens

    @Option(name: .long, help: "Sequences per encoder batch inside a forward pass (as `embed --batch-size`).")
    var batchSize: Int = 32

    @Option(name: .long, help: "Largest request body in bytes (413 above).")
    var maxBodyBytes: Int = ServerLimits.defaultMaxBodyBytes

    @Option(name: .long, help: "Most inputs in one embeddings request (422 above).")
    var maxInputs: Int = ServerLimits.defaultMaxInputsPerRequest

    @Option(name: .long, help: "Most embedding requests answered at once (429 with Retry-After above).")
    var maxConcurrentRequests: Int = ServerLimits.defaultMaxConcurrentRequests

    @Option(name: .long, help: "Log format: json (one object per line) or text. Default: text on a terminal, json otherwise.")
    var logFormat: LogFormat?

    @Option(name: .long, help: "Lowest log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: Logger.Level = .info

    enum LogFormat: String, ExpressibleByArgument, CaseIterable {
        case json, text
    }

    func validate() throws {
        if ranges != nil, calibrateCorpus != nil { throw ValidationError("give either --ranges or --calibrate-corpus, not both") }
        if calibrationSize != nil, calibrateCorpus == nil { throw ValidationError("--calibration-size applies to --calibrate-corpus") }
        if let calibrationSize, calibrationSize < 2 { throw ValidationError("--calibration-size must be at least 2") }
        guard (0...65535).contains(port) else { throw ValidationError("--port must be in 0…65535") }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
        guard batchSize >= 1 else { throw ValidationError("--batch-size must be at least 1") }
        for (name, value) in [("--max-batch-tokens", maxBatchTokens), ("--max-body-bytes", maxBodyBytes),
                              ("--max-inputs", maxInputs), ("--max-concurrent-requests", maxConcurrentRequests)] where value < 1 {
            throw ValidationError("\(name) must be at least 1")
        }
    }

    func run() async throws {
        let format = logFormat ?? (isatty(STDERR_FILENO) == 1 ? .text : .json)
        let level = logLevel
        LoggingSystem.bootstrap { label in
            var handler: any LogHandler = format == .json
                ? JSONLogHandler(label: label) : StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "embedq")
        let environment = ProcessInfo.processInfo.environment
        let rangesSource: RangesSource
        do {
            if let ranges {
                rangesSource = .fixed(try RangesFile.read(contentsOf: ranges))
            } else if let calibrateCorpus {
                var texts = try JSONLinesInput.texts(path: calibrateCorpus)
                if let calibrationSize { texts = Array(texts.prefix(calibrationSize)) }
                rangesSource = .calibrate(texts: texts)
            } else {
                rangesSource = .none
            }
        } catch {
            throw CommandFailure("\(error)")
        }
        let configuration = ServerConfiguration(
            host: host, port: port,
            apiKey: apiKey ?? environment["EMBEDQ_API_KEY"].flatMap { $0.isEmpty ? nil : $0 },
            readOnlyKey: readOnlyKey ?? environment["EMBEDQ_READ_ONLY_KEY"].flatMap { $0.isEmpty ? nil : $0 },
            limits: ServerLimits(maxBodyBytes: maxBodyBytes, maxInputsPerRequest: maxInputs,
                                 maxConcurrentRequests: maxConcurrentRequests, maxBatchTokens: maxBatchTokens),
            encodeBatchSize: batchSize)
        let host = self.host
        do {
            var modules: [any ServerModule] = []
            if let collections {
                modules.append(CollectionsModule(store: try DirectoryCollectionStore(directory: collections, logger: logger)))
            }
            let server = try EmbeddingServer(
                configuration: configuration,
                model: .load(ModelLoadOptions(model: model, weights: weights, threads: threads, ranges: rangesSource)),
                modules: modules, logger: logger)
            try await server.run { port in
                let shown = host.contains(":") ? "[\(host)]" : host
                FileHandle.standardOutput.write(Data("http://\(shown):\(port)\n".utf8))
            }
        } catch {
            throw CommandFailure("\(error)")
        }
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}

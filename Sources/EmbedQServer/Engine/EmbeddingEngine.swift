import EmbeddingQuantization
import Foundation
import SentenceEncoder

/// A loaded model ready to serve: the encoder, the server's quantization ranges, and the
/// dynamic batcher every request goes through.
///
/// Routes (and the collections layer, to embed texts it stores or searches) call
/// ``tokenize(_:truncation:)`` on their own task, then await ``embed(_:)``; the forward passes
/// run on the batcher's thread, shared between concurrent requests.
public final class EmbeddingEngine: Sendable {
    /// The encoder (one instance shared by every request).
    public let encoder: SentenceEncoder
    /// The model name answered in responses and `/info` (the `--model` argument).
    public let modelName: String
    /// The precision of the encoder's linear-layer weights.
    public let weights: WeightPrecision
    /// The ranges for `int8`, `uint8` and `ternary` outputs (`nil`: those outputs are refused).
    public let ranges: QuantizationRanges?
    /// The model's prompts by name (sentence-transformers `prompts` from
    /// `config_sentence_transformers.json`); requests naming another prompt get 422.
    public var prompts: [String: String] { encoder.prompts }
    let batcher: DynamicBatcher
    /// The model's tokenizer without its length limit, to count the tokens of an input refused
    /// with `truncate: none`.
    let untruncatedTokenizer: any Tokenizer

    /// Width of the output vectors.
    public var dimension: Int { encoder.dimension }
    /// The most tokens of one input, special tokens included (longer inputs are cut or refused).
    public var maxInputTokens: Int { encoder.maxSequenceLength }
    /// One more than the largest token id the model takes.
    public var vocabularySize: Int { encoder.model.configuration.vocabularySize }

    /// Wraps a loaded encoder and starts its batcher thread.
    ///
    /// - Parameters:
    ///   - encoder: the model.
    ///   - modelName: the name to answer with.
    ///   - weights: the precision `encoder` was loaded with (reported in `/info`).
    ///   - ranges: the server's quantization ranges (must cover ``dimension``).
    ///   - maxBatchTokens: token budget of one forward pass shared by concurrent requests.
    ///   - encodeBatchSize: sequences per encoder batch inside a pass (as `embedq embed --batch-size`).
    ///   - observer: receives queue and batch sizes (for metrics).
    /// - Throws: ``ServerStartError`` when the ranges cover another dimension than the model's;
    ///   `SentenceEncoderError` when the tokenizer files cannot be read again.
    public init(encoder: SentenceEncoder, modelName: String, weights: WeightPrecision = .float32,
                ranges: QuantizationRanges?, maxBatchTokens: Int = ServerLimits.defaultMaxBatchTokens,
                encodeBatchSize: Int = 32, observer: BatchObserver = BatchObserver()) throws {
        if let ranges, ranges.dimension != encoder.dimension {
            throw ServerStartError.rangesDimension(ranges: ranges.dimension, model: encoder.dimension)
        }
        self.encoder = encoder
        self.modelName = modelName
        self.weights = weights
        self.ranges = ranges
        untruncatedTokenizer = try TokenizerLoader.load(folder: encoder.tokenizer.folder, maximumLength: 1 << 24)
        let batchSize = max(1, encodeBatchSize)
        batcher = DynamicBatcher(
            maxBatchTokens: maxBatchTokens, dimension: encoder.dimension,
            encode: { sequences, prompt in try encoder.encodeRowMajor(tokenized: sequences, prompt: prompt, batchSize: batchSize) },
            onQueueChange: observer.queueChanged, onBatch: observer.batchStarted)
    }

    /// The model input ids of each input, checked and truncated, with the prompt they need.
    ///
    /// Texts get `prompt` prepended (as sentence-transformers does) and go through the model's
    /// tokenizer (`[CLS] … [SEP]`, cut to ``maxInputTokens`` ids with `.end`). Token ids are the
    /// whole model input: used as given, without a prompt; `.end` keeps the first ``maxInputTokens``.
    ///
    /// - Throws: ``APIError`` 422 for a prompt the model lacks, a text the tokenizer cannot
    ///   encode, an empty token array, an id outside the vocabulary, or an input over
    ///   ``maxInputTokens`` with `.none`.
    public func tokenize(_ inputs: EmbeddingInputs, truncation: EmbeddingsRequest.Truncation,
                         prompt: Prompt = .modelDefault) throws -> TokenizedInputs {
        let limit = maxInputTokens
        switch inputs {
        case .texts(let texts):
            let prefix: String
            do {
                prefix = try encoder.promptText(prompt) ?? ""
            } catch {
                throw APIError.unprocessable("\(error)")
            }
            let sequences = try texts.enumerated().map { index, text in
                let ids = try tokenizeText(prefix + text, at: index)
                if truncation == .none, ids.count >= limit, untruncatedLength(of: prefix + text) > limit {
                    throw APIError.unprocessable(
                        "input[\(index)] has \(untruncatedLength(of: prefix + text)) tokens; the model takes at most \(limit) (truncate is none)")
                }
                return ids
            }
            return TokenizedInputs(sequences: sequences, prompt: prompt)
        case .tokens(let sequences):
            let vocabulary = vocabularySize
            return TokenizedInputs(prompt: .text(""), sequences: try sequences.enumerated().map { index, ids in
                guard !ids.isEmpty else { throw APIError.unprocessable("input[\(index)] is an empty token array") }
                if let bad = ids.firstIndex(where: { $0 < 0 || $0 >= vocabulary }) {
                    throw APIError.unprocessable(
                        "input[\(index)][\(bad)] is token id \(ids[bad]); ids must be in 0..<\(vocabulary)")
                }
                if ids.count > limit {
                    guard truncation == .end else {
                        throw APIError.unprocessable(
                            "input[\(index)] has \(ids.count) tokens; the model takes at most \(limit) (truncate is none)")
                    }
                    return ids[..<limit].map { Int32($0) }
                }
                return ids.map { Int32($0) }
            })
        }
    }

    /// The model input ids of `text`, cut to the model's limit.
    ///
    /// - Throws: ``APIError`` 422 when the text needs a token the tokenizer lacks.
    private func tokenizeText(_ text: String, at index: Int) throws -> [Int32] {
        do {
            return try encoder.tokenize(text)
        } catch {
            throw APIError.unprocessable("input[\(index)] cannot be tokenized: \(error)")
        }
    }

    /// The token count of `text` without truncation, special tokens included.
    private func untruncatedLength(of text: String) -> Int {
        let lowercased = encoder.tokenizer.lowercasesInput ? text.lowercased() : text
        return (try? untruncatedTokenizer.encode(lowercased).count) ?? Int.max
    }

    /// The vectors of `inputs` (from ``tokenize(_:truncation:prompt:)``),
    /// `inputs.sequences.count × dimension`, in order; byte for byte what `embedq embed` gives
    /// for the same inputs and prompt.
    ///
    /// - Throws: `CancellationError` when the task is cancelled; ``APIError`` 503 while the
    ///   server shuts down; the encoder's error.
    public func embed(_ inputs: TokenizedInputs) async throws -> EmbeddingMatrix {
        let values = try await batcher.embed(inputs.sequences, prompt: inputs.prompt)
        return try EmbeddingMatrix(rowCount: inputs.sequences.count, dimension: dimension, values: values)
    }

    /// The `embedding_types` this engine can answer at its full dimension: all of them, less
    /// int8 / uint8 / ternary without ranges, and ternary without ternary thresholds.
    public var availableEmbeddingTypes: [EmbeddingType] {
        EmbeddingType.allCases.filter { type in
            guard let precision = type.precision, precision.needsCalibration else { return true }
            guard let ranges else { return false }
            return precision != .ternary || ranges.ternaryThresholds != nil
        }
    }

    /// Sends the batcher's queue and pass sizes to `observer` (the server attaches its metrics).
    public func observe(with observer: BatchObserver) {
        batcher.observe(onQueueChange: observer.queueChanged, onBatch: observer.batchStarted)
    }

    /// Stops the batcher after the queued work (new requests get 503).
    func stop() async {
        await batcher.stop()
    }
}

/// Receives the batcher's queue and pass sizes (the server's metrics implement it).
public struct BatchObserver: Sendable {
    /// Called with the waiting requests and tokens after every change.
    var queueChanged: @Sendable (DynamicBatcher.QueueState) -> Void
    /// Called before each forward pass with its sequence and token counts.
    var batchStarted: @Sendable (Int, Int) -> Void

    /// An observer that ignores everything.
    public init() {
        queueChanged = { _ in }
        batchStarted = { _, _ in }
    }

    init(queueChanged: @escaping @Sendable (DynamicBatcher.QueueState) -> Void,
         batchStarted: @escaping @Sendable (Int, Int) -> Void) {
        self.queueChanged = queueChanged
        self.batchStarted = batchStarted
    }
}

/// Model inputs ready for ``EmbeddingEngine/embed(_:)``: the id sequences and the prompt they
/// were tokenized with (which pooling needs to know).
public struct TokenizedInputs: Sendable {
    /// One id sequence per input, special tokens included.
    public let sequences: [[Int32]]
    /// The prompt prepended to the texts (`.text("")` for token-id inputs: none).
    public let prompt: Prompt
    /// Tokens in all sequences (for `usage`).
    public var tokenCount: Int { sequences.reduce(0) { $0 + $1.count } }

    init(sequences: [[Int32]], prompt: Prompt) {
        self.sequences = sequences
        self.prompt = prompt
    }

    init(prompt: Prompt, sequences: [[Int32]]) {
        self.init(sequences: sequences, prompt: prompt)
    }
}

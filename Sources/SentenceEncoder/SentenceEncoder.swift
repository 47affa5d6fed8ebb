import Foundation

/// Turns sentences into fixed-size float32 vectors with a sentence-transformers model
/// (prompt → tokenizer → transformer encoder → pooling → optional dense layers → optional L2
/// normalization → optional truncation), matching PyTorch sentence-transformers to float32
/// rounding. The encoder is any ``EncoderConfiguration/Architecture`` (BERT, XLM-RoBERTa,
/// MPNet, NomicBERT, ModernBERT), chosen by `config.json`'s `model_type`.
///
/// ```swift
/// let encoder = try SentenceEncoder(model: "sentence-transformers/all-MiniLM-L6-v2")
/// let embeddings = try encoder.encode(["A sentence.", "Another one."])  // 2 vectors of 384 floats
/// ```
///
/// Texts are sorted by token count and encoded in batches without padding (each sequence
/// attends only to itself), so a text's vector does not depend on its batch. Each batch is
/// split across ``threadCount`` threads (whole batches per thread when there are enough). An encoder is immutable and safe to share between threads.
public final class SentenceEncoder: Sendable {
    /// The folder the model was loaded from.
    public let folder: URL
    /// The tokenizer with the model's sequence length and lowercasing settings.
    public let tokenizer: SentenceTokenizer
    /// The transformer encoder.
    public let model: TransformerEncoder
    /// The longest token sequence, `[CLS]` and `[SEP]` included; longer texts are truncated.
    public let maxSequenceLength: Int
    /// Width of the output vectors: the truncated width when the encoder was made with
    /// `dimensions`, else ``fullDimension``.
    public let dimension: Int
    /// Width of the vectors the model's modules produce (e.g. 384), before any truncation.
    public let fullDimension: Int
    /// Whether the model ends with a Normalize module (unit vectors before any truncation).
    public let normalizes: Bool
    /// The model's named prompts (`config_sentence_transformers.json`), e.g. `"query": "query: "`.
    public var prompts: [String: String] { pipeline.prompts }
    /// The prompt ``Prompt/modelDefault`` stands for (`default_prompt_name`), or `nil`.
    public var defaultPromptName: String? { pipeline.defaultPromptName }
    /// Number of worker threads (default: the active processor count).
    public let threadCount: Int
    let pipeline: SentenceTransformerPipeline
    /// Pooling, dense layers, Normalize and truncation.
    let head: EmbeddingHead

    /// Loads a model by name or path (see ``ModelLocator``): a local folder, a Hugging Face cache
    /// entry, or a download from the hub.
    ///
    /// - Parameters:
    ///   - model: a folder path, or a hub name such as `sentence-transformers/all-MiniLM-L6-v2`.
    ///   - threadCount: threads per batch; `nil` uses every active processor.
    ///   - weights: the precision of the linear layers' weights (see ``WeightPrecision``).
    ///   - float32Layers: linear layers kept in float32 (mixed precision), named as in
    ///     ``BertModel/linearLayerNames``.
    ///   - calibration: for int8, texts whose float32 activations fix each layer's activation
    ///     scale (static quantization, max |x| / 127); `nil` quantizes each token with its own
    ///     scale at run time (dynamic, the default and the more accurate).
    ///   - dimensions: keep the first `dimensions` values of each vector (sentence-transformers'
    ///     `truncate_dim`, for Matryoshka models): applied after every module, Normalize
    ///     included, so the truncated vectors are not unit length unless `encode` is asked to
    ///     normalize. `nil` keeps all.
    /// - Throws: ``SentenceEncoderError``.
    public convenience init(model: String, threadCount: Int? = nil, weights: WeightPrecision = .float32,
                            float32Layers: Set<String> = [], calibration: [String]? = nil, dimensions: Int? = nil) throws(SentenceEncoderError) {
        try self.init(folder: try ModelLocator().locate(model), threadCount: threadCount, weights: weights,
                      float32Layers: float32Layers, calibration: calibration, dimensions: dimensions)
    }

    /// Loads the model folder at `folder` (`config.json`, `model.safetensors`, the tokenizer
    /// files, and for sentence-transformers models `modules.json` and its module folders).
    ///
    /// `weights`, `float32Layers`, `calibration` and `dimensions` are as in
    /// ``init(model:threadCount:weights:float32Layers:calibration:dimensions:)``.
    ///
    /// - Throws: ``SentenceEncoderError`` naming the file (and tensor) that is missing or
    ///   malformed, or `dimensions` outside `1 ... fullDimension`.
    public convenience init(folder: URL, threadCount: Int? = nil, weights: WeightPrecision = .float32,
                            float32Layers: Set<String> = [], calibration: [String]? = nil, dimensions: Int? = nil) throws(SentenceEncoderError) {
        do {
            try self.init(loading: folder, threadCount: threadCount, weights: weights, float32Layers: float32Layers,
                          calibration: calibration, dimensions: dimensions)
        } catch {
            throw SentenceEncoderError.typed(error, reading: folder)
        }
    }

    /// Loads the model folder (see ``init(folder:threadCount:weights:float32Layers:calibration:dimensions:)``);
    /// everything it calls throws ``SentenceEncoderError``.
    init(loading folder: URL, threadCount: Int?, weights precision: WeightPrecision,
         float32Layers: Set<String>, calibration: [String]?, dimensions: Int?) throws {
        self.folder = folder
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw SentenceEncoderError.missingFile(path: folder.path)
        }
        let pipeline = try SentenceTransformerPipeline(folder: folder)
        let transformer = pipeline.transformerFolder
        let configuration = try EncoderConfiguration(contentsOf: transformer.appendingPathComponent("config.json"))
        let tokenizer = try SentenceTokenizer(pipeline: pipeline, configuration: configuration)
        let weights = try SafeTensors(contentsOf: transformer.appendingPathComponent("model.safetensors"))
        var model = try TransformerEncoder(configuration: configuration, weights: weights, precision: precision,
                                           float32Layers: float32Layers)
        if let calibration, precision == .int8 {
            model.calibrate(with: try TransformerEncoder(configuration: configuration, weights: weights),
                            on: try calibration.map(tokenizer.tokenize))
        }
        self.model = model
        if tokenizer.tokenizer.vocabularySize > configuration.vocabularySize {
            throw SentenceEncoderError.invalidConfiguration(
                path: transformer.appendingPathComponent("config.json").path, key: "vocab_size",
                reason: "\(configuration.vocabularySize) is below the tokenizer's \(tokenizer.tokenizer.vocabularySize) ids")
        }
        self.tokenizer = tokenizer
        self.pipeline = pipeline
        maxSequenceLength = tokenizer.maxSequenceLength
        var width = configuration.hiddenSize * pipeline.pooling.count
        for dense in pipeline.denseLayers {
            guard dense.inputWidth == width else {
                throw SentenceEncoderError.unsupportedModel(
                    path: folder.path, reason: "a Dense module expects \(dense.inputWidth) inputs but receives \(width)")
            }
            width = dense.outputWidth
        }
        fullDimension = width
        if let dimensions, dimensions < 1 || dimensions > width {
            throw SentenceEncoderError.invalidConfiguration(
                path: folder.path, key: "dimensions", reason: "\(dimensions) is outside 1...\(width), the model's output width")
        }
        dimension = dimensions ?? width
        normalizes = pipeline.normalizes
        head = EmbeddingHead(pipeline: pipeline, hiddenSize: configuration.hiddenSize, dimension: dimension)
        self.threadCount = max(1, threadCount ?? ProcessInfo.processInfo.activeProcessorCount)
        MatrixMultiply.useSingleThreadedBLAS()
    }

    /// The model input ids of `text`: special tokens included (`[CLS] … [SEP]`), at most
    /// ``maxSequenceLength`` ids.
    ///
    /// - Throws: ``SentenceEncoderError/invalidTokenizer(path:component:reason:)`` when the text needs
    ///   a token the tokenizer lacks (see ``Tokenizer/encode(_:)``).
    public func tokenize(_ text: String) throws(SentenceEncoderError) -> [Int32] {
        try tokenizer.tokenize(text)
    }

    /// The text `prompt` stands for: `nil` for no prompt (``Prompt/modelDefault`` of a model
    /// without `default_prompt_name`).
    ///
    /// - Throws: ``SentenceEncoderError/unknownPrompt(name:available:)`` for a name the model
    ///   does not define.
    public func promptText(_ prompt: Prompt) throws(SentenceEncoderError) -> String? {
        switch prompt {
        case .modelDefault:
            return pipeline.defaultPromptName.flatMap { pipeline.prompts[$0] }
        case .named(let name):
            guard let text = pipeline.prompts[name] else {
                throw SentenceEncoderError.unknownPrompt(name: name, available: pipeline.prompts.keys.sorted())
            }
            return text
        case .text(let text):
            return text
        }
    }

    /// The model input ids of each text with `prompt` prepended to it (as sentence-transformers
    /// prepends it: `prompt + text`, then tokenized), computed in parallel.
    ///
    /// - Throws: ``SentenceEncoderError/unknownPrompt(name:available:)``, or the first error
    ///   ``Tokenizer/encode(_:)`` throws, in text order.
    public func tokenize(_ texts: [String], prompt: Prompt = .modelDefault) throws(SentenceEncoderError) -> [[Int32]] {
        let prefix = try promptText(prompt) ?? ""
        var sequences = [Result<[Int32], SentenceEncoderError>](repeating: .success([]), count: texts.count)
        let chunks = min(texts.count, threadCount * 4)
        guard chunks > 0 else { return [] }
        sequences.withUnsafeMutableBufferPointer { buffer in
            let sequences = DisjointWrites(buffer)
            DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                let range = (chunk * texts.count / chunks)..<((chunk + 1) * texts.count / chunks)
                for index in range { sequences.write(Result { () throws(SentenceEncoderError) in try tokenize(prefix + texts[index]) }, at: index) }
            }
        }
        var output: [[Int32]] = []
        output.reserveCapacity(texts.count)
        for sequence in sequences { output.append(try sequence.get()) }
        return output
    }

    /// How many leading tokens of every sequence pooling leaves out for `prompt`: the prompt's
    /// own tokens (without a trailing special token, as sentence-transformers counts them) when
    /// the Pooling module has `include_prompt` false and the prompt is not empty; else 0.
    ///
    /// - Throws: ``SentenceEncoderError/unknownPrompt(name:available:)``.
    public func excludedPromptTokenCount(_ prompt: Prompt) throws(SentenceEncoderError) -> Int {
        guard !pipeline.poolingIncludesPrompt, let text = try promptText(prompt), !text.isEmpty else { return 0 }
        let ids = try tokenize(text)
        // The post-processor's trailing special token ([SEP], </s>) is what the empty text ends with.
        let trailing = try tokenize("").last
        return ids.count - (trailing != nil && ids.last == trailing ? 1 : 0)
    }

    /// Encodes `texts` into vectors of ``dimension`` floats each, in input order.
    ///
    /// - Parameters:
    ///   - prompt: the prompt prepended to every text (see ``Prompt``).
    ///   - normalize: divide each final vector (after truncation to ``dimension``) by its L2
    ///     norm (sentence-transformers' `normalize_embeddings`).
    ///   - batchSize: texts per work item (≥ 1), sorted by length; forward passes take up to
    ///     512 of its tokens at a time.
    ///   - progress: called after each batch with the number of texts done so far, from a worker
    ///     thread, one call at a time, with increasing counts.
    /// - Returns: `texts.count` vectors of ``dimension`` floats (unit length when `normalize`,
    ///   or when ``normalizes`` and the vectors are not truncated).
    /// - Throws: ``SentenceEncoderError/invalidConfiguration(path:key:reason:)`` for `batchSize < 1`,
    ///   ``SentenceEncoderError/unknownPrompt(name:available:)``.
    public func encode(_ texts: [String], prompt: Prompt = .modelDefault, normalize: Bool = false, batchSize: Int = 32,
                       progress: (@Sendable (Int) -> Void)? = nil) throws(SentenceEncoderError) -> [[Float]] {
        let flat = try encodeRowMajor(texts, prompt: prompt, normalize: normalize, batchSize: batchSize, progress: progress)
        return (0..<texts.count).map { Array(flat[($0 * dimension)..<(($0 + 1) * dimension)]) }
    }

    /// Encodes `texts` into one row-major `texts.count × dimension` float array, in input order.
    /// See ``encode(_:prompt:normalize:batchSize:progress:)``.
    public func encodeRowMajor(_ texts: [String], prompt: Prompt = .modelDefault, normalize: Bool = false, batchSize: Int = 32,
                               progress: (@Sendable (Int) -> Void)? = nil) throws(SentenceEncoderError) -> [Float] {
        guard batchSize >= 1 else {
            throw SentenceEncoderError.invalidConfiguration(path: "encode", key: "batchSize", reason: "\(batchSize) is below 1")
        }
        return try encodeRowMajor(tokenized: tokenize(texts, prompt: prompt), prompt: prompt, normalize: normalize,
                                  batchSize: batchSize, progress: progress)
    }

    /// Encodes already tokenized texts (from ``tokenize(_:prompt:)`` with the same `prompt`,
    /// each at most ``maxSequenceLength`` ids below the vocabulary size) into one row-major
    /// `sequences.count × dimension` float array, in input order. `prompt` only decides how many
    /// leading tokens pooling leaves out (``excludedPromptTokenCount(_:)``).
    ///
    /// - Throws: ``SentenceEncoderError/invalidConfiguration(path:key:reason:)`` for `batchSize < 1`,
    ///   an overlong sequence or an id outside the vocabulary;
    ///   ``SentenceEncoderError/unknownPrompt(name:available:)``.
    public func encodeRowMajor(tokenized sequences: [[Int32]], prompt: Prompt = .modelDefault, normalize: Bool = false,
                               batchSize: Int = 32, progress: (@Sendable (Int) -> Void)? = nil) throws(SentenceEncoderError) -> [Float] {
        guard batchSize >= 1 else {
            throw SentenceEncoderError.invalidConfiguration(path: "encode", key: "batchSize", reason: "\(batchSize) is below 1")
        }
        let vocabularySize = model.configuration.vocabularySize
        for (index, sequence) in sequences.enumerated() {
            guard sequence.count <= maxSequenceLength, sequence.allSatisfy({ $0 >= 0 && Int($0) < vocabularySize }) else {
                throw SentenceEncoderError.invalidConfiguration(
                    path: "encode", key: "sequences[\(index)]",
                    reason: "longer than \(maxSequenceLength) ids or has an id outside 0..<\(vocabularySize)")
            }
        }
        let output = EmbeddingHead.Options(excludedTokens: try excludedPromptTokenCount(prompt), normalize: normalize)
        var result = [Float](repeating: 0, count: sequences.count * dimension)
        // Longest first, as sentence-transformers does, so batches hold similar lengths.
        let order = sequences.indices.sorted { sequences[$0].count > sequences[$1].count }
        let batches = stride(from: 0, to: order.count, by: batchSize).map { Array(order[$0..<min($0 + batchSize, order.count)]) }
        // Work items: each batch split into one part per thread, of about equal cost. Workers pull
        // items as they finish, so no thread waits for another between batches, and the last
        // batch is shared rather than left to one thread (whole batches kept one of two cores
        // idle for a fifth of a 100-text run). Rows do not depend on their pass-mates, so the
        // split changes no bit.
        let items: [[Int]] = batches.flatMap { split($0, lengths: $0.map { sequences[$0].count }) }
        let queue = WorkQueue(itemCount: items.count)
        result.withUnsafeMutableBufferPointer { buffer in
            let result = DisjointWrites(buffer)
            DispatchQueue.concurrentPerform(iterations: min(threadCount, items.count)) { _ in
                while let item = queue.next() {
                    let indices = items[item]
                    let vectors = embed(indices.map { sequences[$0] }, output: output)
                    for (row, index) in indices.enumerated() {
                        for column in 0..<dimension {
                            result.write(vectors[row * dimension + column], at: index * dimension + column)
                        }
                    }
                    queue.finish(count: indices.count, progress: progress)
                }
            }
        }
        return result
    }

    /// Splits a batch into up to ``threadCount`` contiguous parts of about equal token count.
    private func split(_ batch: [Int], lengths: [Int]) -> [[Int]] {
        let parts = min(threadCount, batch.count)
        guard parts > 1 else { return [batch] }
        // Quadratic attention cost makes long sequences heavier; balance on length + length²/hidden.
        let costs = lengths.map { Double($0) + Double($0 * $0) / Double(model.configuration.hiddenSize) }
        let total = costs.reduce(0, +)
        var result: [[Int]] = []
        var current: [Int] = []
        var accumulated = 0.0
        for (position, index) in batch.enumerated() {
            current.append(index)
            accumulated += costs[position]
            let remainingParts = parts - result.count - 1
            if remainingParts > 0, accumulated >= total * Double(result.count + 1) / Double(parts),
               batch.count - position - 1 >= remainingParts {
                result.append(current)
                current = []
            }
        }
        if !current.isEmpty { result.append(current) }
        return result
    }

    /// Vectors (`sequences.count × dimension`, row-major) for one part of a batch.
    private func embed(_ sequences: [[Int32]], output: EmbeddingHead.Options) -> [Float] {
        head.vectors(tokens: model.tokenVectors(sequences), lengths: sequences.map(\.count), options: output)
    }
}

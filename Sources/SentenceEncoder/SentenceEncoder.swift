import Foundation

/// Turns sentences into fixed-size float32 vectors with a sentence-transformers BERT model
/// (tokenizer → BERT → pooling → optional dense layers → optional L2 normalization), matching
/// PyTorch sentence-transformers to float32 rounding.
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
    /// The BERT encoder.
    public let model: BertModel
    /// The longest token sequence, `[CLS]` and `[SEP]` included; longer texts are truncated.
    public let maxSequenceLength: Int
    /// Width of the output vectors (e.g. 384).
    public let dimension: Int
    /// Whether output vectors have unit L2 norm (the model has a Normalize module).
    public let normalizes: Bool
    /// Number of worker threads (default: the active processor count).
    public let threadCount: Int
    let pipeline: SentenceTransformerPipeline

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
    /// - Throws: ``SentenceEncoderError``.
    public convenience init(model: String, threadCount: Int? = nil, weights: WeightPrecision = .float32,
                            float32Layers: Set<String> = [], calibration: [String]? = nil) throws {
        try self.init(folder: try ModelLocator().locate(model), threadCount: threadCount, weights: weights,
                      float32Layers: float32Layers, calibration: calibration)
    }

    /// Loads the model folder at `folder` (`config.json`, `model.safetensors`, the tokenizer
    /// files, and for sentence-transformers models `modules.json` and its module folders).
    ///
    /// `weights`, `float32Layers` and `calibration` are as in
    /// ``init(model:threadCount:weights:float32Layers:calibration:)``.
    ///
    /// - Throws: ``SentenceEncoderError`` naming the file (and tensor) that is missing or malformed.
    public init(folder: URL, threadCount: Int? = nil, weights precision: WeightPrecision = .float32,
                float32Layers: Set<String> = [], calibration: [String]? = nil) throws {
        self.folder = folder
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw SentenceEncoderError.missingFile(path: folder.path)
        }
        let pipeline = try SentenceTransformerPipeline(folder: folder)
        let transformer = pipeline.transformerFolder
        let configuration = try BertConfiguration(contentsOf: transformer.appendingPathComponent("config.json"))
        let tokenizer = try SentenceTokenizer(pipeline: pipeline, configuration: configuration)
        let weights = try SafeTensors(contentsOf: transformer.appendingPathComponent("model.safetensors"))
        var model = try BertModel(configuration: configuration, weights: weights, precision: precision,
                                  float32Layers: float32Layers)
        if let calibration, precision == .int8 {
            model.calibrate(with: try BertModel(configuration: configuration, weights: weights),
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
        dimension = width
        normalizes = pipeline.normalizes
        self.threadCount = max(1, threadCount ?? ProcessInfo.processInfo.activeProcessorCount)
        MatrixMultiply.useSingleThreadedBLAS()
    }

    /// The model input ids of `text`: special tokens included (`[CLS] … [SEP]`), at most
    /// ``maxSequenceLength`` ids.
    ///
    /// - Throws: what ``Tokenizer/encode(_:)`` throws.
    public func tokenize(_ text: String) throws -> [Int32] {
        try tokenizer.tokenize(text)
    }

    /// Encodes `texts` into vectors of ``dimension`` floats each, in input order.
    ///
    /// - Parameters:
    ///   - batchSize: texts per forward pass (≥ 1); memory grows with it.
    ///   - progress: called after each batch with the number of texts done so far, from a worker
    ///     thread, one call at a time, with increasing counts.
    /// - Returns: `texts.count` vectors of ``dimension`` floats (unit length when ``normalizes``).
    /// - Throws: ``SentenceEncoderError/invalidConfiguration(path:key:reason:)`` for `batchSize < 1`.
    public func encode(_ texts: [String], batchSize: Int = 32, progress: (@Sendable (Int) -> Void)? = nil) throws -> [[Float]] {
        let flat = try encodeRowMajor(texts, batchSize: batchSize, progress: progress)
        return (0..<texts.count).map { Array(flat[($0 * dimension)..<(($0 + 1) * dimension)]) }
    }

    /// Encodes `texts` into one row-major `texts.count × dimension` float array, in input order.
    /// See ``encode(_:batchSize:progress:)``.
    public func encodeRowMajor(_ texts: [String], batchSize: Int = 32, progress: (@Sendable (Int) -> Void)? = nil) throws -> [Float] {
        guard batchSize >= 1 else {
            throw SentenceEncoderError.invalidConfiguration(path: "encode", key: "batchSize", reason: "\(batchSize) is below 1")
        }
        return try encodeRowMajor(tokenized: try tokenize(texts), batchSize: batchSize, progress: progress)
    }

    /// Encodes already tokenized texts (from ``tokenize(_:)-(String)``, each at most
    /// ``maxSequenceLength`` ids below the vocabulary size) into one row-major
    /// `sequences.count × dimension` float array, in input order.
    ///
    /// - Throws: ``SentenceEncoderError/invalidConfiguration(path:key:reason:)`` for `batchSize < 1`,
    ///   an overlong sequence or an id outside the vocabulary.
    public func encodeRowMajor(tokenized sequences: [[Int32]], batchSize: Int = 32, progress: (@Sendable (Int) -> Void)? = nil) throws -> [Float] {
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
        var output = [Float](repeating: 0, count: sequences.count * dimension)
        // Longest first, as sentence-transformers does, so batches hold similar lengths.
        let order = sequences.indices.sorted { sequences[$0].count > sequences[$1].count }
        let batches = stride(from: 0, to: order.count, by: batchSize).map { Array(order[$0..<min($0 + batchSize, order.count)]) }
        // Work items: whole batches when there are enough to keep every thread busy, otherwise
        // each batch split into parts of about equal cost. Workers pull items as they finish, so
        // no thread waits for another between batches.
        let items: [[Int]] = batches.count >= threadCount
            ? batches
            : batches.flatMap { split($0, lengths: $0.map { sequences[$0].count }) }
        let queue = WorkQueue(itemCount: items.count)
        output.withUnsafeMutableBufferPointer { buffer in
            let output = DisjointWrites(buffer)
            DispatchQueue.concurrentPerform(iterations: min(threadCount, items.count)) { _ in
                while let item = queue.next() {
                    let indices = items[item]
                    let vectors = embed(indices.map { sequences[$0] })
                    for (row, index) in indices.enumerated() {
                        for column in 0..<dimension {
                            output.write(vectors[row * dimension + column], at: index * dimension + column)
                        }
                    }
                    queue.finish(count: indices.count, progress: progress)
                }
            }
        }
        return output
    }

    /// The model input ids of each text (see ``tokenize(_:)-(String)``), computed in parallel.
    ///
    /// - Throws: the first error ``Tokenizer/encode(_:)`` throws, in text order.
    public func tokenize(_ texts: [String]) throws -> [[Int32]] {
        var sequences = [Result<[Int32], any Error>](repeating: .success([]), count: texts.count)
        let chunks = min(texts.count, threadCount * 4)
        guard chunks > 0 else { return [] }
        sequences.withUnsafeMutableBufferPointer { buffer in
            let sequences = DisjointWrites(buffer)
            DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                let range = (chunk * texts.count / chunks)..<((chunk + 1) * texts.count / chunks)
                for index in range { sequences.write(Result { try tokenize(texts[index]) }, at: index) }
            }
        }
        return try sequences.map { try $0.get() }
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
    private func embed(_ sequences: [[Int32]]) -> [Float] {
        let hidden = model.configuration.hiddenSize
        let tokens = model.tokenVectors(sequences)
        var result: [Float] = []
        result.reserveCapacity(sequences.count * dimension)
        var offset = 0
        var pooled = [Float](repeating: 0, count: hidden * pipeline.pooling.count)
        tokens.withUnsafeBufferPointer { tokens in
            for sequence in sequences {
                pooled.withUnsafeMutableBufferPointer { pooled in
                    for (position, strategy) in pipeline.pooling.enumerated() {
                        strategy.pool(tokens.baseAddress! + offset * hidden, length: sequence.count, width: hidden,
                                      into: pooled.baseAddress! + position * hidden)
                    }
                }
                var vector = pooled
                for dense in pipeline.denseLayers { vector = dense.apply(vector) }
                if normalizes {
                    let norm = vector.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
                    let scale = Float(1 / max(norm, 1e-12))
                    for index in vector.indices { vector[index] *= scale }
                }
                result.append(contentsOf: vector)
                offset += sequence.count
            }
        }
        return result
    }
}

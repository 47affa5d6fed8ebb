import EmbeddingQuantization
import Foundation
import SentenceEncoder

/// Where the server's model comes from.
public enum ModelSource: Sendable {
    /// An engine built by the caller (tests, embedding applications): ready at once.
    case loaded(EmbeddingEngine)
    /// Loaded when the server starts, on a thread of its own: `/health` answers at once,
    /// `/ready` and the embeddings routes answer 503 until the model (and any calibration) is done.
    case load(ModelLoadOptions)
}

/// How to load the model at start.
public struct ModelLoadOptions: Sendable {
    /// A model folder or hub id (as `embedq embed --model`).
    public var model: String
    /// Linear-layer weight precision.
    public var weights: WeightPrecision
    /// Encoder threads (`nil`: every active processor).
    public var threads: Int?
    /// The quantization ranges.
    public var ranges: RangesSource

    /// Options for `model`.
    public init(model: String, weights: WeightPrecision = .float32, threads: Int? = nil, ranges: RangesSource = .none) {
        self.model = model
        self.weights = weights
        self.threads = threads
        self.ranges = ranges
    }
}

/// The ranges for int8 / uint8 / ternary outputs.
public enum RangesSource: Sendable {
    /// No ranges: those outputs answer 422.
    case none
    /// Ranges read by the caller (`RangesFile.read`).
    case fixed(QuantizationRanges)
    /// Ranges calibrated at start on the embeddings of these texts (min / max per dimension and
    /// ternary thresholds, as `embedq embed` then `embedq calibrate` compute them).
    case calibrate(texts: [String])
}

extension ModelLoadOptions {
    /// Loads the encoder, calibrates when asked, and builds the engine (blocking: call it off
    /// the cooperative thread pool).
    ///
    /// - Throws: ``ServerStartError`` naming what failed.
    func makeEngine(configuration: ServerConfiguration, observer: BatchObserver, log: (String) -> Void) throws -> EmbeddingEngine {
        let start = Date()
        let encoder: SentenceEncoder
        do {
            encoder = try SentenceEncoder(model: model, threadCount: threads, weights: weights)
        } catch {
            throw ServerStartError.modelLoad("\(error)")
        }
        log(String(format: "model %@ loaded in %.2f s (dimension %d, max %d tokens, %@ weights)",
                   encoder.folder.path, Date().timeIntervalSince(start), encoder.dimension,
                   encoder.maxSequenceLength, weights.rawValue))
        var resolved: QuantizationRanges?
        switch ranges {
        case .none: resolved = nil
        case .fixed(let fixed): resolved = fixed
        case .calibrate(let texts):
            guard texts.count >= 2 else { throw ServerStartError.calibrationCorpusTooSmall(texts: texts.count) }
            let calibrationStart = Date()
            let values = try encoder.encodeRowMajor(tokenized: encoder.tokenize(texts), batchSize: configuration.encodeBatchSize)
            resolved = try Calibration.ranges(from: EmbeddingMatrix(rowCount: texts.count, dimension: encoder.dimension, values: values))
            log(String(format: "ranges calibrated on %d texts in %.2f s", texts.count, Date().timeIntervalSince(calibrationStart)))
        }
        return try EmbeddingEngine(
            encoder: encoder, modelName: model, weights: weights, ranges: resolved,
            maxBatchTokens: configuration.limits.maxBatchTokens, encodeBatchSize: configuration.encodeBatchSize,
            observer: observer)
    }
}

import Foundation
import SentenceEncoderKernels

/// A BERT encoder (Hugging Face `BertModel`) in float32: token ids → contextual token vectors.
///
/// Computation, per layer, on a packed batch of `T` tokens (`H` hidden, `I` intermediate):
/// `x = LN(x + Attention(x) Woᵀ + bo)`, then `x = LN(x + act(x W1ᵀ + b1) W2ᵀ + b2)`; the input
/// is `LN(word[id] + position[p] + tokenType[0])`.
public struct BertModel: Sendable {
    /// The sizes of the encoder.
    public let configuration: BertConfiguration
    let weights: BertWeights
    /// The linear layers of each transformer layer, in their storage precision.
    var linears: [TransformerLinears]

    /// Loads the encoder of `configuration` from a safetensors file, checking every tensor's shape.
    ///
    /// - Throws: ``SentenceEncoderError`` naming the file and tensor that is wrong.
    ///
    /// - Parameters:
    ///   - precision: how the linear layers' weights are stored and multiplied.
    ///   - float32Layers: linear layers kept in float32 whatever `precision` says (mixed
    ///     precision), named as in ``linearLayerNames``, e.g. `layer.5.output`.
    public init(configuration: BertConfiguration, weights file: SafeTensors,
                precision: WeightPrecision = .float32, float32Layers: Set<String> = []) throws {
        try self.init(configuration: configuration, weights: file, precision: precision,
                      float32Layers: float32Layers, path: .current)
    }

    /// As the public initializer, with float32 products on `path` (tests compare the two paths).
    init(configuration: BertConfiguration, weights file: SafeTensors, precision: WeightPrecision = .float32,
         float32Layers: Set<String> = [], path: MatrixPath) throws {
        self.configuration = configuration
        var weights = try BertWeights(file: file, configuration: configuration)
        linears = weights.layers.enumerated().map { index, layer in
            TransformerLinears(layer, index: index, hidden: configuration.hiddenSize,
                               intermediate: configuration.intermediateSize,
                               precision: precision, float32Layers: float32Layers, path: path)
        }
        // The linear layers own their weights now; drop the float32 copies.
        for index in weights.layers.indices {
            weights.layers[index].queryKeyValueWeight = []
            weights.layers[index].attentionOutputWeight = []
            weights.layers[index].intermediateWeight = []
            weights.layers[index].outputWeight = []
        }
        self.weights = weights
    }

    /// The names of the encoder's linear layers, four per transformer layer:
    /// `layer.N.attention.qkv`, `layer.N.attention.output`, `layer.N.intermediate`, `layer.N.output`.
    public var linearLayerNames: [String] {
        linears.indices.flatMap { TransformerLinears.names(layer: $0) }
    }

    /// Whether any int8 layer uses calibrated (static) activation scales instead of per-token ones.
    public var hasStaticActivationScales: Bool {
        linears.contains { layer in layer.all.contains { $0.inputMaximum != nil } }
    }

    /// The precision of each linear layer, keyed by its name in ``linearLayerNames``.
    public var linearLayerPrecisions: [String: WeightPrecision] {
        Dictionary(uniqueKeysWithValues: linears.enumerated().flatMap { index, layer in
            zip(TransformerLinears.names(layer: index), layer.all.map(\.precision))
        })
    }

    /// Tokens per forward pass: about 4.5 MB of activations (state, residual and the
    /// feed-forward intermediate) stay in cache, measured 25 % faster with int8 weights than
    /// whole 32-text batches (whose 47 MB intermediate went through L3), no slower in fp32.
    static let tokensPerPass = 512

    /// The contextual token vectors of a batch of sequences, computed without padding.
    ///
    /// - Parameter sequences: token ids (each `< vocabularySize`), each sequence at most
    ///   `maxPositionEmbeddings` long.
    /// - Returns: `T × H` floats, row-major, `T` the total number of tokens; the rows of sequence
    ///   `s` follow those of sequence `s - 1`.
    public func tokenVectors(_ sequences: [[Int32]]) -> [Float] {
        tokenVectors(sequences, recording: nil)
    }

    /// ``tokenVectors(_:)``, reporting each linear layer's input to `recorder` (calibration).
    ///
    /// Runs one forward pass per group of consecutive whole sequences of at most
    /// ``tokensPerPass`` tokens (a longer sequence alone), in place on the group's rows of the
    /// result, with the scratch buffers reused: every row depends on its own sequence only, so
    /// the grouping changes no bit.
    func tokenVectors(_ sequences: [[Int32]], recording recorder: LinearInputRecorder?) -> [Float] {
        let hidden = configuration.hiddenSize
        let intermediate = configuration.intermediateSize
        var passes: [(sequences: Range<Int>, firstRow: Int, rows: Int)] = []
        var total = 0
        for (index, sequence) in sequences.enumerated() {
            if let last = passes.last, last.rows + sequence.count <= Self.tokensPerPass {
                passes[passes.count - 1] = (last.sequences.lowerBound..<(index + 1), last.firstRow, last.rows + sequence.count)
            } else {
                passes.append((index..<(index + 1), total, sequence.count))
            }
            total += sequence.count
        }
        guard total > 0 else { return [] }
        let largest = passes.map(\.rows).max() ?? 0
        let longest = sequences.map(\.count).max() ?? 0

        // Every buffer is fully written before it is read (embeddings, attention context, bias
        // rows, β = 0 products), so none is zero-filled first.
        var state = Self.uninitialized(total * hidden)
        var other = Self.uninitialized(largest * hidden)
        var wide = Self.uninitialized(largest * max(3 * hidden, intermediate))
        var scores = Self.uninitialized(longest * longest)

        state.withUnsafeMutableBufferPointer { state in
            other.withUnsafeMutableBufferPointer { other in
                wide.withUnsafeMutableBufferPointer { wide in
                    scores.withUnsafeMutableBufferPointer { scores in
                        for pass in passes {
                            let group = Array(sequences[pass.sequences])
                            var spans: [(offset: Int, length: Int)] = []
                            var offset = 0
                            for sequence in group {
                                spans.append((offset, sequence.count))
                                offset += sequence.count
                            }
                            let rows = state.baseAddress! + pass.firstRow * hidden
                            embed(group, into: rows)
                            for (index, (layer, linears)) in zip(weights.layers, linears).enumerated() {
                                run(layer, linears, record: recorder.map { recorder in { slot, values, count in
                                    recorder.record(layer: index, slot: slot, values: values, count: count)
                                } }, state: rows, scratch: other.baseAddress!, wide: wide.baseAddress!,
                                    scores: scores.baseAddress!, spans: spans, tokens: pass.rows)
                            }
                        }
                    }
                }
            }
        }
        return state
    }

    private static func uninitialized(_ count: Int) -> [Float] {
        [Float](unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
    }

    /// Writes `LN(word + position + tokenType[0])` for every token into `output` (`T × H`).
    private func embed(_ sequences: [[Int32]], into output: UnsafeMutablePointer<Float>) {
        let hidden = configuration.hiddenSize
        weights.wordEmbeddings.withUnsafeBufferPointer { words in
            weights.positionEmbeddings.withUnsafeBufferPointer { positions in
                weights.tokenTypeEmbeddings.withUnsafeBufferPointer { types in
                    var row = 0
                    for sequence in sequences {
                        for (position, id) in sequence.enumerated() {
                            let destination = output + row * hidden
                            let word = words.baseAddress! + Int(id) * hidden
                            let place = positions.baseAddress! + position * hidden
                            for column in 0..<hidden {
                                destination[column] = word[column] + place[column] + types[column]
                            }
                            row += 1
                        }
                    }
                }
            }
        }
        weights.embeddingNorm.apply(to: output, adding: nil, rows: sequences.reduce(0) { $0 + $1.count })
    }

    /// One transformer layer in place on `state` (`T × H`).
    private func run(
        _ layer: BertWeights.Layer, _ linears: TransformerLinears,
        record: ((Int, UnsafePointer<Float>, Int) -> Void)?, state: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>,
        wide: UnsafeMutablePointer<Float>, scores: UnsafeMutablePointer<Float>,
        spans: [(offset: Int, length: Int)], tokens: Int
    ) {
        let hidden = configuration.hiddenSize
        let intermediate = configuration.intermediateSize
        // Attention: wide = x Wqkvᵀ + b (T × 3H); scratch = attention context (T × H).
        record?(0, state, tokens * hidden)
        linears.queryKeyValue.apply(input: state, rows: tokens, output: wide)
        Attention.apply(queryKeyValue: wide, context: scratch, spans: spans, hiddenSize: hidden,
                        headCount: configuration.headCount, scores: scores)
        // wide[..T×H] = context Woᵀ + bo; state = LN(state + wide)
        record?(1, scratch, tokens * hidden)
        linears.attentionOutput.apply(input: scratch, rows: tokens, output: wide)
        layer.attentionNorm.apply(to: state, adding: wide, rows: tokens)
        // Feed-forward: state = LN(state + act(state W1ᵀ + b1) W2ᵀ + b2).
        record?(2, state, tokens * hidden)
        linears.intermediate.apply(input: state, rows: tokens, output: wide)
        FeedForward.activate(wide, count: tokens * intermediate, activation: configuration.activation)
        record?(3, wide, tokens * intermediate)
        linears.output.apply(input: wide, rows: tokens, output: scratch)
        layer.outputNorm.apply(to: state, adding: scratch, rows: tokens)
    }
}

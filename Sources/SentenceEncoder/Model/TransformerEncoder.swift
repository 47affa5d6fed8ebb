import Foundation
import SentenceEncoderKernels

/// A transformer encoder in float32 activations: token ids → contextual token vectors, for
/// every ``EncoderConfiguration/Architecture`` (BERT, XLM-RoBERTa, MPNet, NomicBERT, ModernBERT).
///
/// Computation on a packed batch of `T` tokens (`H` hidden): embeddings
/// `LN(word[id] + position[p] + tokenType[0])` (the terms the architecture has); then per layer,
/// post-norm `x = LN(x + Attention(x))`, `x = LN(x + FFN(x))`, or pre-norm
/// `x = x + Attention(LN(x))`, `x = x + FFN(LN(x))` and a final `LN`. Attention adds the
/// architecture's position terms (rotary queries and keys, MPNet's relative bias, ModernBERT's
/// sliding window); FFN is `W2 act(W1 x)` or gated `W2 (act(a) ⊙ b)`. The linear layers run in
/// their ``WeightPrecision``.
public struct TransformerEncoder: Sendable {
    /// The architecture and sizes of the encoder.
    public let configuration: EncoderConfiguration
    let weights: EncoderWeights
    /// The linear layers of each transformer layer, in their storage precision.
    var linears: [TransformerLinears]
    /// Rotary tables of the global-attention layers and of the sliding-window layers (the same
    /// object when the bases agree), or `nil`.
    let rotaryTables: (global: RotaryTable, local: RotaryTable)?
    /// MPNet's relative position bias, or `nil`.
    let relativeBias: RelativePositionBias?

    /// Loads the encoder of `configuration` from a safetensors file, checking every tensor's shape.
    ///
    /// - Parameters:
    ///   - precision: how the linear layers' weights are stored and multiplied.
    ///   - float32Layers: linear layers kept in float32 whatever `precision` says (mixed
    ///     precision), named as in ``linearLayerNames``, e.g. `layer.5.output`.
    /// - Throws: ``SentenceEncoderError`` naming the file and tensor that is wrong.
    public init(configuration: EncoderConfiguration, weights file: SafeTensors,
                precision: WeightPrecision = .float32, float32Layers: Set<String> = []) throws {
        try self.init(configuration: configuration, weights: file, precision: precision,
                      float32Layers: float32Layers, path: .current)
    }

    /// As the public initializer, with float32 products on `path` (tests compare the two paths).
    init(configuration: EncoderConfiguration, weights file: SafeTensors, precision: WeightPrecision = .float32,
         float32Layers: Set<String> = [], path: MatrixPath) throws {
        self.configuration = configuration
        var weights = try EncoderWeights(file: file, configuration: configuration)
        linears = weights.layers.enumerated().map { index, layer in
            TransformerLinears(layer, index: index, configuration: configuration,
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
        let positions = configuration.maxSequenceLength
        if let rotary = configuration.rotary {
            let global = RotaryTable(rotary, base: rotary.base, positions: positions)
            let local = rotary.localBase == rotary.base || configuration.slidingWindow == nil
                ? global : RotaryTable(rotary, base: rotary.localBase, positions: positions)
            rotaryTables = (global, local)
        } else {
            rotaryTables = nil
        }
        relativeBias = configuration.relativeAttentionBuckets.map { buckets in
            RelativePositionBias(table: weights.relativeAttentionBias, bucketRows: buckets,
                                 headCount: configuration.headCount, maxLength: positions)
        }
    }

    /// The names of the encoder's linear layers, four per transformer layer:
    /// `layer.N.attention.qkv`, `layer.N.attention.output`, `layer.N.intermediate`, `layer.N.output`
    /// (the same names for every architecture: `intermediate` is the whole up projection, both
    /// halves when gated).
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

    /// The contextual token vectors of a batch of sequences, computed without padding.
    ///
    /// - Parameter sequences: token ids (each `< vocabularySize`), each sequence at most
    ///   ``EncoderConfiguration/maxSequenceLength`` long.
    /// - Returns: `T × H` floats, row-major, `T` the total number of tokens; the rows of sequence
    ///   `s` follow those of sequence `s - 1`.
    public func tokenVectors(_ sequences: [[Int32]]) -> [Float] {
        tokenVectors(sequences, recording: nil)
    }

    /// ``tokenVectors(_:)``, reporting each linear layer's input to `recorder` (calibration).
    func tokenVectors(_ sequences: [[Int32]], recording recorder: LinearInputRecorder?) -> [Float] {
        let hidden = configuration.hiddenSize
        var spans: [(offset: Int, length: Int)] = []
        var total = 0
        for sequence in sequences {
            precondition(sequence.count <= configuration.maxSequenceLength,
                         "a sequence of \(sequence.count) tokens is longer than \(configuration.maxSequenceLength)")
            spans.append((total, sequence.count))
            total += sequence.count
        }
        let longest = sequences.map(\.count).max() ?? 0
        guard total > 0 else { return [] }

        // Every buffer is fully written before it is read (embeddings, attention context, bias
        // rows, β = 0 products), so none is zero-filled first.
        var state = Self.uninitialized(total * hidden)
        var other = Self.uninitialized(total * hidden)
        var wide = Self.uninitialized(total * max(3 * hidden, configuration.intermediateProjectionWidth))
        var scores = Self.uninitialized(min(Attention.queryBlock, longest) * longest)

        state.withUnsafeMutableBufferPointer { state in
            other.withUnsafeMutableBufferPointer { other in
                wide.withUnsafeMutableBufferPointer { wide in
                    scores.withUnsafeMutableBufferPointer { scores in
                        embed(sequences, into: state.baseAddress!)
                        for (index, (layer, linears)) in zip(weights.layers, linears).enumerated() {
                            let buffers = LayerBuffers(state: state.baseAddress!, scratch: other.baseAddress!,
                                                       wide: wide.baseAddress!, scores: scores.baseAddress!)
                            run(layer, linears, index: index, record: recorder.map { recorder in { slot, values, count in
                                recorder.record(layer: index, slot: slot, values: values, count: count)
                            } }, buffers: buffers, spans: spans, tokens: total)
                        }
                        weights.finalNorm?.apply(to: state.baseAddress!, adding: nil, rows: total)
                    }
                }
            }
        }
        return state
    }

    private static func uninitialized(_ count: Int) -> [Float] {
        [Float](unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
    }

    /// Writes `LN(word + position + tokenType[0])` (the terms the architecture has) for every
    /// token into `output` (`T × H`).
    private func embed(_ sequences: [[Int32]], into output: UnsafeMutablePointer<Float>) {
        let hidden = configuration.hiddenSize
        weights.wordEmbeddings.withUnsafeBufferPointer { words in
            var row = 0
            for sequence in sequences {
                for id in sequence {
                    (output + row * hidden).update(from: words.baseAddress! + Int(id) * hidden, count: hidden)
                    row += 1
                }
            }
        }
        if let positions = configuration.absolutePositions {
            weights.positionEmbeddings.withUnsafeBufferPointer { table in
                var row = 0
                for sequence in sequences {
                    var count = 0
                    for (index, id) in sequence.enumerated() {
                        let position: Int
                        switch positions {
                        case .fromZero:
                            position = index
                        case .afterPadding(let paddingID):
                            if Int(id) == paddingID {
                                position = paddingID
                            } else {
                                count += 1
                                position = paddingID + count
                            }
                        }
                        sek_add_bias(output + row * hidden, table.baseAddress! + position * hidden, 1, hidden)
                        row += 1
                    }
                }
            }
        }
        let rows = sequences.reduce(0) { $0 + $1.count }
        if !weights.tokenTypeEmbeddings.isEmpty {
            weights.tokenTypeEmbeddings.withUnsafeBufferPointer { types in
                sek_add_bias(output, types.baseAddress!, rows, hidden)
            }
        }
        weights.embeddingNorm.apply(to: output, adding: nil, rows: rows)
    }

    /// The work buffers of one forward pass.
    private struct LayerBuffers {
        /// `T × H`: the hidden state, updated in place.
        var state: UnsafeMutablePointer<Float>
        /// `T × H`.
        var scratch: UnsafeMutablePointer<Float>
        /// `T × max(3H, I')`.
        var wide: UnsafeMutablePointer<Float>
        /// Attention scores.
        var scores: UnsafeMutablePointer<Float>
    }

    /// The attention options of layer `index`.
    private func attentionOptions(layer index: Int) -> Attention.Options {
        let global = configuration.slidingWindow?.isGlobal(layer: index) ?? true
        return Attention.Options(
            rotary: rotaryTables.map { global ? $0.global : $0.local },
            relativeBias: relativeBias,
            halfWindow: global ? nil : configuration.slidingWindow?.halfWidth)
    }

    /// One transformer layer in place on `buffers.state` (`T × H`).
    private func run(
        _ layer: EncoderWeights.Layer, _ linears: TransformerLinears, index: Int,
        record: ((Int, UnsafePointer<Float>, Int) -> Void)?, buffers: LayerBuffers,
        spans: [(offset: Int, length: Int)], tokens: Int
    ) {
        let hidden = configuration.hiddenSize
        let state = buffers.state, scratch = buffers.scratch, wide = buffers.wide
        let options = attentionOptions(layer: index)
        switch configuration.normPlacement {
        case .afterResidual:
            // Attention: wide = x Wqkvᵀ + b (T × 3H); scratch = attention context (T × H).
            record?(0, state, tokens * hidden)
            linears.queryKeyValue.apply(input: state, rows: tokens, output: wide)
            Attention.apply(queryKeyValue: wide, context: scratch, spans: spans, hiddenSize: hidden,
                            headCount: configuration.headCount, options: options, scores: buffers.scores)
            // wide[..T×H] = context Woᵀ + bo; state = LN(state + wide)
            record?(1, scratch, tokens * hidden)
            linears.attentionOutput.apply(input: scratch, rows: tokens, output: wide)
            layer.attentionNorm?.apply(to: state, adding: wide, rows: tokens)
            // Feed-forward: state = LN(state + FFN(state)).
            record?(2, state, tokens * hidden)
            feedForward(linears, input: state, output: scratch, wide: wide, tokens: tokens, record: record)
            layer.feedForwardNorm.apply(to: state, adding: scratch, rows: tokens)
        case .beforeBlock:
            // scratch = LN(state) (or state); wide = scratch Wqkvᵀ; scratch = context.
            scratch.update(from: state, count: tokens * hidden)
            layer.attentionNorm?.apply(to: scratch, adding: nil, rows: tokens)
            record?(0, scratch, tokens * hidden)
            linears.queryKeyValue.apply(input: scratch, rows: tokens, output: wide)
            Attention.apply(queryKeyValue: wide, context: scratch, spans: spans, hiddenSize: hidden,
                            headCount: configuration.headCount, options: options, scores: buffers.scores)
            // state += context Woᵀ
            record?(1, scratch, tokens * hidden)
            linears.attentionOutput.apply(input: scratch, rows: tokens, output: wide)
            sek_add_bias(state, wide, 1, tokens * hidden)
            // state += FFN(LN(state))
            scratch.update(from: state, count: tokens * hidden)
            layer.feedForwardNorm.apply(to: scratch, adding: nil, rows: tokens)
            record?(2, scratch, tokens * hidden)
            feedForward(linears, input: scratch, output: scratch, wide: wide, tokens: tokens, record: record)
            sek_add_bias(state, scratch, 1, tokens * hidden)
        }
    }

    /// `output = W2 · act(W1 · input)` (or gated), `T × H`; `output` may be `input` (it is
    /// written after `input` is read), `wide` holds the up projection.
    private func feedForward(
        _ linears: TransformerLinears, input: UnsafeMutablePointer<Float>, output: UnsafeMutablePointer<Float>,
        wide: UnsafeMutablePointer<Float>, tokens: Int, record: ((Int, UnsafePointer<Float>, Int) -> Void)?
    ) {
        let intermediate = configuration.intermediateSize
        linears.intermediate.apply(input: input, rows: tokens, output: wide)
        switch configuration.feedForward {
        case .plain:
            FeedForward.activate(wide, count: tokens * intermediate, activation: configuration.activation)
        case .gated:
            // wide[T × 2I] → wide[T × I] = act(first half) ⊙ second half, compacted in place.
            FeedForward.gate(wide, rows: tokens, width: intermediate, activation: configuration.activation)
        }
        record?(3, wide, tokens * intermediate)
        linears.output.apply(input: wide, rows: tokens, output: output)
    }
}

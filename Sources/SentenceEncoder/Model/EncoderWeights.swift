import Foundation

/// All parameters of an encoder as float32, row-major, in PyTorch's `[out, in]` layout for
/// linear layers (so `y = x · Wᵀ + b`); absent biases are zeros.
struct EncoderWeights: Sendable {
    /// The parameters of one transformer layer. `H` = hidden size, `I'` = the up projection's
    /// output width (`I`, or `2I` gated).
    struct Layer: Sendable {
        /// Query, key and value projections stacked: `[3H, H]` (rows 0..<H query, H..<2H key, 2H..<3H value).
        var queryKeyValueWeight: [Float]
        /// Their biases stacked: `[3H]`.
        var queryKeyValueBias: [Float]
        /// Attention output projection `[H, H]`.
        var attentionOutputWeight: [Float]
        /// Its bias `[H]`.
        var attentionOutputBias: [Float]
        /// Layer norm around attention (after the residual in post-norm, before attention in
        /// pre-norm); `nil` for none.
        var attentionNorm: LayerNorm?
        /// Feed-forward up projection `[I', H]` (gated: the activated half first).
        var intermediateWeight: [Float]
        /// Its bias `[I']`.
        var intermediateBias: [Float]
        /// Feed-forward down projection `[H, I]`.
        var outputWeight: [Float]
        /// Its bias `[H]`.
        var outputBias: [Float]
        /// Layer norm around the feed-forward block.
        var feedForwardNorm: LayerNorm
    }

    /// Token embeddings `[vocabularySize, H]`.
    var wordEmbeddings: [Float]
    /// Learned position embeddings `[maxPositionEmbeddings, H]`, or empty.
    var positionEmbeddings: [Float]
    /// Token-type embeddings `[typeVocabularySize, H]` (row 0 is added to every token), or empty.
    var tokenTypeEmbeddings: [Float]
    /// Layer norm of the summed embeddings.
    var embeddingNorm: LayerNorm
    /// MPNet's relative attention bias `[buckets, heads]`, or empty.
    var relativeAttentionBias: [Float]
    /// The layer norm after the last layer, or `nil`.
    var finalNorm: LayerNorm?
    /// The transformer layers, first to last.
    var layers: [Layer]

    /// Reads every tensor of `configuration` from `file` under the names of its architecture
    /// (with the first of the architecture's prefixes under which the word embeddings exist),
    /// checking each shape. Layer norms may use `weight`/`bias` or the older `gamma`/`beta`.
    ///
    /// - Throws: ``SentenceEncoderError`` naming the file and tensor that is missing, has another
    ///   shape than `config.json` implies, or an unsupported data type.
    init(file: SafeTensors, configuration: EncoderConfiguration) throws {
        let architecture = configuration.implementation
        let names = architecture.tensorNames(configuration)
        let prefix = architecture.tensorPrefixes.first { file.tensors[$0 + names.wordEmbeddings] != nil } ?? ""
        let hidden = configuration.hiddenSize
        let biases = configuration.biases
        func tensor(_ name: String, _ shape: [Int]) throws -> [Float] {
            try file.floats(prefix + name, expectedShape: shape)
        }
        func norm(_ name: String) throws -> LayerNorm {
            let old = file.tensors[prefix + name + ".weight"] == nil && file.tensors[prefix + name + ".gamma"] != nil
            let gamma = try tensor(name + (old ? ".gamma" : ".weight"), [hidden])
            let beta = biases.norms ? try tensor(name + (old ? ".beta" : ".bias"), [hidden]) : [Float](repeating: 0, count: hidden)
            return LayerNorm(gamma: gamma, beta: beta, epsilon: configuration.layerNormEpsilon)
        }
        /// The weights (and biases, or zeros) of `modules` stacked, each with `rows / modules.count` rows.
        func linear(_ modules: [String], rows: Int, columns: Int, bias hasBias: Bool) throws -> (weight: [Float], bias: [Float]) {
            let part = rows / modules.count
            var weight: [Float] = [], bias: [Float] = []
            weight.reserveCapacity(rows * columns)
            for module in modules {
                weight += try tensor(module + ".weight", [part, columns])
                bias += hasBias ? try tensor(module + ".bias", [part]) : [Float](repeating: 0, count: part)
            }
            return (weight, bias)
        }
        wordEmbeddings = try tensor(names.wordEmbeddings, [configuration.vocabularySize, hidden])
        positionEmbeddings = try names.positionEmbeddings.map { try tensor($0, [configuration.maxPositionEmbeddings, hidden]) } ?? []
        tokenTypeEmbeddings = try names.tokenTypeEmbeddings.map { try tensor($0, [configuration.typeVocabularySize, hidden]) } ?? []
        embeddingNorm = try norm(names.embeddingNorm)
        relativeAttentionBias = try names.relativeAttentionBias.map {
            try tensor($0, [configuration.relativeAttentionBuckets ?? 0, configuration.headCount])
        } ?? []
        finalNorm = try names.finalNorm.map(norm)
        let upWidth = configuration.intermediateProjectionWidth
        layers = try names.layers.map { layer in
            let queryKeyValue = try linear(layer.queryKeyValue, rows: 3 * hidden, columns: hidden, bias: biases.queryKeyValue)
            let attentionOutput = try linear([layer.attentionOutput], rows: hidden, columns: hidden, bias: biases.attentionOutput)
            let intermediate = try linear(layer.intermediate, rows: upWidth, columns: hidden, bias: biases.intermediate)
            let output = try linear([layer.output], rows: hidden, columns: configuration.intermediateSize, bias: biases.output)
            return Layer(
                queryKeyValueWeight: queryKeyValue.weight, queryKeyValueBias: queryKeyValue.bias,
                attentionOutputWeight: attentionOutput.weight, attentionOutputBias: attentionOutput.bias,
                attentionNorm: try layer.attentionNorm.map(norm),
                intermediateWeight: intermediate.weight, intermediateBias: intermediate.bias,
                outputWeight: output.weight, outputBias: output.bias,
                feedForwardNorm: try norm(layer.feedForwardNorm))
        }
    }
}

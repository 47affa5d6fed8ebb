import Foundation

/// All parameters of a BERT encoder as float32: embedding tables and layer norms row-major,
/// linear layers as ``LinearLayer`` (`y = x · Wᵀ + b`, laid out for the matrix path in use).
struct BertWeights: Sendable {
    /// The parameters of one transformer layer. `H` = hidden size, `I` = intermediate size.
    struct Layer: Sendable {
        /// Query, key and value projections stacked: `[H] → [3H]` (outputs 0..<H query,
        /// H..<2H key, 2H..<3H value).
        var queryKeyValue: LinearLayer
        /// Attention output projection `[H] → [H]`.
        var attentionOutput: LinearLayer
        /// Layer norm after attention + residual.
        var attentionNorm: LayerNorm
        /// Feed-forward up projection `[H] → [I]`.
        var intermediate: LinearLayer
        /// Feed-forward down projection `[I] → [H]`.
        var output: LinearLayer
        /// Layer norm after the feed-forward + residual.
        var outputNorm: LayerNorm
    }

    /// Token embeddings `[vocabularySize, H]`.
    var wordEmbeddings: [Float]
    /// Position embeddings `[maxPositionEmbeddings, H]`.
    var positionEmbeddings: [Float]
    /// Token-type embeddings `[typeVocabularySize, H]`; row 0 is added to every token.
    var tokenTypeEmbeddings: [Float]
    /// Layer norm of the summed embeddings.
    var embeddingNorm: LayerNorm
    /// The transformer layers, first to last.
    var layers: [Layer]

    /// Reads every tensor of `configuration` from `file`, checking each shape against it.
    /// Tensor names are those of Hugging Face `BertModel`, optionally prefixed with `bert.`;
    /// layer norms may use `weight`/`bias` or the older `gamma`/`beta`.
    ///
    /// - Throws: ``SentenceEncoderError`` naming the file and tensor that is missing, has another
    ///   shape than `config.json` implies, or an unsupported data type.
    init(file: SafeTensors, configuration: BertConfiguration, path: MatrixPath = .current) throws {
        let prefix = file.tensors["embeddings.word_embeddings.weight"] == nil && file.tensors["bert.embeddings.word_embeddings.weight"] != nil
            ? "bert." : ""
        let hidden = configuration.hiddenSize
        let intermediate = configuration.intermediateSize
        func tensor(_ name: String, _ shape: [Int]) throws -> [Float] {
            try file.floats(prefix + name, expectedShape: shape)
        }
        func norm(_ name: String) throws -> LayerNorm {
            let gammaName = file.tensors[prefix + name + ".weight"] == nil && file.tensors[prefix + name + ".gamma"] != nil ? ".gamma" : ".weight"
            let betaName = gammaName == ".gamma" ? ".beta" : ".bias"
            return LayerNorm(gamma: try tensor(name + gammaName, [hidden]), beta: try tensor(name + betaName, [hidden]),
                             epsilon: configuration.layerNormEpsilon)
        }
        wordEmbeddings = try tensor("embeddings.word_embeddings.weight", [configuration.vocabularySize, hidden])
        positionEmbeddings = try tensor("embeddings.position_embeddings.weight", [configuration.maxPositionEmbeddings, hidden])
        tokenTypeEmbeddings = try tensor("embeddings.token_type_embeddings.weight", [configuration.typeVocabularySize, hidden])
        embeddingNorm = try norm("embeddings.LayerNorm")
        layers = try (0..<configuration.layerCount).map { index in
            let base = "encoder.layer.\(index)."
            let attention = base + "attention."
            return Layer(
                queryKeyValue: LinearLayer(
                    weight: try tensor(attention + "self.query.weight", [hidden, hidden])
                        + tensor(attention + "self.key.weight", [hidden, hidden])
                        + tensor(attention + "self.value.weight", [hidden, hidden]),
                    bias: try tensor(attention + "self.query.bias", [hidden])
                        + tensor(attention + "self.key.bias", [hidden])
                        + tensor(attention + "self.value.bias", [hidden]),
                    outputWidth: 3 * hidden, inputWidth: hidden, path: path),
                attentionOutput: LinearLayer(
                    weight: try tensor(attention + "output.dense.weight", [hidden, hidden]),
                    bias: try tensor(attention + "output.dense.bias", [hidden]),
                    outputWidth: hidden, inputWidth: hidden, path: path),
                attentionNorm: try norm(attention + "output.LayerNorm"),
                intermediate: LinearLayer(
                    weight: try tensor(base + "intermediate.dense.weight", [intermediate, hidden]),
                    bias: try tensor(base + "intermediate.dense.bias", [intermediate]),
                    outputWidth: intermediate, inputWidth: hidden, path: path),
                output: LinearLayer(
                    weight: try tensor(base + "output.dense.weight", [hidden, intermediate]),
                    bias: try tensor(base + "output.dense.bias", [hidden]),
                    outputWidth: hidden, inputWidth: intermediate, path: path),
                outputNorm: try norm(base + "output.LayerNorm"))
        }
    }
}

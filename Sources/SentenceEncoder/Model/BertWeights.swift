import Foundation

/// All parameters of a BERT encoder as float32, row-major, in PyTorch's `[out, in]` layout for
/// linear layers (so `y = x · Wᵀ + b`).
struct BertWeights: Sendable {
    /// The parameters of one transformer layer. `H` = hidden size, `I` = intermediate size.
    struct Layer: Sendable {
        /// Query, key and value projections stacked: `[3H, H]` (rows 0..<H query, H..<2H key, 2H..<3H value).
        var queryKeyValueWeight: [Float]
        /// Their biases stacked: `[3H]`.
        var queryKeyValueBias: [Float]
        /// Attention output projection `[H, H]`.
        var attentionOutputWeight: [Float]
        /// Its bias `[H]`.
        var attentionOutputBias: [Float]
        /// Layer norm after attention + residual.
        var attentionNorm: LayerNorm
        /// Feed-forward up projection `[I, H]`.
        var intermediateWeight: [Float]
        /// Its bias `[I]`.
        var intermediateBias: [Float]
        /// Feed-forward down projection `[H, I]`.
        var outputWeight: [Float]
        /// Its bias `[H]`.
        var outputBias: [Float]
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
    init(file: SafeTensors, configuration: BertConfiguration) throws {
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
                queryKeyValueWeight: try tensor(attention + "self.query.weight", [hidden, hidden])
                    + tensor(attention + "self.key.weight", [hidden, hidden])
                    + tensor(attention + "self.value.weight", [hidden, hidden]),
                queryKeyValueBias: try tensor(attention + "self.query.bias", [hidden])
                    + tensor(attention + "self.key.bias", [hidden])
                    + tensor(attention + "self.value.bias", [hidden]),
                attentionOutputWeight: try tensor(attention + "output.dense.weight", [hidden, hidden]),
                attentionOutputBias: try tensor(attention + "output.dense.bias", [hidden]),
                attentionNorm: try norm(attention + "output.LayerNorm"),
                intermediateWeight: try tensor(base + "intermediate.dense.weight", [intermediate, hidden]),
                intermediateBias: try tensor(base + "intermediate.dense.bias", [intermediate]),
                outputWeight: try tensor(base + "output.dense.weight", [hidden, intermediate]),
                outputBias: try tensor(base + "output.dense.bias", [hidden]),
                outputNorm: try norm(base + "output.LayerNorm"))
        }
    }
}

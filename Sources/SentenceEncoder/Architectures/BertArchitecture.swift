/// BERT (`model_type` `bert`): Hugging Face `BertModel` — learned positions from 0, token type
/// 0 added to every token, post-norm layers, separate query / key / value projections.
enum BertArchitecture: EncoderArchitecture {
    static let architecture = EncoderConfiguration.Architecture.bert
    static let modelTypes: Set<String> = ["bert"]
    static let tensorPrefixes = ["", "bert."]

    static func configuration(reading reader: JSONObjectReader) throws -> EncoderConfiguration {
        try bertFamily(reading: reader, architecture: .bert, defaultEpsilon: 1e-12, defaultTypes: 2)
    }

    /// The keys shared by BERT, RoBERTa and MPNet configurations (`hidden_size`,
    /// `num_hidden_layers`, `num_attention_heads`, `intermediate_size`, `hidden_act`,
    /// `layer_norm_eps`, `vocab_size`, `max_position_embeddings`, `type_vocab_size`).
    static func bertFamily(reading reader: JSONObjectReader, architecture: EncoderConfiguration.Architecture,
                           defaultEpsilon: Double, defaultTypes: Int) throws -> EncoderConfiguration {
        if let positions = try reader.optionalString("position_embedding_type"), positions != "absolute" {
            throw SentenceEncoderError.unsupportedModel(path: reader.path, reason: "position_embedding_type \"\(positions)\" is not \"absolute\"")
        }
        let activationName = try reader.optionalString("hidden_act") ?? "gelu"
        // transformers' BERT-family ACT2FN names; "swish" / "silu" are not used by these models.
        guard let activation = EncoderConfiguration.Activation(huggingFaceName: activationName), activation != .silu else {
            throw SentenceEncoderError.invalidConfiguration(path: reader.path, key: "hidden_act", reason: "unsupported activation \"\(activationName)\"")
        }
        var configuration = EncoderConfiguration(
            hiddenSize: try reader.int("hidden_size"),
            layerCount: try reader.int("num_hidden_layers"),
            headCount: try reader.int("num_attention_heads"),
            intermediateSize: try reader.int("intermediate_size"),
            activation: activation,
            layerNormEpsilon: Float(try reader.double("layer_norm_eps", default: defaultEpsilon)),
            vocabularySize: try reader.int("vocab_size"),
            maxPositionEmbeddings: try reader.int("max_position_embeddings", default: 512),
            typeVocabularySize: try reader.int("type_vocab_size", default: defaultTypes))
        configuration.architecture = architecture
        if defaultTypes > 0, configuration.typeVocabularySize < 1 {
            throw SentenceEncoderError.invalidConfiguration(
                path: reader.path, key: "type_vocab_size", reason: "\(configuration.typeVocabularySize) is out of range")
        }
        return configuration
    }

    static func tensorNames(_ configuration: EncoderConfiguration) -> EncoderTensorNames {
        EncoderTensorNames(
            wordEmbeddings: "embeddings.word_embeddings.weight",
            positionEmbeddings: "embeddings.position_embeddings.weight",
            tokenTypeEmbeddings: configuration.typeVocabularySize > 0 ? "embeddings.token_type_embeddings.weight" : nil,
            embeddingNorm: "embeddings.LayerNorm",
            layers: (0..<configuration.layerCount).map { index in
                let base = "encoder.layer.\(index)."
                return EncoderTensorNames.Layer(
                    queryKeyValue: ["query", "key", "value"].map { base + "attention.self." + $0 },
                    attentionOutput: base + "attention.output.dense",
                    attentionNorm: base + "attention.output.LayerNorm",
                    intermediate: [base + "intermediate.dense"],
                    output: base + "output.dense",
                    feedForwardNorm: base + "output.LayerNorm")
            })
    }
}

/// MPNet (`model_type` `mpnet`, transformers `MPNetModel`): RoBERTa positions (after the padding
/// id), no token types, and a relative position bias (`encoder.relative_attention_bias`,
/// `[buckets, heads]`) looked up once per sequence length and added to the attention scores of
/// every layer. Checkpoints may prefix the names with `mpnet.`.
enum MPNetArchitecture: EncoderArchitecture {
    static let architecture = EncoderConfiguration.Architecture.mpnet
    static let modelTypes: Set<String> = ["mpnet"]
    static let tensorPrefixes = ["", "mpnet."]

    static func configuration(reading reader: JSONObjectReader) throws -> EncoderConfiguration {
        var configuration = try BertArchitecture.bertFamily(reading: reader, architecture: .mpnet, defaultEpsilon: 1e-12, defaultTypes: 0)
        configuration.typeVocabularySize = 0
        // MPNetEmbeddings counts positions after padding_idx 1 whatever pad_token_id says.
        configuration.absolutePositions = .afterPadding(paddingID: 1)
        configuration.relativeAttentionBuckets = try reader.int("relative_attention_num_buckets", default: 32)
        return configuration
    }

    static func tensorNames(_ configuration: EncoderConfiguration) -> EncoderTensorNames {
        EncoderTensorNames(
            wordEmbeddings: "embeddings.word_embeddings.weight",
            positionEmbeddings: "embeddings.position_embeddings.weight",
            tokenTypeEmbeddings: nil,
            embeddingNorm: "embeddings.LayerNorm",
            relativeAttentionBias: "encoder.relative_attention_bias.weight",
            layers: (0..<configuration.layerCount).map { index in
                let base = "encoder.layer.\(index)."
                return EncoderTensorNames.Layer(
                    queryKeyValue: ["q", "k", "v"].map { base + "attention.attn." + $0 },
                    attentionOutput: base + "attention.attn.o",
                    attentionNorm: base + "attention.LayerNorm",
                    intermediate: [base + "intermediate.dense"],
                    output: base + "output.dense",
                    feedForwardNorm: base + "output.LayerNorm")
            })
    }
}

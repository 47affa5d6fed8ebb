import Foundation

/// ModernBERT (`model_type` `modernbert`, transformers `ModernBertModel`, the network of
/// gte-modernbert and modernbert-embed): `embeddings.tok_embeddings` then `embeddings.norm`, no
/// learned positions; pre-norm layers (`attn_norm`, absent in layer 0; `mlp_norm`) with a fused
/// `attn.Wqkv`, `attn.Wo`, a GeGLU feed-forward (`mlp.Wi` `[2I, H]`: `act(first half) ⊙ second
/// half`, then `mlp.Wo`), and `final_norm`; layer norms without β when `norm_bias` is false,
/// linear biases where `attention_bias` / `mlp_bias` say.
///
/// Attention is global every `global_attn_every_n_layers`-th layer from layer 0 (rotary base
/// `global_rope_theta`) and a window of `local_attention / 2` positions either side elsewhere
/// (base `local_rope_theta`, the global one when null). transformers 5 writes the same as
/// `layer_types` (`full_attention` / `sliding_attention`) and `rope_parameters`; both forms are
/// read. Checkpoints may prefix the names with `model.`.
enum ModernBertArchitecture: EncoderArchitecture {
    static let architecture = EncoderConfiguration.Architecture.modernBert
    static let modelTypes: Set<String> = ["modernbert"]
    static let tensorPrefixes = ["", "model."]

    static func configuration(reading reader: JSONObjectReader) throws -> EncoderConfiguration {
        let path = reader.path
        let activationName = try reader.optionalString("hidden_activation") ?? "gelu"
        guard let activation = EncoderConfiguration.Activation(huggingFaceName: activationName) else {
            throw SentenceEncoderError.invalidConfiguration(path: path, key: "hidden_activation", reason: "unsupported activation \"\(activationName)\"")
        }
        var configuration = EncoderConfiguration(
            hiddenSize: try reader.int("hidden_size", default: 768),
            layerCount: try reader.int("num_hidden_layers", default: 22),
            headCount: try reader.int("num_attention_heads", default: 12),
            intermediateSize: try reader.int("intermediate_size", default: 1152),
            activation: activation,
            layerNormEpsilon: Float(try reader.double("norm_eps", default: 1e-5)),
            vocabularySize: try reader.int("vocab_size", default: 50368),
            maxPositionEmbeddings: try reader.int("max_position_embeddings", default: 8192),
            typeVocabularySize: 0)
        configuration.architecture = .modernBert
        configuration.absolutePositions = nil
        configuration.feedForward = .gated
        configuration.normPlacement = .beforeBlock(firstAttentionNorm: false)
        let attentionBias = try reader.optionalBool("attention_bias") ?? false
        let mlpBias = try reader.optionalBool("mlp_bias") ?? false
        configuration.biases = EncoderConfiguration.Biases(
            queryKeyValue: attentionBias, attentionOutput: attentionBias, intermediate: mlpBias, output: mlpBias,
            norms: try reader.optionalBool("norm_bias") ?? false)

        let layers = configuration.layerCount
        let globalLayers: [Bool]
        if let types = reader.object["layer_types"], !(types is NSNull) {
            guard let names = types as? [String], names.count == layers,
                  names.allSatisfy({ $0 == "full_attention" || $0 == "sliding_attention" }) else {
                throw SentenceEncoderError.invalidConfiguration(
                    path: path, key: "layer_types", reason: "expected \(layers) of \"full_attention\" / \"sliding_attention\"")
            }
            globalLayers = names.map { $0 == "full_attention" }
        } else {
            let every = try reader.int("global_attn_every_n_layers", default: 3)
            guard every >= 1 else {
                throw SentenceEncoderError.invalidConfiguration(path: path, key: "global_attn_every_n_layers", reason: "\(every) is below 1")
            }
            globalLayers = (0..<max(layers, 0)).map { $0 % every == 0 }
        }
        var globalBase = try reader.double("global_rope_theta", default: 160_000)
        // Absent: ModernBertConfig's 10,000; null: the global base (transformers 4.48 rotary).
        var localBase = reader.object["local_rope_theta"] is NSNull
            ? globalBase : try reader.double("local_rope_theta", default: 10_000)
        if let parameters = reader.object["rope_parameters"], !(parameters is NSNull) {
            guard let byType = parameters as? [String: Any] else {
                throw SentenceEncoderError.invalidConfiguration(path: path, key: "rope_parameters", reason: "not an object")
            }
            func theta(_ type: String, _ fallback: Double) throws -> Double {
                guard let entry = byType[type] as? [String: Any] else { return fallback }
                let entryReader = JSONObjectReader(object: entry, path: path)
                if let ropeType = try entryReader.optionalString("rope_type"), ropeType != "default" {
                    throw SentenceEncoderError.unsupportedModel(path: path, reason: "rope_type \"\(ropeType)\" is not implemented (only \"default\")")
                }
                return try entryReader.double("rope_theta", default: fallback)
            }
            globalBase = try theta("full_attention", globalBase)
            localBase = try theta("sliding_attention", localBase)
        }
        if reader.object["rope_scaling"].map({ !($0 is NSNull) }) == true {
            throw SentenceEncoderError.unsupportedModel(path: path, reason: "rope_scaling is not implemented")
        }
        if configuration.headCount > 0 {
            configuration.rotary = EncoderConfiguration.RotaryEmbedding(
                dimensions: configuration.hiddenSize / configuration.headCount, base: globalBase, localBase: localBase)
        }
        if globalLayers.contains(false) {
            let window = try reader.int("local_attention", default: 128)
            configuration.slidingWindow = EncoderConfiguration.SlidingWindow(halfWidth: window / 2, globalLayers: globalLayers)
        }
        return configuration
    }

    static func tensorNames(_ configuration: EncoderConfiguration) -> EncoderTensorNames {
        EncoderTensorNames(
            wordEmbeddings: "embeddings.tok_embeddings.weight",
            positionEmbeddings: nil,
            tokenTypeEmbeddings: nil,
            embeddingNorm: "embeddings.norm",
            finalNorm: "final_norm",
            layers: (0..<configuration.layerCount).map { index in
                let base = "layers.\(index)."
                return EncoderTensorNames.Layer(
                    queryKeyValue: [base + "attn.Wqkv"],
                    attentionOutput: base + "attn.Wo",
                    attentionNorm: index == 0 ? nil : base + "attn_norm",
                    intermediate: [base + "mlp.Wi"],
                    output: base + "mlp.Wo",
                    feedForwardNorm: base + "mlp_norm")
            })
    }
}

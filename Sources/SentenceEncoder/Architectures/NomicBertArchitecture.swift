import Foundation

/// NomicBERT (`model_type` `nomic_bert`, nomic-ai's `NomicBertModel`, the network of
/// nomic-embed-text): GPT-2 style configuration keys (`n_embd`, `n_layer`, `n_head`, `n_inner`,
/// `n_positions`, `layer_norm_epsilon`), rotary positions on `rotary_emb_fraction` of each head
/// (base `rotary_emb_base`), a fused `attn.Wqkv`, a gated feed-forward (`activation_function`
/// `swiglu`: `fc2(fc11(x) ⊙ silu(fc12(x)))`; `geglu` with GELU), biases only where
/// `qkv_proj_bias`, `mlp_fc1_bias`, `mlp_fc2_bias` say, post-norm (`norm1`, `norm2`; `prenorm`
/// must be false), and `emb_ln` after word + token-type embeddings.
///
/// The gated width is `n_inner` (or 8H/3) rounded up to a multiple of 256, as the model rounds
/// it. With `rotary_scaling_factor` set, sequences stop at `max_trained_positions`: beyond it the
/// published code rescales the rotary base per padded batch and keeps it, which no per-text
/// encoder can reproduce.
enum NomicBertArchitecture: EncoderArchitecture {
    static let architecture = EncoderConfiguration.Architecture.nomicBert
    static let modelTypes: Set<String> = ["nomic_bert"]
    static let tensorPrefixes = ["", "bert."]

    static func configuration(reading reader: JSONObjectReader) throws -> EncoderConfiguration {
        let path = reader.path
        for (key, wanted) in [("prenorm", false), ("causal", false), ("use_rms_norm", false), ("parallel_block", false)] {
            if let value = try reader.optionalBool(key), value != wanted {
                throw SentenceEncoderError.unsupportedModel(path: path, reason: "\(key) \(value) is not implemented (only \(wanted))")
            }
        }
        if reader.object["rotary_emb_scale_base"].map({ !($0 is NSNull) }) == true {
            throw SentenceEncoderError.unsupportedModel(path: path, reason: "rotary_emb_scale_base (xPos scaling) is not implemented")
        }
        let hidden = try reader.int("n_embd")
        let activationName = try reader.optionalString("activation_function") ?? "gelu_new"
        let gated: Bool
        let activation: EncoderConfiguration.Activation
        switch activationName {
        case "swiglu": (gated, activation) = (true, .silu)
        case "geglu": (gated, activation) = (true, .gelu)
        default:
            guard let plain = EncoderConfiguration.Activation(huggingFaceName: activationName), plain != .silu else {
                throw SentenceEncoderError.invalidConfiguration(path: path, key: "activation_function", reason: "unsupported activation \"\(activationName)\"")
            }
            (gated, activation) = (false, plain)
        }
        var intermediate: Int
        if gated {
            // NomciBertGatedMLP: hidden_features = n_inner or int(8 · in / 3), rounded up to 256.
            intermediate = try reader.int("n_inner", default: 8 * hidden / 3)
            intermediate = (intermediate + 255) / 256 * 256
        } else {
            intermediate = try reader.int("n_inner", default: 4 * hidden)
        }
        var vocabulary = try reader.int("vocab_size")
        let multiple = try reader.int("pad_vocab_size_multiple", default: 1)
        if multiple > 1, vocabulary % multiple != 0 { vocabulary += multiple - vocabulary % multiple }
        var configuration = EncoderConfiguration(
            hiddenSize: hidden,
            layerCount: try reader.int("n_layer"),
            headCount: try reader.int("n_head"),
            intermediateSize: intermediate,
            activation: activation,
            layerNormEpsilon: Float(try reader.double("layer_norm_epsilon", default: 1e-5)),
            vocabularySize: vocabulary,
            maxPositionEmbeddings: try reader.int("n_positions", default: 1024),
            typeVocabularySize: try reader.int("type_vocab_size", default: 2))
        configuration.architecture = .nomicBert
        configuration.feedForward = gated ? .gated : .plain
        let fraction = try reader.double("rotary_emb_fraction", default: 0)
        if fraction > 0, hidden > 0, configuration.headCount > 0 {
            configuration.absolutePositions = nil
            configuration.rotary = EncoderConfiguration.RotaryEmbedding(
                dimensions: Int(Double(hidden / max(configuration.headCount, 1)) * fraction),
                base: try reader.double("rotary_emb_base", default: 10_000),
                interleaved: try reader.optionalBool("rotary_emb_interleaved") ?? false)
        }
        if reader.object["rotary_scaling_factor"].map({ !($0 is NSNull) }) == true {
            configuration.sequenceLengthCap = try reader.int("max_trained_positions", default: 2048)
        }
        let qkvBias = try reader.optionalBool("qkv_proj_bias") ?? true
        configuration.biases = EncoderConfiguration.Biases(
            queryKeyValue: qkvBias, attentionOutput: qkvBias,
            intermediate: try reader.optionalBool("mlp_fc1_bias") ?? true,
            output: try reader.optionalBool("mlp_fc2_bias") ?? true, norms: true)
        return configuration
    }

    static func tensorNames(_ configuration: EncoderConfiguration) -> EncoderTensorNames {
        EncoderTensorNames(
            wordEmbeddings: "embeddings.word_embeddings.weight",
            positionEmbeddings: configuration.absolutePositions == nil ? nil : "embeddings.position_embeddings.weight",
            tokenTypeEmbeddings: configuration.typeVocabularySize > 0 ? "embeddings.token_type_embeddings.weight" : nil,
            embeddingNorm: "emb_ln",
            layers: (0..<configuration.layerCount).map { index in
                let base = "encoder.layers.\(index)."
                return EncoderTensorNames.Layer(
                    queryKeyValue: [base + "attn.Wqkv"],
                    attentionOutput: base + "attn.out_proj",
                    attentionNorm: base + "norm1",
                    // y = fc11(x) ⊙ act(fc12(x)): the activated half, fc12, first.
                    intermediate: configuration.feedForward == .gated ? [base + "mlp.fc12", base + "mlp.fc11"] : [base + "mlp.fc1"],
                    output: base + "mlp.fc2",
                    feedForwardNorm: base + "norm2")
            })
    }
}

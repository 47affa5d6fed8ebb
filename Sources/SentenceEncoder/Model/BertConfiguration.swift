import Foundation

/// The shape of a BERT encoder, read from a model folder's `config.json` (Hugging Face
/// `BertConfig`). Nothing is assumed about a particular model: every size comes from the file.
public struct BertConfiguration: Sendable, Equatable {
    /// The activation of the feed-forward layer.
    public enum Activation: String, Sendable {
        /// Exact GELU, `x · Φ(x)` with the normal CDF via erf (Hugging Face `"gelu"`).
        case gelu
        /// The tanh approximation of GELU (`"gelu_new"`, `"gelu_pytorch_tanh"`).
        case geluTanh
        /// `max(0, x)`.
        case relu
    }

    /// Width of every token vector (`hidden_size`), e.g. 384.
    public var hiddenSize: Int
    /// Number of transformer layers (`num_hidden_layers`).
    public var layerCount: Int
    /// Number of attention heads (`num_attention_heads`); divides `hiddenSize`.
    public var headCount: Int
    /// Width of the feed-forward layer (`intermediate_size`), e.g. 1536.
    public var intermediateSize: Int
    /// The feed-forward activation (`hidden_act`).
    public var activation: Activation
    /// The epsilon added to the variance in every layer norm (`layer_norm_eps`).
    public var layerNormEpsilon: Float
    /// Rows of the token embedding table (`vocab_size`).
    public var vocabularySize: Int
    /// Rows of the position embedding table (`max_position_embeddings`): the longest sequence.
    public var maxPositionEmbeddings: Int
    /// Rows of the token-type (segment) embedding table (`type_vocab_size`).
    public var typeVocabularySize: Int

    /// Width of one attention head: `hiddenSize / headCount`.
    public var headSize: Int { hiddenSize / headCount }

    /// A configuration with explicit sizes.
    public init(hiddenSize: Int, layerCount: Int, headCount: Int, intermediateSize: Int,
                activation: Activation = .gelu, layerNormEpsilon: Float = 1e-12, vocabularySize: Int,
                maxPositionEmbeddings: Int = 512, typeVocabularySize: Int = 2) {
        self.hiddenSize = hiddenSize
        self.layerCount = layerCount
        self.headCount = headCount
        self.intermediateSize = intermediateSize
        self.activation = activation
        self.layerNormEpsilon = layerNormEpsilon
        self.vocabularySize = vocabularySize
        self.maxPositionEmbeddings = maxPositionEmbeddings
        self.typeVocabularySize = typeVocabularySize
    }

    /// Reads `config.json`.
    ///
    /// - Throws: ``SentenceEncoderError`` naming the file and key that is missing, malformed or
    ///   describes something other than a BERT encoder with absolute positions.
    public init(contentsOf url: URL) throws {
        try self.init(object: try JSONFile.object(at: url), path: url.path)
    }

    /// Reads the `config.json` text `data`; `path` names it in errors.
    ///
    /// - Throws: as ``init(contentsOf:)``.
    init(data: Data, path: String) throws {
        try self.init(object: try JSONFile.object(in: data, path: path), path: path)
    }

    /// The configuration in the parsed `config.json` object `object` read from `path`.
    private init(object: [String: Any], path: String) throws {
        let reader = JSONObjectReader(object: object, path: path)
        let modelType = try reader.optionalString("model_type") ?? "bert"
        guard modelType == "bert" else {
            throw SentenceEncoderError.unsupportedModel(path: path, reason: "model_type \"\(modelType)\" is not \"bert\"")
        }
        if let positions = try reader.optionalString("position_embedding_type"), positions != "absolute" {
            throw SentenceEncoderError.unsupportedModel(path: path, reason: "position_embedding_type \"\(positions)\" is not \"absolute\"")
        }
        let activationName = try reader.optionalString("hidden_act") ?? "gelu"
        let activation: Activation
        switch activationName {
        case "gelu": activation = .gelu
        case "gelu_new", "gelu_pytorch_tanh", "gelu_fast": activation = .geluTanh
        case "relu": activation = .relu
        default:
            throw SentenceEncoderError.invalidConfiguration(path: path, key: "hidden_act", reason: "unsupported activation \"\(activationName)\"")
        }
        self.init(
            hiddenSize: try reader.int("hidden_size"),
            layerCount: try reader.int("num_hidden_layers"),
            headCount: try reader.int("num_attention_heads"),
            intermediateSize: try reader.int("intermediate_size"),
            activation: activation,
            layerNormEpsilon: Float(try reader.double("layer_norm_eps", default: 1e-12)),
            vocabularySize: try reader.int("vocab_size"),
            maxPositionEmbeddings: try reader.int("max_position_embeddings", default: 512),
            typeVocabularySize: try reader.int("type_vocab_size", default: 2))
        let checks: [(String, Int)] = [
            ("hidden_size", hiddenSize), ("num_hidden_layers", layerCount), ("num_attention_heads", headCount),
            ("intermediate_size", intermediateSize), ("vocab_size", vocabularySize),
            ("max_position_embeddings", maxPositionEmbeddings), ("type_vocab_size", typeVocabularySize),
        ]
        for (key, value) in checks where value <= 0 || value > 1 << 24 {
            throw SentenceEncoderError.invalidConfiguration(path: path, key: key, reason: "\(value) is out of range")
        }
        guard layerNormEpsilon.isFinite, layerNormEpsilon >= 0 else {
            throw SentenceEncoderError.invalidConfiguration(
                path: path, key: "layer_norm_eps", reason: "\(layerNormEpsilon) is not a finite number ≥ 0")
        }
        guard hiddenSize % headCount == 0 else {
            throw SentenceEncoderError.invalidConfiguration(
                path: path, key: "num_attention_heads", reason: "\(headCount) does not divide hidden_size \(hiddenSize)")
        }
    }
}

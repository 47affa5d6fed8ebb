import Foundation

/// The shape and the computation of a transformer encoder, read from a model folder's
/// `config.json`. `model_type` picks the ``EncoderArchitecture`` that reads the file (see
/// ``EncoderConfiguration/Architecture``); every size comes from the file.
///
/// One forward pass, on `T` tokens of width `H`: embeddings (token, optional learned positions,
/// optional token type 0) → layer norm → `layerCount` layers of attention and feed-forward
/// (post-norm: `x = LN(x + f(x))`; pre-norm: `x = x + f(LN(x))` and a final layer norm).
public struct EncoderConfiguration: Sendable, Equatable {
    /// The encoder families EmbedQ implements, by their `config.json` `model_type`.
    public enum Architecture: String, Sendable, CaseIterable {
        /// BERT (`bert`): learned absolute positions from 0, post-norm, GELU.
        case bert
        /// XLM-RoBERTa (`xlm-roberta`, also `roberta` and `camembert`): BERT with positions
        /// counted from `padding_idx + 1`.
        case xlmRoberta = "xlm-roberta"
        /// MPNet (`mpnet`): RoBERTa positions plus a relative position bias shared by every layer.
        case mpnet
        /// NomicBERT (`nomic_bert`): rotary positions, SwiGLU, no linear biases, post-norm.
        case nomicBert = "nomic_bert"
        /// ModernBERT (`modernbert`): rotary positions with a global and a local base, sliding
        /// window attention on most layers, GeGLU, pre-norm, bias-free layer norms.
        case modernBert = "modernbert"
    }

    /// An element-wise activation.
    public enum Activation: String, Sendable {
        /// Exact GELU, `x · Φ(x)` with the normal CDF via erf (Hugging Face `"gelu"`).
        case gelu
        /// The tanh approximation of GELU (`"gelu_new"`, `"gelu_pytorch_tanh"`).
        case geluTanh
        /// `max(0, x)`.
        case relu
        /// `x · sigmoid(x)` (`"silu"`, `"swish"`; the activation of SwiGLU).
        case silu

        /// The activation Hugging Face names `name` (`hidden_act` and its relatives), or `nil`.
        init?(huggingFaceName name: String) {
            switch name {
            case "gelu": self = .gelu
            case "gelu_new", "gelu_pytorch_tanh", "gelu_fast": self = .geluTanh
            case "relu": self = .relu
            case "silu", "swish": self = .silu
            default: return nil
            }
        }
    }

    /// Where learned absolute position embeddings start counting.
    public enum AbsolutePositions: Sendable, Equatable {
        /// Position `p` of a sequence reads row `p` (BERT).
        case fromZero
        /// RoBERTa's `create_position_ids_from_input_ids`: a token other than `paddingID` reads
        /// row `paddingID + n`, `n` the number of non-padding tokens up to and including it; a
        /// `paddingID` token reads row `paddingID`.
        case afterPadding(paddingID: Int)
    }

    /// Rotary position embeddings (RoFormer) applied to queries and keys in every layer.
    public struct RotaryEmbedding: Sendable, Equatable {
        /// Rotated columns per head (even; the rest of the head is left alone).
        public var dimensions: Int
        /// θ of the global-attention layers (all layers when there is no sliding window).
        public var base: Double
        /// θ of the sliding-window layers.
        public var localBase: Double
        /// Whether column pairs are `(2i, 2i + 1)` (GPT-J) instead of `(i, i + dimensions/2)`.
        public var interleaved: Bool

        /// A rotary embedding over `dimensions` columns per head with one base for all layers
        /// unless `localBase` is given.
        public init(dimensions: Int, base: Double, localBase: Double? = nil, interleaved: Bool = false) {
            self.dimensions = dimensions
            self.base = base
            self.localBase = localBase ?? base
            self.interleaved = interleaved
        }
    }

    /// Sliding-window (local) attention in some layers (ModernBERT).
    public struct SlidingWindow: Sendable, Equatable {
        /// A query attends to keys at most this many positions away (`local_attention / 2`).
        public var halfWidth: Int
        /// Per layer, whether it attends to the whole sequence (ModernBERT: every
        /// `global_attn_every_n_layers`-th layer from layer 0) instead of the window.
        public var globalLayers: [Bool]

        /// A window of `halfWidth` positions either side in the layers where `globalLayers` is false.
        public init(halfWidth: Int, globalLayers: [Bool]) {
            self.halfWidth = halfWidth
            self.globalLayers = globalLayers
        }

        /// Whether layer `index` attends to the whole sequence.
        public func isGlobal(layer index: Int) -> Bool { index < globalLayers.count ? globalLayers[index] : true }
    }

    /// Where the layer norms sit.
    public enum NormPlacement: Sendable, Equatable {
        /// `x = LN(x + f(x))` after each attention and feed-forward block (BERT).
        case afterResidual
        /// `x = x + f(LN(x))`, then a final layer norm (ModernBERT). With
        /// `firstAttentionNorm` false layer 0's attention reads `x` without a norm.
        case beforeBlock(firstAttentionNorm: Bool)
    }

    /// The feed-forward block.
    public enum FeedForward: Sendable, Equatable {
        /// `W2 · act(W1 x + b1) + b2` with `W1` `[I, H]`.
        case plain
        /// `W2 · (act(a) ⊙ b) + b2` with `[a; b] = W1 x + b1`, `W1` `[2I, H]`: the activated
        /// half first (GeGLU, SwiGLU).
        case gated
    }

    /// Which linear layers and norms have a bias (absent ones are zero).
    public struct Biases: Sendable, Equatable {
        /// Query / key / value projection.
        public var queryKeyValue = true
        /// Attention output projection.
        public var attentionOutput = true
        /// Feed-forward up projection (both halves when gated).
        public var intermediate = true
        /// Feed-forward down projection.
        public var output = true
        /// Layer norms (β).
        public var norms = true

        /// Biases everywhere (BERT).
        public init() {}

        /// The given biases.
        public init(queryKeyValue: Bool, attentionOutput: Bool, intermediate: Bool, output: Bool, norms: Bool) {
            self.queryKeyValue = queryKeyValue
            self.attentionOutput = attentionOutput
            self.intermediate = intermediate
            self.output = output
            self.norms = norms
        }
    }

    /// The architecture (`model_type`).
    public var architecture: Architecture = .bert
    /// Width of every token vector (`hidden_size`), e.g. 384.
    public var hiddenSize: Int
    /// Number of transformer layers.
    public var layerCount: Int
    /// Number of attention heads; divides `hiddenSize`.
    public var headCount: Int
    /// Width of the feed-forward layer (`I`; each half's width when gated), e.g. 1536.
    public var intermediateSize: Int
    /// The feed-forward activation.
    public var activation: Activation
    /// The epsilon added to the variance in every layer norm.
    public var layerNormEpsilon: Float
    /// Rows of the token embedding table.
    public var vocabularySize: Int
    /// Rows of the position embedding table, or the longest sequence of a rotary model.
    public var maxPositionEmbeddings: Int
    /// Rows of the token-type (segment) embedding table, 0 for none; row 0 is added to every token.
    public var typeVocabularySize: Int
    /// Learned absolute positions, or `nil` (rotary models, ModernBERT).
    public var absolutePositions: AbsolutePositions? = .fromZero
    /// Buckets of MPNet's relative position bias (`relative_attention_num_buckets`), or `nil`.
    public var relativeAttentionBuckets: Int?
    /// Rotary position embeddings, or `nil`.
    public var rotary: RotaryEmbedding?
    /// Sliding-window attention, or `nil` for global attention in every layer.
    public var slidingWindow: SlidingWindow?
    /// Where the layer norms sit.
    public var normPlacement: NormPlacement = .afterResidual
    /// The feed-forward block.
    public var feedForward: FeedForward = .plain
    /// Which linear layers and norms have biases.
    public var biases = Biases()
    /// A cap on the sequence length below the position table (NomicBERT with rotary scaling
    /// stops at `max_trained_positions`, beyond which its inference is stateful), or `nil`.
    public var sequenceLengthCap: Int?

    /// Width of one attention head: `hiddenSize / headCount`.
    public var headSize: Int { hiddenSize / headCount }

    /// The longest token sequence the positions allow, special tokens included (512 for a
    /// RoBERTa table of 514 rows with `padding_idx` 1).
    public var maxSequenceLength: Int {
        var length = maxPositionEmbeddings
        if case .afterPadding(let paddingID) = absolutePositions { length -= paddingID + 1 }
        if let sequenceLengthCap { length = min(length, sequenceLengthCap) }
        return max(length, 0)
    }

    /// Width of the feed-forward up projection's output: `I`, or `2I` when gated.
    public var intermediateProjectionWidth: Int {
        feedForward == .gated ? 2 * intermediateSize : intermediateSize
    }

    /// A BERT configuration with explicit sizes (other architectures: set the properties).
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

    /// Reads `config.json`, choosing the architecture from `model_type` (`bert` when absent).
    ///
    /// - Throws: ``SentenceEncoderError`` naming the file and key that is missing, malformed or
    ///   describes something EmbedQ does not implement (an unknown `model_type`, say).
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
        let configuration = try Self.read(JSONObjectReader(object: object, path: path))
        try configuration.validate(path: path)
        self = configuration
    }

    /// The configuration of the architecture whose `model_type` `reader`'s object names.
    private static func read(_ reader: JSONObjectReader) throws -> EncoderConfiguration {
        let modelType = try reader.optionalString("model_type") ?? "bert"
        for architecture in architectures where architecture.modelTypes.contains(modelType) {
            return try architecture.configuration(reading: reader)
        }
        let known = architectures.flatMap { $0.modelTypes }.sorted().joined(separator: ", ")
        throw SentenceEncoderError.unsupportedModel(path: reader.path, reason: "model_type \"\(modelType)\" is not one of \(known)")
    }

    /// The architectures `config.json` can name.
    static let architectures: [any EncoderArchitecture.Type] = [
        BertArchitecture.self, XLMRobertaArchitecture.self, MPNetArchitecture.self,
        NomicBertArchitecture.self, ModernBertArchitecture.self,
    ]

    /// The implementation of ``architecture``.
    var implementation: any EncoderArchitecture.Type {
        for candidate in Self.architectures where candidate.architecture == architecture { return candidate }
        preconditionFailure("no implementation of \(architecture)")
    }

    /// Checks the sizes; the error names `path` and the offending key.
    func validate(path: String) throws {
        let checks: [(String, Int)] = [
            ("hidden_size", hiddenSize), ("num_hidden_layers", layerCount), ("num_attention_heads", headCount),
            ("intermediate_size", intermediateSize), ("vocab_size", vocabularySize),
            ("max_position_embeddings", maxPositionEmbeddings),
        ]
        for (key, value) in checks where value <= 0 || value > 1 << 24 {
            throw SentenceEncoderError.invalidConfiguration(path: path, key: key, reason: "\(value) is out of range")
        }
        guard typeVocabularySize >= 0, typeVocabularySize <= 1 << 16 else {
            throw SentenceEncoderError.invalidConfiguration(path: path, key: "type_vocab_size", reason: "\(typeVocabularySize) is out of range")
        }
        guard layerNormEpsilon.isFinite, layerNormEpsilon >= 0 else {
            throw SentenceEncoderError.invalidConfiguration(
                path: path, key: "layer_norm_eps", reason: "\(layerNormEpsilon) is not a finite number ≥ 0")
        }
        guard hiddenSize % headCount == 0 else {
            throw SentenceEncoderError.invalidConfiguration(
                path: path, key: "num_attention_heads", reason: "\(headCount) does not divide hidden_size \(hiddenSize)")
        }
        guard maxSequenceLength >= 2 else {
            throw SentenceEncoderError.invalidConfiguration(
                path: path, key: "max_position_embeddings", reason: "\(maxPositionEmbeddings) positions leave no room for a sequence")
        }
        if let rotary {
            guard rotary.dimensions > 0, rotary.dimensions % 2 == 0, rotary.dimensions <= headSize else {
                throw SentenceEncoderError.invalidConfiguration(
                    path: path, key: "rotary", reason: "\(rotary.dimensions) rotated columns for heads of \(headSize)")
            }
            guard rotary.base > 0, rotary.localBase > 0 else {
                throw SentenceEncoderError.invalidConfiguration(path: path, key: "rope_theta", reason: "a rotary base is not positive")
            }
        }
        if let slidingWindow, slidingWindow.halfWidth < 0 || slidingWindow.globalLayers.count != layerCount {
            throw SentenceEncoderError.invalidConfiguration(
                path: path, key: "layer_types",
                reason: "window \(2 * slidingWindow.halfWidth) with \(slidingWindow.globalLayers.count) layer types for \(layerCount) layers")
        }
        if let buckets = relativeAttentionBuckets, buckets < 2 || buckets > 1 << 12 {
            throw SentenceEncoderError.invalidConfiguration(path: path, key: "relative_attention_num_buckets", reason: "\(buckets) is out of range")
        }
        if case .afterPadding(let paddingID) = absolutePositions, paddingID < 0 || paddingID >= maxPositionEmbeddings {
            throw SentenceEncoderError.invalidConfiguration(path: path, key: "pad_token_id", reason: "\(paddingID) is outside the position table")
        }
    }
}

/// What makes one encoder family different from another, as far as loading goes: which
/// `model_type` values it answers to, how its `config.json` reads, and what its checkpoint calls
/// each tensor. The forward pass itself (``TransformerEncoder``) is shared and driven by the
/// ``EncoderConfiguration`` the architecture produces.
///
/// Adding an architecture: a type conforming to this protocol, listed in
/// `EncoderConfiguration.architectures`; new element-wise operations go to
/// `SentenceEncoderKernels`.
protocol EncoderArchitecture: Sendable {
    /// The architecture this type reads.
    static var architecture: EncoderConfiguration.Architecture { get }
    /// The `config.json` `model_type` values it reads.
    static var modelTypes: Set<String> { get }
    /// Prefixes published checkpoints put before the tensor names (`""` first), e.g. `bert.`
    /// for a `BertForPreTraining` checkpoint; the loader takes the first under which the word
    /// embeddings exist.
    static var tensorPrefixes: [String] { get }

    /// The configuration `config.json` describes.
    ///
    /// - Throws: ``SentenceEncoderError`` naming the file and key that is missing, malformed
    ///   or asks for something not implemented.
    static func configuration(reading reader: JSONObjectReader) throws -> EncoderConfiguration

    /// The tensor names of `configuration`, without prefix.
    static func tensorNames(_ configuration: EncoderConfiguration) -> EncoderTensorNames
}

/// The checkpoint names of an encoder's tensors (without a model prefix). A layer norm is named
/// by its module (`….LayerNorm`), its tensors being `weight` / `bias` (or `gamma` / `beta`).
struct EncoderTensorNames: Sendable {
    /// The tensors of one transformer layer.
    struct Layer: Sendable {
        /// The query, key and value projections, stacked in this order: three modules, or one
        /// fused `[3H, H]` module.
        var queryKeyValue: [String]
        /// The attention output projection.
        var attentionOutput: String
        /// The layer norm around attention, or `nil` where the architecture has none (ModernBERT's layer 0).
        var attentionNorm: String?
        /// The feed-forward up projection: one module (`[I, H]`, or `[2I, H]` gated with the
        /// activated half first), or two gated halves stacked in this order (activated first).
        var intermediate: [String]
        /// The feed-forward down projection.
        var output: String
        /// The layer norm around the feed-forward block.
        var feedForwardNorm: String
    }

    /// Token embeddings `[vocab, H]`.
    var wordEmbeddings: String
    /// Learned position embeddings `[positions, H]`, if any.
    var positionEmbeddings: String?
    /// Token-type embeddings `[types, H]`, if any.
    var tokenTypeEmbeddings: String?
    /// The layer norm of the embeddings.
    var embeddingNorm: String
    /// MPNet's relative attention bias `[buckets, heads]`, if any.
    var relativeAttentionBias: String?
    /// The layer norm after the last layer (pre-norm architectures), if any.
    var finalNorm: String?
    /// The layers, first to last.
    var layers: [Layer]
}

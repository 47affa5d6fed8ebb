import Foundation

/// The tokenizer of a sentence-transformers model folder with the model's input settings:
/// `max_seq_length` and `do_lower_case` from `sentence_bert_config.json`, capped by the longest
/// sequence `config.json`'s positions allow. Loads no weights.
public struct SentenceTokenizer: Sendable {
    /// The model's tokenizer, truncating to ``maxSequenceLength``.
    public let tokenizer: any Tokenizer
    /// The longest id sequence, `[CLS]` and `[SEP]` included.
    public let maxSequenceLength: Int
    /// Whether texts are lowercased before tokenizing (sentence-transformers' `do_lower_case`).
    public let lowercasesInput: Bool

    /// Reads the tokenizer and settings of the model folder `folder`.
    ///
    /// - Throws: ``SentenceEncoderError`` naming the file that is missing or malformed.
    public init(folder: URL) throws(SentenceEncoderError) {
        do {
            let pipeline = try SentenceTransformerPipeline(folder: folder)
            let configuration = try EncoderConfiguration(contentsOf: pipeline.transformerFolder.appendingPathComponent("config.json"))
            try self.init(pipeline: pipeline, configuration: configuration)
        } catch {
            throw SentenceEncoderError.typed(error, reading: folder)
        }
    }

    init(pipeline: SentenceTransformerPipeline, configuration: EncoderConfiguration) throws {
        maxSequenceLength = min(pipeline.maxSequenceLength ?? configuration.maxSequenceLength, configuration.maxSequenceLength)
        tokenizer = try TokenizerLoader.load(folder: pipeline.transformerFolder, maximumLength: maxSequenceLength)
        lowercasesInput = pipeline.lowercasesInput
    }

    /// The model input ids of `text` (lowercased first when ``lowercasesInput``): special tokens
    /// included, at most ``maxSequenceLength`` ids.
    ///
    /// - Throws: ``SentenceEncoderError/invalidTokenizer(path:component:reason:)`` when the text needs
    ///   a token the tokenizer lacks (see ``Tokenizer/encode(_:)``).
    public func tokenize(_ text: String) throws(SentenceEncoderError) -> [Int32] {
        try tokenizer.encode(lowercasesInput ? text.lowercased() : text)
    }
}

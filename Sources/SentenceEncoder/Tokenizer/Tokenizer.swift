/// Turns text into the token ids a model reads, as the model's Hugging Face fast tokenizer does
/// (`tokenizer(text, truncation=True, max_length=maximumLength)`): added tokens matched first,
/// then normalization, pre-tokenization, the sub-word model, truncation to ``maximumLength`` and
/// the special tokens of the post-processor (`[CLS] … [SEP]`, `<s> … </s>`).
///
/// Made by ``TokenizerLoader/load(folder:maximumLength:)`` from a model folder's
/// `tokenizer.json` (or `vocab.txt`). Implementations are immutable and safe to share between
/// threads.
public protocol Tokenizer: Sendable {
    /// The longest id sequence ``encode(_:)`` returns, special tokens included.
    var maximumLength: Int { get }
    /// The id that pads a batch (`[PAD]`, `<pad>`; 0 when the tokenizer names none).
    var paddingID: Int32 { get }
    /// One more than the largest id ``encode(_:)`` can return: the least embedding-table size
    /// the model needs.
    var vocabularySize: Int { get }

    /// The model input ids of `text`: special tokens added, at most ``maximumLength`` ids.
    ///
    /// - Throws: ``SentenceEncoderError/invalidTokenizer(path:component:reason:)`` when the text
    ///   needs a token the tokenizer lacks (a Unigram model without `unk_id` meeting a character
    ///   outside its vocabulary; the Hugging Face tokenizer fails there too).
    func encode(_ text: String) throws(SentenceEncoderError) -> [Int32]
}

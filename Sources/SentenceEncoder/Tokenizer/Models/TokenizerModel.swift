/// The sub-word model of a tokenizer (`tokenizer.json`'s `model`): splits one pre-tokenized
/// piece into token ids.
protocol TokenizerModel: Sendable {
    /// Appends the ids of `piece`'s tokens to `ids`.
    ///
    /// - Throws: ``SentenceEncoderError/invalidTokenizer(path:component:reason:)`` when the piece
    ///   needs an unknown token the model does not have.
    func tokenize(_ piece: [Unicode.Scalar], into ids: inout [Int32]) throws(SentenceEncoderError)

    /// The id of the token spelled exactly `token`, or `nil`.
    func id(for token: [Unicode.Scalar]) -> Int32?

    /// The number of tokens (Hugging Face `get_vocab_size`): added tokens missing from the
    /// vocabulary are numbered from here.
    var tokenCount: Int { get }

    /// The largest id the model can produce, or `nil` for an empty model.
    var largestID: Int32? { get }
}

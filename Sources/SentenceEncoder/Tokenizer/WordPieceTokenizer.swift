/// Greedy longest-match-first WordPiece: splits one word into vocabulary pieces, the first as
/// is and the rest with the continuation prefix (`##`). A word longer than
/// ``maxInputCharactersPerWord`` scalars, or one with any part absent from the vocabulary,
/// becomes the single unknown token.
public struct WordPieceTokenizer: Sendable {
    /// The vocabulary pieces are looked up in.
    public let vocabulary: Vocabulary
    /// The id emitted for words that cannot be split.
    public let unknownID: Int32
    /// The continuation prefix, as scalars.
    public let continuingSubwordPrefix: [Unicode.Scalar]
    /// The longest word, in scalars, that is split rather than replaced by the unknown token.
    public let maxInputCharactersPerWord: Int

    /// A WordPiece tokenizer following `configuration`.
    ///
    /// - Precondition: the configuration's unknown token is in its vocabulary (checked when it is loaded).
    public init(configuration: TokenizerConfiguration) {
        vocabulary = configuration.vocabulary
        unknownID = configuration.vocabulary.id(for: configuration.unknownToken) ?? 0
        continuingSubwordPrefix = Array(configuration.continuingSubwordPrefix.unicodeScalars)
        maxInputCharactersPerWord = configuration.maxInputCharactersPerWord
    }

    /// Appends the ids of `word`'s pieces to `ids`.
    public func tokenize(_ word: [Unicode.Scalar], into ids: inout [Int32]) {
        if word.count > maxInputCharactersPerWord {
            ids.append(unknownID)
            return
        }
        let firstIndex = ids.count
        var start = 0
        var key: [Unicode.Scalar] = []
        key.reserveCapacity(word.count + continuingSubwordPrefix.count)
        while start < word.count {
            let prefix = start > 0 ? continuingSubwordPrefix : []
            var end = min(word.count, start + max(0, vocabulary.longestTokenLength - prefix.count))
            var found: Int32?
            while end > start {
                key.removeAll(keepingCapacity: true)
                key.append(contentsOf: prefix)
                key.append(contentsOf: word[start..<end])
                if let id = vocabulary.id(for: key) {
                    found = id
                    break
                }
                end -= 1
            }
            guard let id = found else {
                ids.removeSubrange(firstIndex...)
                ids.append(unknownID)
                return
            }
            ids.append(id)
            start = end
        }
    }
}

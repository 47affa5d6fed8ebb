/// Greedy longest-match-first WordPiece (`WordPiece`): splits one word into vocabulary pieces,
/// the first as is and the rest with the continuation prefix (`##`). A word longer than
/// ``maxInputCharactersPerWord`` scalars, or one with any part absent from the vocabulary,
/// becomes the single unknown token.
struct WordPieceModel: TokenizerModel {
    /// The vocabulary pieces are looked up in.
    let vocabulary: Vocabulary
    /// The id emitted for words that cannot be split (`nil`: the unknown token is not in the
    /// vocabulary, and such a word is an error, as in the Hugging Face tokenizer).
    let unknownID: Int32?
    /// The unknown token's text, for messages.
    let unknownToken: String
    /// The continuation prefix, as scalars.
    let continuingSubwordPrefix: [Unicode.Scalar]
    /// The longest word, in scalars, that is split rather than replaced by the unknown token.
    let maxInputCharactersPerWord: Int
    /// The file and component, for messages.
    let source: (path: String, component: String)

    /// A WordPiece model over `vocabulary`.
    init(vocabulary: Vocabulary, unknownToken: String = "[UNK]", continuingSubwordPrefix: String = "##",
         maxInputCharactersPerWord: Int = 100, source: (path: String, component: String)) {
        self.vocabulary = vocabulary
        self.unknownToken = unknownToken
        unknownID = vocabulary.id(for: unknownToken)
        self.continuingSubwordPrefix = Array(continuingSubwordPrefix.unicodeScalars)
        self.maxInputCharactersPerWord = maxInputCharactersPerWord
        self.source = source
    }

    var tokenCount: Int { vocabulary.count }
    var largestID: Int32? { vocabulary.largestID }
    func id(for token: [Unicode.Scalar]) -> Int32? { vocabulary.id(for: token) }

    func tokenize(_ word: [Unicode.Scalar], into ids: inout [Int32]) throws(SentenceEncoderError) {
        if word.count > maxInputCharactersPerWord {
            ids.append(try unknown())
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
                ids.append(try unknown())
                return
            }
            ids.append(id)
            start = end
        }
    }

    private func unknown() throws(SentenceEncoderError) -> Int32 {
        guard let unknownID else {
            throw SentenceEncoderError.invalidTokenizer(
                path: source.path, component: source.component,
                reason: "a word needs the unknown token \(unknownToken.debugDescription), which is not in the vocabulary")
        }
        return unknownID
    }
}

/// Every word is one vocabulary token or the unknown token (`WordLevel`).
struct WordLevelModel: TokenizerModel {
    /// The vocabulary.
    let vocabulary: Vocabulary
    /// The unknown token's id, `nil` when it is not in the vocabulary.
    let unknownID: Int32?
    /// The file and component, for messages.
    let source: (path: String, component: String)

    var tokenCount: Int { vocabulary.count }
    var largestID: Int32? { vocabulary.largestID }
    func id(for token: [Unicode.Scalar]) -> Int32? { vocabulary.id(for: token) }

    func tokenize(_ word: [Unicode.Scalar], into ids: inout [Int32]) throws(SentenceEncoderError) {
        if let id = vocabulary.id(for: word) {
            ids.append(id)
        } else if let unknownID {
            ids.append(unknownID)
        } else {
            throw SentenceEncoderError.invalidTokenizer(
                path: source.path, component: source.component, reason: "a word is not in the vocabulary and there is no unknown token")
        }
    }
}

import Foundation

/// Builds the sub-word model from `tokenizer.json`'s `model` object.
enum ModelReader {
    /// The model described by `component`. Without `type` (files written before it existed) the
    /// kind is inferred as the Hugging Face tokenizer does: `merges` → BPE, an array `vocab` →
    /// Unigram, otherwise WordPiece.
    ///
    /// - Throws: ``SentenceEncoderError/unsupportedTokenizerComponent(path:component:type:)``
    ///   for an unknown `type`, ``SentenceEncoderError/invalidTokenizer(path:component:reason:)``
    ///   for a malformed field.
    static func model(_ component: JSONComponent) throws -> any TokenizerModel {
        var type = component.type ?? "WordPiece"
        if component.type == nil {
            if component["merges"] != nil {
                type = "BPE"
            } else if case .array? = component["vocab"] {
                type = "Unigram"
            }
        }
        let source = (path: component.path, component: "\(component.location) (\(type))")
        switch type {
        case "WordPiece":
            return WordPieceModel(
                vocabulary: try vocabulary(component),
                unknownToken: try component.optionalString("unk_token") ?? "[UNK]",
                continuingSubwordPrefix: try component.optionalString("continuing_subword_prefix") ?? "##",
                maxInputCharactersPerWord: try component.int("max_input_chars_per_word", default: 100),
                source: source)
        case "WordLevel":
            let vocabulary = try vocabulary(component)
            return WordLevelModel(vocabulary: vocabulary,
                                  unknownID: vocabulary.id(for: try component.optionalString("unk_token") ?? "<unk>"),
                                  source: source)
        case "BPE":
            return try bpe(component, source: source)
        case "Unigram":
            return try unigram(component, source: source)
        default:
            throw component.unsupported()
        }
    }

    /// The `vocab` object: token → id.
    private static func vocabulary(_ component: JSONComponent) throws -> Vocabulary {
        guard !component.isAbsent("vocab") else { throw component.invalid("missing \"vocab\"") }
        guard case .object(let vocab)? = component["vocab"] else {
            throw component.wrongType("vocab", expected: "an object of token ids")
        }
        var entries: [(String, Int32)] = []
        entries.reserveCapacity(vocab.count)
        for (token, value) in vocab {
            guard let id = JSONComponent.id(value) else {
                throw component.invalid("the id of \(token.debugDescription) in \"vocab\" is not a token id: \(value.summary)")
            }
            entries.append((token, id))
        }
        return Vocabulary(entries)
    }

    private static func bpe(_ component: JSONComponent, source: (path: String, component: String)) throws -> BPEModel {
        if case .number(let dropout)? = component["dropout"], dropout > 0 {
            throw component.invalid("\"dropout\" \(dropout) makes tokenization random; only null or 0 is supported")
        }
        let vocabulary = try vocabulary(component)
        var merges: [(String, String)] = []
        let list = try component.array("merges")
        merges.reserveCapacity(list.count)
        for (index, merge) in list.enumerated() {
            switch merge {
            case .string(let line):
                // Legacy form: "a b" (exactly one space).
                let parts = line.split(separator: " ", omittingEmptySubsequences: false)
                guard parts.count == 2 else { throw component.invalid("merges[\(index)] \(line.debugDescription) is not two tokens separated by a space") }
                merges.append((String(parts[0]), String(parts[1])))
            case .array(let pair):
                guard pair.count == 2, case .string(let first) = pair[0], case .string(let second) = pair[1] else { fallthrough }
                merges.append((first, second))
            default:
                throw component.invalid("merges[\(index)] is neither \"a b\" nor [\"a\", \"b\"]")
            }
        }
        do {
            return try BPEModel(
                vocabulary: vocabulary, merges: merges,
                unknownToken: try component.optionalString("unk_token"),
                continuingSubwordPrefix: try component.optionalString("continuing_subword_prefix"),
                endOfWordSuffix: try component.optionalString("end_of_word_suffix"),
                fusesUnknown: try component.bool("fuse_unk", default: false),
                byteFallback: try component.bool("byte_fallback", default: false),
                ignoresMerges: try component.bool("ignore_merges", default: false),
                source: source)
        } catch let failure as BPEModel.Failure {
            switch failure {
            case .mergeTokenMissing(let token):
                throw component.invalid("a merge needs the token \(token.debugDescription), which is not in \"vocab\"")
            }
        }
    }

    private static func unigram(_ component: JSONComponent, source: (path: String, component: String)) throws -> UnigramModel {
        let list = try component.array("vocab")
        var pieces: [(String, Double)] = []
        pieces.reserveCapacity(list.count)
        for (index, entry) in list.enumerated() {
            guard case .array(let pair) = entry, pair.count == 2, case .string(let piece) = pair[0],
                  case .number(let score) = pair[1] else {
                throw component.invalid("vocab[\(index)] is not [piece, score]")
            }
            pieces.append((piece, score))
        }
        let unknownID = try component.optionalInt("unk_id")
        if let unknownID {
            guard !pieces.isEmpty else { throw component.invalid("\"vocab\" is empty but \"unk_id\" is set") }
            guard (0..<pieces.count).contains(unknownID) else {
                throw component.invalid("\"unk_id\" \(unknownID) is outside the \(pieces.count)-piece vocabulary")
            }
        }
        guard pieces.count <= Int(Int32.max) else { throw component.invalid("\"vocab\" is too large") }
        return UnigramModel(pieces: pieces, unknownID: unknownID.map(Int32.init), byteFallback: try component.bool("byte_fallback", default: false),
                            source: source)
    }
}

import Foundation

/// How a BERT WordPiece tokenizer normalizes, splits and wraps text, read from a model folder's
/// `tokenizer.json` (Hugging Face tokenizers format) or `vocab.txt` + `tokenizer_config.json`.
public struct TokenizerConfiguration: Sendable {
    /// The WordPiece vocabulary.
    public var vocabulary: Vocabulary
    /// Remove control characters and map every whitespace character to a space.
    public var cleansText: Bool = true
    /// Surround CJK ideographs with spaces so that each becomes its own word.
    public var splitsChineseCharacters: Bool = true
    /// Decompose (NFD) and drop non-spacing marks. `nil` follows ``lowercases``.
    public var stripsAccents: Bool?
    /// Lowercase every character.
    public var lowercases: Bool = true
    /// The prefix of word-continuation pieces.
    public var continuingSubwordPrefix: String = "##"
    /// Words longer than this many Unicode scalars become the unknown token.
    public var maxInputCharactersPerWord: Int = 100
    /// The unknown token's text.
    public var unknownToken: String = "[UNK]"
    /// The classification token that starts every sequence.
    public var classifierToken: String = "[CLS]"
    /// The separator token that ends every sequence.
    public var separatorToken: String = "[SEP]"
    /// The padding token (its id pads batches).
    public var paddingToken: String = "[PAD]"
    /// Tokens matched verbatim in the raw text before normalization (Hugging Face "added tokens"
    /// with `normalized: false`), mapped to their ids.
    public var verbatimTokens: [String: Int32] = [:]

    /// A configuration with the given vocabulary and BERT-uncased defaults.
    public init(vocabulary: Vocabulary) {
        self.vocabulary = vocabulary
    }

    /// Reads the tokenizer of the model folder at `folder`: `tokenizer.json` when present,
    /// otherwise `vocab.txt` with `tokenizer_config.json` (optional).
    ///
    /// - Throws: ``SentenceEncoderError`` naming the file that is missing or malformed.
    public init(contentsOf folder: URL) throws {
        let tokenizerJSON = folder.appendingPathComponent("tokenizer.json")
        if FileManager.default.fileExists(atPath: tokenizerJSON.path) {
            try self.init(tokenizerJSON: tokenizerJSON)
        } else {
            try self.init(vocabularyFile: folder.appendingPathComponent("vocab.txt"),
                          configurationFile: folder.appendingPathComponent("tokenizer_config.json"))
        }
    }

    /// Reads a Hugging Face `tokenizer.json` whose model is WordPiece.
    public init(tokenizerJSON url: URL) throws {
        let path = url.path
        let root = try JSONFile.object(at: url)
        guard let model = root["model"] as? [String: Any] else {
            throw SentenceEncoderError.invalidJSON(path: path, reason: "missing \"model\" object")
        }
        let modelType = model["type"] as? String ?? "WordPiece"
        guard modelType == "WordPiece" else {
            throw SentenceEncoderError.unsupportedModel(path: path, reason: "tokenizer model \(modelType) is not WordPiece")
        }
        guard let vocab = model["vocab"] as? [String: Any] else {
            throw SentenceEncoderError.invalidJSON(path: path, reason: "missing \"model.vocab\" object")
        }
        var entries: [(String, Int32)] = []
        entries.reserveCapacity(vocab.count)
        for (token, value) in vocab {
            guard let number = value as? NSNumber else {
                throw SentenceEncoderError.invalidJSON(path: path, reason: "vocabulary id of \"\(token)\" is not a number")
            }
            entries.append((token, Int32(truncatingIfNeeded: number.intValue)))
        }
        self.init(vocabulary: Vocabulary(entries))
        let modelReader = JSONObjectReader(object: model, path: path)
        unknownToken = try modelReader.optionalString("unk_token") ?? unknownToken
        continuingSubwordPrefix = try modelReader.optionalString("continuing_subword_prefix") ?? continuingSubwordPrefix
        maxInputCharactersPerWord = try modelReader.int("max_input_chars_per_word", default: maxInputCharactersPerWord)

        if let normalizer = root["normalizer"] as? [String: Any] {
            let reader = JSONObjectReader(object: normalizer, path: path)
            let type = normalizer["type"] as? String ?? ""
            guard type == "BertNormalizer" else {
                throw SentenceEncoderError.unsupportedModel(path: path, reason: "normalizer \(type) is not BertNormalizer")
            }
            cleansText = try reader.optionalBool("clean_text") ?? true
            splitsChineseCharacters = try reader.optionalBool("handle_chinese_chars") ?? true
            stripsAccents = try reader.optionalBool("strip_accents")
            lowercases = try reader.optionalBool("lowercase") ?? true
        }
        if let processor = root["post_processor"] as? [String: Any],
           let special = processor["special_tokens"] as? [String: Any] {
            if special["[CLS]"] == nil, let cls = processor["cls"] as? [Any], let text = cls.first as? String {
                classifierToken = text
            }
            if special["[SEP]"] == nil, let sep = processor["sep"] as? [Any], let text = sep.first as? String {
                separatorToken = text
            }
        } else if let processor = root["post_processor"] as? [String: Any] {
            // BertProcessing: {"sep": ["[SEP]", 102], "cls": ["[CLS]", 101]}
            if let cls = processor["cls"] as? [Any], let text = cls.first as? String { classifierToken = text }
            if let sep = processor["sep"] as? [Any], let text = sep.first as? String { separatorToken = text }
        }
        if let padding = root["padding"] as? [String: Any], let pad = padding["pad_token"] as? String {
            paddingToken = pad
        }
        if let added = root["added_tokens"] as? [[String: Any]] {
            for token in added {
                guard let content = token["content"] as? String, let id = token["id"] as? NSNumber else { continue }
                let normalized = token["normalized"] as? Bool ?? false
                if !normalized && !content.isEmpty {
                    verbatimTokens[content] = Int32(truncatingIfNeeded: id.intValue)
                }
            }
        }
        try validate(path: path)
    }

    /// Reads a `vocab.txt` (one token per line, id = line number) and an optional
    /// `tokenizer_config.json` (`do_lower_case`, `strip_accents`, `tokenize_chinese_chars`,
    /// special token texts).
    public init(vocabularyFile: URL, configurationFile: URL?) throws {
        guard FileManager.default.fileExists(atPath: vocabularyFile.path) else {
            throw SentenceEncoderError.missingFile(path: vocabularyFile.path)
        }
        let text: String
        do {
            text = try String(contentsOf: vocabularyFile, encoding: .utf8)
        } catch {
            throw SentenceEncoderError.unreadableFile(path: vocabularyFile.path, reason: "\(error.localizedDescription)")
        }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map {
            $0.hasSuffix("\r") ? String($0.dropLast()) : String($0)
        }
        if lines.last == "" { lines.removeLast() }
        self.init(vocabulary: Vocabulary(lines.enumerated().map { ($1, Int32($0)) }))
        if let configurationFile, FileManager.default.fileExists(atPath: configurationFile.path) {
            let reader = JSONObjectReader(object: try JSONFile.object(at: configurationFile), path: configurationFile.path)
            lowercases = try reader.optionalBool("do_lower_case") ?? true
            stripsAccents = try reader.optionalBool("strip_accents")
            splitsChineseCharacters = try reader.optionalBool("tokenize_chinese_chars") ?? true
            unknownToken = try reader.optionalString("unk_token") ?? unknownToken
            classifierToken = try reader.optionalString("cls_token") ?? classifierToken
            separatorToken = try reader.optionalString("sep_token") ?? separatorToken
            paddingToken = try reader.optionalString("pad_token") ?? paddingToken
        }
        for token in [unknownToken, classifierToken, separatorToken, paddingToken, "[MASK]"] {
            if let id = vocabulary.id(for: token) { verbatimTokens[token] = id }
        }
        try validate(path: vocabularyFile.path)
    }

    private func validate(path: String) throws {
        for token in [unknownToken, classifierToken, separatorToken] where vocabulary.id(for: token) == nil {
            throw SentenceEncoderError.missingSpecialToken(path: path, token: token)
        }
    }
}

import Foundation

/// A BERT tokenizer from a `vocab.txt` (one token per line, id = line number) and an optional
/// `tokenizer_config.json` (`do_lower_case`, `strip_accents`, `tokenize_chinese_chars`, special
/// token texts): `BertNormalizer` + `BertPreTokenizer` + WordPiece + `[CLS] … [SEP]`, the special
/// tokens matched verbatim, as transformers converts such a folder to a fast tokenizer.
enum VocabularyFile {
    /// The tokenizer of `vocabularyFile` and `configurationFile`.
    ///
    /// - Throws: ``SentenceEncoderError`` naming the file that is missing or malformed, or
    ///   ``SentenceEncoderError/missingSpecialToken(path:token:)`` when the vocabulary lacks the
    ///   unknown, classifier or separator token.
    static func tokenizer(vocabularyFile: URL, configurationFile: URL?, maximumLength: Int) throws -> PipelineTokenizer {
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
        let vocabulary = Vocabulary(lines.enumerated().map { ($1, Int32($0)) })
        var normalizer = BertNormalizer()
        var unknownToken = "[UNK]", classifierToken = "[CLS]", separatorToken = "[SEP]", paddingToken = "[PAD]"
        var stripsAccents: Bool?
        if let configurationFile, FileManager.default.fileExists(atPath: configurationFile.path) {
            let reader = JSONObjectReader(object: try JSONFile.object(at: configurationFile), path: configurationFile.path)
            normalizer.lowercases = try reader.optionalBool("do_lower_case") ?? true
            stripsAccents = try reader.optionalBool("strip_accents")
            normalizer.splitsChineseCharacters = try reader.optionalBool("tokenize_chinese_chars") ?? true
            unknownToken = try reader.optionalString("unk_token") ?? unknownToken
            classifierToken = try reader.optionalString("cls_token") ?? classifierToken
            separatorToken = try reader.optionalString("sep_token") ?? separatorToken
            paddingToken = try reader.optionalString("pad_token") ?? paddingToken
        }
        normalizer.stripsAccents = stripsAccents ?? normalizer.lowercases
        var ids: [String: Int32] = [:]
        for token in [unknownToken, classifierToken, separatorToken] {
            guard let id = vocabulary.id(for: token) else {
                throw SentenceEncoderError.missingSpecialToken(path: vocabularyFile.path, token: token)
            }
            ids[token] = id
        }
        var specials: [AddedToken] = []
        for token in [paddingToken, unknownToken, classifierToken, separatorToken, "[MASK]"] {
            let scalars = Array(token.unicodeScalars)
            if let id = vocabulary.id(for: scalars), !specials.contains(where: { $0.content == scalars }) {
                specials.append(AddedToken(content: scalars, id: id, normalized: false, special: true))
            }
        }
        let model = WordPieceModel(vocabulary: vocabulary, unknownToken: unknownToken,
                                   source: (vocabularyFile.path, "model (WordPiece)"))
        return PipelineTokenizer(
            addedTokens: specials, normalizer: normalizer, preTokenizer: BertPreTokenizer(), model: model,
            postProcessor: .wrapping(first: [ids[classifierToken]!], last: [ids[separatorToken]!]),
            maximumLength: maximumLength, paddingID: vocabulary.id(for: paddingToken) ?? 0)
    }
}

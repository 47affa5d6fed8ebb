import Foundation

/// Reads the tokenizer of a model folder.
public enum TokenizerLoader {
    /// The tokenizer of the model folder `folder`: its `tokenizer.json` when present, otherwise
    /// `vocab.txt` (BERT WordPiece) with the optional `tokenizer_config.json`.
    ///
    /// - Parameters:
    ///   - folder: the folder holding the tokenizer files (the Transformer module's folder).
    ///   - maximumLength: the longest id sequence, special tokens included (sentence-transformers'
    ///     `max_seq_length`); longer texts are truncated, keeping the special tokens.
    /// - Throws: ``SentenceEncoderError`` naming the file and, for `tokenizer.json`, the
    ///   component that is missing, malformed or unsupported.
    public static func load(folder: URL, maximumLength: Int) throws -> any Tokenizer {
        WordPieceAdapter(tokenizer: try BertTokenizer(contentsOf: folder), maximumLength: maximumLength)
    }
}

/// Temporary: today's WordPiece tokenizer behind the protocol until the interpreter lands.
struct WordPieceAdapter: Tokenizer {
    let tokenizer: BertTokenizer
    let maximumLength: Int
    var paddingID: Int32 { tokenizer.paddingID }
    var vocabularySize: Int {
        let vocabulary = tokenizer.configuration.vocabulary
        return Int(max(tokenizer.classifierID, tokenizer.separatorID, tokenizer.wordPieceTokenizer.unknownID)) + 1 > vocabulary.count
            ? Int(max(tokenizer.classifierID, tokenizer.separatorID, tokenizer.wordPieceTokenizer.unknownID)) + 1 : vocabulary.count
    }
    func encode(_ text: String) throws -> [Int32] { tokenizer.encode(text, maxLength: maximumLength) }
}

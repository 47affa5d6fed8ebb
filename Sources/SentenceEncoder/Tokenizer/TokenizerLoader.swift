import Foundation

/// Reads the tokenizer of a model folder.
public enum TokenizerLoader {
    /// The tokenizer of the model folder `folder`: its `tokenizer.json` when present (every
    /// component in `docs/SentenceEncoder.md`), otherwise `vocab.txt` (BERT WordPiece) with the
    /// optional `tokenizer_config.json`.
    ///
    /// - Parameters:
    ///   - folder: the folder holding the tokenizer files (the Transformer module's folder).
    ///   - maximumLength: the longest id sequence, special tokens included (sentence-transformers'
    ///     `max_seq_length`); longer texts are truncated, keeping the special tokens.
    /// - Throws: ``SentenceEncoderError`` naming the file and, for `tokenizer.json`, the
    ///   component that is missing, malformed or unsupported.
    public static func load(folder: URL, maximumLength: Int) throws -> any Tokenizer {
        let tokenizerJSON = folder.appendingPathComponent("tokenizer.json")
        if FileManager.default.fileExists(atPath: tokenizerJSON.path) {
            return try TokenizerFile.tokenizer(contentsOf: tokenizerJSON, maximumLength: maximumLength)
        }
        return try VocabularyFile.tokenizer(vocabularyFile: folder.appendingPathComponent("vocab.txt"),
                                            configurationFile: folder.appendingPathComponent("tokenizer_config.json"),
                                            maximumLength: maximumLength)
    }

    /// The tokenizer of the `tokenizer.json` file at `file`.
    ///
    /// - Throws: ``SentenceEncoderError`` naming the file and the component that is missing,
    ///   malformed or unsupported.
    public static func load(tokenizerJSON file: URL, maximumLength: Int) throws -> any Tokenizer {
        try TokenizerFile.tokenizer(contentsOf: file, maximumLength: maximumLength)
    }
}

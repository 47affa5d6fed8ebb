import Foundation

/// Reads a Hugging Face `tokenizer.json` into a ``PipelineTokenizer``.
enum TokenizerFile {
    /// The tokenizer described by the file at `url`, truncating to `maximumLength` ids.
    ///
    /// - Throws: ``SentenceEncoderError``: `missingFile`, `unreadableFile`, `invalidJSON` for the
    ///   file itself; `invalidTokenizer` / `unsupportedTokenizerComponent` naming the component.
    static func tokenizer(contentsOf url: URL, maximumLength: Int) throws -> PipelineTokenizer {
        let path = url.path
        let root = try JSONComponent.root(contentsOf: url)
        guard !root.isAbsent("model") else {
            throw SentenceEncoderError.invalidTokenizer(path: path, component: "model", reason: "missing")
        }
        let model = try ModelReader.model(try JSONComponent(root["model"], path: path, location: "model"))
        let normalizer = try root.isAbsent("normalizer") ? nil
            : NormalizerReader.normalizer(try JSONComponent(root["normalizer"], path: path, location: "normalizer"))
        let preTokenizer = try root.isAbsent("pre_tokenizer") ? nil
            : PreTokenizerReader.preTokenizer(try JSONComponent(root["pre_tokenizer"], path: path, location: "pre_tokenizer"))
        let postProcessor = try root.isAbsent("post_processor") ? PostProcessor.identity
            : PostProcessorReader.postProcessor(try JSONComponent(root["post_processor"], path: path, location: "post_processor"))
        let addedTokens = try self.addedTokens(root, model: model)
        var paddingID: Int32?
        if !root.isAbsent("padding") {
            let padding = try root.component("padding")
            if let id = try padding.optionalInt("pad_id") {
                guard (0...Int(Int32.max)).contains(id) else { throw padding.invalid("\"pad_id\" \(id) is not a token id") }
                paddingID = Int32(id)
            }
        }
        if paddingID == nil {
            for name in ["[PAD]", "<pad>", "<|padding|>"] {
                let scalars = Array(name.unicodeScalars)
                if let id = addedTokens.first(where: { $0.content == scalars })?.id ?? model.id(for: scalars) {
                    paddingID = id
                    break
                }
            }
        }
        return PipelineTokenizer(addedTokens: addedTokens, normalizer: normalizer, preTokenizer: preTokenizer, model: model,
                                 postProcessor: postProcessor, maximumLength: maximumLength, paddingID: paddingID ?? 0)
    }

    /// `added_tokens`, with ids as the Hugging Face tokenizer assigns them on loading: the
    /// model's id of the content when it has one, otherwise the next id after the model's
    /// vocabulary; a later entry with the same content replaces the earlier one's settings.
    private static func addedTokens(_ root: JSONComponent, model: any TokenizerModel) throws -> [AddedToken] {
        guard !root.isAbsent("added_tokens") else { return [] }
        let entries = try root.array("added_tokens")
        var tokens: [AddedToken] = []
        var indexByContent: [[Unicode.Scalar]: Int] = [:]
        var nextID = Int32(clamping: model.tokenCount)
        for (index, entry) in entries.enumerated() {
            let component = try JSONComponent(entry, path: root.path, location: "added_tokens[\(index)]")
            let content = Array(try component.string("content").unicodeScalars)
            if content.isEmpty { continue }
            let special = try component.bool("special", default: false)
            var token = AddedToken(content: content, id: 0,
                                   singleWord: try component.bool("single_word", default: false),
                                   leftStrip: try component.bool("lstrip", default: false),
                                   rightStrip: try component.bool("rstrip", default: false),
                                   normalized: try component.bool("normalized", default: !special),
                                   special: special)
            if let existing = indexByContent[content] {
                token.id = tokens[existing].id
                tokens[existing] = token
                continue
            }
            if let id = model.id(for: content) {
                token.id = id
            } else {
                token.id = nextID
                nextID += 1
            }
            indexByContent[content] = tokens.count
            tokens.append(token)
        }
        return tokens
    }
}

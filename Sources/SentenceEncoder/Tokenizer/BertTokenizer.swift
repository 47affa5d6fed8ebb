import Foundation

/// A BERT WordPiece tokenizer that reproduces the Hugging Face fast tokenizer's ids:
/// verbatim special tokens are split out of the raw text, the rest is normalized and split by
/// ``BasicTokenizer``, each word is split by ``WordPieceTokenizer``, the ids are truncated to
/// `maxLength - 2` and wrapped as `[CLS] … [SEP]`.
public struct BertTokenizer: Sendable {
    /// The configuration it follows.
    public let configuration: TokenizerConfiguration
    /// Normalization and word splitting.
    public let basicTokenizer: BasicTokenizer
    /// Sub-word splitting.
    public let wordPieceTokenizer: WordPieceTokenizer
    /// Id of the token that starts each sequence (`[CLS]`).
    public let classifierID: Int32
    /// Id of the token that ends each sequence (`[SEP]`).
    public let separatorID: Int32
    /// Id of the padding token (`[PAD]`; 0 when the vocabulary lacks it).
    public let paddingID: Int32
    /// Verbatim tokens as scalars with their ids, longest first.
    private let verbatimTokens: [([Unicode.Scalar], Int32)]

    /// A tokenizer following `configuration`.
    public init(configuration: TokenizerConfiguration) {
        self.configuration = configuration
        basicTokenizer = BasicTokenizer(configuration: configuration)
        wordPieceTokenizer = WordPieceTokenizer(configuration: configuration)
        let vocabulary = configuration.vocabulary
        classifierID = vocabulary.id(for: configuration.classifierToken) ?? 0
        separatorID = vocabulary.id(for: configuration.separatorToken) ?? 0
        paddingID = vocabulary.id(for: configuration.paddingToken) ?? 0
        verbatimTokens = configuration.verbatimTokens
            .map { (Array($0.key.unicodeScalars), $0.value) }
            .sorted { $0.0.count != $1.0.count ? $0.0.count > $1.0.count : $0.1 < $1.1 }
    }

    /// Reads the tokenizer of the model folder at `folder` (see ``TokenizerConfiguration/init(contentsOf:)``).
    public init(contentsOf folder: URL) throws {
        self.init(configuration: try TokenizerConfiguration(contentsOf: folder))
    }

    /// The ids of `text` without special tokens and without truncation.
    public func tokenIDs(_ text: String) -> [Int32] {
        var ids: [Int32] = []
        for segment in segments(of: text) {
            switch segment {
            case .verbatim(let id):
                ids.append(id)
            case .text(let scalars):
                var view = String.UnicodeScalarView()
                view.append(contentsOf: scalars)
                for word in basicTokenizer.words(in: Substring(String(view))) {
                    wordPieceTokenizer.tokenize(word, into: &ids)
                }
            }
        }
        return ids
    }

    /// The model input ids of `text`: `[CLS]`, at most `maxLength - 2` token ids, `[SEP]`.
    ///
    /// - Parameters:
    ///   - text: the text to tokenize.
    ///   - maxLength: the longest sequence, special tokens included (at least 2).
    public func encode(_ text: String, maxLength: Int) -> [Int32] {
        var ids = tokenIDs(text)
        let budget = max(0, maxLength - 2)
        if ids.count > budget { ids.removeSubrange(budget...) }
        ids.insert(classifierID, at: 0)
        ids.append(separatorID)
        return ids
    }

    private enum Segment {
        case text(ArraySlice<Unicode.Scalar>)
        case verbatim(Int32)
    }

    /// Splits the raw text at verbatim special tokens (leftmost, then longest match).
    private func segments(of text: String) -> [Segment] {
        let scalars = Array(text.unicodeScalars)
        guard !verbatimTokens.isEmpty, scalars.contains("[") || verbatimTokens.contains(where: { $0.0.first != "[" }) else {
            return [.text(scalars[...])]
        }
        var result: [Segment] = []
        var segmentStart = 0
        var index = 0
        outer: while index < scalars.count {
            for (token, id) in verbatimTokens where token.first == scalars[index] && index + token.count <= scalars.count {
                if scalars[index..<(index + token.count)].elementsEqual(token) {
                    if segmentStart < index { result.append(.text(scalars[segmentStart..<index])) }
                    result.append(.verbatim(id))
                    index += token.count
                    segmentStart = index
                    continue outer
                }
            }
            index += 1
        }
        if segmentStart < scalars.count { result.append(.text(scalars[segmentStart...])) }
        return result
    }
}

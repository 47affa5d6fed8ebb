/// A tokenizer assembled from the components of a Hugging Face `tokenizer.json` (or from a BERT
/// `vocab.txt`), encoding a single sequence as the fast tokenizer does:
///
/// 1. added tokens with `normalized: false` are split out of the raw text;
/// 2. the rest is normalized, and added tokens with `normalized: true` are split out of it;
/// 3. each remaining stretch is pre-tokenized into pieces and each piece tokenized by the model;
/// 4. the ids are truncated to ``maximumLength`` minus the post-processor's special tokens;
/// 5. the post-processor adds its special tokens.
struct PipelineTokenizer: Tokenizer {
    /// Added tokens matched in the raw text.
    var rawTokens: AddedTokenMatcher
    /// Added tokens matched in the normalized text (their contents normalized).
    var normalizedTokens: AddedTokenMatcher
    /// The normalizer, if any.
    var normalizer: (any Normalizer)?
    /// The pre-tokenizer, if any.
    var preTokenizer: (any PreTokenizer)?
    /// The sub-word model.
    var model: any TokenizerModel
    /// The special tokens around the sequence.
    var postProcessor: PostProcessor
    let maximumLength: Int
    let paddingID: Int32
    let vocabularySize: Int

    /// A tokenizer of these components.
    ///
    /// - Parameters:
    ///   - addedTokens: the added tokens, with their ids resolved.
    ///   - maximumLength: the longest output, special tokens included (at least the number of
    ///     special tokens the post-processor adds; raised to it when lower).
    ///   - paddingID: the id that pads batches.
    init(addedTokens: [AddedToken], normalizer: (any Normalizer)?, preTokenizer: (any PreTokenizer)?,
         model: any TokenizerModel, postProcessor: PostProcessor, maximumLength: Int, paddingID: Int32) {
        self.normalizer = normalizer
        self.preTokenizer = preTokenizer
        self.model = model
        self.postProcessor = postProcessor
        rawTokens = AddedTokenMatcher(addedTokens.filter { !$0.normalized }) { $0.content }
        normalizedTokens = AddedTokenMatcher(addedTokens.filter(\.normalized)) { token in
            normalizer?.normalize(token.content) ?? token.content
        }
        self.maximumLength = max(maximumLength, postProcessor.addedTokenCount)
        self.paddingID = paddingID
        let largest = ([model.largestID ?? -1, paddingID] + addedTokens.map(\.id) + postProcessor.specialIDs).max() ?? -1
        vocabularySize = Int(largest) + 1
    }

    func encode(_ text: String) throws(SentenceEncoderError) -> [Int32] {
        var ids = try tokenIDs(text)
        let budget = maximumLength - postProcessor.addedTokenCount
        if ids.count > budget { ids.removeSubrange(budget...) }
        return postProcessor.apply(to: ids)
    }

    /// The ids of `text` without special tokens and without truncation.
    func tokenIDs(_ text: String) throws(SentenceEncoderError) -> [Int32] {
        var ids: [Int32] = []
        var rawSegments: [AddedTokenMatcher.Segment] = []
        rawTokens.split(TextPiece(Array(text.unicodeScalars), startsText: true), into: &rawSegments)
        var segments: [AddedTokenMatcher.Segment] = []
        for segment in rawSegments {
            guard case .text(var piece) = segment else {
                segments.append(segment)
                continue
            }
            if let normalizer { piece.scalars = normalizer.normalize(piece.scalars) }
            normalizedTokens.split(piece, into: &segments)
        }
        var pieces: [TextPiece] = []
        for segment in segments {
            switch segment {
            case .token(let id):
                ids.append(id)
            case .text(let piece):
                pieces.removeAll(keepingCapacity: true)
                pieces.append(piece)
                preTokenizer?.preTokenize(&pieces)
                for piece in pieces where !piece.scalars.isEmpty {
                    try model.tokenize(piece.scalars, into: &ids)
                }
            }
        }
        return ids
    }
}

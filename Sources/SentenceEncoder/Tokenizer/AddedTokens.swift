/// A token of `tokenizer.json`'s `added_tokens` (special tokens such as `[CLS]`, `<mask>`, and
/// tokens added after training), matched in the text before the model sees it.
struct AddedToken: Sendable, Equatable {
    /// The token's text.
    var content: [Unicode.Scalar]
    /// Its id.
    var id: Int32
    /// Matched only when not inside a word (`single_word`).
    var singleWord = false
    /// The match takes the White_Space before it (`lstrip`).
    var leftStrip = false
    /// The match takes the White_Space after it (`rstrip`).
    var rightStrip = false
    /// Matched in the normalized text, with its content normalized (`normalized`); otherwise
    /// matched in the raw text first.
    var normalized = true
    /// A special token (`special`; kept for completeness: encoding treats both alike).
    var special = false
}

/// Finds added tokens in text as the Hugging Face `AddedVocabulary` does: leftmost match first,
/// the longest token at that position; `single_word`, `lstrip` and `rstrip` as there.
struct AddedTokenMatcher: Sendable {
    /// The tokens, each with the scalars it is matched as.
    private let patterns: [(scalars: [Unicode.Scalar], token: AddedToken)]
    /// Pattern indices by first scalar, longest pattern first.
    private let byFirstScalar: [Unicode.Scalar: [Int]]

    /// A matcher for `tokens`, each matched as `pattern(token)`; tokens with empty patterns are
    /// never matched.
    init(_ tokens: [AddedToken], pattern: (AddedToken) -> [Unicode.Scalar]) {
        patterns = tokens.map { (pattern($0), $0) }.filter { !$0.0.isEmpty }
        var byFirst: [Unicode.Scalar: [Int]] = [:]
        for (index, entry) in patterns.enumerated() { byFirst[entry.scalars[0], default: []].append(index) }
        let patterns = patterns
        byFirstScalar = byFirst.mapValues { indices in
            indices.sorted { patterns[$0].scalars.count != patterns[$1].scalars.count
                ? patterns[$0].scalars.count > patterns[$1].scalars.count : $0 < $1 }
        }
    }

    /// Whether there is nothing to match.
    var isEmpty: Bool { patterns.isEmpty }

    /// One stretch of a split: text, or an added token's id.
    enum Segment {
        case text(TextPiece)
        case token(Int32)
    }

    /// Splits `piece` at the added tokens it holds (`AddedVocabulary::find_matches`); text
    /// stretches keep their place (the first one begins the text when `piece` does and it starts
    /// at 0); empty text stretches are dropped.
    func split(_ piece: TextPiece, into output: inout [Segment]) {
        let scalars = piece.scalars
        guard !patterns.isEmpty, !scalars.isEmpty else {
            if !scalars.isEmpty { output.append(.text(piece)) }
            return
        }
        var startOffset = 0
        var position = 0
        while position < scalars.count {
            guard let candidates = byFirstScalar[scalars[position]],
                  let match = candidates.first(where: { matches(patterns[$0].scalars, in: scalars, at: position) }) else {
                position += 1
                continue
            }
            let token = patterns[match].token
            var start = position
            var stop = position + patterns[match].scalars.count
            // Leftmost-longest non-overlapping matches: the search resumes after this match,
            // whether or not the token is kept.
            position = stop
            if token.singleWord {
                let startsWord = start == 0 || !WhitespacePreTokenizer.isWord(scalars[start - 1])
                let endsWord = stop == scalars.count || !WhitespacePreTokenizer.isWord(scalars[stop])
                if !startsWord || !endsWord { continue }
            }
            if token.leftStrip {
                var newStart = start
                while newStart > 0 && scalars[newStart - 1].properties.isWhitespace { newStart -= 1 }
                start = max(newStart, startOffset)
            }
            if token.rightStrip {
                while stop < scalars.count && scalars[stop].properties.isWhitespace { stop += 1 }
            }
            if startOffset < start { output.append(.text(piece.slice(startOffset..<start))) }
            output.append(.token(token.id))
            startOffset = max(startOffset, stop)
        }
        if startOffset < scalars.count { output.append(.text(piece.slice(startOffset..<scalars.count))) }
    }

    private func matches(_ pattern: [Unicode.Scalar], in scalars: [Unicode.Scalar], at position: Int) -> Bool {
        guard position + pattern.count <= scalars.count else { return false }
        for offset in 1..<pattern.count where scalars[position + offset] != pattern[offset] { return false }
        return true
    }
}

/// One pre-tokenization step (`tokenizer.json`'s `pre_tokenizer`): splits each piece of
/// normalized text into smaller pieces (words) and may rewrite them (Metaspace, ByteLevel). The
/// model then splits each piece into tokens on its own.
protocol PreTokenizer: Sendable {
    /// Replaces `pieces` by their splits, in order; empty pieces are dropped.
    func preTokenize(_ pieces: inout [TextPiece])
}

extension PreTokenizer {
    /// Replaces each piece by what `split` appends for it.
    func splitEach(_ pieces: inout [TextPiece], _ split: (TextPiece, inout [TextPiece]) -> Void) {
        var output: [TextPiece] = []
        output.reserveCapacity(pieces.count * 2)
        for piece in pieces { split(piece, &output) }
        pieces = output
    }
}

/// Pre-tokenizers applied in order (`Sequence`).
struct PreTokenizerSequence: PreTokenizer {
    /// The steps, first applied first.
    var preTokenizers: [any PreTokenizer]

    func preTokenize(_ pieces: inout [TextPiece]) {
        for preTokenizer in preTokenizers { preTokenizer.preTokenize(&pieces) }
    }
}

/// BERT's pre-tokenizer (`BertPreTokenizer`): split at White_Space (dropped), then around
/// punctuation (each punctuation scalar a piece of its own; ASCII punctuation or Unicode 8.0 P*).
struct BertPreTokenizer: PreTokenizer {
    func preTokenize(_ pieces: inout [TextPiece]) {
        splitEach(&pieces) { piece, output in
            var start = 0
            for (index, scalar) in piece.scalars.enumerated() {
                if BertCharacterClasses.isWhitespace(scalar) {
                    if start < index { output.append(piece.slice(start..<index)) }
                    start = index + 1
                } else if BertCharacterClasses.isPunctuation(scalar) {
                    if start < index { output.append(piece.slice(start..<index)) }
                    output.append(piece.slice(index..<(index + 1)))
                    start = index + 1
                }
            }
            if start < piece.scalars.count { output.append(piece.slice(start..<piece.scalars.count)) }
        }
    }
}

/// Split at White_Space, which is dropped (`WhitespaceSplit`).
struct WhitespaceSplitPreTokenizer: PreTokenizer {
    func preTokenize(_ pieces: inout [TextPiece]) {
        splitEach(&pieces) { piece, output in
            SplitBehavior.removed.split(piece, where: { $0.properties.isWhitespace }, into: &output)
        }
    }
}

/// Runs of word scalars and runs of other non-space scalars; White_Space dropped (`Whitespace`,
/// the regular expression `\w+|[^\w\s]+`). Word scalars as the Rust `regex` crate's `\w`:
/// Alphabetic, marks, decimal digits, connector punctuation, join controls.
struct WhitespacePreTokenizer: PreTokenizer {
    func preTokenize(_ pieces: inout [TextPiece]) {
        splitEach(&pieces) { piece, output in
            let scalars = piece.scalars
            var index = 0
            while index < scalars.count {
                if scalars[index].properties.isWhitespace { index += 1; continue }
                let word = Self.isWord(scalars[index])
                let start = index
                while index < scalars.count, !scalars[index].properties.isWhitespace, Self.isWord(scalars[index]) == word {
                    index += 1
                }
                output.append(piece.slice(start..<index))
            }
        }
    }

    /// Unicode `\w`.
    static func isWord(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII {
            let value = scalar.value
            return (48...57).contains(value) || (65...90).contains(value) || (97...122).contains(value) || value == 95
        }
        let properties = scalar.properties
        if properties.isAlphabetic || properties.isJoinControl { return true }
        switch properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark, .decimalNumber, .connectorPunctuation: return true
        default: return false
        }
    }
}

/// Split around punctuation (`Punctuation`): ASCII punctuation or a Unicode 8.0 P* category,
/// each scalar a match of its own.
struct PunctuationPreTokenizer: PreTokenizer {
    /// What happens to the punctuation (default `Isolated`).
    var behavior: SplitBehavior = .isolated

    func preTokenize(_ pieces: inout [TextPiece]) {
        splitEach(&pieces) { piece, output in
            behavior.split(piece, where: BertCharacterClasses.isPunctuation, into: &output)
        }
    }
}

/// Split around numeric scalars (`Digits`): each digit alone (`individual_digits`) or runs of them.
struct DigitsPreTokenizer: PreTokenizer {
    /// Whether each digit is a piece of its own.
    var individualDigits: Bool

    func preTokenize(_ pieces: inout [TextPiece]) {
        splitEach(&pieces) { piece, output in
            (individualDigits ? SplitBehavior.isolated : .contiguous).split(piece, where: Self.isNumeric, into: &output)
        }
    }

    /// Rust's `char::is_numeric`: general categories Nd, Nl, No.
    static func isNumeric(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII { return (48...57).contains(scalar.value) }
        switch scalar.properties.generalCategory {
        case .decimalNumber, .letterNumber, .otherNumber: return true
        default: return false
        }
    }
}

/// Split at one delimiter scalar, which is dropped (`CharDelimiterSplit`).
struct CharacterDelimiterPreTokenizer: PreTokenizer {
    /// The delimiter.
    var delimiter: Unicode.Scalar

    func preTokenize(_ pieces: inout [TextPiece]) {
        splitEach(&pieces) { piece, output in
            SplitBehavior.removed.split(piece, where: { $0 == delimiter }, into: &output)
        }
    }
}

/// Split at the matches of a pattern (`Split`): `behavior` says what becomes of them; with
/// `invert` the stretches between matches are treated as the matches.
struct SplitPreTokenizer: PreTokenizer {
    /// The pattern.
    var pattern: TextPattern
    /// What happens to the matches.
    var behavior: SplitBehavior
    /// Whether matches and non-matches swap roles.
    var invert: Bool

    func preTokenize(_ pieces: inout [TextPiece]) {
        splitEach(&pieces) { piece, output in
            var segments = SplitBehavior.segments(of: piece.scalars.count, matches: pattern.matches(in: piece.scalars))
            if invert {
                for index in segments.indices { segments[index].isMatch.toggle() }
            }
            behavior.split(piece, segments: segments, into: &output)
        }
    }
}

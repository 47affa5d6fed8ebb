/// A stretch of text on its way through the tokenizer: the Unicode scalars the next stage sees.
///
/// The Hugging Face tokenizer keeps byte offsets into the original text; the one decision that
/// depends on them (Metaspace with `prepend_scheme: first`) needs only whether a piece begins the
/// text, which ``startsText`` carries.
struct TextPiece: Equatable {
    /// The scalars of the piece.
    var scalars: [Unicode.Scalar]
    /// Whether the piece starts at the beginning of the input text.
    var startsText: Bool

    /// A piece of `scalars`.
    init(_ scalars: [Unicode.Scalar], startsText: Bool) {
        self.scalars = scalars
        self.startsText = startsText
    }

    /// The sub-piece `range`, which begins the text when this piece does and `range` starts at 0.
    func slice(_ range: Range<Int>) -> TextPiece {
        TextPiece(Array(scalars[range]), startsText: startsText && range.lowerBound == 0)
    }
}

/// What a split does with the stretches its pattern matches (Hugging Face `SplitDelimiterBehavior`).
enum SplitBehavior: String, Sendable {
    /// Matches are dropped.
    case removed = "Removed"
    /// Each match is a piece of its own.
    case isolated = "Isolated"
    /// A match is joined to the piece before it.
    case mergedWithPrevious = "MergedWithPrevious"
    /// A match is joined to the piece after it.
    case mergedWithNext = "MergedWithNext"
    /// Consecutive matches form one piece.
    case contiguous = "Contiguous"

    /// The pieces of `piece` given `segments`: consecutive ranges covering the piece, each flagged
    /// whether the pattern matched it (as `Pattern::find_matches` returns them). Empty pieces are
    /// dropped, as `PreTokenizedString::split` drops them.
    func split(_ piece: TextPiece, segments: [(range: Range<Int>, isMatch: Bool)], into output: inout [TextPiece]) {
        var kept: [(range: Range<Int>, remove: Bool)] = []
        kept.reserveCapacity(segments.count)
        switch self {
        case .isolated:
            for segment in segments { kept.append((segment.range, false)) }
        case .removed:
            for segment in segments { kept.append((segment.range, segment.isMatch)) }
        case .contiguous:
            var previousMatch = false
            for segment in segments {
                if segment.isMatch == previousMatch, let last = kept.last {
                    kept[kept.count - 1].range = last.range.lowerBound..<segment.range.upperBound
                } else {
                    kept.append((segment.range, false))
                }
                previousMatch = segment.isMatch
            }
        case .mergedWithPrevious:
            var previousMatch = false
            for segment in segments {
                if segment.isMatch && !previousMatch, let last = kept.last {
                    kept[kept.count - 1].range = last.range.lowerBound..<segment.range.upperBound
                } else {
                    kept.append((segment.range, false))
                }
                previousMatch = segment.isMatch
            }
        case .mergedWithNext:
            var previousMatch = false
            for segment in segments.reversed() {
                if segment.isMatch && !previousMatch, let last = kept.last {
                    kept[kept.count - 1].range = segment.range.lowerBound..<last.range.upperBound
                } else {
                    kept.append((segment.range, false))
                }
                previousMatch = segment.isMatch
            }
            kept.reverse()
        }
        for (range, remove) in kept where !remove && !range.isEmpty {
            output.append(piece.slice(range))
        }
    }

    /// `split` with segments from a per-scalar predicate: every scalar for which `matches` is true
    /// is a match of its own (`impl Pattern for Fn(char) -> bool`).
    func split(_ piece: TextPiece, where matches: (Unicode.Scalar) -> Bool, into output: inout [TextPiece]) {
        split(piece, segments: Self.segments(of: piece.scalars, where: matches), into: &output)
    }

    /// The segments of `scalars` for a per-scalar predicate.
    static func segments(of scalars: [Unicode.Scalar], where matches: (Unicode.Scalar) -> Bool) -> [(range: Range<Int>, isMatch: Bool)] {
        var segments: [(range: Range<Int>, isMatch: Bool)] = []
        var start = 0
        for (index, scalar) in scalars.enumerated() where matches(scalar) {
            if start < index { segments.append((start..<index, false)) }
            segments.append((index..<(index + 1), true))
            start = index + 1
        }
        if start < scalars.count { segments.append((start..<scalars.count, false)) }
        return segments
    }

    /// The segments of `count` scalars for a list of match ranges (ascending, non-overlapping).
    static func segments(of count: Int, matches: [Range<Int>]) -> [(range: Range<Int>, isMatch: Bool)] {
        var segments: [(range: Range<Int>, isMatch: Bool)] = []
        var previous = 0
        for match in matches {
            if previous < match.lowerBound { segments.append((previous..<match.lowerBound, false)) }
            segments.append((match, true))
            previous = match.upperBound
        }
        if previous < count { segments.append((previous..<count, false)) }
        return segments
    }
}

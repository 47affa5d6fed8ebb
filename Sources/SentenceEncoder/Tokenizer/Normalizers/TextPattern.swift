import Foundation

/// What `Split` and `Replace` search for: `{"String": "…"}` (a literal) or `{"Regex": "…"}` (a
/// regular expression, which the Hugging Face tokenizer runs with Oniguruma and EmbedQ with ICU
/// through `NSRegularExpression`: the same syntax for the classes tokenizers use — `\s` is
/// Unicode White_Space in both, `\p{L}`, `\p{N}`, look-ahead, `(?i:…)`).
enum TextPattern: Sendable {
    /// A literal run of scalars (matched scalar by scalar).
    case literal([Unicode.Scalar])
    /// A compiled regular expression.
    case regex(RegularExpression)

    /// The non-overlapping matches in `scalars`, left to right, as scalar index ranges (matches
    /// may be empty for a regular expression that matches the empty string).
    func matches(in scalars: [Unicode.Scalar]) -> [Range<Int>] {
        switch self {
        case .literal(let needle):
            guard !needle.isEmpty, needle.count <= scalars.count else { return [] }
            var matches: [Range<Int>] = []
            var index = 0
            let first = needle[0]
            while index + needle.count <= scalars.count {
                if scalars[index] == first && scalars[index..<(index + needle.count)].elementsEqual(needle) {
                    matches.append(index..<(index + needle.count))
                    index += needle.count
                } else {
                    index += 1
                }
            }
            return matches
        case .regex(let expression):
            return expression.matches(in: scalars)
        }
    }
}

/// An `NSRegularExpression` usable from several threads (it is immutable and documented as
/// thread-safe) that reports matches as Unicode-scalar index ranges.
final class RegularExpression: @unchecked Sendable {
    /// The pattern text, for messages.
    let pattern: String
    private let expression: NSRegularExpression

    /// Compiles `pattern`.
    ///
    /// - Throws: the `NSRegularExpression` error for an invalid pattern.
    init(_ pattern: String) throws {
        self.pattern = pattern
        expression = try NSRegularExpression(pattern: pattern, options: [])
    }

    /// The matches of the expression in `scalars`, left to right.
    func matches(in scalars: [Unicode.Scalar]) -> [Range<Int>] {
        guard !scalars.isEmpty else { return [] }
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars)
        let text = String(view)
        // UTF-16 offset -> scalar index (scalars outside the BMP take two UTF-16 units).
        var scalarIndex = [Int](repeating: 0, count: text.utf16.count + 1)
        var offset = 0
        for (index, scalar) in scalars.enumerated() {
            let width = scalar.value > 0xFFFF ? 2 : 1
            for unit in 0..<width { scalarIndex[offset + unit] = index }
            offset += width
        }
        scalarIndex[offset] = scalars.count
        let results = expression.matches(in: text, options: [], range: NSRange(location: 0, length: offset))
        return results.compactMap { result in
            let range = result.range
            guard range.location != NSNotFound, range.location >= 0, range.location + range.length <= offset else { return nil }
            return scalarIndex[range.location]..<scalarIndex[range.location + range.length]
        }
    }
}

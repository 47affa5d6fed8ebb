/// A vocabulary: token text ↔ token id.
///
/// Tokens are keyed by their exact Unicode scalars rather than by `String`, because Swift's
/// `String` equality treats canonically equivalent texts ("é" precomposed and "e" + U+0301) as
/// equal, while the Hugging Face tokenizer compares code points exactly.
public struct Vocabulary: Sendable {
    private var ids: [[Unicode.Scalar]: Int32]

    /// The number of tokens in the vocabulary.
    public var count: Int { ids.count }

    /// The length in scalars of the longest token, for bounding the greedy WordPiece search.
    public private(set) var longestTokenLength: Int

    /// The largest id, or `nil` for an empty vocabulary.
    public private(set) var largestID: Int32?

    /// Builds a vocabulary from `(token, id)` pairs. A later duplicate token replaces an earlier one.
    public init<S: Sequence>(_ entries: S) where S.Element == (String, Int32) {
        var ids: [[Unicode.Scalar]: Int32] = [:]
        ids.reserveCapacity(entries.underestimatedCount)
        var longest = 0
        var largest: Int32?
        for (token, id) in entries {
            let scalars = Array(token.unicodeScalars)
            ids[scalars] = id
            longest = max(longest, scalars.count)
            largest = max(largest ?? id, id)
        }
        self.ids = ids
        self.longestTokenLength = longest
        self.largestID = largest
    }

    /// The id of the token spelled by exactly these scalars, or `nil`.
    public func id(for scalars: [Unicode.Scalar]) -> Int32? {
        ids[scalars]
    }

    /// The id of `token`, compared scalar by scalar, or `nil`.
    public func id(for token: String) -> Int32? {
        ids[Array(token.unicodeScalars)]
    }

    /// The byte-fallback token of `byte`: `<0x0A>` (two upper-case hexadecimal digits).
    static func byteToken(_ byte: Int) -> String {
        let digits = Array("0123456789ABCDEF")
        return "<0x" + String([digits[(byte >> 4) & 15], digits[byte & 15]]) + ">"
    }
}

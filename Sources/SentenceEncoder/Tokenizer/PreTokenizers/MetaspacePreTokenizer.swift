/// SentencePiece's word marking (`Metaspace`): each U+0020 becomes the replacement (`▁`), a
/// replacement is put before the piece as `prepend_scheme` says (unless it already starts with
/// one), and with `split` the piece is split before every replacement (`MergedWithNext`).
struct MetaspacePreTokenizer: PreTokenizer {
    /// When the replacement is put before a piece.
    enum PrependScheme: String, Sendable {
        /// Before every piece.
        case always
        /// Never.
        case never
        /// Only before the piece that starts the text (not after an added token).
        case first
    }

    /// The scalar spaces become (`replacement`, `▁` by default).
    var replacement: Unicode.Scalar = "\u{2581}"
    /// When to prepend the replacement.
    var prependScheme: PrependScheme = .always
    /// Whether pieces are split before each replacement.
    var splits = true

    func preTokenize(_ pieces: inout [TextPiece]) {
        splitEach(&pieces) { piece, output in
            var scalars = piece.scalars
            for index in scalars.indices where scalars[index] == " " { scalars[index] = replacement }
            let prepends: Bool
            switch prependScheme {
            case .always: prepends = scalars.first != replacement
            case .first: prepends = scalars.first != replacement && piece.startsText
            case .never: prepends = false
            }
            if prepends { scalars.insert(replacement, at: 0) }
            let rewritten = TextPiece(scalars, startsText: piece.startsText)
            if splits {
                SplitBehavior.mergedWithNext.split(rewritten, where: { $0 == replacement }, into: &output)
            } else if !scalars.isEmpty {
                output.append(rewritten)
            }
        }
    }
}

import Foundation

/// BERT's text normalization and pre-tokenization, as the Hugging Face `BertNormalizer` and
/// `BertPreTokenizer` do it, on Unicode scalars (code points):
///
/// 1. clean: drop U+0000, U+FFFD and "other" characters (categories Cc, Cf, Cs, Co, except tab,
///    newline and carriage return; unassigned code points stay); map every White_Space
///    character to U+0020;
/// 2. put spaces around CJK ideographs;
/// 3. strip accents: canonical decomposition (NFD), then drop non-spacing marks (Mn);
/// 4. lowercase each scalar (full Unicode lowercase mapping, no context rules);
/// 5. split at whitespace (dropped) and around punctuation (each punctuation scalar its own word;
///    punctuation = ASCII punctuation or a Unicode P* category).
///
/// General categories (control, format, punctuation, non-spacing mark) are those of Unicode 8.0,
/// as in the category tables the Hugging Face tokenizer uses: a code point assigned after 8.0
/// counts as unassigned, so it is neither dropped, split off nor stripped.
public struct BasicTokenizer: Sendable {
    /// See ``TokenizerConfiguration/cleansText``.
    public var cleansText: Bool
    /// See ``TokenizerConfiguration/splitsChineseCharacters``.
    public var splitsChineseCharacters: Bool
    /// Whether accents are stripped (already resolved against lowercasing).
    public var stripsAccents: Bool
    /// See ``TokenizerConfiguration/lowercases``.
    public var lowercases: Bool

    /// A basic tokenizer following `configuration`.
    public init(configuration: TokenizerConfiguration) {
        cleansText = configuration.cleansText
        splitsChineseCharacters = configuration.splitsChineseCharacters
        stripsAccents = configuration.stripsAccents ?? configuration.lowercases
        lowercases = configuration.lowercases
    }

    /// The normalized scalars of `text` (steps 1–4).
    public func normalize(_ text: Substring.UnicodeScalarView) -> [Unicode.Scalar] {
        var scalars: [Unicode.Scalar] = []
        scalars.reserveCapacity(text.count)
        for scalar in text {
            if cleansText {
                if scalar.value == 0 || scalar.value == 0xFFFD || Self.isControl(scalar) { continue }
                if Self.isWhitespace(scalar) {
                    scalars.append(" ")
                    continue
                }
            }
            if splitsChineseCharacters && Self.isChineseCharacter(scalar) {
                scalars.append(" ")
                scalars.append(scalar)
                scalars.append(" ")
            } else {
                scalars.append(scalar)
            }
        }
        if stripsAccents {
            scalars = Self.stripAccents(scalars)
        }
        if lowercases {
            var lowered: [Unicode.Scalar] = []
            lowered.reserveCapacity(scalars.count)
            for scalar in scalars {
                if scalar.isASCII {
                    let value = scalar.value
                    lowered.append(value >= 65 && value <= 90 ? Unicode.Scalar(value + 32)! : scalar)
                } else {
                    lowered.append(contentsOf: scalar.properties.lowercaseMapping.unicodeScalars)
                }
            }
            scalars = lowered
        }
        return scalars
    }

    /// Splits normalized scalars into words (step 5). Whitespace separates words and is dropped;
    /// each punctuation scalar becomes a word of its own.
    public func split(_ scalars: [Unicode.Scalar]) -> [[Unicode.Scalar]] {
        var words: [[Unicode.Scalar]] = []
        var current: [Unicode.Scalar] = []
        for scalar in scalars {
            if Self.isWhitespace(scalar) {
                if !current.isEmpty { words.append(current); current.removeAll(keepingCapacity: true) }
            } else if Self.isPunctuation(scalar) {
                if !current.isEmpty { words.append(current); current.removeAll(keepingCapacity: true) }
                words.append([scalar])
            } else {
                current.append(scalar)
            }
        }
        if !current.isEmpty { words.append(current) }
        return words
    }

    /// Normalizes and splits `text` into words.
    public func words(in text: Substring) -> [[Unicode.Scalar]] {
        split(normalize(text.unicodeScalars))
    }

    // MARK: - Character classes

    /// Unicode White_Space, plus tab, newline and carriage return.
    static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x20, 0x09, 0x0A, 0x0D: return true
        case 0..<0x80: return false
        default: return scalar.properties.isWhitespace
        }
    }

    /// Categories Cc, Cf, Cs, Co, except tab, newline and carriage return.
    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09, 0x0A, 0x0D: return false
        case 0x20..<0x7F: return false
        default:
            switch scalar.properties.generalCategory {
            // Unassigned code points (Cn) are kept, as the Hugging Face tokenizer keeps them.
            case .control, .format, .surrogate, .privateUse: return true
            default: return false
            }
        }
    }

    /// ASCII punctuation (including symbols such as `$`, `+`, `^`) or a Unicode P* category.
    static func isPunctuation(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        if (33...47).contains(value) || (58...64).contains(value) || (91...96).contains(value) || (123...126).contains(value) {
            return true
        }
        if value < 0x80 || !isAssignedInUnicode8(scalar) { return false }
        switch scalar.properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
             .initialPunctuation, .finalPunctuation, .otherPunctuation:
            return true
        default:
            return false
        }
    }

    /// The CJK Unified Ideographs blocks and their extensions and compatibility blocks, as BERT defines them.
    static func isChineseCharacter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0x20000...0x2A6DF, 0x2A700...0x2B73F,
             0x2B740...0x2B81F, 0x2B820...0x2CEAF, 0xF900...0xFAFF, 0x2F800...0x2FA1F:
            return true
        default:
            return false
        }
    }

    /// NFD, then drop non-spacing marks (Mn).
    static func stripAccents(_ scalars: [Unicode.Scalar]) -> [Unicode.Scalar] {
        // Fast path: ASCII needs no decomposition.
        if scalars.allSatisfy(\.isASCII) { return scalars }
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars)
        let decomposed = String(view).decomposedStringWithCanonicalMapping
        return decomposed.unicodeScalars.filter { $0.properties.generalCategory != .nonspacingMark || !isAssignedInUnicode8($0) }
    }

    /// Whether the code point was assigned in Unicode 8.0 or earlier (its age is at most 8.0).
    static func isAssignedInUnicode8(_ scalar: Unicode.Scalar) -> Bool {
        guard let age = scalar.properties.age else { return false }
        return age.major < 8 || (age.major == 8 && age.minor == 0)
    }
}

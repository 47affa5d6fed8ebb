import Foundation

/// BERT's text normalization, as the Hugging Face `BertNormalizer` does it, on Unicode scalars:
///
/// 1. clean: drop U+0000, U+FFFD and "other" characters (categories Cc, Cf, Cs, Co, except tab,
///    newline and carriage return; unassigned code points stay); map every White_Space
///    character to U+0020;
/// 2. put spaces around CJK ideographs;
/// 3. strip accents: canonical decomposition (NFD), then drop non-spacing marks (Mn);
/// 4. lowercase each scalar (full Unicode lowercase mapping, no context rules).
///
/// General categories (control, format, non-spacing mark) are those of Unicode 8.0, as in the
/// tables the Hugging Face tokenizer uses (see ``BertCharacterClasses``).
struct BertNormalizer: Normalizer {
    /// Remove control characters and map every whitespace character to a space (`clean_text`).
    var cleansText = true
    /// Surround CJK ideographs with spaces (`handle_chinese_chars`).
    var splitsChineseCharacters = true
    /// Decompose and drop non-spacing marks (`strip_accents`, which follows `lowercase` when null).
    var stripsAccents = true
    /// Lowercase every scalar (`lowercase`).
    var lowercases = true

    func normalize(_ text: [Unicode.Scalar]) -> [Unicode.Scalar] {
        var scalars: [Unicode.Scalar] = []
        scalars.reserveCapacity(text.count)
        for scalar in text {
            if cleansText {
                if scalar.value == 0 || scalar.value == 0xFFFD || BertCharacterClasses.isControl(scalar) { continue }
                if BertCharacterClasses.isWhitespace(scalar) {
                    scalars.append(" ")
                    continue
                }
            }
            if splitsChineseCharacters && BertCharacterClasses.isChineseCharacter(scalar) {
                scalars.append(" ")
                scalars.append(scalar)
                scalars.append(" ")
            } else {
                scalars.append(scalar)
            }
        }
        if stripsAccents {
            scalars = BertCharacterClasses.stripAccents(scalars)
        }
        if lowercases {
            scalars = LowercaseNormalizer().normalize(scalars)
        }
        return scalars
    }
}

/// The character classes of BERT's normalizer and pre-tokenizer.
enum BertCharacterClasses {
    /// Unicode White_Space, plus tab, newline and carriage return.
    static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x20, 0x09, 0x0A, 0x0D: return true
        case 0..<0x80: return (0x0B...0x0C).contains(scalar.value)
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

    /// ASCII punctuation (including symbols such as `$`, `+`, `^`) or a Unicode P* category of
    /// Unicode 8.0.
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

    /// NFD, then drop non-spacing marks (Mn) of Unicode 8.0.
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

import Foundation

/// Builds normalizers from `tokenizer.json`'s `normalizer` objects.
enum NormalizerReader {
    /// The normalizer described by `component`.
    ///
    /// - Throws: ``SentenceEncoderError/unsupportedTokenizerComponent(path:component:type:)``
    ///   for an unknown `type`, ``SentenceEncoderError/invalidTokenizer(path:component:reason:)``
    ///   for a malformed field.
    static func normalizer(_ component: JSONComponent) throws -> any Normalizer {
        switch component.type {
        case "Sequence":
            return NormalizerSequence(normalizers: try component.components("normalizers").map(normalizer))
        case "BertNormalizer":
            let lowercases = try component.bool("lowercase", default: true)
            return BertNormalizer(
                cleansText: try component.bool("clean_text", default: true),
                splitsChineseCharacters: try component.bool("handle_chinese_chars", default: true),
                stripsAccents: try component.optionalBool("strip_accents") ?? lowercases,
                lowercases: lowercases)
        case "Precompiled":
            guard let encoded = try component.optionalString("precompiled_charsmap"),
                  let data = Data(base64Encoded: encoded) else {
                throw component.invalid("\"precompiled_charsmap\" must be a base64 string")
            }
            do {
                return PrecompiledNormalizer(map: try PrecompiledCharsMap(bytes: Array(data)))
            } catch .truncated(let reason) {
                throw component.invalid("\"precompiled_charsmap\" is truncated: \(reason)")
            } catch .invalidUTF8 {
                throw component.invalid("\"precompiled_charsmap\" has replacement strings that are not UTF-8")
            }
        case "NFC", "NFD", "NFKC", "NFKD":
            return UnicodeNormalizer(form: UnicodeNormalizer.Form(rawValue: component.type!)!)
        case "Lowercase":
            return LowercaseNormalizer()
        case "StripAccents":
            return StripAccentsNormalizer()
        case "Strip":
            return StripNormalizer(left: try component.bool("strip_left", default: true),
                                   right: try component.bool("strip_right", default: true))
        case "Prepend":
            return PrependNormalizer(prefix: Array(try component.string("prepend").unicodeScalars))
        case "Replace":
            return ReplaceNormalizer(pattern: try PatternReader.pattern(component),
                                     content: Array(try component.string("content").unicodeScalars))
        default:
            throw component.unsupported()
        }
    }
}

/// Reads the `pattern` field of `Split` and `Replace`: `{"String": "…"}` or `{"Regex": "…"}`.
enum PatternReader {
    /// The pattern of `component`.
    static func pattern(_ component: JSONComponent) throws -> TextPattern {
        let pattern = try component.component("pattern")
        if pattern["String"] != nil {
            return .literal(Array(try pattern.string("String").unicodeScalars))
        }
        if pattern["Regex"] != nil {
            let text = try pattern.string("Regex")
            do {
                return .regex(try RegularExpression(text))
            } catch {
                throw component.invalid("the regular expression \(text.debugDescription) does not compile")
            }
        }
        throw component.invalid("\"pattern\" must be {\"String\": …} or {\"Regex\": …}")
    }
}

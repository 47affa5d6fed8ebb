/// Builds pre-tokenizers from `tokenizer.json`'s `pre_tokenizer` objects.
enum PreTokenizerReader {
    /// The pre-tokenizer described by `component`.
    ///
    /// - Throws: ``SentenceEncoderError/unsupportedTokenizerComponent(path:component:type:)``
    ///   for an unknown `type`, ``SentenceEncoderError/invalidTokenizer(path:component:reason:)``
    ///   for a malformed field.
    static func preTokenizer(_ component: JSONComponent) throws -> any PreTokenizer {
        switch component.type {
        case "Sequence":
            return PreTokenizerSequence(preTokenizers: try component.components("pretokenizers").map(preTokenizer))
        case "BertPreTokenizer":
            return BertPreTokenizer()
        case "Whitespace":
            return WhitespacePreTokenizer()
        case "WhitespaceSplit":
            return WhitespaceSplitPreTokenizer()
        case "Punctuation":
            return PunctuationPreTokenizer(behavior: try behavior(component, default: .isolated))
        case "Digits":
            return DigitsPreTokenizer(individualDigits: try component.bool("individual_digits", default: false))
        case "CharDelimiterSplit":
            return CharacterDelimiterPreTokenizer(delimiter: try component.scalar("delimiter"))
        case "Split":
            return SplitPreTokenizer(pattern: try PatternReader.pattern(component),
                                     behavior: try behavior(component, default: nil),
                                     invert: try component.bool("invert", default: false))
        case "Metaspace":
            return try metaspace(component)
        case "ByteLevel":
            return ByteLevelPreTokenizer(addsPrefixSpace: try component.bool("add_prefix_space", default: true),
                                         usesRegex: try component.bool("use_regex", default: true))
        default:
            throw component.unsupported()
        }
    }

    /// `Metaspace`, in its current form (`prepend_scheme`, `split`) and the older one
    /// (`add_prefix_space`, `str_rep`).
    private static func metaspace(_ component: JSONComponent) throws -> MetaspacePreTokenizer {
        var metaspace = MetaspacePreTokenizer()
        metaspace.replacement = try component.scalar("replacement")
        if let scheme = try component.optionalString("prepend_scheme") {
            guard let parsed = MetaspacePreTokenizer.PrependScheme(rawValue: scheme) else {
                throw component.invalid("\"prepend_scheme\" must be first, always or never, found \(scheme.debugDescription)")
            }
            metaspace.prependScheme = parsed
        }
        if try component.optionalBool("add_prefix_space") == false {
            if try component.optionalString("prepend_scheme") != nil && metaspace.prependScheme != .never {
                throw component.invalid("add_prefix_space does not match declared prepend_scheme")
            }
            metaspace.prependScheme = .never
        }
        metaspace.splits = try component.bool("split", default: true)
        return metaspace
    }

    /// The `behavior` field (required when `defaultValue` is `nil`).
    private static func behavior(_ component: JSONComponent, default defaultValue: SplitBehavior?) throws -> SplitBehavior {
        guard let name = try component.optionalString("behavior") else {
            guard let defaultValue else { throw component.invalid("missing \"behavior\"") }
            return defaultValue
        }
        guard let behavior = SplitBehavior(rawValue: name) else {
            throw component.invalid("unknown behavior \(name.debugDescription)")
        }
        return behavior
    }
}

/// Builds the post-processor from `tokenizer.json`'s `post_processor` object.
enum PostProcessorReader {
    /// The single-sequence template described by `component`.
    ///
    /// - Throws: ``SentenceEncoderError/unsupportedTokenizerComponent(path:component:type:)``
    ///   for an unknown `type`, ``SentenceEncoderError/invalidTokenizer(path:component:reason:)``
    ///   for a malformed field.
    static func postProcessor(_ component: JSONComponent) throws -> PostProcessor {
        switch component.type {
        case "BertProcessing", "RobertaProcessing":
            return .wrapping(first: [try tokenID(component, "cls")], last: [try tokenID(component, "sep")])
        case "TemplateProcessing":
            return try template(component)
        case "ByteLevel":
            return .identity
        case "Sequence":
            return try component.components("processors").reduce(PostProcessor.identity) { inner, next in
                try postProcessor(next).after(inner)
            }
        default:
            throw component.unsupported()
        }
    }

    /// A `["[CLS]", 101]` field's id.
    private static func tokenID(_ component: JSONComponent, _ key: String) throws -> Int32 {
        guard case .array(let pair)? = component[key], pair.count == 2, case .string = pair[0],
              let id = JSONComponent.id(pair[1]) else {
            throw component.invalid("\"\(key)\" must be [token, id]")
        }
        return id
    }

    /// `TemplateProcessing`'s `single` template (`SpecialToken` and `Sequence` pieces) with the
    /// ids of its `special_tokens`.
    private static func template(_ component: JSONComponent) throws -> PostProcessor {
        var specialIDs: [String: [Int32]] = [:]
        if !component.isAbsent("special_tokens") {
            let tokens = try component.component("special_tokens")
            for (name, value) in tokens.members {
                let token = try JSONComponent(value, path: component.path, location: "\(tokens.location).\(name)")
                let ids = try token.array("ids").map { value -> Int32 in
                    guard let id = JSONComponent.id(value) else { throw token.invalid("\"ids\" must hold token ids") }
                    return id
                }
                specialIDs[try token.optionalString("id") ?? name] = ids
            }
        }
        var parts: [PostProcessor.Part] = []
        for (index, piece) in try component.array("single").enumerated() {
            if case .string(let name)? = piece["SpecialToken"]?["id"] {
                guard let ids = specialIDs[name] else {
                    throw component.invalid("the template names \(name.debugDescription), which is not in \"special_tokens\"")
                }
                parts.append(.tokens(ids))
            } else if case .string(let id)? = piece["Sequence"]?["id"] {
                guard id == "A" else { throw component.invalid("single[\(index)] uses sequence \(id.debugDescription); only A exists for one text") }
                // Truncation keeps room for the special tokens around one copy of the text.
                guard !parts.contains(.sequence) else {
                    throw component.invalid("single[\(index)] places sequence A a second time; a single-text template holds it once")
                }
                parts.append(.sequence)
            } else {
                throw component.invalid("single[\(index)] is neither a SpecialToken nor a Sequence")
            }
        }
        return PostProcessor(parts: parts)
    }
}

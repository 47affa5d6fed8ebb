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
        guard let pair = component.object[key] as? [Any], pair.count == 2, pair[0] is String,
              let id = JSONComponent.int(pair[1]), (0...Int(Int32.max)).contains(id) else {
            throw component.invalid("\"\(key)\" must be [token, id]")
        }
        return Int32(id)
    }

    /// `TemplateProcessing`'s `single` template (pieces, or the string form `[CLS] $A [SEP]`)
    /// with the ids of its `special_tokens`.
    private static func template(_ component: JSONComponent) throws -> PostProcessor {
        var specialIDs: [String: [Int32]] = [:]
        if !component.isAbsent("special_tokens") {
            let tokens = try component.component("special_tokens")
            for (name, value) in tokens.object {
                let token = try JSONComponent(value, path: component.path, location: "\(tokens.location).\(name)")
                let ids = try token.array("ids").map { value -> Int32 in
                    guard let id = JSONComponent.int(value), (0...Int(Int32.max)).contains(id) else {
                        throw token.invalid("\"ids\" must hold token ids")
                    }
                    return Int32(id)
                }
                specialIDs[try token.optionalString("id") ?? name] = ids
            }
        }
        var names: [String?] = []  // nil: the sequence
        if let text = component.object["single"] as? String {
            for word in text.split(whereSeparator: { $0 == " " }) {
                names.append(try pieceName(String(word), component: component))
            }
        } else if let pieces = component.object["single"] as? [Any] {
            for (index, piece) in pieces.enumerated() {
                if let word = piece as? String {
                    names.append(try pieceName(word, component: component))
                } else if let object = piece as? [String: Any], let special = object["SpecialToken"] as? [String: Any],
                          let id = special["id"] as? String {
                    names.append(id)
                } else if let object = piece as? [String: Any], let sequence = object["Sequence"] as? [String: Any],
                          let id = sequence["id"] as? String {
                    guard id == "A" else { throw component.invalid("single[\(index)] uses sequence \(id.debugDescription); only A exists for one text") }
                    names.append(nil)
                } else {
                    throw component.invalid("single[\(index)] is neither a SpecialToken nor a Sequence")
                }
            }
        } else {
            throw component.invalid("\"single\" must be a template string or an array of pieces")
        }
        return PostProcessor(parts: try names.map { name -> PostProcessor.Part in
            guard let name else { return .sequence }
            guard let ids = specialIDs[name] else {
                throw component.invalid("the template names \(name.debugDescription), which is not in \"special_tokens\"")
            }
            return .tokens(ids)
        })
    }

    /// A piece of the string form: `$A`, `$`, `$0`, `$A:1` (the sequence) or `[CLS]`, `[CLS]:1`.
    private static func pieceName(_ word: String, component: JSONComponent) throws -> String? {
        var name = word
        if let colon = word.lastIndex(of: ":"), Int(word[word.index(after: colon)...]) != nil {
            name = String(word[..<colon])
        }
        guard name.hasPrefix("$") else { return name }
        let rest = name.dropFirst()
        guard rest.isEmpty || rest == "A" || rest == "a" || Int(rest) != nil else {
            throw component.invalid("the single template uses \(word.debugDescription); only $A exists for one text")
        }
        return nil
    }
}

import Foundation

/// What a `POST /v1/embeddings` request asks to embed: the `input` field, as OpenAI takes it.
///
/// - a string, or an array of strings: texts, tokenized by the model's tokenizer;
/// - an array of integers, or an array of such arrays: token ids of the model's vocabulary,
///   used as given (they are the whole model input, special tokens included — what
///   `embedq tokenize` prints).
public enum EmbeddingInputs: Sendable, Equatable {
    /// Texts to tokenize.
    case texts([String])
    /// Token id sequences, one per input.
    case tokens([[Int]])

    /// Number of inputs.
    public var count: Int {
        switch self {
        case .texts(let texts): return texts.count
        case .tokens(let sequences): return sequences.count
        }
    }
}

extension EmbeddingInputs {
    /// Checks that the token ids in the `input` of the JSON object `body` are written as integers
    /// (`7`, not `7.0`, `7e0` or `true`, which a `Decodable` integer accepts).
    ///
    /// - Throws: ``APIError`` 400 naming the first id that is not an integer literal.
    static func checkIntegerLiterals(in body: Data) throws {
        guard let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any] else { return }
        func check(_ value: Any, _ path: String) throws {
            guard let number = value as? NSNumber else { return }
            let kind = String(cString: number.objCType)
            guard kind != "d", kind != "f", kind != "c" else {
                throw APIError.invalidRequest("'\(path)': token ids must be integers, got \(number)")
            }
        }
        guard let input = object["input"] as? [Any] else { return }
        for (index, element) in input.enumerated() {
            if let inner = element as? [Any] {
                for (position, value) in inner.enumerated() { try check(value, "input[\(index)][\(position)]") }
            } else {
                try check(element, "input[\(index)]")
            }
        }
    }
}

extension EmbeddingInputs: Decodable {
    /// Decodes a string, `[string]`, `[int]` or `[[int]]`.
    ///
    /// - Throws: `DecodingError.typeMismatch` for anything else (mixed arrays, numbers that are not
    ///   integers, objects).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let text = try? container.decode(String.self) {
            self = .texts([text])
        } else if let texts = try? container.decode([String].self) {
            self = .texts(texts)
        } else if let ids = try? container.decode([Int].self) {
            self = .tokens([ids])
        } else if let sequences = try? container.decode([[Int]].self) {
            self = .tokens(sequences)
        } else {
            throw DecodingError.typeMismatch(
                EmbeddingInputs.self,
                .init(codingPath: decoder.codingPath,
                      debugDescription: "expected a string, an array of strings, an array of integer token ids or an array of such arrays"))
        }
    }
}
